// A run continued (run(a); run(b)) must be the run that never stopped (run(a + b)): the REPL
// runs a model on in pieces, and its users compare the pieces with whole runs. Also the
// between-runs changes an interactive session makes: a kernel swapped, weights scaled.
#include "kernels.h"
#include "nncrt/simulation.h"

#include <cmath>
#include <gtest/gtest.h>

using nncrt::Distribution;
using nncrt::ProjectionSpec;
using nncrt::Simulation;
using namespace nncrt_test;

namespace {

/// A synapse whose weight follows a decaying trace: state 0 the weight, 1 the trace (tau =
/// 7 ms), 2 the time of the last event. A presynaptic spike decays the trace to now and
/// sends 0.1 times it; `advance` only decays. Splitting a decay in two is not exact, which
/// is what a continued run must not show.
constexpr double trace_tau_ms = 7.0;

void decay_to(double* const* state, uint64_t s, double t) {
    state[1][s] *= std::exp(-(t - state[2][s]) / trace_tau_ms);
    state[2][s] = t;
}

void trace_on_pre(const nncrt_synapse_event_args* a) {
    for (uint64_t k = 0; k < a->n; ++k) {
        const uint64_t s = a->synapses[k];
        decay_to(a->state, s, a->t_ms);
        a->state[0][s] = 0.1 * a->state[1][s];
    }
}

void trace_advance(const nncrt_synapse_event_args* a) {
    for (uint64_t k = 0; k < a->n; ++k)
        decay_to(a->state, a->synapses[k], a->t_ms);
}

/// 40 leaky neurons driven by Poisson input, connected to themselves at random, the
/// synapses plastic or static.
std::unique_ptr<Simulation> network(bool plastic,
                                    Distribution weight = Distribution::uniform(0.05, 0.15)) {
    auto sim = std::make_unique<Simulation>(nncrt::SimulationConfig{0.1, 7});
    const auto p = sim->add_population(lif_population("P", 40));
    sim->add_poisson({p, 3000.0, 0.25, 0});
    ProjectionSpec proj;
    proj.source = p;
    proj.target = p;
    proj.connector.kind = nncrt::Connector::Kind::FixedProbability;
    proj.connector.probability = 0.2;
    proj.weight = weight;
    proj.delay_ms = Distribution::uniform(0.5, 2.0);
    if (plastic) {
        nncrt::SynapseModelSpec model;
        model.state_names = {"w", "trace", "last"};
        model.initial = {Distribution::uniform(0.05, 0.15), Distribution::uniform(0.5, 1.5),
                         Distribution::constant(0.0)};
        model.delivered_state = 0;
        model.on_pre = trace_on_pre;
        model.advance = trace_advance;
        proj.synapse_model = model;
    }
    sim->add_projection(proj);
    sim->record_spikes(p);
    return sim;
}

void expect_same_run(Simulation& pieces, Simulation& whole) {
    const auto& a = pieces.recorded_spikes(0);
    const auto& b = whole.recorded_spikes(0);
    ASSERT_GT(b.times_ms.size(), 100u) << "the network should be active";
    EXPECT_EQ(a.times_ms, b.times_ms);
    EXPECT_EQ(a.node_ids, b.node_ids);
    EXPECT_EQ(pieces.state(0, 0), whole.state(0, 0));
    EXPECT_EQ(pieces.time_ms(), whole.time_ms());
}

} // namespace

TEST(ContinuedRun, TwoPiecesGiveTheSpikesOfOneRun) {
    auto pieces = network(false), whole = network(false);
    pieces->run(100.0);
    pieces->run(100.0);
    whole->run(200.0);
    expect_same_run(*pieces, *whole);
}

TEST(ContinuedRun, PlasticSynapsesContinueBitForBit) {
    auto pieces = network(true), whole = network(true);
    pieces->run(37.3);
    pieces->run(62.7);
    pieces->run(100.0);
    whole->run(200.0);
    expect_same_run(*pieces, *whole);
    // Read after the run, both are advanced to its end.
    EXPECT_EQ(pieces->synapse_state(0, 0), whole->synapse_state(0, 0));
    EXPECT_EQ(pieces->synapse_state(0, 1), whole->synapse_state(0, 1));
}

namespace {

/// The leaky kernel with a stronger leak (0.5 instead of 0.9): another parameter value.
void fast_leak_kernel(const nncrt_kernel_args* a) {
    double* v = a->state[0];
    uint64_t n_spiked = 0;
    for (uint64_t i = 0; i < a->n; ++i) {
        v[i] = 0.5 * v[i] + a->input[0][i] + a->receptor[0][i];
        if (v[i] >= 1.0) {
            v[i] = 0.0;
            a->spiked[n_spiked++] = uint32_t(i);
        }
    }
    *a->n_spiked = n_spiked;
}

} // namespace

