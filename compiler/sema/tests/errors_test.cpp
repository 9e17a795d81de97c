// One test per class of error: the message, where it points (line:col) and the hint.
#include "sema_test_util.h"

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

// A small valid model that the network tests below build on.
const char* lif = R"(neuron lif {
    parameters { C_m = 250 pF; tau_m = 10 ms; E_L = -70 mV; V_th = -55 mV }
    state { V_m = E_L; I_syn = 0 pA }
    equations {
        V_m' = -(V_m - E_L) / tau_m + (I_syn + I_stim) / C_m
        I_syn' = -I_syn / 2 ms
    }
    input I_stim : pA
    on spike exc(w: pA) { I_syn += w }
    on spike inh(w: pA) { I_syn += w }
    on V_m >= V_th { emit spike; V_m = E_L; refractory 2 ms clamp V_m }
}
)";

std::string with_lif(const std::string& network) {
    return std::string(lif) + network;
}

} // namespace

TEST(SemaErrors, UnknownNameWithSuggestion) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { tau_m = 10 ms }
    state { V = 0 mV }
    equations { V' = -V / tau_n }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:4:27: error: unknown name 'tau_n'\n"));
    EXPECT_TRUE(contains(s.text(), "hint: did you mean 'tau_m'?"));
    EXPECT_EQ(s.diags.error_count(), 1u) << s.text();
}

TEST(SemaErrors, DimensionMismatchInAnEquationNamesBothSides) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { C_m = 250 pF; tau_m = 10 ms }
    state { V_m = 0 mV; I = 0 pA }
    equations {
        V_m' = I
        I' = -I / tau_m
    }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:5:16: error: dimension mismatch in the equation of "
                                   "V_m: the left side V_m' is mV/ms (voltage/time), the right "
                                   "side is pA (current)\n"));
    EXPECT_EQ(s.diags.error_count(), 1u) << s.text();
}

TEST(SemaErrors, DimensionMismatchInAnOperation) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { E_L = -70 mV; I_e = 5 pA }
    state { V_m = E_L + I_e }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:3:19: error: dimension mismatch: left side is mV "
                                   "(voltage), right side is pA (current)\n"));
}

TEST(SemaErrors, BareNumberMeetingAQuantityGetsAUnitHint) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    state { I = 0 pA }
    on I > 0 { I = 0 pA }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:3:8: error: dimension mismatch: left side is pA "
                                   "(current), right side is dimensionless\n"));
    EXPECT_TRUE(contains(s.text(), "hint: write `0 pA`"));
}

TEST(SemaErrors, ParameterWithoutAUnit) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters {
        E_L = -70 mV
        tau_m = 10
    }
    state { V_m = E_L }
    equations { V_m' = -(V_m - E_L) / tau_m }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:7:24: error: dimension mismatch in the equation of "
                                   "V_m: the left side V_m' is mV/ms (voltage/time), the right "
                                   "side is mV (voltage)\n"));
    EXPECT_TRUE(contains(s.text(), "hint: parameter 'tau_m' has no unit (declared at "
                                   "test.nml:4:9); did you mean `10 ms`?\n"));
}

TEST(SemaErrors, ParameterWithoutAUnitInsideASum) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { C_m = 250; E_L = -70 mV; tau_m = 10 ms }
    state { V_m = E_L }
    input I : pA
    equations { V_m' = -(V_m - E_L) / tau_m + I / C_m }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:5:24: error: dimension mismatch: left side is mV/ms "
                                   "(voltage/time), right side is pA (current)\n"));
    EXPECT_TRUE(contains(s.text(), "hint: parameter 'C_m' has no unit (declared at "
                                   "test.nml:2:18); did you mean `250 pF`?\n"));
}

TEST(SemaErrors, WrongReceptorInAProjection) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    project P -> P { connect = all_to_all(); weight = 1 pA; receptor = exx }
}
)"));
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:15:72: error: neuron 'lif' of population 'P' has no "
                                   "receptor 'exx'\n"));
    EXPECT_TRUE(contains(s.text(), "hint: did you mean 'exc'?"));
    EXPECT_EQ(s.diags.error_count(), 1u) << s.text();
}

