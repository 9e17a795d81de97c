// The distribution of a network over processes, tested in one process: each process's share
// (ParallelContext::share_of) holds the neurons the round-robin deal gives it, their initial
// states, and exactly the synapses of a run on one process that end on them, in the same
// order and with the same weights, delays and synapse states, for every connector.
#include "kernels.h"
#include "nncrt/parallel.h"
#include "nncrt/simulation.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <vector>

namespace {

using namespace nncrt;
using nncrt_test::lif_population;

TEST(Partition, DealsEveryNeuronToExactlyOneProcessRoundRobinByGlobalId) {
    for (uint64_t ranks : {1, 2, 3, 4, 7})
        for (uint64_t first_id : {0, 1, 5, 11})
            for (uint64_t size : {0, 1, 2, 3, 10, 31}) {
                std::set<uint64_t> seen;
                for (uint64_t r = 0; r < ranks; ++r) {
                    const LocalNeurons local = LocalNeurons::of(first_id, size, r, ranks);
                    for (uint64_t j = 0; j < local.count; ++j) {
                        const uint64_t i = local.global(j);
                        ASSERT_LT(i, size);
                        EXPECT_EQ((first_id + i) % ranks, r) << "neuron " << i;
                        EXPECT_TRUE(seen.insert(i).second) << "neuron " << i << " dealt twice";
                    }
                }
                EXPECT_EQ(seen.size(), size) << size << " neurons over " << ranks;
            }
}

TEST(Partition, LowerBoundFindsTheFirstLocalNeuronAtOrAfterAnIndex) {
    const LocalNeurons local = LocalNeurons::of(1, 10, 0, 3); // population indices 2, 5, 8
    ASSERT_EQ(local.count, 3u);
    EXPECT_EQ(local.global(0), 2u);
    const uint64_t expected[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
    for (uint64_t i = 0; i < 12; ++i)
        EXPECT_EQ(local.lower_bound(i), expected[i]) << "index " << i;
}

TEST(Partition, AProcessThatExchangesNothingCannotRun) {
    const auto share = ParallelContext::share_of(1, 2);
    EXPECT_FALSE(share.communicates());
    EXPECT_EQ(share.rank(), 1);
    EXPECT_THROW(ParallelContext::share_of(2, 2), Error);
    SimulationConfig config;
    config.parallel = &share;
    Simulation sim(config);
    sim.add_population(lif_population("E", 10));
    EXPECT_THROW(sim.run(1.0), Error);
}

// A synapse state kernel that changes nothing: the state is what construction drew.
void no_event(const nncrt_synapse_event_args*) {}

/// The target population of each projection of network(), in order.
const PopulationId target_of_projection[] = {1, 1, 0, 0, 1, 0, 0, 1, 0, 1};

/// Two populations (so that the second's global ids do not start at 0) and one projection
/// of every connector, with drawn weights and delays and over ranges.
std::unique_ptr<Simulation> network(const ParallelContext* parallel) {
    SimulationConfig config;
    config.seed = 7;
    config.parallel = parallel;
    auto sim = std::make_unique<Simulation>(config);
    PopulationSpec a = lif_population("A", 23);
    a.positions.kind = Positions::Kind::Grid;
    a.positions.nx = 23;
    a.positions.spacing_um = 10.0;
    PopulationSpec b = lif_population("B", 17);
    b.positions.kind = Positions::Kind::RandomBox;
    b.positions.size_um[0] = b.positions.size_um[1] = b.positions.size_um[2] = 100.0;
    const PopulationId pa = sim->add_population(a), pb = sim->add_population(b);
    sim->set_initial_state(pa, 0, Distribution::uniform(0.0, 1.0));
    sim->set_initial_state(pb, 0, Distribution::normal(0.5, 0.1));

    const auto add = [&](PopulationId from, PopulationId to, Connector c) {
        ProjectionSpec p;
        p.source = from;
        p.target = to;
        p.connector = std::move(c);
        p.weight = Distribution::normal(1.0, 0.25);
        p.delay_ms = Distribution::uniform(0.1, 2.0);
        return p;
    };
    Connector c;
    c.kind = Connector::Kind::AllToAll;
    sim->add_projection(add(pa, pb, c));
    c.kind = Connector::Kind::OneToOne;
    sim->add_projection(add(pb, pb, c));
    c.kind = Connector::Kind::FixedProbability;
    c.probability = 0.3;
    c.allow_autapses = false;
    sim->add_projection(add(pa, pa, c));
    c.kind = Connector::Kind::FixedIndegree;
    c.indegree = 5;
    c.allow_multapses = false;
    sim->add_projection(add(pb, pa, c));
    c.kind = Connector::Kind::FixedOutdegree;
    c.outdegree = 4;
    c.allow_multapses = true;
    sim->add_projection(add(pa, pb, c));
    c.kind = Connector::Kind::FixedTotalNumber;
    c.total = 150;
    sim->add_projection(add(pb, pa, c));
    c.allow_multapses = false;
    c.total = 50;
    auto ranged = add(pa, pa, c);
    ranged.source_neurons = {0, 9};
    ranged.target_neurons = {10, 11};
    sim->add_projection(ranged);
    c.kind = Connector::Kind::DistanceProbability;
    c.probability_of_pair = [](const double* args) {
        return args[PairArgument::distance] < 60.0 ? 0.8 : 0.1;
    };
    auto by_distance = add(pa, pb, c);
    by_distance.weight_of_pair = [](const double* args) {
        return 2.0 - args[PairArgument::distance] / 200.0;
    };
    sim->add_projection(by_distance);
    c.kind = Connector::Kind::List;
    auto pairs = std::make_shared<Connector::Pairs>();
    for (uint32_t i = 0; i < 40; ++i) {
        pairs->sources.push_back((i * 7) % 17);
        pairs->targets.push_back((i * 5) % 23);
        pairs->weights.push_back(0.1 * i);
        pairs->delays_ms.push_back(0.5 + 0.1 * (i % 4));
    }
    c.list = pairs;
    sim->add_projection(add(pb, pa, c));
    // A plastic projection: its initial states are drawn per synapse.
    c = {};
    c.kind = Connector::Kind::FixedIndegree;
    c.indegree = 6;
    auto plastic = add(pa, pb, c);
    SynapseModelSpec m;
    m.state_names = {"w", "trace"};
    m.initial = {Distribution::uniform(0.0, 2.0), Distribution::exponential(3.0)};
    m.on_pre = no_event;
    m.on_post = no_event;
    plastic.synapse_model = m;
    sim->add_projection(plastic);
    sim->build();
    return sim;
}

TEST(Partition, EveryProcessHasTheSerialSynapsesOfItsOwnTargetsInTheSameOrder) {
    const auto serial = network(nullptr);
    ASSERT_GT(serial->connection_stats().synapses, 0u);
    for (int ranks : {2, 3}) {
        uint64_t synapses_of_all = 0;
        for (int rank = 0; rank < ranks; ++rank) {
            const auto share = ParallelContext::share_of(rank, ranks);
            const auto sim = network(&share);
            synapses_of_all += sim->connection_stats().synapses;
            for (ProjectionId p = 0; p < serial->projection_count(); ++p) {
                const SynapseTable all = serial->synapse_table(p);
                const SynapseTable mine = sim->synapse_table(p);
                SynapseTable expected;
                expected.states.resize(all.states.size());
                const LocalNeurons owner = sim->local_neurons(target_of_projection[p]);
                for (size_t s = 0; s < all.sources.size(); ++s) {
                    if ((all.targets[s] + owner.stride - owner.first) % owner.stride != 0) continue;
                    expected.sources.push_back(all.sources[s]);
                    expected.targets.push_back(all.targets[s]);
                    expected.delays_ms.push_back(all.delays_ms[s]);
                    for (size_t j = 0; j < all.states.size(); ++j)
                        expected.states[j].push_back(all.states[j][s]);
                }
                EXPECT_EQ(mine.sources, expected.sources)
                    << "projection " << p << ", process " << rank << " of " << ranks;
                EXPECT_EQ(mine.targets, expected.targets) << "projection " << p;
                EXPECT_EQ(mine.delays_ms, expected.delays_ms) << "projection " << p;
                EXPECT_EQ(mine.states, expected.states) << "projection " << p;
            }
        }
        EXPECT_EQ(synapses_of_all, serial->connection_stats().synapses) << ranks << " processes";
    }
}

TEST(Partition, EveryProcessDrawsTheSerialInitialStatesOfItsNeurons) {
    const auto serial = network(nullptr);
    for (int ranks : {2, 3})
        for (int rank = 0; rank < ranks; ++rank) {
            const auto share = ParallelContext::share_of(rank, ranks);
            const auto sim = network(&share);
            for (PopulationId p = 0; p < 2; ++p) {
                const LocalNeurons local = sim->local_neurons(p);
                const auto& mine = sim->state(p, 0);
                ASSERT_EQ(mine.size(), local.count);
                for (uint64_t j = 0; j < local.count; ++j)
                    EXPECT_EQ(mine[j], serial->state(p, 0)[local.global(j)])
                        << "neuron " << local.global(j) << " of population " << p;
            }
        }
}

} // namespace
