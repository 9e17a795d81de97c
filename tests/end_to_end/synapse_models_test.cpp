// Synapse models through every stage: STDP weights against the pair-based rule summed by
// hand over the spike trains the run produced, Tsodyks-Markram against Markram's recursion,
// a plastic synapse that only delivers against a static one, and `nnc run` writing the
// synapses as SONATA edges.
#include "command_runner.h"
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using nnc::test::CompiledNetwork;

std::string model_path(const std::string& name) {
    return std::string(NNC_TEST_MODELS) + "/" + name;
}

/// The spike times (ms) of a one-neuron population.
std::vector<double> spike_times(nncrt::Simulation& sim, nncrt::PopulationId pop) {
    return sim.recorded_spikes(pop).times_ms;
}

struct StdpRule {
    double lambda, alpha, mu_plus, mu_minus, w_max, tau_plus, tau_minus, delay;
};

/// The weight after the trains, by NEST's stdp_synapse rule with all-to-all pairing, each
/// trace summed over every earlier spike rather than kept as a running variable: a
/// presynaptic spike at t depresses by the postsynaptic trace of the spikes that reached
/// the synapse (t_post + delay) by t; a postsynaptic spike reaching the synapse at s
/// potentiates by the presynaptic trace of the spikes before s. Events at the same time:
/// the postsynaptic one first.
double stdp_by_hand(const StdpRule& r, double w, const std::vector<double>& pre,
                    const std::vector<double>& post, double end_ms) {
    struct Event {
        double t;
        bool is_pre;
    };
    std::vector<Event> events;
    for (double t : pre)
        events.push_back({t, true});
    for (double t : post)
        if (t + r.delay <= end_ms + 1e-9) events.push_back({t + r.delay, false});
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        return a.t < b.t - 1e-9 || (std::abs(a.t - b.t) <= 1e-9 && !a.is_pre && b.is_pre);
    });
    for (const Event& e : events) {
        double w_rel = w / r.w_max;
        if (e.is_pre) {
            double x_post = 0.0;
            for (double t : post)
                if (t + r.delay <= e.t + 1e-9)
                    x_post += std::exp(-(e.t - t - r.delay) / r.tau_minus);
            w_rel -= r.alpha * r.lambda * std::pow(w_rel, r.mu_minus) * x_post;
            w = r.w_max * std::max(w_rel, 0.0);
        } else {
            double x_pre = 0.0;
            for (double t : pre)
                if (t < e.t - 1e-9) x_pre += std::exp(-(e.t - t) / r.tau_plus);
            w_rel += r.lambda * std::pow(1.0 - w_rel, r.mu_plus) * x_pre;
            w = r.w_max * std::min(w_rel, 1.0);
        }
    }
    return w;
}

uint32_t synapse_state_index(const CompiledNetwork& net, size_t plastic, const std::string& name) {
    const auto& entry = net.lowered().plastic.at(plastic);
    const auto& names = net.lowered().synapse_kernels.at(entry.on_pre).state_names;
    const auto at = std::find(names.begin(), names.end(), name);
    EXPECT_NE(at, names.end()) << name;
    return uint32_t(at - names.begin());
}

TEST(SynapseModels, StdpWeightsFollowThePairRuleComputedByHand) {
    auto net = CompiledNetwork::from_file(model_path("stdp_pair.nml"));
    auto& sim = net.simulation();
    sim.run(500.0);
    const auto pre = spike_times(sim, 0);
    const auto post = spike_times(sim, 1);
    ASSERT_GE(pre.size(), 10u);
    ASSERT_GE(post.size(), 10u);

    const StdpRule additive{0.05, 1.0, 0.0, 0.0, 10.0, 20.0, 20.0, 1.5};
    const StdpRule multiplicative{0.05, 1.2, 1.0, 1.0, 10.0, 20.0, 30.0, 2.0};
    const double w_add = sim.synapse_state(0, synapse_state_index(net, 0, "w"))[0];
    const double w_mul = sim.synapse_state(1, synapse_state_index(net, 1, "w"))[0];
    const double expected_add = stdp_by_hand(additive, 5.0, pre, post, 500.0);
    const double expected_mul = stdp_by_hand(multiplicative, 5.0, pre, post, 500.0);
    EXPECT_NEAR(w_add, expected_add, 1e-9 * 10.0);
    EXPECT_NEAR(w_mul, expected_mul, 1e-9 * 10.0);
    // The rule did something: the weights moved, and differently. (The additive weight comes
    // back close to where it started over these trains; its path is checked above.)
    EXPECT_GT(std::abs(w_mul - 5.0), 0.1);
    EXPECT_GT(std::abs(w_add - w_mul), 0.01);

    // The traces were brought up to the end of the run: x_pre is the sum over all
    // presynaptic spikes, decayed to 500 ms.
    double x_pre = 0.0;
    for (double t : pre)
        x_pre += std::exp(-(500.0 - t) / 20.0);
    EXPECT_NEAR(sim.synapse_state(0, synapse_state_index(net, 0, "x_pre"))[0], x_pre, 1e-12);
    EXPECT_DOUBLE_EQ(sim.synapse_state(0, synapse_state_index(net, 0, "t_last_event"))[0], 500.0);
}

