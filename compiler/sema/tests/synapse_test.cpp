// Synapse models: what sema makes of `synapse` blocks (handlers, the delivered weight, the
// exact-solvability of their equations) and of `synapse = ...` in a projection, and the
// errors it reports, with where they point.
#include "sema_test_util.h"

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

const char* neuron = R"(neuron lif {
    parameters { tau_m = 10 ms; E_L = -70 mV; V_th = -55 mV }
    state { V_m = E_L; I_syn = 0 pA }
    equations { V_m' = -(V_m - E_L) / tau_m + I_syn / 250 pF; I_syn' = -I_syn / 2 ms }
    on spike exc(w: pA) { I_syn += w }
    on spike mv(w: mV) { V_m += w }
    on V_m >= V_th { emit spike; V_m = E_L }
}
)";

std::string network(const std::string& synapse_setting, const std::string& extra = "") {
    return std::string(neuron) + R"(network n {
    population A = lif[10]
    population B = lif[10]
    project A -> B { connect = all_to_all(); )" +
           synapse_setting + extra + R"(; receptor = exc }
}
)";
}

const std::vector<std::string> stdlib_synapses = {"stdlib/synapses/stdp.nml",
                                                  "stdlib/synapses/tsodyks_markram.nml"};

} // namespace

TEST(SynapseSema, StdpModelHasHandlersDeliveredWeightAndTraces) {
    Sema s;
    auto p = s.analyse(network("synapse = stdp(lambda = 0.05, w = 20 pA)"), stdlib_synapses);
    ASSERT_TRUE(p) << s.text();
    ASSERT_EQ(p->synapses.size(), 2u);
    const auto& stdp = p->synapses[0];
    EXPECT_EQ(stdp.name, "stdp");
    EXPECT_EQ(stdp.state_names(), (std::vector<std::string>{"w", "x_pre", "x_post"}));
    EXPECT_EQ(stdp.odes.size(), 2u);
    EXPECT_EQ(stdp.on_pre.deliver_after, 1u); // w is depressed, then delivered
    EXPECT_EQ(stdp.on_pre.actions.size(), 2u);
    ASSERT_TRUE(stdp.on_post.has_value());
    EXPECT_EQ(stdp.weight_dim, dims::current);

    const auto& proj = p->network->projections.at(0);
    EXPECT_EQ(proj.synapse, 0);
    EXPECT_DOUBLE_EQ(proj.synapse_parameters.at(size_t(stdp.find_parameter("lambda"))), 0.05);
    EXPECT_DOUBLE_EQ(proj.synapse_initial.at(0).a, 20.0);
}

TEST(SynapseSema, WeightSettingIsTheDeliveredStatesInitialValue) {
    Sema s;
    auto p = s.analyse(network("synapse = stdp; weight = uniform(1 pA, 3 pA)"), stdlib_synapses);
    ASSERT_TRUE(p) << s.text();
    const auto& w = p->network->projections.at(0).synapse_initial.at(0);
    EXPECT_EQ(w.kind, ir::ValueSpec::Kind::Uniform);
    EXPECT_DOUBLE_EQ(w.a, 1.0);
    EXPECT_DOUBLE_EQ(w.b, 3.0);
}

TEST(SynapseSema, StaticIsTheDefaultAndNeedsAWeight) {
    Sema s;
    auto p = s.analyse(network("synapse = static; weight = 5 pA"));
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(p->network->projections.at(0).synapse, -1);
}

TEST(SynapseSema, TsodyksMarkramDeliversAnExpression) {
    Sema s;
    auto p = s.analyse(network("synapse = tsodyks_markram(w = 100 pA, U = 0.2)"), stdlib_synapses);
    ASSERT_TRUE(p) << s.text();
    const auto& tm = p->synapses[1];
    EXPECT_EQ(tm.on_pre.deliver_after, 1u);
    EXPECT_FALSE(tm.on_post.has_value());
    // `weight` cannot set it: what is delivered is w * u * x.
    Sema t;
    EXPECT_FALSE(t.analyse(network("synapse = tsodyks_markram; weight = 5 pA"), stdlib_synapses));
    EXPECT_TRUE(contains(t.text(), "synapse 'tsodyks_markram' delivers an expression, not one "
                                   "state variable, so `weight` cannot set it"))
        << t.text();
}

