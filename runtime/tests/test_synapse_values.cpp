// Per-synapse weights and delays that are not drawn from a distribution: functions of the
// distance between the neurons, and the values of an explicit list.
#include "kernels.h"
#include "nncrt/simulation.h"

#include <cmath>
#include <gtest/gtest.h>

using nncrt::Connector;
using nncrt::Distribution;
using nncrt::Positions;
using nncrt::ProjectionSpec;
using nncrt::Simulation;
using namespace nncrt_test;

namespace {

nncrt::SimulationConfig config() {
    nncrt::SimulationConfig c;
    c.dt_ms = 0.1;
    c.seed = 3;
    return c;
}

Positions grid(uint64_t nx, double spacing) {
    Positions p;
    p.kind = Positions::Kind::Grid;
    p.nx = nx;
    p.spacing_um = spacing;
    return p;
}

// 0.1 ms plus 0.1 ms per 100 um; a weight of 1 plus 1 per 100 um.
double delay_of_distance(const double* args) {
    return 0.1 + args[nncrt::PairArgument::distance] / 1000.0;
}
double weight_of_distance(const double* args) {
    return 1.0 + args[nncrt::PairArgument::distance] / 100.0;
}

std::vector<std::pair<uint64_t, double>> arrivals(uint64_t i) {
    std::vector<std::pair<uint64_t, double>> out;
    for (uint64_t k = 0; k < receptor_log().size(); ++k)
        if (receptor_log()[k][i] != 0.0) out.emplace_back(k, receptor_log()[k][i]);
    return out;
}

using Arrivals = std::vector<std::pair<uint64_t, double>>;

} // namespace

TEST(SynapseValues, WeightAndDelayAreFunctionsOfDistance) {
    // One source at the origin fires in step 2; four targets 0, 100, 200 and 300 um away.
    Simulation sim(config());
    auto src_spec = fire_at_population("src", 1);
    src_spec.positions = grid(1, 0.0);
    auto dst_spec = receptor_log_population("dst", 4);
    dst_spec.positions = grid(4, 100.0);
    const auto src = sim.add_population(src_spec);
    const auto dst = sim.add_population(dst_spec);
    ProjectionSpec p;
    p.source = src;
    p.target = dst;
    p.weight_of_pair = weight_of_distance;
    p.delay_ms_of_pair = delay_of_distance;
    sim.add_projection(p);
    sim.build();
    sim.state(src, 1) = {2};
    receptor_log().clear();
    sim.run(1.0);
    for (uint64_t i = 0; i < 4; ++i)
        EXPECT_EQ(arrivals(i), (Arrivals{{2 + 1 + i, 1.0 + double(i)}})) << i;
}

TEST(SynapseValues, DistanceNeedsPositions) {
    Simulation sim(config());
    const auto src = sim.add_population(fire_at_population("src", 1));
    const auto dst = sim.add_population(receptor_log_population("dst", 4));
    ProjectionSpec p;
    p.source = src;
    p.target = dst;
    p.weight_of_pair = weight_of_distance;
    sim.add_projection(p);
    EXPECT_THROW(sim.build(), nncrt::Error);
}

TEST(SynapseValues, AComputedDelayShorterThanAStepIsAnError) {
    Simulation sim(config());
    auto src_spec = fire_at_population("src", 1);
    src_spec.positions = grid(1, 0.0);
    auto dst_spec = receptor_log_population("dst", 1);
    dst_spec.positions = grid(1, 0.0);
    const auto src = sim.add_population(src_spec);
    const auto dst = sim.add_population(dst_spec);
    ProjectionSpec p;
    p.source = src;
    p.target = dst;
    p.delay_ms_of_pair = [](const double*) { return 0.01; };
    sim.add_projection(p);
    EXPECT_THROW(sim.build(), nncrt::Error);
}

TEST(SynapseValues, AListGivesEachSynapseItsWeightAndDelay) {
    Simulation sim(config());
    const auto src = sim.add_population(fire_at_population("src", 2));
    const auto dst = sim.add_population(receptor_log_population("dst", 3));
    Connector c;
    c.kind = Connector::Kind::List;
    auto list = std::make_shared<Connector::Pairs>();
    list->sources = {1, 0, 1};
    list->targets = {2, 0, 0};
    list->weights = {5.0, 6.0, 7.0};
    list->delays_ms = {0.3, 0.1, 0.5};
    c.list = list;
    ProjectionSpec p;
    p.source = src;
    p.target = dst;
    p.connector = c;
    sim.add_projection(p);
    sim.build();
    sim.state(src, 1) = {1, 4};
    receptor_log().clear();
    sim.run(1.5);
    EXPECT_EQ(arrivals(0), (Arrivals{{2, 6.0}, {9, 7.0}}));
    EXPECT_EQ(arrivals(1), Arrivals{});
    EXPECT_EQ(arrivals(2), (Arrivals{{7, 5.0}}));
    EXPECT_EQ(sim.connection_stats().synapses, 3u);
}
