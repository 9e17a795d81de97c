// PyNN's standard cells are aliases of NEST's models (stdlib/pynn/): with PyNN's defaults,
// each must give the very trace of its NEST model given those values by hand, step by
// step, and the same spikes.
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace {

using nnc::test::CompiledNetwork;

TEST(PynnAliases, EachGivesTheTraceOfItsNestModel) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/pynn_aliases.nml");
    const auto& program = net.lowered().program;
    const auto& populations = program.network->populations;
    ASSERT_EQ(populations.size(), 16u);
    auto& sim = net.simulation();
    for (int step = 0; step < 3000; ++step) {
        sim.run(0.1);
        for (size_t p = 0; p < populations.size(); p += 2) {
            const double alias = sim.state(uint32_t(p), net.state_index(uint32_t(p), "V_m"))[0];
            const double nest =
                sim.state(uint32_t(p + 1), net.state_index(uint32_t(p + 1), "V_m"))[0];
            ASSERT_NEAR(alias, nest, 1e-9 * (1 + std::abs(nest)))
                << populations[p].name << " vs " << populations[p + 1].name << " at step " << step;
        }
    }
    for (size_t p = 0; p < populations.size(); p += 2) {
        const auto& model = program.models[size_t(populations[p].model)];
        EXPECT_EQ(model.alias_of, program.models[size_t(populations[p + 1].model)].name);
        const auto& alias = sim.recorded_spikes(uint32_t(p)).times_ms;
        EXPECT_GE(alias.size(), 3u) << populations[p].name;
        EXPECT_EQ(alias, sim.recorded_spikes(uint32_t(p + 1)).times_ms) << populations[p].name;
    }
}

// An alias's defaults follow from the values a population sets: PyNN's cm and tau_m give
// NEST's g_L = cm / tau_m, and nothing can set the target's own parameters.
TEST(PynnAliases, TargetParametersFollowTheAliasParameters) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/pynn_aliases.nml");
    const auto& program = net.lowered().program;
    const auto& population = program.network->populations[4]; // cond_alpha_pynn
    const auto& model = program.models[size_t(population.model)];
    ASSERT_EQ(model.name, "IF_cond_alpha");
    EXPECT_EQ(model.alias_of, "iaf_cond_alpha");
    EXPECT_EQ(model.alias_parameters, 11u);
    const int g_L = model.find_parameter("iaf_cond_alpha.g_L");
    ASSERT_GE(g_L, 0);
    EXPECT_DOUBLE_EQ(population.parameters[size_t(g_L)], 50.0) << "1 nF / 20 ms in nS";
    EXPECT_EQ(model.find_parameter("g_L"), -1);
}

} // namespace
