#include "ir/evaluate.h"
#include "passes/ode_classification.h"
#include "passes/propagator.h"
#include "program_from_text.h"

#include <cmath>

namespace {

using nnc::passes::compute_propagator;

// V' = -V/tau_m + (I + I_e)/C_m, I' = -I/tau_s: the propagator of iaf_psc_exp.
nnc::ir::Program psc_exp(double tau_m, double tau_s) {
    return nnc::test::program_from_text(
        "neuron n {\n"
        "  parameters { C_m = 250 pF; tau_m = " +
        std::to_string(tau_m) + " ms; tau_s = " + std::to_string(tau_s) +
        " ms; I_e = 100 pA }\n"
        "  state { V = 0 mV; I = 0 pA }\n"
        "  equations { V' = -V / tau_m + (I + I_e + I_x) / C_m; I' = -I / tau_s }\n"
        "  input I_x : pA\n"
        "}\n");
}

std::vector<double> defaults(const nnc::ir::NeuronModel& m) {
    std::vector<double> p;
    for (const auto& par : m.parameters)
        p.push_back(
            nnc::ir::evaluate(*par.default_value, nnc::ir::Bindings{p, {}, {}, {}}).value());
    return p;
}

TEST(Propagator, MatchesTheClosedFormOfIafPscExp) {
    const double tau_m = 10, tau_s = 2, C = 250, h = 0.1;
    auto program = psc_exp(tau_m, tau_s);
    const auto& m = program.models[0];
    auto P = compute_propagator(m, defaults(m), h);
    ASSERT_EQ(P.rows.size(), 2u);
    const auto& V = P.rows[0];
    const auto& I = P.rows[1];
    EXPECT_NEAR(V.coef[0], std::exp(-h / tau_m), 1e-15);
    EXPECT_NEAR(V.coef[1],
                tau_m * tau_s / (C * (tau_s - tau_m)) *
                    (std::exp(-h / tau_s) - std::exp(-h / tau_m)),
                1e-15);
    // Input and constant current act through (tau_m/C)(1 - exp(-h/tau_m)).
    EXPECT_NEAR(V.coef[2], tau_m / C * (1 - std::exp(-h / tau_m)), 1e-15);
    EXPECT_NEAR(V.constant, 100 * tau_m / C * (1 - std::exp(-h / tau_m)), 1e-13);
    EXPECT_NEAR(I.coef[1], std::exp(-h / tau_s), 1e-15);
    // I does not depend on V or on the input: exactly zero, not rounding noise.
    EXPECT_EQ(I.coef[0], 0.0);
    EXPECT_EQ(I.coef[2], 0.0);
    EXPECT_EQ(I.constant, 0.0);
}

TEST(Propagator, EqualTimeConstantsNeedNoSpecialCase) {
    const double tau = 5, C = 250, h = 0.1;
    auto program = psc_exp(tau, tau);
    const auto& m = program.models[0];
    auto P = compute_propagator(m, defaults(m), h);
    // The limit tau_s -> tau_m of the closed form: (h/C)·exp(-h/tau).
    EXPECT_NEAR(P.rows[0].coef[1], h / C * std::exp(-h / tau), 1e-15);
    EXPECT_TRUE(std::isfinite(P.rows[0].coef[1]));
}

TEST(Propagator, AffineFormRefusesANonlinearEquation) {
    auto program =
        nnc::test::program_from_text("neuron quad { parameters { tau = 10 ms } state { x = 1 }\n"
                                     "  equations { x' = -x * x / tau } }\n");
    EXPECT_FALSE(nnc::passes::affine_form(*program.models[0].odes[0].rhs, 1, 0, {10.0}));
}

} // namespace