TEST(SemaErrors, ReceptorRequiredWhenThereAreSeveral) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    project P -> P { connect = all_to_all(); weight = 1 pA }
}
)"));
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:15:5: error: population 'P' (neuron 'lif') has "
                                   "several receptors (exc, inh); say which one\n"));
    EXPECT_TRUE(contains(s.text(), "hint: for example `receptor = exc`"));
}

TEST(SemaErrors, WeightOfTheWrongDimension) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    project P -> P { connect = all_to_all(); weight = 0.5 mV; receptor = exc }
}
)"));
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:15:55: error: dimension mismatch: the weight of "
                                   "receptor 'exc' of neuron 'lif' is pA (current), but this "
                                   "value is mV (voltage)\n"));
}

TEST(SemaErrors, UnknownModel) {
    Sema s;
    auto p = s.analyse(R"(network net {
    population P = iaf_psc_exp[10]
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:2:20: error: unknown neuron model 'iaf_psc_exp'\n"));
    EXPECT_TRUE(contains(s.text(), "hint: import the file that defines it, e.g. `import "
                                   "\"stdlib/neurons/iaf_psc_exp.nml\"`"));

    Sema typo;
    p = typo.analyse("network net { population P = iaf_psc_delt[10] }\n",
                     {"stdlib/neurons/iaf_psc_delta.nml"});
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(typo.text(), "error: unknown neuron model 'iaf_psc_delt'"));
    EXPECT_TRUE(contains(typo.text(), "hint: did you mean 'iaf_psc_delta'?"));
}

TEST(SemaErrors, OverrideOfAnUnknownConstant) {
    Sema s;
    auto p = s.analyse_file("examples/brunel2000.nml", {"sacle=0.2"});
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "<command line>:1:1: error: no constant 'sacle' in network "
                                   "'brunel2000'\n"));
    EXPECT_TRUE(contains(s.text(), "hint: did you mean 'scale'?"));

    Sema far;
    p = far.analyse_file("examples/brunel2000.nml", {"xyz=1"});
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(far.text(), "hint: its constants are: scale, g, eta, epsilon, N_E"));
}

TEST(SemaErrors, OverrideOfTheWrongDimension) {
    Sema s;
    auto p = s.analyse_file("examples/brunel2000.nml", {"J=0.1"});
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "<command line>:1:1: error: dimension mismatch in -D J: 'J' "
                                   "is mV (voltage), the new value is dimensionless\n"));
    EXPECT_TRUE(contains(s.text(), "hint: write `0.1 mV`"));
}

TEST(SemaErrors, OverrideThatUsesItsOwnOrALaterConstant) {
    Sema s;
    auto p = s.analyse_file("examples/brunel2000.nml", {"N_E=2*N_E"});
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "<command line>:1:3: error: constant 'N_E' is not defined "
                                   "before `let N_E`\n"))
        << s.text();
    EXPECT_TRUE(contains(s.text(), "hint: a -D value may use the constants defined above `let "
                                   "N_E`"));
    Sema ok;
    EXPECT_TRUE(ok.analyse_file("examples/brunel2000.nml", {"N_E=8000*scale"})) << ok.text();
}

TEST(SemaErrors, ReceptorHandlerThatScales) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    state { I_ex = 0 pA }
    equations { I_ex' = -I_ex / 2 ms }
    on spike exc(w: pA) { I_ex *= w }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:4:27: error: a receptor handler must add a multiple "
                                   "of the spike weight to a state variable\n"));
    EXPECT_TRUE(contains(s.text(), "hint: `*=` scales the variable instead; write `I_ex += w` or "
                                   "`I_ex += c * w`"));
    EXPECT_EQ(s.diags.error_count(), 1u) << s.text();
}

