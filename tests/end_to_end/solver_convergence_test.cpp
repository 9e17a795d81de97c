// Each numerical solver against a closed-form solution, compiled and run as a user runs
// them (models/solver_convergence.nml): RK4's error falls as dt^4 and forward Euler's as
// dt, exponential Euler is exact for a linear equation with constant coefficients and first
// order on a coupled conductance system, and RKF45 meets its tolerance whatever dt is.
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <string>

namespace {

using nnc::test::CompiledNetwork;

constexpr double kT = 2.0; // ms: where every solution is compared

// Population indices in solver_convergence.nml.
enum Pop : uint32_t { Rk4, Euler, Rkf45Tight, Rkf45Default, Exponential, Conductance };

double quadratic_exact(double t) {
    const double x0 = 1, c = 1; // mV, mV·ms
    return x0 / (1 + x0 * t / c);
}

double relaxation_exact(double t) {
    const double E = -70, tau = 7;
    return E * (1 - std::exp(-t / tau));
}

double conductance_v_exact(double t) {
    const double g0 = 100, tau_g = 2, C = 250, E = 0, V0 = -70;
    return E + (V0 - E) * std::exp(-g0 * tau_g * (1 - std::exp(-t / tau_g)) / C);
}

/// |numerical - exact| at kT for every population, run with time step `dt`.
struct Errors {
    double rk4, euler, rkf45_tight, rkf45_default, exponential, conductance;
};

CompiledNetwork compile(double dt) {
    return CompiledNetwork::from_file(NNC_TEST_MODELS "/solver_convergence.nml",
                                      {{"step", fmt::format("{} ms", dt)}});
}

Errors errors_at(double dt) {
    auto net = compile(dt);
    auto& sim = net.simulation();
    sim.run(kT);
    EXPECT_NEAR(sim.time_ms(), kT, 1e-9);
    auto at = [&](Pop p, const char* state) { return sim.state(p, net.state_index(p, state))[0]; };
    const double x = quadratic_exact(kT);
    return {std::abs(at(Rk4, "x") - x),
            std::abs(at(Euler, "x") - x),
            std::abs(at(Rkf45Tight, "x") - x),
            std::abs(at(Rkf45Default, "x") - x),
            std::abs(at(Exponential, "y") - relaxation_exact(kT)),
            std::abs(at(Conductance, "V") - conductance_v_exact(kT))};
}

TEST(SolverConvergence, ModelsGetTheSolversTheyAskForOrTheCompilersChoice) {
    auto net = compile(0.1);
    const auto& models = net.lowered().program.models;
    using nnc::ir::SolverKind;
    EXPECT_EQ(models[Rk4].solver, SolverKind::RungeKutta4);
    EXPECT_EQ(models[Euler].solver, SolverKind::ForwardEuler);
    EXPECT_EQ(models[Rkf45Tight].solver, SolverKind::RungeKuttaFehlberg45);
    EXPECT_EQ(models[Rkf45Default].solver, SolverKind::RungeKuttaFehlberg45); // x^2: nonlinear
    EXPECT_EQ(models[Exponential].solver, SolverKind::ExponentialEuler);
    EXPECT_EQ(models[Conductance].solver, SolverKind::ExponentialEuler); // g·(E - V)
}

TEST(SolverConvergence, Rk4IsFourthOrderAndEulerFirstOrder) {
    const Errors coarse = errors_at(0.1), mid = errors_at(0.05), fine = errors_at(0.025);
    // Halving dt divides the error by 2^4 = 16 for RK4 and by 2 for forward Euler.
    for (auto [a, b] : {std::pair{coarse, mid}, std::pair{mid, fine}}) {
        const double rk4_ratio = a.rk4 / b.rk4, euler_ratio = a.euler / b.euler;
        EXPECT_GT(rk4_ratio, 12.0);
        EXPECT_LT(rk4_ratio, 20.0);
        EXPECT_GT(euler_ratio, 1.8);
        EXPECT_LT(euler_ratio, 2.2);
        const double conductance_ratio = a.conductance / b.conductance;
        EXPECT_GT(conductance_ratio, 1.8) << "exponential Euler on g·(E - V) is first order";
        EXPECT_LT(conductance_ratio, 2.2);
    }
    // The sizes: RK4 at dt = 0.1 ms is already accurate to about 1e-7 of x(2 ms) = 1/3 mV.
    EXPECT_LT(coarse.rk4, 1e-6);
    EXPECT_GT(coarse.euler, 1e-3);
    EXPECT_LT(coarse.euler, 2e-2);
    std::printf("errors at x(2 ms), dt = 0.1/0.05/0.025 ms: RK4 %.3g %.3g %.3g, Euler %.3g %.3g "
                "%.3g, exponential Euler on g(E - V) %.3g %.3g %.3g\n",
                coarse.rk4, mid.rk4, fine.rk4, coarse.euler, mid.euler, fine.euler,
                coarse.conductance, mid.conductance, fine.conductance);
}

TEST(SolverConvergence, ExponentialEulerIsExactForALinearEquationWithConstantCoefficients) {
    for (double dt : {0.1, 0.5, 1.0}) {
        EXPECT_LT(errors_at(dt).exponential, 1e-12) << "dt = " << dt;
    }
}

TEST(SolverConvergence, Rkf45MeetsItsToleranceWhateverTheTimeStep) {
    for (double dt : {0.1, 0.5, 1.0}) {
        const Errors e = errors_at(dt);
        std::printf("RKF45 error at dt = %g ms: %.3g (tolerances 1e-10), %.3g (1e-6)\n", dt,
                    e.rkf45_tight, e.rkf45_default);
        // The global error stays within a few multiples of the per-step tolerance: it does
        // not grow with dt, unlike a fixed-step method's.
        EXPECT_LT(e.rkf45_tight, 1e-9) << "atol = rtol = 1e-10, dt = " << dt;
        EXPECT_LT(e.rkf45_default, 1e-5) << "atol = rtol = 1e-6, dt = " << dt;
        EXPECT_LT(e.rkf45_tight, e.rkf45_default) << "dt = " << dt;
    }
    // At dt = 1 ms, RK4 with one step per dt is far off; RKF45 sub-steps instead.
    EXPECT_GT(errors_at(1.0).rk4, 1e-4);
}

TEST(SolverConvergence, Rkf45CarriesItsStepSizeFromOneStepToTheNext) {
    auto net = compile(1.0);
    auto& sim = net.simulation();
    const auto& h = sim.state(Rkf45Tight, net.state_index(Rkf45Tight, "rkf45_step_size"));
    EXPECT_EQ(h[0], 0.0) << "starts at 0: try dt";
    sim.run(1.0);
    // A step proposed by the error control: well below dt at atol = rtol = 1e-10.
    EXPECT_GT(h[0], 1e-4);
    EXPECT_LT(h[0], 0.5);
}

} // namespace
