#include "ir/kernel.h"
#include "passes/kernel_lowering.h"
#include "passes/pipeline.h"
#include "program_from_text.h"

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