TEST(SemaErrors, ReceptorHandlerMustBeLinearInTheWeight) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    state { I_ex = 0 pA; g = 1 }
    on spike exc(w: 1) {
        g *= w
        I_ex += 1 pA
        g += w * w
        g = w
        g += 2 * w
        g = g + exp(w) - 1
    }
}
)");
    EXPECT_FALSE(p);
    const std::string msg =
        "error: a receptor handler must add a multiple of the spike weight to a state variable\n";
    EXPECT_TRUE(contains(s.text(), "test.nml:4:9: " + msg));
    EXPECT_TRUE(contains(s.text(), "test.nml:5:9: " + msg));
    EXPECT_TRUE(contains(s.text(), "test.nml:6:9: " + msg));
    EXPECT_TRUE(contains(s.text(), "test.nml:7:9: " + msg));
    EXPECT_TRUE(contains(s.text(), "test.nml:9:9: " + msg));
    EXPECT_TRUE(contains(s.text(), "hint: `*=` scales the variable instead; write `g += w`"));
    EXPECT_TRUE(contains(s.text(), "hint: the increment does not depend on the weight 'w'"));
    EXPECT_TRUE(contains(s.text(), "hint: the increment is not proportional to the weight 'w'"));
    EXPECT_TRUE(contains(s.text(), "hint: this assignment does not add to the variable"));
    EXPECT_EQ(s.diags.error_count(), 5u) << s.text();
}

TEST(SemaErrors, ReceptorIncrementOfTheWrongDimension) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    state { V_m = 0 mV }
    on spike exc(w: pA) { V_m += w }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:3:34: error: dimension mismatch in the assignment to "
                                   "V_m: V_m is mV (voltage), the right side is pA (current)\n"));
}

TEST(SemaErrors, DuplicateParameter) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters {
        C_m = 250 pF
        C_m = 200 pF
    }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:4:9: error: duplicate name 'C_m' in neuron 'n'\n"));
    EXPECT_TRUE(contains(s.text(), "test.nml:3:9: note: 'C_m' is first declared here\n"));
}

TEST(SemaErrors, DuplicateModel) {
    Sema s;
    auto p = s.analyse("neuron iaf_psc_delta { }\n", {"stdlib/neurons/iaf_psc_delta.nml"});
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:1:8: error: neuron model 'iaf_psc_delta' is defined "
                                   "twice\n"));
    EXPECT_TRUE(contains(s.text(), "iaf_psc_delta.nml:4:8: note: the first definition is here"));
}

TEST(SemaErrors, DelayShorterThanTheTimeStep) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    project P -> P { connect = all_to_all(); weight = 1 pA; delay = 0.05 ms; receptor = exc }
    simulate { dt = 0.1 ms }
}
)"));
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:15:69: error: delay 0.05 ms is shorter than the "
                                   "time step 0.1 ms\n"));
}

TEST(SemaErrors, NotAStateVariable) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { tau = 1 ms }
    state { V = 0 mV }
    equations { U' = -V / tau; tau' = 1 }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:4:17: error: 'U' is not a state variable\n"));
    EXPECT_TRUE(contains(s.text(), "test.nml:4:32: error: 'tau' is not a state variable\n"));
    EXPECT_TRUE(contains(s.text(), "hint: 'tau' is a parameter, which is constant"));
}

TEST(SemaErrors, NetworkLayerProblems) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    let N = 10.5
    population P = lif[N] { tau_m = 10 mV; V_x = 1 mV }
    population Q = lif[4]
    project P -> Q { connect = one_to_one(); weight = 1 pA; receptor = exc }
    project P -> R { connect = fixed_probability(1.5); weight = 1 pA; receptor = exc }
    stimulate Q with poison(rate = 5 Hz) weight 1 pA receptor exc
    stimulate Q with poisson(rate = 5 mV) weight 1 pA receptor exc
    record voltage of Q
})"));
    EXPECT_FALSE(p);
    const auto t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:15:24: error: the size of a population must be a "
                            "non-negative whole number, not 10.5\n"));
    EXPECT_TRUE(contains(t, "test.nml:15:37: error: dimension mismatch: parameter 'tau_m' of "
                            "lif is ms (time), but this value is mV (voltage)\n"));
    EXPECT_TRUE(contains(t, "test.nml:15:44: error: neuron 'lif' has no parameter or state "
                            "variable 'V_x'\n"));
    EXPECT_TRUE(contains(t, "hint: did you mean 'V_m'?"));
    EXPECT_TRUE(contains(t, "test.nml:18:18: error: unknown population 'R'\n"));
    EXPECT_TRUE(contains(t, "test.nml:18:50: error: a connection probability must be between 0 "
                            "and 1, not 1.5\n"));
    EXPECT_TRUE(contains(t, "test.nml:19:22: error: unknown generator 'poison'\n"));
    EXPECT_TRUE(contains(t, "test.nml:20:37: error: dimension mismatch: a rate is 1/ms (rate), "
                            "but this value is mV (voltage)\n"));
    EXPECT_TRUE(contains(t, "test.nml:21:12: error: 'voltage' is not a state variable of model "
                            "'lif' (population 'Q')\n"));
}

