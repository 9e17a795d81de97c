// The generators through every stage, each against its definition: spike times and step
// currents against the closed-form membrane potential, time-varying Poisson rates by counting
// the spikes that arrive, and noise currents by the moments of what an integrator sums.
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <numeric>

namespace {

using nnc::test::CompiledNetwork;

double total(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

TEST(Stimuli, SpikeTimesMakeTheMembraneJumpAtEachTime) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/stimulus_spike_times.nml");
    auto& sim = net.simulation();
    const double E_L = -70, tau_m = 10, dt = 0.1;
    // (step at whose end the spike has arrived, jump): 4.04 ms rounds to 4.0 ms.
    const std::vector<std::pair<int, double>> jumps = {
        {10, 2.0}, {25, 2.0}, {25, 2.0}, {30, -1.0}, {40, 2.0}};
    for (int step = 1; step <= 100; ++step) {
        sim.run(dt);
        double v = E_L;
        for (const auto& [at, w] : jumps)
            if (at <= step) v += w * std::exp(-double(step - at) * dt / tau_m);
        for (uint64_t i = 0; i < 2; ++i)
            ASSERT_NEAR(sim.state(0, 0)[i], v, 1e-9) << "t = " << step * dt << " ms";
    }
}

TEST(Stimuli, StepCurrentDrivesTheMembraneAsItsPiecewiseConstantCurrent) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/stimulus_step_current.nml");
    auto& sim = net.simulation();
    const double E_L = -70, tau_m = 10, C_m = 250, dt = 0.1;
    const double decay = std::exp(-dt / tau_m);
    double v = E_L;
    for (int k = 0; k < 200; ++k) {
        // The current during step k (t = k dt to (k + 1) dt), from the definition: each
        // amplitude from its time until the next, the step current off from 15 ms; the DC on
        // from 12 ms.
        double current = k >= 50 && k < 100 ? 100.0 : k >= 100 && k < 150 ? -50.0 : 0.0;
        if (k >= 120) current += 20.0;
        // Exact over a step of constant current.
        v = E_L + (v - E_L) * decay + current * tau_m / C_m * (1.0 - decay);
        sim.run(dt);
        for (uint64_t i = 0; i < 2; ++i)
            ASSERT_NEAR(sim.state(0, 0)[i], v, 1e-9) << "t = " << (k + 1) * dt << " ms";
    }
}

TEST(Stimuli, PoissonCountsFollowATimeVaryingRate) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/stimulus_poisson_rate.nml");
    auto& sim = net.simulation();
    const double n = 1000;
    // Expected spikes per neuron in each quarter [a, b) of the 100 ms run: for P the integral
    // of 0.2/ms + 0.15/ms sin(2 pi t / 100 ms); for Q the table (100 Hz, 0, 400 Hz, off at
    // 75 ms); for R nothing before 50 ms and 100 Hz after.
    const auto sine_integral = [](double a, double b) {
        const double w = 2 * std::numbers::pi / 100;
        return 0.2 * (b - a) + 0.15 / w * (std::cos(w * a) - std::cos(w * b));
    };
    const double q_expected[4] = {2.5, 0.0, 10.0, 0.0};
    const double r_expected[4] = {0.0, 0.0, 2.5, 2.5};
    double before[3] = {0, 0, 0};
    for (int quarter = 0; quarter < 4; ++quarter) {
        sim.run(25.0);
        const double a = 25.0 * quarter, b = a + 25.0;
        const double expected[3] = {sine_integral(a, b), q_expected[quarter], r_expected[quarter]};
        for (uint32_t pop = 0; pop < 3; ++pop) {
            const double count = total(sim.state(pop, 0)) - before[pop];
            before[pop] += count;
            // Over n independent neurons a window's total is Poisson with mean n * expected:
            // within 5 standard deviations; a rate of 0 gives exactly 0.
            const double mean = n * expected[pop];
            EXPECT_NEAR(count, mean, 5.0 * std::sqrt(mean))
                << "population " << pop << ", " << a << " to " << b << " ms";
        }
    }
}

TEST(Stimuli, NoiseCurrentIsHeldPerIntervalWithTheGivenMoments) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/stimulus_noise_current.nml");
    auto& sim = net.simulation();
    const auto& v = sim.state(0, 0);
    const size_t n = v.size();
    sim.run(2.0);
    for (double x : v)
        ASSERT_EQ(x, 0.0) << "nothing before the start";
    // Within one 1 ms interval every step adds the same I dt / C_m to a neuron, and the
    // neurons' values differ.
    std::vector<double> last = v, step_change(n);
    for (int k = 0; k < 10; ++k) {
        sim.run(0.1);
        for (size_t i = 0; i < n; ++i) {
            const double change = v[i] - last[i];
            if (k > 0) {
                ASSERT_NEAR(change, step_change[i], 1e-12) << "neuron " << i;
            }
            step_change[i] = change;
        }
        last = v;
    }
    EXPECT_NE(step_change[0], step_change[1]);
    sim.run(20.0 - 1.0);
    // V(22 ms) sums 20 independent intervals of I * 1 ms / C_m: mean 20 * 50 / 250 mV, variance
    // 20 * (200 / 250)^2 mV^2. The sample mean is within 5 standard errors, the sample variance
    // within 5 * var * sqrt(2 / (n - 1)).
    const double mean = 4.0, var = 12.8;
    const double sample_mean = total(v) / double(n);
    double ss = 0;
    for (double x : v)
        ss += (x - sample_mean) * (x - sample_mean);
    const double sample_var = ss / double(n - 1);
    EXPECT_NEAR(sample_mean, mean, 5.0 * std::sqrt(var / double(n)));
    EXPECT_NEAR(sample_var, var, 5.0 * var * std::sqrt(2.0 / double(n - 1)));
}

TEST(Stimuli, EveryGeneratorReachesOnlyTheNeuronsOfItsSliceOrUnion) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/stimulus_slices_and_unions.nml");
    auto& sim = net.simulation();
    const double E_L = -70, tau_m = 10, C_m = 250;
    sim.run(5.0);
    const auto& e = sim.state(0, 0);
    const auto& i = sim.state(1, 0);
    ASSERT_EQ(e.size(), 20u);
    ASSERT_EQ(i.size(), 5u);
    // Two jumps of 2 mV at 1 ms and 2 ms, relaxed to 5 ms.
    const double jumped = E_L + 2.0 * std::exp(-4.0 / tau_m) + 2.0 * std::exp(-3.0 / tau_m);
    // 100 pA for 3 ms, then 2 ms of relaxation.
    const double driven =
        E_L + 100.0 * tau_m / C_m * (1.0 - std::exp(-3.0 / tau_m)) * std::exp(-2.0 / tau_m);
    for (size_t n = 0; n < 20; ++n) {
        if (n < 5)
            EXPECT_NEAR(e[n], jumped, 1e-9) << "E " << n;
        else if (n < 10)
            EXPECT_EQ(e[n], E_L) << "E " << n;
        else if (n < 15)
            EXPECT_NEAR(e[n], driven, 1e-9) << "E " << n;
        else if (n < 18)
            EXPECT_GT(e[n], E_L + 1.0) << "E " << n << ": about 50 spikes of 0.1 mV";
        else
            EXPECT_NE(e[n], E_L) << "E " << n;
    }
    EXPECT_NE(e[18], e[19]);
    for (size_t n = 0; n < 5; ++n)
        EXPECT_NEAR(i[n], jumped, 1e-9) << "I " << n;
}

} // namespace
