// examples/hybrid.nml: Hodgkin-Huxley and Izhikevich cells in one network, each kind
// integrated by its own method (exponential Euler, RKF45), talking through conductances.
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using nnc::test::CompiledNetwork;

TEST(Hybrid, HodgkinHuxleyAndIzhikevichCellsDriveEachOther) {
    auto net = CompiledNetwork::from_file(NNC_SOURCE_DIR "/examples/hybrid.nml");
    const auto& models = net.lowered().program.models;
    const auto& populations = net.lowered().program.network->populations;
    ASSERT_EQ(populations.size(), 3u);
    EXPECT_EQ(models[size_t(populations[0].model)].solver, nnc::ir::SolverKind::ExponentialEuler);
    EXPECT_EQ(models[size_t(populations[1].model)].solver,
              nnc::ir::SolverKind::RungeKuttaFehlberg45);
    auto& sim = net.simulation();
    sim.run(500.0);
    std::vector<double> rates;
    for (uint32_t p = 0; p < 3; ++p) {
        rates.push_back(double(sim.spike_count(p)) / double(sim.population_spec(p).size) / 0.5);
        EXPECT_GT(rates.back(), 1.0) << sim.population_spec(p).name;
        EXPECT_LT(rates.back(), 200.0) << sim.population_spec(p).name;
    }
    EXPECT_GT(rates[2], rates[1]) << "the fast-spiking interneurons fire fastest";
    EXPECT_GT(rates[2], rates[0]) << "the fast-spiking interneurons fire fastest";
}

// The interneurons have no input but the excitatory cells (HH and Izhikevich alike): they
// are silent without connections, and the excitatory cells fire faster without inhibition.
TEST(Hybrid, InterneuronsFollowTheExcitatoryCellsAndInhibitThem) {
    auto rates = [](const std::vector<std::pair<std::string, std::string>>& defines) {
        auto net = CompiledNetwork::from_file(NNC_SOURCE_DIR "/examples/hybrid.nml", defines);
        auto& sim = net.simulation();
        sim.run(500.0);
        return std::vector<uint64_t>{sim.spike_count(0), sim.spike_count(1), sim.spike_count(2)};
    };
    const auto connected = rates({});
    const auto unconnected = rates({{"p", "0"}});
    EXPECT_EQ(unconnected[2], 0u) << "FS without input";
    EXPECT_GT(unconnected[0], 0u);
    EXPECT_GT(unconnected[1], 0u);
    const auto disinhibited = rates({{"w_I", "0 nS"}});
    EXPECT_GT(disinhibited[0], connected[0]) << "HH without inhibition";
    EXPECT_GT(disinhibited[1], connected[1]) << "RS without inhibition";
}

} // namespace