TEST(SemaErrors, OneToOneNeedsEqualSizes) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    population Q = lif[4]
    project P -> Q { connect = one_to_one(); weight = 1 pA; receptor = exc }
})"));
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:16:32: error: one_to_one() needs populations of "
                                   "equal size, but 'P' has 10 neurons and 'Q' has 4\n"));
}

TEST(SemaErrors, SeveralErrorsInOneFileAreAllReported) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { C_m = 250 pF; C_m = 1 pF; tau = 10 ms }
    state { V = 0 mV; I = 0 pA }
    equations {
        V' = -V / tau + I / C_n
        I' = V / tau
    }
    on spike exc(w: pA) { I *= w }
}
network net {
    population P = m[1]
    simulate { dt = -1 ms }
}
)");
    EXPECT_FALSE(p);
    const auto t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:2:32: error: duplicate name 'C_m'"));
    EXPECT_TRUE(contains(t, "test.nml:5:29: error: unknown name 'C_n'"));
    EXPECT_TRUE(contains(t, "test.nml:6:14: error: dimension mismatch in the equation of I"));
    EXPECT_TRUE(contains(t, "test.nml:8:27: error: a receptor handler must add a multiple of "
                            "the spike weight"));
    EXPECT_TRUE(contains(t, "test.nml:11:20: error: unknown neuron model 'm'"));
    EXPECT_TRUE(contains(t, "test.nml:12:21: error: the time step must be positive"));
    EXPECT_EQ(s.diags.error_count(), 6u) << t;
}

TEST(SemaErrors, ConstantsAreVisibleAfterTheirLet) {
    Sema s;
    auto p = s.analyse(R"(network net {
    let a = b
    let b = 2
    let b = 3
    let c = 1 / (b - 2)
})");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:2:13: error: constant 'b' is used before its `let`"));
    EXPECT_TRUE(contains(s.text(), "test.nml:4:9: error: constant 'b' is already defined"));
    EXPECT_TRUE(contains(s.text(), "test.nml:5:13: error: division by zero"));
}

TEST(SemaErrors, RefractoryAndThresholdRules) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    state { V = 0 mV }
    on V { refractory 2 mV; emit spike; V *= 2 mV }
    on spike exc(w: mV) { V += w; emit spike }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:3:8: error: the threshold condition must be a "
                                   "comparison"));
    EXPECT_TRUE(contains(s.text(), "test.nml:3:23: error: a refractory period is a time, but this "
                                   "is mV (voltage)"));
    EXPECT_TRUE(contains(s.text(), "test.nml:3:46: error: `*=` needs a dimensionless factor, but "
                                   "the right side is mV (voltage)"));
    EXPECT_TRUE(contains(s.text(), "test.nml:4:35: error: `emit` is not allowed in a receptor "
                                   "handler"));
}

TEST(SemaErrors, AUnitThatDiffersByCaseFromTheWantedOneIsPointedOut) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network n {
    population P = lif[10] { tau_m = 5 mS; V_m = 1 MV }
}
)"));
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:14:38: error: dimension mismatch: parameter 'tau_m' "
                                   "of lif is ms (time), but this value is nS (conductance)\n"))
        << s.text();
    EXPECT_TRUE(contains(s.text(), "hint: `mS` is a unit of conductance; did you mean `ms`?\n"))
        << s.text();
    EXPECT_EQ(s.diags.error_count(), 1u) << "1 MV is a voltage, if a large one: " << s.text();
}

