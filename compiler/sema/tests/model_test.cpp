#include "sema_test_util.h"

#include "ir/evaluate.h"

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

double default_of(const ir::NeuronModel& m, const std::string& name) {
    int i = m.find_parameter(name);
    EXPECT_GE(i, 0) << name;
    if (i < 0) return 0;
    std::vector<double> earlier;
    for (int j = 0; j < i; ++j)
        earlier.push_back(default_of(m, m.parameters[size_t(j)].name));
    auto v =
        ir::evaluate(*m.parameters[size_t(i)].default_value, ir::Bindings{earlier, {}, {}, {}});
    EXPECT_TRUE(v.has_value()) << name;
    return v.value_or(0);
}

std::string show(const ir::NeuronModel& m, const ir::Expr& e) {
    return ir::to_string(e, m.parameter_names(), m.state_names(), m.input_names());
}

} // namespace

TEST(ModelSema, IafPscDelta) {
    Sema s;
    auto p = s.analyse("", {"stdlib/neurons/iaf_psc_delta.nml"});
    ASSERT_TRUE(p) << s.text();
    ASSERT_EQ(p->models.size(), 1u);
    const auto& m = p->models[0];
    EXPECT_EQ(m.name, "iaf_psc_delta");
    EXPECT_EQ(m.parameter_names(),
              (std::vector<std::string>{"C_m", "tau_m", "t_ref", "E_L", "V_reset", "V_th", "I_e"}));
    EXPECT_EQ(m.parameters[0].dim, dims::capacitance);
    EXPECT_EQ(m.parameters[1].dim, dims::time);
    EXPECT_EQ(m.parameters[3].dim, dims::voltage);
    EXPECT_EQ(m.parameters[6].dim, dims::current);
    EXPECT_DOUBLE_EQ(default_of(m, "C_m"), 250);
    EXPECT_DOUBLE_EQ(default_of(m, "E_L"), -70);
    EXPECT_DOUBLE_EQ(default_of(m, "I_e"), 0);

    ASSERT_EQ(m.states.size(), 1u);
    EXPECT_EQ(m.states[0].dim, dims::voltage);
    ASSERT_EQ(m.states[0].initial->op, ir::Op::Param);
    EXPECT_EQ(m.states[0].initial->index, m.find_parameter("E_L"));

    ASSERT_EQ(m.odes.size(), 1u);
    EXPECT_EQ(m.odes[0].state, 0);
    EXPECT_EQ(m.odes[0].rhs->dim, dims::voltage / dims::time);
    EXPECT_EQ(show(m, *m.odes[0].rhs), "-(V_m - E_L) / tau_m + (I_e + I_stim) / C_m");

    ASSERT_EQ(m.inputs.size(), 1u);
    EXPECT_EQ(m.inputs[0].name, "I_stim");
    EXPECT_EQ(m.inputs[0].dim, dims::current);

    ASSERT_EQ(m.receptors.size(), 2u);
    EXPECT_EQ(m.receptors[0].name, "exc");
    EXPECT_EQ(m.receptors[1].name, "inh");
    EXPECT_EQ(m.receptors[0].weight_dim, dims::voltage);
    ASSERT_EQ(m.receptors[0].actions.size(), 1u);
    EXPECT_EQ(m.receptors[0].actions[0].state, 0);
    EXPECT_EQ(show(m, *m.receptors[0].actions[0].value), "V_m + w");

    ASSERT_TRUE(m.threshold);
    EXPECT_TRUE(m.threshold->emits_spike);
    EXPECT_EQ(show(m, *m.threshold->condition), "V_m >= V_th");
    ASSERT_EQ(m.threshold->reset.size(), 1u);
    EXPECT_EQ(show(m, *m.threshold->reset[0].value), "V_reset");
    ASSERT_TRUE(m.threshold->refractory_period);
    EXPECT_EQ(show(m, *m.threshold->refractory_period), "t_ref");
    EXPECT_EQ(m.threshold->clamped, (std::vector<int>{0}));
    EXPECT_EQ(s.text(), "");
}

