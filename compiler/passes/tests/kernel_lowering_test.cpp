#include "ir/kernel.h"
#include "kernel_from_text.h"
#include "kernel_interpreter.h"
#include "passes/kernel_lowering.h"
#include "passes/pipeline.h"
#include "program_from_text.h"

#include <cmath>

namespace {

using nnc::kir::Stmt;

const char* network = R"(
neuron lif {
    parameters { tau_m = 10 ms; C_m = 250 pF; V_th = -55 mV; V_reset = -70 mV; t_ref = 2 ms }
    state { V_m = -70 mV }
    equations { V_m' = -(V_m + 70 mV) / tau_m + I_stim / C_m }
    input I_stim : pA
    on spike exc(w: mV) { V_m += w }
    on V_m >= V_th { emit spike; V_m = V_reset; refractory t_ref clamp V_m }
}
network net {
    population P = lif[3] { t_ref = 1.25 ms }
    simulate { dt = 0.5 ms; duration = 1 ms }
}
)";

TEST(KernelLowering, FusesPropagationReceptorsThresholdAndRefractoriness) {
    auto lowered = nnc::passes::run_pipeline(nnc::test::program_from_text(network));
    ASSERT_EQ(lowered.kernels.size(), 1u);
    const auto& k = lowered.kernels[0];
    EXPECT_EQ(k.name, "nnc_update_P_0");
    ASSERT_EQ(k.state_names.size(), 2u);
    EXPECT_EQ(k.state_names[0], "V_m");
    EXPECT_EQ(k.state_names[1], nnc::passes::refractory_counter_name);
    EXPECT_EQ(k.input_names, std::vector<std::string>{"I_stim"});
    EXPECT_EQ(k.receptor_names, std::vector<std::string>{"exc"});

    // The threshold is the last statement; its body emits, resets and starts the counter
    // with t_ref rounded to steps (1.25 ms / 0.5 ms -> 3 steps, NEST rounds to nearest).
    const auto& fire = k.body.back();
    ASSERT_EQ(fire.kind, Stmt::Kind::If);
    ASSERT_EQ(fire.body.size(), 3u);
    EXPECT_EQ(fire.body[0].kind, Stmt::Kind::EmitSpike);
    EXPECT_EQ(fire.body[1].kind, Stmt::Kind::SetState);
    EXPECT_EQ(fire.body[1].value->value, -70.0);
    EXPECT_EQ(fire.body[2].index, 1);
    EXPECT_EQ(fire.body[2].value->value, 3.0);
    EXPECT_EQ(nnc::passes::refractory_steps(2.0, 0.1), 20);

    // The listing shows every phase of the step in order.
    auto text = nnc::kir::to_string(k);
    auto propagate = text.find("exact propagator");
    auto receive = text.find("on spike exc");
    auto threshold = text.find("threshold");
    ASSERT_NE(propagate, std::string::npos) << text;
    ASSERT_NE(receive, std::string::npos) << text;
    ASSERT_NE(threshold, std::string::npos) << text;
    EXPECT_LT(propagate, receive);
    EXPECT_LT(receive, threshold);
}

} // namespace

// The numerical solvers, one step each, run by the reference interpreter against what the
// method computes by hand.
namespace {

using nnc::test::KernelInterpreter;
using nnc::test::NeuronValues;

std::string conductance_net(const std::string& solver, const std::string& dt) {
    return R"(
neuron coba {
    parameters { C = 250 pF; E = 0 mV; tau = 2 ms }
    state { V = -70 mV; g = 10 nS }
    equations {
        V' = g * (E - V) / C
        g' = -g / tau
    }
    )" + solver +
           R"(
}
network net {
    population P = coba[1]
    simulate { dt = )" +
           dt + R"(; duration = 1 ms }
}
)";
}

/// The value of state `name` after one step of the kernel from `state`.
double after_one_step(const nnc::kir::PopulationKernel& k, std::vector<double> state,
                      const std::string& name) {
    NeuronValues in;
    in.state = std::move(state);
    in.state.resize(k.state_names.size(), 0.0);
    in.input.assign(k.input_names.size(), 0.0);
    in.receptor.assign(k.receptor_names.size(), 0.0);
    auto out = KernelInterpreter(k).step(in);
    for (size_t j = 0; j < k.state_names.size(); ++j)
        if (k.state_names[j] == name) return out.state[j];
    ADD_FAILURE() << "no state " << name;
    return 0;
}

TEST(KernelLowering, ExponentialEulerRelaxesEachVariableWithTheOthersHeld) {
    auto k = nnc::test::kernel_after(conductance_net("solver exponential_euler", "0.5 ms"),
                                     "lower-kernels");
    const double dt = 0.5, C = 250, E = 0, tau = 2, V = -70, g = 10;
    // V' = a + b·V with a = g·E/C and b = -g/C, g held at its value at the step's start.
    EXPECT_NEAR(after_one_step(k, {V, g}, "V"), E + (V - E) * std::exp(-g / C * dt), 1e-12);
    EXPECT_NEAR(after_one_step(k, {V, g}, "g"), g * std::exp(-dt / tau), 1e-14);
    // b = 0 (no conductance): V' = a = 0, V stays.
    EXPECT_EQ(after_one_step(k, {V, 0.0}, "V"), V);
}

