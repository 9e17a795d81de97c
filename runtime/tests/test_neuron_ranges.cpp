// Projections, stimuli and spike recorders on ranges of a population's neurons: what lands
// where, and that nothing reaches the neurons outside the range.
#include "kernels.h"
#include "nncrt/simulation.h"

#include <gtest/gtest.h>
#include <vector>

using nncrt::Connector;
using nncrt::Distribution;
using nncrt::NeuronRange;
using nncrt::ProjectionSpec;
using nncrt::Simulation;
using namespace nncrt_test;

namespace {

nncrt::SimulationConfig config() {
    return nncrt::SimulationConfig{0.1, 3};
}

ProjectionSpec projection(uint32_t source, uint32_t target, Connector::Kind kind, NeuronRange from,
                          NeuronRange to) {
    ProjectionSpec p;
    p.source = source;
    p.target = target;
    p.connector.kind = kind;
    p.weight = Distribution::constant(1.0);
    p.delay_ms = Distribution::constant(0.1);
    p.source_neurons = from;
    p.target_neurons = to;
    return p;
}

/// Logs input[0][i] of every neuron in every call.
std::vector<std::vector<double>>& per_neuron_inputs() {
    static std::vector<std::vector<double>> log;
    return log;
}
void per_neuron_input_kernel(const nncrt_kernel_args* a) {
    per_neuron_inputs().emplace_back(a->input[0], a->input[0] + a->n);
    *a->n_spiked = 0;
}

} // namespace

TEST(NeuronRanges, AllToAllFromASliceToASlice) {
    Simulation sim(config());
    const auto src = sim.add_population(fire_at_population("src", 10));
    const auto dst = sim.add_population(receptor_log_population("dst", 8));
    sim.add_projection(projection(src, dst, Connector::Kind::AllToAll, {2, 3}, {3, 4}));
    sim.build();
    EXPECT_EQ(sim.connection_stats().synapses, 12u);
    sim.state(src, 1).assign(10, 0.0); // every source fires in step 0
    receptor_log().clear();
    sim.run(0.3);
    ASSERT_GE(receptor_log().size(), 2u);
    // Three sources in range reach the targets 3..6, one step later.
    EXPECT_EQ(receptor_log()[1], (std::vector<double>{0, 0, 0, 3, 3, 3, 3, 0}));
}

TEST(NeuronRanges, OneToOnePairsTheRangesInOrder) {
    Simulation sim(config());
    const auto src = sim.add_population(fire_at_population("src", 6));
    const auto dst = sim.add_population(receptor_log_population("dst", 8));
    sim.add_projection(projection(src, dst, Connector::Kind::OneToOne, {1, 4}, {4, 4}));
    sim.build();
    sim.state(src, 1) = {-1, -1, 0, -1, -1, -1}; // source 2 fires: the second of the range
    receptor_log().clear();
    sim.run(0.3);
    EXPECT_EQ(receptor_log()[1], (std::vector<double>{0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST(NeuronRanges, WithinOnePopulationTheSameRangeExcludesAutapses) {
    Simulation sim(config());
    const auto a = sim.add_population(lif_population("a", 10));
    auto same = projection(a, a, Connector::Kind::AllToAll, {2, 4}, {2, 4});
    same.connector.allow_autapses = false;
    sim.add_projection(same);
    auto apart = projection(a, a, Connector::Kind::AllToAll, {0, 2}, {5, 5});
    apart.connector.allow_autapses = false;
    sim.add_projection(apart);
    auto overlapping = projection(a, a, Connector::Kind::AllToAll, {0, 4}, {2, 4});
    overlapping.connector.allow_autapses = false;
    EXPECT_THROW(sim.add_projection(overlapping), nncrt::Error);
    sim.build();
    EXPECT_EQ(sim.connection_stats().synapses, 4u * 3u + 2u * 5u);
}

TEST(NeuronRanges, RangeOutsideThePopulationIsAnError) {
    Simulation sim(config());
    const auto a = sim.add_population(fire_at_population("a", 10));
    EXPECT_THROW(sim.add_projection(projection(a, a, Connector::Kind::AllToAll, {8, 3}, {})),
                 nncrt::Error);
    EXPECT_THROW(sim.add_poisson({a, 10.0, 1.0, 0, {11, NeuronRange::all}}), nncrt::Error);
    EXPECT_THROW(sim.record_spikes(a, {5, 6}), nncrt::Error);
}

TEST(NeuronRanges, PoissonReachesOnlyItsRange) {
    Simulation sim(config());
    const auto p = sim.add_population(receptor_log_population("p", 10));
    sim.add_poisson({p, 20000.0, 1.0, 0, {2, 3}}); // 2 spikes per step on average
    receptor_log().clear();
    sim.run(10.0);
    std::vector<double> total(10, 0.0);
    for (const auto& row : receptor_log())
        for (size_t i = 0; i < 10; ++i)
            total[i] += row[i];
    for (size_t i = 0; i < 10; ++i) {
        if (i >= 2 && i < 5)
            EXPECT_GT(total[i], 100.0) << i; // 200 expected
        else
            EXPECT_EQ(total[i], 0.0) << i;
    }
}

TEST(NeuronRanges, DcAddsToItsRangeOnly) {
    Simulation sim(config());
    nncrt::PopulationSpec spec;
    spec.name = "p";
    spec.size = 5;
    spec.input_names = {"I"};
    spec.update = per_neuron_input_kernel;
    const auto p = sim.add_population(spec);
    sim.add_dc({p, 0, 2.0, 0.0, 0.2, {1, 2}});                  // steps 0, 1 on neurons 1, 2
    sim.add_dc({p, 0, 1.0, 0.1, 1e300, {2, NeuronRange::all}}); // from step 1 on neurons 2..4
    per_neuron_inputs().clear();
    sim.run(0.3);
    ASSERT_EQ(per_neuron_inputs().size(), 3u);
    EXPECT_EQ(per_neuron_inputs()[0], (std::vector<double>{0, 2, 2, 0, 0}));
    EXPECT_EQ(per_neuron_inputs()[1], (std::vector<double>{0, 2, 3, 1, 1}));
    EXPECT_EQ(per_neuron_inputs()[2], (std::vector<double>{0, 0, 1, 1, 1}));
}

TEST(NeuronRanges, SpikesOfARangeAreRecordedAndAllAreCounted) {
    Simulation sim(config());
    const auto p = sim.add_population(fire_at_population("p", 8));
    sim.record_spikes(p, {2, 3});
    sim.build();
    sim.state(p, 1).assign(8, 0.0);
    sim.run(0.2);
    EXPECT_EQ(sim.recorded_spikes(p).node_ids, (std::vector<uint64_t>{2, 3, 4}));
    EXPECT_EQ(sim.spike_count(p), 8u);
}
