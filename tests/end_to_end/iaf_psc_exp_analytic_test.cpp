// The exact propagator against the closed-form solution: an iaf_psc_exp neuron
// with a constant current, from rest to its first spike and through its
// refractory period.
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using nnc::test::CompiledNetwork;

TEST(IafPscExpAnalytic, MembranePotentialFollowsClosedFormAndFirstSpikeIsAt59_3ms) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/iaf_psc_exp_constant_current.nml");
    auto& sim = net.simulation();
    const double E_L = -70, tau_m = 10, C_m = 250, I_e = 376, V_th = -55;
    const double dt = 0.1;
    const auto& V = sim.state(0, 0); // V_m is the model's first state variable

    int step = 0;
    while (sim.spike_count(0) == 0 && step < 1000) {
        sim.run(dt);
        ++step;
        double t = step * dt;
        if (sim.spike_count(0) != 0) break;
        double exact = E_L + I_e * tau_m / C_m * (1.0 - std::exp(-t / tau_m));
        ASSERT_NEAR(V[0], exact, 1e-9) << "at t = " << t << " ms";
        ASSERT_LT(V[0], V_th);
    }
    ASSERT_EQ(sim.spike_count(0), 1u);
    const auto& spikes = sim.recorded_spikes(0);
    ASSERT_EQ(spikes.times_ms.size(), 1u);
    EXPECT_NEAR(spikes.times_ms[0], 59.3, 1e-9);
    EXPECT_NEAR(tau_m * std::log(I_e), 59.2959,
                1e-4); // the analytic crossing, which the 0.1 ms grid rounds up
    EXPECT_EQ(V[0], -70.0) << "reset to V_reset";

    // Held at V_reset for t_ref = 2 ms (20 steps), then integrating again.
    for (int i = 0; i < 20; ++i) {
        sim.run(dt);
        ASSERT_EQ(V[0], -70.0) << "refractory step " << i;
    }
    sim.run(dt);
    EXPECT_NEAR(V[0], E_L + I_e * tau_m / C_m * (1.0 - std::exp(-dt / tau_m)), 1e-9);
}

} // namespace