TEST(ModelSema, IafPscExp) {
    Sema s;
    auto p = s.analyse("", {"stdlib/neurons/iaf_psc_exp.nml"});
    ASSERT_TRUE(p) << s.text();
    const auto& m = p->models.at(0);
    EXPECT_DOUBLE_EQ(default_of(m, "C_m"), 250);
    EXPECT_DOUBLE_EQ(default_of(m, "tau_syn_ex"), 2);
    EXPECT_DOUBLE_EQ(default_of(m, "V_th"), -55);
    EXPECT_EQ(m.state_names(), (std::vector<std::string>{"V_m", "I_ex", "I_in"}));
    EXPECT_EQ(m.states[1].dim, dims::current);
    ASSERT_EQ(m.odes.size(), 3u);
    EXPECT_EQ(m.odes[1].state, 1);
    EXPECT_EQ(m.odes[1].rhs->dim, dims::current / dims::time);
    EXPECT_EQ(show(m, *m.odes[1].rhs), "-I_ex / tau_syn_ex");
    ASSERT_EQ(m.receptors.size(), 2u);
    EXPECT_EQ(m.receptors[0].weight_dim, dims::current);
    ASSERT_EQ(m.receptors[1].actions.size(), 1u);
    EXPECT_EQ(m.receptors[1].actions[0].state, 2);
    EXPECT_EQ(show(m, *m.receptors[1].actions[0].value), "I_in + w");
}

TEST(ModelSema, UnitsBecomeCanonicalConstants) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters {
        a = 1 nF
        b = 8 Hz
        c = 2 s
        d = a * 1 mV / ms
        e = 1 MOhm
        V_reset = E_L
        E_L = -65 mV
    }
    state { x = 0 mV }
    equations { x' = -x / c + 2 mV / ms }
}
)");
    // `V_reset = E_L` uses a later parameter: that is an error; everything else is fine.
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(s.text(), "test.nml:8:19: error: the default of parameter 'V_reset' "
                                   "may only use parameters declared before it, and 'E_L' "
                                   "comes later"));
    EXPECT_EQ(s.diags.error_count(), 1u) << s.text();

    Sema ok;
    p = ok.analyse(R"(neuron n {
    parameters {
        a = 1 nF
        b = 8 Hz
        c = 2 s
        d = a * 1 mV / ms
        e = 1 MOhm
        E_L = -65 mV
        V_reset = E_L
    }
    state { x = 0 mV }
    equations { x' = -x / c + 2 mV / ms }
}
)");
    ASSERT_TRUE(p) << ok.text();
    const auto& m = p->models[0];
    EXPECT_DOUBLE_EQ(default_of(m, "a"), 1000);
    EXPECT_DOUBLE_EQ(default_of(m, "b"), 0.008);
    EXPECT_EQ(m.parameters[1].dim, dims::rate);
    EXPECT_DOUBLE_EQ(default_of(m, "c"), 2000);
    EXPECT_DOUBLE_EQ(default_of(m, "d"), 1000);
    EXPECT_EQ(m.parameters[3].dim, dims::current);
    EXPECT_DOUBLE_EQ(default_of(m, "e"), 0.001);
    EXPECT_DOUBLE_EQ(default_of(m, "V_reset"), -65);
    // Constant subexpressions are folded: `2 mV / ms` is one constant.
    EXPECT_EQ(show(m, *m.odes[0].rhs), "-x / c + (2 mV/ms)");
}

TEST(ModelSema, ReceptorHandlersLinearInTheWeightAreAccepted) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { g = 2; q = 1 pA }
    state { I_a = 0 pA; I_b = 0 pA }
    on spike a(w: pA) { I_a += g * w; I_b -= w / 2 }
    on spike b(x: 1) { I_a = I_a + x * q; I_b += -(x * q) * g }
}
)");
    ASSERT_TRUE(p) << s.text();
    const auto& m = p->models[0];
    ASSERT_EQ(m.receptors.size(), 2u);
    EXPECT_EQ(m.receptors[1].weight_dim, Dimension::none());
    ASSERT_EQ(m.receptors[0].actions.size(), 2u);
    EXPECT_EQ(show(m, *m.receptors[0].actions[0].value), "I_a + g * w");
    EXPECT_EQ(show(m, *m.receptors[0].actions[1].value), "I_b - w / 2");
    EXPECT_EQ(show(m, *m.receptors[1].actions[0].value), "I_a + w * q");
}

TEST(ModelSema, MathFunctionsFollowTheDimensionRules) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { V_T = -50 mV; D = 2 mV; A = 4 mV^2; tau = 10 ms }
    state { V = -70 mV }
    equations { V' = (D * exp((V - V_T) / D) - V + sqrt(A) + max(V, V_T) + abs(V) ^ 2 / D) / tau }
    on V >= V_T and not (V < -100 mV) { V = min(V_T, V) - round(D) }
}
)");
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(p->models[0].odes[0].rhs->dim, dims::voltage / dims::time);
}