// x' = a + b·x with b = -1e-300 / ms: x_inf = -a/b = 1e300 mV, and x_inf + (x - x_inf)·e^(b·dt)
// would lose x entirely; the form computed keeps it.
TEST(KernelLowering, ExponentialEulerKeepsItsPrecisionWhenTheRateIsTiny) {
    auto k = nnc::test::kernel_after(R"(
neuron drift {
    state { x = 3 mV; k = 1e-300 }
    equations { x' = 1 mV / ms - k * x / ms; k' = 0 / ms }
    solver exponential_euler
}
network net {
    population P = drift[1]
    simulate { dt = 0.5 ms; duration = 1 ms }
}
)",
                                     "lower-kernels");
    EXPECT_EQ(after_one_step(k, {3.0, 1e-300}, "x"), 3.5);
}

TEST(KernelLowering, ForwardEulerTakesOneSlopeStep) {
    auto k = nnc::test::kernel_after(conductance_net("solver euler", "0.5 ms"), "lower-kernels");
    const double dt = 0.5, C = 250, E = 0, tau = 2, V = -70, g = 10;
    EXPECT_NEAR(after_one_step(k, {V, g}, "V"), V + dt * g * (E - V) / C, 1e-12);
    EXPECT_NEAR(after_one_step(k, {V, g}, "g"), g - dt * g / tau, 1e-14);
}

TEST(KernelLowering, Rkf45SubStepsWithinDtAndCarriesItsStepSize) {
    auto k = nnc::test::kernel_after(
        conductance_net("solver rkf45(atol = 1e-9, rtol = 1e-9)", "1 ms"), "lower-kernels");
    ASSERT_EQ(k.state_names.back(), nnc::passes::rkf45_step_size_name);
    bool has_loop = false;
    for (const auto& s : k.body)
        has_loop = has_loop || s.kind == Stmt::Kind::While;
    EXPECT_TRUE(has_loop) << nnc::kir::to_string(k);
    // The exact solution over 1 ms (g decays, V relaxes with the decaying conductance).
    const double C = 250, tau = 2, V = -70, g = 10, t = 1;
    const double exact = V * std::exp(-g * tau * (1 - std::exp(-t / tau)) / C);
    EXPECT_NEAR(after_one_step(k, {V, g, 0.0}, "V"), exact, 1e-8);
    const double h = after_one_step(k, {V, g, 0.0}, nnc::passes::rkf45_step_size_name);
    EXPECT_GT(h, 0.0);
    EXPECT_LE(h, 1.0);
    // A state it cannot integrate (infinite) ends the loop and is reported as NaN.
    EXPECT_TRUE(std::isnan(after_one_step(k, {INFINITY, g, 0.0}, "V")));
}

const char* adex_like = R"(
neuron expo {
    parameters { C = 281 pF; g_L = 30 nS; E_L = -70.6 mV; V_T = -50.4 mV; D = 2 mV
                 V_peak = 0 mV }
    state { V = -70.6 mV }
    equations { V' = (-g_L * (V - E_L) + g_L * D * exp((V - V_T) / D) + I) / C }
    input I : pA
    on V >= V_peak { emit spike; V = E_L }
}
network net {
    population P = expo[1]
    simulate { dt = 0.1 ms; duration = 1 ms }
}
)";

TEST(KernelLowering, AResetThresholdBoundsTheRightSidesAndStopsTheSubSteps) {
    auto k = nnc::test::kernel_after(adex_like, "lower-kernels");
    const std::string text = nnc::kir::to_string(k);
    // Every read of V in the right side is fmin(V, V_peak); the loop ends at the threshold.
    EXPECT_NE(text.find("exp((fmin(local[4], param.V_peak) - param.V_T) / param.D)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("!(local[4] >= param.V_peak))"), std::string::npos) << text;
    // Just below the peak with a large current: the step ends at the crossing, finite.
    NeuronValues in;
    in.state = {-1.0, 0.0};
    in.input = {1e4};
    auto out = KernelInterpreter(k).step(in);
    EXPECT_TRUE(out.spiked);
    EXPECT_EQ(out.state[0], -70.6) << "reset";
    EXPECT_TRUE(std::isfinite(out.state[1]));
}

TEST(KernelLowering, AThresholdWithoutResetLeavesTheEquationsAlone) {
    std::string text = adex_like;
    text.replace(text.find("emit spike; V = E_L"), 19, "emit spike");
    auto k = nnc::test::kernel_after(text, "lower-kernels");
    EXPECT_EQ(nnc::kir::to_string(k).find("fmin(local"), std::string::npos)
        << nnc::kir::to_string(k);
}

} // namespace
