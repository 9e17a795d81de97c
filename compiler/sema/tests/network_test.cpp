#include "sema_test_util.h"

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

const ir::Population& population(const ir::Program& p, const std::string& name) {
    int i = p.network->find_population(name);
    EXPECT_GE(i, 0) << name;
    return p.network->populations.at(size_t(i));
}

double parameter(const ir::Program& p, const std::string& pop, const std::string& name) {
    const auto& pp = population(p, pop);
    int i = p.models.at(size_t(pp.model)).find_parameter(name);
    EXPECT_GE(i, 0) << name;
    return pp.parameters.at(size_t(i));
}

} // namespace

TEST(NetworkSema, Brunel2000) {
    Sema s;
    auto p = s.analyse_file("examples/brunel2000.nml");
    ASSERT_TRUE(p) << s.text();
    ASSERT_TRUE(p->network);
    const auto& net = *p->network;
    EXPECT_EQ(net.name, "brunel2000");
    ASSERT_EQ(net.populations.size(), 2u);
    const auto& E = population(*p, "E");
    const auto& I = population(*p, "I");
    EXPECT_EQ(E.size, 10000u); // scale 1
    EXPECT_EQ(I.size, 2500u);
    EXPECT_EQ(p->models.at(size_t(E.model)).name, "iaf_psc_delta");

    EXPECT_DOUBLE_EQ(parameter(*p, "E", "C_m"), 1);
    EXPECT_DOUBLE_EQ(parameter(*p, "E", "tau_m"), 20);
    EXPECT_DOUBLE_EQ(parameter(*p, "E", "t_ref"), 2);
    EXPECT_DOUBLE_EQ(parameter(*p, "E", "E_L"), 0);
    EXPECT_DOUBLE_EQ(parameter(*p, "E", "V_reset"), 10);
    EXPECT_DOUBLE_EQ(parameter(*p, "E", "V_th"), 20);
    EXPECT_DOUBLE_EQ(parameter(*p, "E", "I_e"), 0); // the model's default
    ASSERT_EQ(E.initial.size(), 1u);
    EXPECT_EQ(E.initial[0].kind, ir::ValueSpec::Kind::Uniform);
    EXPECT_DOUBLE_EQ(E.initial[0].a, 0);
    EXPECT_DOUBLE_EQ(E.initial[0].b, 20);

    ASSERT_EQ(net.projections.size(), 4u);
    const auto& ee = net.projections[0];
    EXPECT_EQ(ee.source, 0);
    EXPECT_EQ(ee.target, 0);
    EXPECT_EQ(ee.connector.kind, ir::Connector::Kind::FixedIndegree);
    EXPECT_EQ(ee.connector.indegree, 1000u); // C_E = round(0.1 * 10000)
    EXPECT_EQ(ee.weight.kind, ir::ValueSpec::Kind::Constant);
    EXPECT_DOUBLE_EQ(ee.weight.a, 0.1);
    EXPECT_DOUBLE_EQ(ee.delay.a, 1.5);
    EXPECT_EQ(ee.receptor, 0); // exc
    const auto& ie = net.projections[2];
    EXPECT_EQ(ie.source, 1);
    EXPECT_EQ(ie.target, 0);
    EXPECT_EQ(ie.connector.indegree, 250u); // C_I
    EXPECT_DOUBLE_EQ(ie.weight.a, -0.6);    // -g * J
    EXPECT_EQ(ie.receptor, 1);              // inh

    // nu_thr = theta / (J C_E tau) = 20 mV / (0.1 mV * 1000 * 20 ms) = 0.01 / ms;
    // rate = C_E * eta * nu_thr = 1000 * 0.04 / ms = 40 / ms = 40000 Hz.
    ASSERT_EQ(net.stimuli.size(), 2u);
    EXPECT_EQ(net.stimuli[0].kind, ir::Stimulus::Kind::Poisson);
    EXPECT_EQ(net.stimuli[0].target, 0);
    EXPECT_DOUBLE_EQ(net.stimuli[0].rate_hz, 40000);
    EXPECT_DOUBLE_EQ(net.stimuli[0].weight, 0.1);
    EXPECT_EQ(net.stimuli[0].receptor, 0);
    EXPECT_EQ(net.stimuli[1].target, 1);

    ASSERT_EQ(net.spike_recorders.size(), 2u);
    EXPECT_EQ(net.spike_recorders[0].population, 0);
    EXPECT_EQ(net.spike_recorders[1].population, 1);
    EXPECT_DOUBLE_EQ(net.simulation.dt_ms, 0.1);
    EXPECT_DOUBLE_EQ(net.simulation.duration_ms, 1000);
    EXPECT_EQ(net.simulation.seed, 12345u);
    EXPECT_EQ(s.text(), "");
}

