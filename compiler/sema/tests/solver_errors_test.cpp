// The `solver` item: what a user sees for each way of getting it wrong, and that a right
// one reaches the model IR.
#include "sema_test_util.h"

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

// A model with a nonlinear term (AdEx's exponential) and one with conductances.
std::string adex(const std::string& solver) {
    return R"(neuron adex {
    parameters { C_m = 281 pF; g_L = 30 nS; E_L = -70.6 mV; V_T = -50.4 mV; Delta_T = 2 mV }
    state { V_m = E_L }
    equations {
        V_m' = (-g_L * (V_m - E_L) + g_L * Delta_T * exp((V_m - V_T) / Delta_T)) / C_m
    }
    )" + solver +
           R"(
}
)";
}

std::string coba(const std::string& solver) {
    return R"(neuron coba {
    parameters { C_m = 250 pF; g_L = 16.7 nS; E_L = -70 mV; E_ex = 0 mV }
    state { V_m = E_L; g_ex = 0 nS }
    equations {
        V_m' = (g_L * (E_L - V_m) + g_ex * (E_ex - V_m)) / C_m
        g_ex' = -g_ex / 0.2 ms
    }
    )" + solver +
           R"(
}
)";
}

} // namespace

TEST(SolverSema, ARequestedSolverAndItsTolerancesReachTheModel) {
    Sema s;
    auto p = s.analyse(adex("solver rkf45(atol = 1e-8, rtol = 2.5e-5)"));
    ASSERT_TRUE(p) << s.text();
    const auto& m = p->models[0];
    EXPECT_EQ(m.requested_solver, ir::SolverKind::RungeKuttaFehlberg45);
    EXPECT_EQ(m.tolerance.atol, 1e-8);
    EXPECT_EQ(m.tolerance.rtol, 2.5e-5);
    EXPECT_EQ(m.solver_range.begin.line, 7u);

    Sema only_rtol;
    auto q = only_rtol.analyse(adex("solver rkf45(rtol = 1e-3)"));
    ASSERT_TRUE(q) << only_rtol.text();
    EXPECT_EQ(q->models[0].tolerance.atol, 1e-6) << "the default stays";
    EXPECT_EQ(q->models[0].tolerance.rtol, 1e-3);

    for (const char* ok : {"solver euler", "solver rk4", "solver rkf45", "solver rkf45()"}) {
        Sema t;
        EXPECT_TRUE(t.analyse(adex(ok))) << ok << "\n" << t.text();
    }
}

TEST(SolverSema, UnknownSolverSuggestsTheClosestAndListsThemAll) {
    Sema s;
    EXPECT_FALSE(s.analyse(adex("solver exponetial_euler")));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:12: error: unknown solver 'exponetial_euler'\n"));
    EXPECT_TRUE(contains(s.text(), "hint: did you mean 'exponential_euler'? the solvers are "
                                   "'exact', 'exponential_euler', 'euler', 'rk4', 'rkf45'"));
    EXPECT_EQ(s.diags.error_count(), 1u) << s.text();

    Sema t;
    EXPECT_FALSE(t.analyse(adex("solver rfk45")));
    EXPECT_TRUE(contains(t.text(), "hint: did you mean 'rkf45'?"));
}

TEST(SolverSema, OptionsOnASolverThatTakesNone) {
    Sema s;
    EXPECT_FALSE(s.analyse(adex("solver rk4(atol = 1e-3)")));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:16: error: solver 'rk4' takes no options\n"));
    EXPECT_TRUE(contains(s.text(), "hint: only rkf45 has options"));
}

TEST(SolverSema, UnknownPositionalAndRepeatedOptions) {
    Sema s;
    EXPECT_FALSE(s.analyse(adex("solver rkf45(tol = 1e-3, 1e-4, rtol = 1, rtol = 2)")));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:18: error: unknown option 'tol' of solver rkf45\n"));
    EXPECT_TRUE(contains(s.text(), "hint: did you mean 'atol'? rkf45 takes 'atol'"));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:30: error: the options of rkf45 are named\n"));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:46: error: option 'rtol' is given twice\n"));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:36: note: the first value is here\n"));
    EXPECT_EQ(s.diags.error_count(), 3u) << s.text();
}