TEST(SynapseSema, DeliveredUnitMustMatchTheReceptor) {
    Sema s;
    EXPECT_FALSE(s.analyse(std::string(neuron) + R"(network n {
    population A = lif[10]
    project A -> A { connect = all_to_all(); synapse = stdp; receptor = mv }
}
)",
                           stdlib_synapses));
    EXPECT_FALSE(contains(s.text(), "needs a weight")) << s.text();
    EXPECT_TRUE(contains(s.text(), "test.nml:11:56: error: synapse 'stdp' delivers pA (current), "
                                   "but receptor 'mv' of neuron 'lif' takes mV (voltage)"))
        << s.text();
}

TEST(SynapseSema, UnknownSynapseModelSuggestsAndPointsAtTheName) {
    Sema s;
    EXPECT_FALSE(s.analyse(network("synapse = stpd"), stdlib_synapses));
    EXPECT_TRUE(contains(s.text(), "error: unknown synapse model 'stpd'")) << s.text();
    EXPECT_TRUE(contains(s.text(), "did you mean 'stdp'?")) << s.text();
}

TEST(SynapseSema, EquationsMustBeSolvableBetweenEvents) {
    Sema s;
    EXPECT_FALSE(s.analyse(R"(synapse bad {
    parameters { tau = 20 ms }
    state { w = 1 pA; x = 0; y = 0 }
    equations { x' = -x * x / tau; y' = (x - y) / tau }
    on pre { deliver w }
}
)"));
    EXPECT_TRUE(contains(s.text(), "test.nml:4:22: error: the equation of synapse state 'x' must "
                                   "be linear in 'x' alone, with constant coefficients"))
        << s.text();
    // y' reads x: coupled, so not solvable one variable at a time.
    EXPECT_TRUE(contains(s.text(), "error: the equation of synapse state 'y' must be linear in "
                                   "'y' alone"))
        << s.text();
}

TEST(SynapseSema, HandlerMistakes) {
    Sema s;
    EXPECT_FALSE(s.analyse(R"(synapse bad {
    state { w = 1 pA }
    on pre { w += 1 pA }
    on post { deliver w }
    on fire { emit spike }
}
synapse silent {
    state { w = 1 pA }
}
)"));
    const std::string t = s.text();
    EXPECT_TRUE(contains(t, "test.nml:3:5: error: `on pre` must deliver a weight")) << t;
    EXPECT_TRUE(contains(t, "test.nml:4:15: error: `deliver` is only allowed in `on pre`")) << t;
    EXPECT_TRUE(contains(t, "test.nml:5:8: error: unknown synapse event 'fire'")) << t;
    EXPECT_TRUE(contains(t, "test.nml:7:9: error: synapse 'silent' has no `on pre` handler")) << t;
}

TEST(SynapseSema, OverridesAreNamedAndKnown) {
    Sema s;
    EXPECT_FALSE(s.analyse(network("synapse = stdp(0.1, tau_plu = 10 ms)"), stdlib_synapses));
    EXPECT_TRUE(contains(s.text(), "error: the values of a synapse model are named")) << s.text();
    Sema t;
    EXPECT_FALSE(t.analyse(network("synapse = stdp(tau_plu = 10 ms)"), stdlib_synapses));
    EXPECT_TRUE(contains(t.text(), "error: synapse 'stdp' has no parameter or state variable "
                                   "'tau_plu'"))
        << t.text();
    EXPECT_TRUE(contains(t.text(), "did you mean 'tau_plus'?")) << t.text();
}

TEST(SynapseSema, ZeroTimeConstantIsRefused) {
    Sema s;
    EXPECT_FALSE(s.analyse(network("synapse = tsodyks_markram(tau_fac = 0 ms)"), stdlib_synapses));
    EXPECT_TRUE(contains(s.text(), "error: with these parameters, the equation of synapse state "
                                   "'u' has a coefficient of"))
        << s.text();
}