TEST(NetworkSema, ConstantOverridesChangeTheNetwork) {
    Sema s;
    auto p = s.analyse_file("examples/brunel2000.nml", {"scale=0.2", "g=5"});
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(population(*p, "E").size, 2000u);
    EXPECT_EQ(population(*p, "I").size, 500u);
    EXPECT_EQ(p->network->projections[0].connector.indegree, 200u);
    EXPECT_EQ(p->network->projections[2].connector.indegree, 50u);
    EXPECT_DOUBLE_EQ(p->network->projections[2].weight.a, -0.5);
    // rate = C_E * eta * theta / (J C_E tau): independent of the scale.
    EXPECT_DOUBLE_EQ(p->network->stimuli[0].rate_hz, 40000);
}

TEST(NetworkSema, DefaultsFollowOverriddenParameters) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    parameters { E_L = -70 mV; V_reset = E_L; tau = 10 ms; rate = 1 / tau }
    state { V_m = E_L; U = 0 mV }
    equations { V_m' = -(V_m - E_L) / tau }
    input I_stim : pA
    on spike syn(w: mV) { V_m += w }
    on V_m >= -50 mV { emit spike; V_m = V_reset }
}
network net {
    let level = -60 mV
    population A = n[3] { E_L = level; U = normal(1 mV, 0.5 mV) }
    population B = n[3] { tau = 20 ms }
    project A -> B { connect = one_to_one(); weight = uniform(0.5 mV, 1 mV); delay = 2 ms }
    project B -> A { connect = fixed_probability(0.5); weight = 1 mV }
    project A -> A { connect = all_to_all(); weight = 1 mV; delay = normal(2 ms, 0.1 ms) }
    stimulate A with dc(amplitude = 1 nA, start = 10 ms, stop = 0.5 s)
    stimulate B with poisson(rate = 8 Hz) weight 0.5 mV
    record spikes of B
    simulate { dt = 0.25 ms; duration = 2 s; seed = 7 }
}
)");
    ASSERT_TRUE(p) << s.text();
    EXPECT_DOUBLE_EQ(parameter(*p, "A", "E_L"), -60);
    EXPECT_DOUBLE_EQ(parameter(*p, "A", "V_reset"), -60); // the default follows E_L
    EXPECT_DOUBLE_EQ(parameter(*p, "A", "rate"), 0.1);
    EXPECT_DOUBLE_EQ(parameter(*p, "B", "V_reset"), -70);
    EXPECT_DOUBLE_EQ(parameter(*p, "B", "rate"), 0.05); // follows tau
    const auto& A = population(*p, "A");
    EXPECT_EQ(A.initial[0].kind, ir::ValueSpec::Kind::Constant);
    EXPECT_DOUBLE_EQ(A.initial[0].a, -60); // V_m = E_L follows too
    EXPECT_EQ(A.initial[1].kind, ir::ValueSpec::Kind::Normal);
    EXPECT_DOUBLE_EQ(A.initial[1].a, 1);
    EXPECT_DOUBLE_EQ(A.initial[1].b, 0.5);
    EXPECT_DOUBLE_EQ(population(*p, "B").initial[0].a, -70);

    const auto& net = *p->network;
    ASSERT_EQ(net.projections.size(), 3u);
    EXPECT_EQ(net.projections[0].connector.kind, ir::Connector::Kind::OneToOne);
    EXPECT_EQ(net.projections[0].receptor, 0); // the only receptor
    EXPECT_EQ(net.projections[0].weight.kind, ir::ValueSpec::Kind::Uniform);
    EXPECT_DOUBLE_EQ(net.projections[0].weight.b, 1);
    EXPECT_EQ(net.projections[1].connector.kind, ir::Connector::Kind::FixedProbability);
    EXPECT_DOUBLE_EQ(net.projections[1].connector.probability, 0.5);
    EXPECT_TRUE(net.projections[1].connector.allow_autapses);
    EXPECT_EQ(net.projections[1].delay.kind, ir::ValueSpec::Kind::Constant);
    EXPECT_DOUBLE_EQ(net.projections[1].delay.a, 0.25); // default: dt
    EXPECT_EQ(net.projections[2].connector.kind, ir::Connector::Kind::AllToAll);
    EXPECT_EQ(net.projections[2].delay.kind, ir::ValueSpec::Kind::Normal);

    ASSERT_EQ(net.stimuli.size(), 2u);
    EXPECT_EQ(net.stimuli[0].kind, ir::Stimulus::Kind::DC);
    EXPECT_EQ(net.stimuli[0].input, 0);
    EXPECT_DOUBLE_EQ(net.stimuli[0].amplitude, 1000);
    EXPECT_DOUBLE_EQ(net.stimuli[0].start_ms, 10);
    EXPECT_DOUBLE_EQ(net.stimuli[0].stop_ms, 500);
    EXPECT_DOUBLE_EQ(net.stimuli[1].rate_hz, 8);
    EXPECT_DOUBLE_EQ(net.stimuli[1].weight, 0.5);

    ASSERT_EQ(net.spike_recorders.size(), 1u);
    EXPECT_EQ(net.spike_recorders[0].population, 1);
    EXPECT_DOUBLE_EQ(net.simulation.dt_ms, 0.25);
    EXPECT_DOUBLE_EQ(net.simulation.duration_ms, 2000);
    EXPECT_EQ(net.simulation.seed, 7u);
}