TEST(SemaErrors, ANumberWhereOnlyAUnitBelongsIsAnError) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    state { x = 0 mV }
    input I : 2 pA
    on spike a(w: 1/ms) { x += w * 1 mV * ms }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:3:15: error: expected a unit, not a quantity\n"))
        << s.text();
    EXPECT_EQ(s.diags.error_count(), 1u) << "1/ms is a unit: " << s.text();
}

TEST(SemaErrors, ADelayLongerThanTheRuntimeHoldsIsRefusedByCheck) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network n {
    population P = lif[2]
    project P -> P { connect = all_to_all(); weight = 1 pA; delay = 7 s; receptor = exc }
}
)"));
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:15:69: error: a delay of 7000 ms is 70000 time "
                                   "steps; at most 65535 are supported\n"))
        << s.text();
    EXPECT_TRUE(contains(s.text(), "hint: with dt = 0.1 ms, delays reach up to 6553.5 ms"));
}

TEST(SemaErrors, RecordedStateMustBeAStateOfTheModel) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    record V_n, I_syn of P
    record tau_m of P
})"));
    EXPECT_FALSE(p);
    const auto t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:15:12: error: 'V_n' is not a state variable of model 'lif' "
                            "(population 'P')\n"))
        << t;
    EXPECT_TRUE(contains(t, "hint: did you mean 'V_m'?")) << t;
    EXPECT_TRUE(contains(t, "test.nml:16:12: error: 'tau_m' is not a state variable of model "
                            "'lif' (population 'P')\n"))
        << t;
    EXPECT_TRUE(contains(t, "hint: a parameter is constant; the states of 'lif' are: V_m, "
                            "I_syn"))
        << t;
}

TEST(SemaErrors, RecordingIntervalMustBeAPositiveWholeNumberOfSteps) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    record V_m of P every 0.25 ms
    record I_syn of P every 0 ms
    record V_m of P every 5 mV
    simulate { dt = 0.1 ms }
})"));
    EXPECT_FALSE(p);
    const auto t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:15:27: error: the recording interval 0.25 ms is not a "
                            "whole multiple of the time step dt = 0.1 ms\n"))
        << t;
    EXPECT_TRUE(contains(t, "hint: use 0.2 ms or 0.3 ms")) << t;
    EXPECT_TRUE(contains(t, "test.nml:16:29: error: the recording interval must be positive, "
                            "not 0 ms\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:17:27: error: dimension mismatch: the recording interval "
                            "is ms (time), but this value is mV (voltage)\n"))
        << t;
}

TEST(SemaErrors, RecordSliceMustLieWithinThePopulation) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    record V_m of P[0:11]
    record I_syn of P[5:5]
    record V_m of P[1.5:3] every 0.1 ms
})"));
    EXPECT_FALSE(p);
    const auto t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:15:23: error: the slice end 11 is not a neuron index of "
                            "population 'P', which has 10 neurons\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:16:22: error: the slice [5:5] selects no neurons\n")) << t;
    EXPECT_TRUE(contains(t, "test.nml:17:21: error: the slice start 1.5 is not a neuron index"))
        << t;
}

TEST(SemaErrors, RecordMistakesWithSpikesAndTheIntervalWord) {
    Sema s;
    auto p = s.analyse(with_lif(R"(network net {
    population P = lif[10]
    record spikes, V_m of P
    record spikes of P every 1 ms
    record V_m of P each 1 ms
    record V_m of P
    record V_m of P
})"));
    EXPECT_FALSE(p);
    const auto t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:15:20: error: `spikes` cannot be recorded together with "
                            "state variables\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:16:30: error: an interval applies to state variables "
                            "only\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:17:21: error: expected `every` before the interval, not "
                            "'each'\n"))
        << t;
    EXPECT_TRUE(contains(t, "test.nml:19:12: error: 'V_m' of population 'P' is already "
                            "recorded\n"))
        << t;
}
