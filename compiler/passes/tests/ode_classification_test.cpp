// The three classes of ODE system and the solver each gets, the user's choice
// overriding the compiler's, and the decomposition x' = a + b·x that exponential
// Euler is built on.
#include "ir/evaluate.h"
#include "ir/linearity.h"
#include "ir/model_printer.h"
#include "passes/ode_classification.h"
#include "program_from_text.h"

#include <gtest/gtest.h>

namespace {

using nnc::ir::SolverKind;

const char* models = R"(
neuron lin {
    parameters { tau = 10 ms; C = 250 pF }
    state { x = 1 mV; I = 0 pA }
    equations { x' = -x / tau + (I + I_in) / C; I' = -I / 2 ms }
    input I_in : pA
}
neuron conductance {
    parameters { C = 250 pF; g_L = 16.7 nS; E_L = -70 mV; E_ex = 0 mV }
    state { V = -70 mV; g = 0 nS }
    equations {
        V' = (g_L * (E_L - V) + g * (E_ex - V)) / C
        g' = -g / 0.2 ms
    }
}
neuron gate {
    state { V = -65 mV; m = 0.05 }
    equations {
        V' = -(V + 65 mV) / 10 ms
        m' = 0.1 / ms * (V + 40 mV) / (1 mV - exp(-(V + 40 mV) / 10 mV) * 1 mV) * (1 - m)
             - 4 / ms * exp(-(V + 65 mV) / 18 mV) * m
    }
}
neuron quad {
    parameters { c = 10 mV * ms }
    state { x = 1 mV }
    equations { x' = -x * x / c }
}
neuron expo {
    parameters { tau = 10 ms; a = 2 mV }
    state { x = 1 mV }
    equations { x' = exp(x / a) * a / tau }
}
)";

TEST(OdeClassification, EachClassGetsItsSolver) {
    auto program = nnc::test::program_from_text(models);
    nnc::passes::classify_odes(program);
    ASSERT_EQ(program.models.size(), 5u);
    EXPECT_EQ(program.models[0].solver, SolverKind::ExactLinear);
    EXPECT_EQ(program.models[1].solver, SolverKind::ExponentialEuler); // g·(E - V)
    EXPECT_EQ(program.models[2].solver, SolverKind::ExponentialEuler); // an HH gate
    EXPECT_EQ(program.models[3].solver, SolverKind::RungeKuttaFehlberg45);
    EXPECT_EQ(program.models[4].solver, SolverKind::RungeKuttaFehlberg45);
    for (const auto& m : program.models)
        EXPECT_EQ(m.requested_solver, SolverKind::Auto) << m.name;
}

TEST(OdeClassification, ASolverItemOverridesTheChoice) {
    auto program = nnc::test::program_from_text(R"(
neuron a { state { x = 1 mV } equations { x' = -x / 10 ms } solver rk4 }
neuron b { state { x = 1 mV } equations { x' = -x * x / 10 mV / ms } solver euler }
neuron c { state { x = 1 mV } equations { x' = -x / 10 ms } solver rkf45(atol = 1e-9, rtol = 0) }
neuron d { state { x = 1 mV; g = 1 } equations { x' = -g * x / 10 ms } solver exponential_euler }
)");
    nnc::passes::classify_odes(program);
    EXPECT_EQ(program.models[0].solver, SolverKind::RungeKutta4);
    EXPECT_EQ(program.models[0].requested_solver, SolverKind::RungeKutta4);
    EXPECT_EQ(program.models[1].solver, SolverKind::ForwardEuler);
    EXPECT_EQ(program.models[2].solver, SolverKind::RungeKuttaFehlberg45);
    EXPECT_EQ(program.models[2].tolerance.atol, 1e-9);
    EXPECT_EQ(program.models[2].tolerance.rtol, 0.0);
    EXPECT_EQ(program.models[3].solver, SolverKind::ExponentialEuler);
}

TEST(OdeClassification, DefaultTolerancesAreNestsAbsoluteOneAndTheSameRelative) {
    auto program = nnc::test::program_from_text(
        "neuron q { state { x = 1 mV } equations { x' = -x * x / 10 mV / ms } }");
    EXPECT_EQ(program.models[0].tolerance.atol, 1e-6);
    EXPECT_EQ(program.models[0].tolerance.rtol, 1e-6);
}

// V' = (g_L·(E_L - V) + g·(E_ex - V)) / C is a + b·V with a = (g_L·E_L + g·E_ex)/C and
// b = -(g_L + g)/C, both over g alone.
TEST(OdeClassification, ConductanceEquationSplitsIntoOffsetAndSlope) {
    auto program = nnc::test::program_from_text(models);
    const auto& m = program.models[1];
    const auto& ode = m.odes[0];
    auto parts = nnc::ir::affine_in_state(ode.rhs, ode.state);
    ASSERT_TRUE(parts);
    ASSERT_TRUE(parts->offset && parts->slope);
    EXPECT_TRUE(nnc::ir::is_free_of_state(*parts->offset, ode.state));
    EXPECT_TRUE(nnc::ir::is_free_of_state(*parts->slope, ode.state));
    const std::vector<double> params = {250, 16.7, -70, 0};
    const double g = 3.5;
    const std::vector<double> states = {-1e9, g}; // V must not matter
    auto a = nnc::ir::evaluate(*parts->offset, {params, states, {}, {}});
    auto b = nnc::ir::evaluate(*parts->slope, {params, states, {}, {}});
    ASSERT_TRUE(a && b);
    EXPECT_NEAR(*a, (16.7 * -70 + g * 0) / 250, 1e-12);
    EXPECT_NEAR(*b, -(16.7 + g) / 250, 1e-15);
    EXPECT_EQ(nnc::ir::ode_class(m.odes), nnc::ir::OdeClass::ConditionallyLinear);
}

TEST(OdeClassification, TheTermThatBreaksLinearityIsFound) {
    auto program = nnc::test::program_from_text(models);
    // g·(E_ex - V): a product of two time-varying factors.
    const auto* term = nnc::ir::nonaffine_term(*program.models[1].odes[0].rhs);
    ASSERT_NE(term, nullptr);
    EXPECT_EQ(term->op, nnc::ir::Op::Mul);
    EXPECT_EQ(nnc::ir::nonaffine_term_in_state(*program.models[1].odes[0].rhs, 0), nullptr);
    // exp(x / a) in x' is not linear in x.
    const auto* e = nnc::ir::nonaffine_term_in_state(*program.models[4].odes[0].rhs, 0);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->op, nnc::ir::Op::Call);
    EXPECT_EQ(e->fn, "exp");
    EXPECT_FALSE(nnc::ir::affine_in_state(program.models[3].odes[0].rhs, 0)); // x·x
}

TEST(OdeClassification, DumpIrShowsTheSolverAndWhoChoseIt) {
    auto program = nnc::test::program_from_text(std::string(models) + R"(
neuron requested { state { x = 1 mV } equations { x' = -x / 10 ms } solver rkf45(rtol = 1e-4) }
)");
    nnc::passes::classify_odes(program);
    const std::string text = nnc::ir::print_program(program);
    for (const char* line : {
             "neuron lin  # solver: exact propagator (linear system)\n",
             "neuron conductance  # solver: exponential Euler (conditionally linear system)\n",
             "neuron quad  # solver: adaptive RKF45 (nonlinear system), atol = 1e-06, rtol = "
             "1e-06\n",
             "neuron requested  # solver: adaptive RKF45, atol = 1e-06, rtol = 0.0001, "
             "requested by `solver rkf45`\n",
         })
        EXPECT_NE(text.find(line), std::string::npos) << line << "\nin\n" << text;
}

} // namespace
