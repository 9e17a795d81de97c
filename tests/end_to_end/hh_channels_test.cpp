// A neuron composed from stdlib/channels (na_hh, k_dr, leak), through `I_channels` or through
// each current's name, is NEST's hh_psc_alpha written inline: the same trace to rounding,
// the same spikes, the same solver; and the model IR
// keeps which channel each parameter and gate came from.
#include "command_runner.h"
#include "pipeline_fixture.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace {

using nnc::test::CompiledNetwork;

TEST(HhChannels, ComposedNeuronGivesTheTraceOfTheInlineModel) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/hh_channels.nml");
    const auto& program = net.lowered().program;
    const auto& populations = program.network->populations;
    ASSERT_EQ(populations.size(), 6u);
    auto& sim = net.simulation();
    double largest_difference = 0;
    for (int step = 0; step < 3000; ++step) {
        sim.run(0.1);
        for (size_t p = 0; p < populations.size(); p += 2) {
            const double composed = sim.state(uint32_t(p), net.state_index(uint32_t(p), "V_m"))[0];
            const double inline_model =
                sim.state(uint32_t(p + 1), net.state_index(uint32_t(p + 1), "V_m"))[0];
            largest_difference = std::max(largest_difference, std::abs(composed - inline_model));
            ASSERT_NEAR(composed, inline_model, 1e-12 * (1 + std::abs(inline_model)))
                << populations[p].name << " at step " << step;
        }
    }
    RecordProperty("largest_V_m_difference_mV", fmt::format("{:.3g}", largest_difference));
    for (size_t p = 0; p < populations.size(); p += 2) {
        const auto& composed = sim.recorded_spikes(uint32_t(p)).times_ms;
        EXPECT_GE(composed.size(), 5u) << populations[p].name;
        EXPECT_EQ(composed, sim.recorded_spikes(uint32_t(p + 1)).times_ms) << populations[p].name;
    }
    // The lower potassium conductance changes the trace: the population really set it.
    EXPECT_NE(sim.recorded_spikes(0).times_ms, sim.recorded_spikes(2).times_ms);
    for (const auto& population : populations)
        EXPECT_EQ(program.models[size_t(population.model)].solver,
                  nnc::ir::SolverKind::ExponentialEuler)
            << population.name;
}

TEST(HhChannels, ModelKeepsTheChannelOfEachParameterAndGate) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/hh_channels.nml");
    const auto& program = net.lowered().program;
    const auto& model = program.models[size_t(program.network->populations[0].model)];
    ASSERT_EQ(model.name, "hh_from_channels");
    ASSERT_EQ(model.channels.size(), 3u);
    EXPECT_EQ(model.channels[0].channel, "na_hh");
    EXPECT_EQ(model.channels[1].channel, "k_dr");
    EXPECT_EQ(model.channels[2].channel, "leak");
    for (const auto& c : model.channels) {
        EXPECT_EQ(c.membrane, "V_m");
        ASSERT_TRUE(c.current);
        EXPECT_EQ(c.current->dim, nnc::dims::current);
    }
    EXPECT_EQ(model.channels[0].states, (std::vector<std::string>{"m", "h"}));
    EXPECT_EQ(model.channels[0].current_name, "I_Na");
    EXPECT_EQ(model.channels[2].parameters, (std::vector<std::string>{"g_L", "E_L"}));
    EXPECT_TRUE(model.channels[2].states.empty());
    EXPECT_EQ(model.channel_of("n"), "k_dr");
    EXPECT_EQ(model.channel_of("V_m"), "");
    EXPECT_EQ(model.channel_of("E_Na"), "na_hh");
    EXPECT_EQ(model.channel_of("C_m"), "");
}

TEST(HhChannels, DumpIrShowsWhichChannelEachStateCameFrom) {
    auto dump = nnc::test::run_nnc("dump-ir tests/end_to_end/models/hh_channels.nml");
    ASSERT_EQ(dump.exit_code, 0) << dump.err;
    EXPECT_NE(dump.out.find("state m : 1 = "), std::string::npos) << dump.out;
    EXPECT_NE(dump.out.find("# channel na_hh"), std::string::npos) << dump.out;
    EXPECT_NE(dump.out.find("channel k_dr(V = V_m) : I_K = "), std::string::npos) << dump.out;
}

} // namespace