TEST(SolverSema, ToleranceMustBeAPlainNonNegativeNumber) {
    Sema unit;
    EXPECT_FALSE(unit.analyse(adex("solver rkf45(atol = 1e-3 mV)")));
    EXPECT_TRUE(contains(unit.text(), "test.nml:7:25: error: option 'atol' must be a plain "
                                      "number, but this is mV (voltage)\n"));
    EXPECT_TRUE(contains(unit.text(), "hint: a tolerance applies to every state variable in its "
                                      "canonical unit"));

    Sema negative;
    EXPECT_FALSE(negative.analyse(adex("solver rkf45(rtol = -1e-3)")));
    EXPECT_TRUE(
        contains(negative.text(), "error: option 'rtol' must be zero or positive, not -0.001\n"));

    Sema zero;
    EXPECT_FALSE(zero.analyse(adex("solver rkf45(atol = 0, rtol = 0)")));
    EXPECT_TRUE(contains(zero.text(), "test.nml:7:5: error: rkf45 needs a tolerance above zero\n"));

    Sema parameter;
    EXPECT_FALSE(parameter.analyse(adex("solver rkf45(atol = g_L / 1 nS)")));
    EXPECT_TRUE(contains(parameter.text(), "error: a solver option is a plain number, but 'g_L' "
                                           "is a parameter\n"));
}

TEST(SolverSema, ExactOnANonlinearEquationPointsAtTheTerm) {
    Sema s;
    EXPECT_FALSE(s.analyse(adex("solver exact")));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:12: error: solver 'exact' needs linear equations "
                                   "with constant coefficients, but the equation of V_m is not "
                                   "linear\n"));
    EXPECT_TRUE(contains(s.text(), "hint: leave out the `solver` item and nnc uses rkf45 (the "
                                   "equations are nonlinear)\n"));
    // The note's caret is under exp(...).
    EXPECT_TRUE(contains(s.text(), "test.nml:5:54: note: this term is not linear: it is exp() "
                                   "of a quantity that changes in time\n"));
    EXPECT_EQ(s.diags.error_count(), 1u) << s.text();
}

TEST(SolverSema, ExactOnConductancesNamesTheProductAndSuggestsExponentialEuler) {
    Sema s;
    EXPECT_FALSE(s.analyse(coba("solver exact")));
    EXPECT_TRUE(contains(s.text(), "but the equation of V_m is not linear\n"));
    EXPECT_TRUE(contains(s.text(), "test.nml:5:37: note: this term is not linear: it multiplies "
                                   "two quantities that change in time\n"));
    EXPECT_TRUE(contains(s.text(), "hint: leave out the `solver` item and nnc uses "
                                   "exponential_euler (each equation is linear in its own "
                                   "variable)\n"));
}

TEST(SolverSema, ExponentialEulerNeedsEachEquationLinearInItsOwnVariable) {
    Sema fine;
    EXPECT_TRUE(fine.analyse(coba("solver exponential_euler"))) << fine.text();

    Sema s;
    EXPECT_FALSE(s.analyse(adex("solver exponential_euler")));
    EXPECT_TRUE(contains(s.text(), "error: solver 'exponential_euler' needs every equation to be "
                                   "linear in its own variable, but the equation of V_m is not "
                                   "linear in V_m\n"));
    EXPECT_TRUE(contains(s.text(), "note: this term is not linear in V_m: it is exp() of a "
                                   "quantity that depends on V_m\n"));
}

TEST(SolverSema, OnlyOneSolverPerNeuron) {
    Sema s;
    EXPECT_FALSE(s.analyse(adex("solver rk4\n    solver euler")));
    EXPECT_TRUE(contains(s.text(), "test.nml:8:5: error: a neuron can have only one solver\n"));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:5: note: the first solver is here\n"));
}
