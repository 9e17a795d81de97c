// examples/hh_tutorial.nml: Poisson input drives the sensory HH population, which drives
// the motor one through random connections (as in NetPyNE's tutorial 2).
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

namespace {

using nnc::test::CompiledNetwork;

double rate_hz(nncrt::Simulation& sim, uint32_t population, double duration_ms) {
    return double(sim.spike_count(population)) / double(sim.population_spec(population).size) /
           (duration_ms / 1000.0);
}

TEST(HhTutorial, PoissonDrivesSensoryCellsWhichDriveMotorCells) {
    auto net = CompiledNetwork::from_file(NNC_SOURCE_DIR "/examples/hh_tutorial.nml");
    auto& sim = net.simulation();
    ASSERT_EQ(sim.population_count(), 2u);
    sim.run(1000.0);
    const double S = rate_hz(sim, 0, 1000), M = rate_hz(sim, 1, 1000);
    // Each S cell gets 10 Hz of input, each input current large enough to fire it, and a
    // cell cannot fire twice within one action potential: close to, never above, 10 Hz.
    EXPECT_GT(S, 6.0);
    EXPECT_LT(S, 10.5);
    // Each M cell hears about ten S cells: it fires faster than any one of them.
    EXPECT_GT(M, 2 * S);
    EXPECT_LT(M, 150.0);
    // Nothing reaches M before an S cell has fired and the 5 ms delay has passed.
    const auto& s_times = sim.recorded_spikes(0).times_ms;
    const auto& m_times = sim.recorded_spikes(1).times_ms;
    ASSERT_FALSE(s_times.empty());
    ASSERT_FALSE(m_times.empty());
    EXPECT_GE(m_times.front(), s_times.front() + 5.0);
}

TEST(HhTutorial, MotorCellsAreSilentWithoutConnections) {
    auto net = CompiledNetwork::from_file(NNC_SOURCE_DIR "/examples/hh_tutorial.nml",
                                          {{"p_connect", "0"}});
    auto& sim = net.simulation();
    sim.run(500.0);
    EXPECT_GT(sim.spike_count(0), 0u);
    EXPECT_EQ(sim.spike_count(1), 0u);
}

} // namespace