TEST(NetworkSema, DefaultSimulationSettings) {
    Sema s;
    auto p = s.analyse(R"(neuron n { state { V = 0 mV } }
network net { population P = n[0] }
)");
    ASSERT_TRUE(p) << s.text();
    EXPECT_DOUBLE_EQ(p->network->simulation.dt_ms, 0.1);
    EXPECT_DOUBLE_EQ(p->network->simulation.duration_ms, 1000);
    EXPECT_EQ(p->network->simulation.seed, 1u);
    EXPECT_EQ(p->network->populations[0].size, 0u);
}

TEST(NetworkSema, OnlyTheRootNetworkIsElaborated) {
    Sema s;
    auto p = s.analyse("network mine { let x = 1 }\n", {"examples/brunel2000.nml"});
    // brunel2000.nml refers to iaf_psc_delta without its import here, but its network is
    // not the root's, so it is never elaborated.
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(p->network->name, "mine");
}

TEST(NetworkSema, ConnectionRuleFlags) {
    Sema s;
    auto p = s.analyse(R"(neuron n {
    state { V = 0 mV }
    on spike syn(w: mV) { V += w }
}
network net {
    population A = n[10]
    project A -> A { connect = fixed_probability(0.5, autapses = false); weight = 1 mV }
    project A -> A { connect = fixed_indegree(3, autapses = true, multapses = false); weight = 1 mV }
    project A -> A { connect = all_to_all(autapses = false); weight = 1 mV }
}
)");
    ASSERT_TRUE(p) << s.text();
    const auto& pr = p->network->projections;
    ASSERT_EQ(pr.size(), 3u);
    EXPECT_FALSE(pr[0].connector.allow_autapses);
    EXPECT_TRUE(pr[0].connector.allow_multapses);
    EXPECT_EQ(pr[1].connector.indegree, 3u);
    EXPECT_TRUE(pr[1].connector.allow_autapses);
    EXPECT_FALSE(pr[1].connector.allow_multapses);
    EXPECT_FALSE(pr[2].connector.allow_autapses);

    Sema bad;
    p = bad.analyse(R"(neuron n {
    state { V = 0 mV }
    on spike syn(w: mV) { V += w }
}
network net {
    population A = n[10]
    project A -> A { connect = fixed_indegree(11, multapses = false); weight = 1 mV }
    project A -> A { connect = all_to_all(multapses = false); weight = 1 mV }
    project A -> A { connect = fixed_indegree(2, autapses = 3); weight = 1 mV }
}
)");
    EXPECT_FALSE(p);
    EXPECT_TRUE(contains(bad.text(), "test.nml:7:47: error: without multapses, an in-degree of 11 "
                                     "needs at least that many sources, but 'A' has 10\n"));
    EXPECT_TRUE(contains(bad.text(), "test.nml:8:55: error: `all_to_all` has no argument "
                                     "'multapses'\n"));
    EXPECT_TRUE(contains(bad.text(), "only arise with fixed_indegree"));
    EXPECT_TRUE(contains(bad.text(), "test.nml:9:61: error: `autapses` must be true or false\n"));
}

TEST(NetworkSema, RecordStatesKeepsTheVariablesTheSliceAndTheIntervalInSteps) {
    Sema s;
    auto p = s.analyse(R"(network n {
    population E = iaf_psc_exp[20]
    population I = iaf_psc_exp[5]
    record V_m, I_ex of E[2:12] every 0.5 ms
    record V_m of I
    record I_in of all
    simulate { dt = 0.1 ms }
}
)",
                       {"stdlib/neurons/iaf_psc_exp.nml"});
    ASSERT_TRUE(p) << s.text();
    const auto& net = *p->network;
    const auto& model = p->models.at(size_t(net.populations[0].model));
    ASSERT_GE(net.state_recorders.size(), 2u);
    const auto& e = net.state_recorders[0];
    EXPECT_EQ(e.population, 0);
    EXPECT_EQ(e.states, (std::vector<int>{model.find_state("V_m"), model.find_state("I_ex")}));
    EXPECT_EQ(e.first, 2u);
    EXPECT_EQ(e.last, 12u);
    EXPECT_EQ(e.interval_steps, 5u);
    // The dimension stays with the model's state: the report's units come from it.
    EXPECT_EQ(model.states[size_t(e.states[1])].dim.unit_name(), "pA");
    EXPECT_EQ(net.state_recorders[1].population, 1);
    EXPECT_EQ(net.state_recorders[1].first, 0u);
    EXPECT_EQ(net.state_recorders[1].last, 5u);
    EXPECT_EQ(net.state_recorders[1].interval_steps, 1u);
    ASSERT_EQ(net.state_recorders.size(), 4u);
    EXPECT_EQ(net.state_recorders[2].population, 0); // `all`: one recorder per population
    EXPECT_EQ(net.state_recorders[3].population, 1);
    EXPECT_TRUE(net.spike_recorders.empty());
}