TEST(SynapseModels, TsodyksMarkramDeliversWhatMarkramsRecursionGives) {
    auto net = CompiledNetwork::from_file(model_path("tsodyks_markram_train.nml"));
    auto& sim = net.simulation();
    sim.run(300.0);
    const auto pre = spike_times(sim, 0);
    ASSERT_GE(pre.size(), 8u);

    // Markram et al. (1998): u_n = u_{n-1} e^{-D/tau_fac} + U (1 - u_{n-1} e^{-D/tau_fac}),
    // x_n = 1 + (x_{n-1} (1 - u_{n-1}) - 1) e^{-D/tau_rec}, spike n delivers w u_n x_n.
    const double U = 0.3, tau_rec = 200.0, tau_fac = 50.0, w = 100.0;
    double u = 0.0, x = 1.0, last = 0.0, delivered = 0.0, u_prev = 0.0;
    bool first = true;
    for (double t : pre) {
        const double dt = t - last;
        const double u_decayed = (first ? 0.0 : u) * std::exp(-dt / tau_fac);
        const double x_next =
            first ? 1.0 : 1.0 + (x * (1.0 - u_prev) - 1.0) * std::exp(-dt / tau_rec);
        u = u_decayed + U * (1.0 - u_decayed);
        x = x_next;
        u_prev = u;
        delivered = w * u * x;
        last = t;
        first = false;
    }
    const double end = 300.0;
    const double u_end = u * std::exp(-(end - last) / tau_fac);
    const double x_end = 1.0 + (x * (1.0 - u) - 1.0) * std::exp(-(end - last) / tau_rec);
    EXPECT_NEAR(sim.synapse_state(0, synapse_state_index(net, 0, "delivered_weight"))[0], delivered,
                1e-10);
    EXPECT_NEAR(sim.synapse_state(0, synapse_state_index(net, 0, "u"))[0], u_end, 1e-12);
    EXPECT_NEAR(sim.synapse_state(0, synapse_state_index(net, 0, "x"))[0], x_end, 1e-12);
    // Depression dominates at this rate: the last spike delivers less than the first (w U).
    EXPECT_LT(delivered, w * U);
}

TEST(SynapseModels, APlasticSynapseThatOnlyDeliversFiresLikeAStaticOne) {
    auto fixed = CompiledNetwork::from_file(model_path("random_net_static.nml"));
    auto relay = CompiledNetwork::from_file(model_path("random_net_relay.nml"));
    fixed.simulation().run(200.0);
    relay.simulation().run(200.0);
    const auto& a = fixed.simulation().recorded_spikes(0);
    const auto& b = relay.simulation().recorded_spikes(0);
    ASSERT_GT(a.times_ms.size(), 500u);
    EXPECT_EQ(a.times_ms, b.times_ms);
    EXPECT_EQ(a.node_ids, b.node_ids);
    // Same synapses, same delays (drawn per synapse), one per-synapse weight state.
    const auto ta = fixed.simulation().synapse_table(0);
    const auto tb = relay.simulation().synapse_table(0);
    EXPECT_EQ(ta.targets, tb.targets);
    EXPECT_EQ(ta.delays_ms, tb.delays_ms);
}

TEST(SynapseModels, RunWritesTheSynapsesAsSonataEdges) {
    const std::string python = nnc::test::h5py_python();
    if (python.empty())
        GTEST_SKIP() << "python3-h5py is not installed (scripts/install-deps installs it)";
    const auto dir = nnc::test::scratch_dir("synapse_models");
    const auto r =
        nnc::test::run_nnc("run -q " + model_path("stdp_pair.nml") + " -o " + dir + "/out.h5");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto edges = dir + "/out.synapses.h5";
    ASSERT_TRUE(std::filesystem::exists(edges));
    const std::string script =
        "import h5py, sys\n"
        "f = h5py.File(sys.argv[1], 'r')\n"
        "e = f['edges']\n"
        "print(sorted(e.keys()))\n"
        "g = e['pre_to_post']\n"
        "print(g['source_node_id'].attrs['node_population'], "
        "g['target_node_id'].attrs['node_population'])\n"
        "print(g['0/delay'][0], g['0/delay'].attrs['units'], e['pre_to_post_2/0/delay'][0])\n"
        "print(g['0/w'].attrs['units'], len(g['0/w']))\n";
    const std::string script_path = dir + "/read.py";
    std::ofstream(script_path) << script;
    const auto py = nnc::test::run_command(python + " " + script_path + " " + edges);
    ASSERT_EQ(py.exit_code, 0) << py.err;
    EXPECT_EQ(py.out, "['pre_to_post', 'pre_to_post_2']\npre post\n1.5 ms 2.0\npA 1\n");
}

TEST(SynapseModels, RunWritesCsvWhenTheOutputEndsInCsv) {
    const auto dir = nnc::test::scratch_dir("synapse_models_csv");
    const auto r = nnc::test::run_nnc("run " + model_path("tsodyks_markram_train.nml") + " -o " +
                                      dir + "/out.csv");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("spikes written to " + dir + "/out.csv (CSV)"), std::string::npos)
        << r.out;
    auto lines = [](const std::string& path) {
        std::ifstream in(path);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);)
            out.push_back(line);
        return out;
    };
    const auto spikes = lines(dir + "/out.csv");
    ASSERT_GE(spikes.size(), 9u);
    EXPECT_EQ(spikes[0], "population,node_id,time_ms");
    EXPECT_EQ(spikes[1].rfind("pre,0,", 0), 0u) << spikes[1];
    const auto current = lines(dir + "/out.I_ex.csv");
    ASSERT_EQ(current.size(), 3001u); // a header and 3000 samples of one neuron
    EXPECT_EQ(current[0], "time_ms,population,node_id,I_ex [pA]");
    EXPECT_EQ(current[1], "0.1,post,0,0");
    const auto synapses = lines(dir + "/out.synapses.csv");
    ASSERT_EQ(synapses.size(), 6u); // w, u, x, t_last_event, delivered_weight
    EXPECT_EQ(synapses[0], "projection,source_node_id,target_node_id,delay_ms,variable,value,unit");
    EXPECT_EQ(synapses[1], "pre_to_post,0,0,1,w,100,pA");
}

} // namespace