TEST(ContinuedRun, ASwappedKernelRunsOnFromTheStateReached) {
    Simulation sim({0.1, 1});
    const auto p = sim.add_population(lif_population("P", 1));
    sim.set_initial_state(p, 0, Distribution::constant(0.8));
    sim.run(0.1); // 0.9 * 0.8
    EXPECT_DOUBLE_EQ(sim.state(p, 0)[0], 0.72);
    sim.set_update_kernel(p, fast_leak_kernel);
    sim.run(0.1); // 0.5 * 0.72, from the state the first kernel left
    EXPECT_DOUBLE_EQ(sim.state(p, 0)[0], 0.36);
    EXPECT_EQ(sim.steps_done(), 2u);
    EXPECT_THROW(sim.set_update_kernel(p, nullptr), nncrt::Error);
    EXPECT_THROW(sim.set_update_kernel(5, fast_leak_kernel), nncrt::Error);
}

TEST(ContinuedRun, ScaledWeightsAreDeliveredScaled) {
    // One weight for the whole projection, and a weight per synapse (stored as a float).
    for (const Distribution& weight :
         {Distribution::constant(0.1), Distribution::uniform(0.05, 0.15)}) {
        auto sim = network(false, weight);
        EXPECT_THROW(sim->scale_weights(0, 1.1), nncrt::Error) << "not built yet";
        sim->build();
        const auto before = sim->synapses(0);
        sim->scale_weights(0, 1.1);
        const auto after = sim->synapses(0);
        ASSERT_EQ(before.size(), after.size());
        for (size_t s = 0; s < before.size(); ++s)
            EXPECT_EQ(after[s].weight, weight.is_constant()
                                           ? before[s].weight * 1.1
                                           : double(float(before[s].weight * 1.1)));
        EXPECT_THROW(sim->scale_weights(1, 1.1), nncrt::Error);
    }
}

TEST(ContinuedRun, PlasticWeightsAreNotScaled) {
    auto sim = network(true);
    sim->build();
    EXPECT_THROW(sim->scale_weights(0, 2.0), nncrt::Error);
}

namespace {

/// The network of network(true) and, when `grown`, a second population Q that P drives and
/// that sends nothing back: P's activity cannot tell whether Q is there.
std::unique_ptr<Simulation> grown_network(bool grown, bool plastic) {
    auto sim = network(plastic);
    if (!grown) return sim;
    const auto q = sim->add_population(lif_population("Q", 30));
    sim->add_poisson({q, 1000.0, 0.25, 0});
    ProjectionSpec proj;
    proj.source = 0;
    proj.target = q;
    proj.connector.kind = nncrt::Connector::Kind::FixedProbability;
    proj.connector.probability = 0.3;
    proj.weight = Distribution::constant(0.3);
    proj.delay_ms = Distribution::constant(3.0);
    sim->add_projection(proj);
    sim->record_spikes(q);
    return sim;
}

} // namespace

TEST(ContinuedRun, AGrownNetworkTakesOverTheRunningOne) {
    for (const bool plastic : {false, true}) {
        SCOPED_TRACE(plastic ? "plastic" : "static");
        auto reference = grown_network(true, plastic);
        reference->run(100.0);
        // The network grows right after a spike of P, which is then on its way to its targets.
        double split = 0.0;
        for (double t : reference->recorded_spikes(0).times_ms)
            if (t > 40.0 && split == 0.0) split = t;
        ASSERT_GT(split, 0.0);
        auto before = grown_network(false, plastic);
        before->run(split);
        auto after = grown_network(true, plastic);
        after->continue_from(*before);
        EXPECT_EQ(after->time_ms(), before->time_ms());
        after->run(100.0 - split);
        // P goes on as if nothing had happened: the network grown from the start shows it.
        const auto& p = after->recorded_spikes(0);
        ASSERT_GT(p.times_ms.size(), 100u);
        EXPECT_EQ(p.times_ms, reference->recorded_spikes(0).times_ms);
        EXPECT_EQ(p.node_ids, reference->recorded_spikes(0).node_ids);
        EXPECT_EQ(after->state(0, 0), reference->state(0, 0));
        if (plastic) {
            EXPECT_EQ(after->synapse_state(0, 1), reference->synapse_state(0, 1));
        }
        // Q started when it was added.
        const auto& q = after->recorded_spikes(1).times_ms;
        ASSERT_FALSE(q.empty());
        EXPECT_GT(q.front(), split);
    }
    // A network that is not a continuation of the previous one is refused.
    auto before = grown_network(false, false);
    before->run(10.0);
    auto other = std::make_unique<Simulation>(nncrt::SimulationConfig{0.1, 7});
    other->add_population(lif_population("Other", 40));
    EXPECT_THROW(other->continue_from(*before), nncrt::Error);
}
