// Refractoriness with a clamped variable works the same with every solver: V_m is held at
// V_reset for exactly t_ref while the synaptic current keeps decaying by its own equation
// (models/refractory_solvers.nml: one population per solver).
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace {

using nnc::test::CompiledNetwork;

TEST(RefractorySolvers, ClampedStateIsHeldWhileTheOthersIntegrate) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/refractory_solvers.nml");
    auto& sim = net.simulation();
    const double dt = 0.1, tau_syn = 5.0, V_reset = -70.0;
    const char* names[] = {"exact", "exponential_euler", "euler", "rk4", "rkf45"};
    const uint32_t n_pops = 5;

    // The first spike comes in the same step for every solver (V_m starts 1 mV below V_th
    // and rises at about 2.2 mV/ms).
    int step = 0;
    while (sim.spike_count(0) == 0 && step < 50) {
        sim.run(dt);
        ++step;
    }
    ASSERT_EQ(step, 5);
    for (uint32_t p = 0; p < n_pops; ++p)
        ASSERT_EQ(sim.spike_count(p), 1u) << names[p];

    std::vector<double> I0(n_pops);
    for (uint32_t p = 0; p < n_pops; ++p)
        I0[p] = sim.state(p, net.state_index(p, "I_syn"))[0];
    // 2 ms = 20 steps held at V_reset, bit for bit, with I_syn decaying meanwhile.
    for (int k = 1; k <= 20; ++k) {
        sim.run(dt);
        for (uint32_t p = 0; p < n_pops; ++p) {
            const double V = sim.state(p, net.state_index(p, "V_m"))[0];
            const double I = sim.state(p, net.state_index(p, "I_syn"))[0];
            ASSERT_EQ(V, V_reset) << names[p] << ", refractory step " << k;
            // Forward Euler decays by (1 - dt/tau) per step; the others follow exp(-t/tau)
            // (exactly for the exact propagator and exponential Euler).
            const double expected = p == 2 ? I0[p] * std::pow(1 - dt / tau_syn, k)
                                           : I0[p] * std::exp(-k * dt / tau_syn);
            const double tolerance = p <= 2 ? 1e-9 : 1e-4;
            ASSERT_NEAR(I, expected, tolerance) << names[p] << ", refractory step " << k;
        }
    }
    sim.run(dt); // integrating again
    for (uint32_t p = 0; p < n_pops; ++p) {
        EXPECT_GT(sim.state(p, net.state_index(p, "V_m"))[0], V_reset) << names[p];
        EXPECT_EQ(sim.spike_count(p), 1u) << names[p];
    }
    sim.run(10.0);
    for (uint32_t p = 0; p < n_pops; ++p)
        EXPECT_EQ(sim.spike_count(p), sim.spike_count(0)) << names[p] << " fires as often";
}

} // namespace
