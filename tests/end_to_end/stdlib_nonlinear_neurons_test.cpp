// The nonlinear models of the standard library, with their published parameters, against
// reference solutions: the same equations and the same spike semantics (the neuron stops
// integrating when it reaches the threshold and is reset at the end of that time step)
// integrated independently with classical RK4 at a step of 1/100 to 1/200 of dt.
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using nnc::test::CompiledNetwork;

std::vector<double> intervals(const std::vector<double>& times) {
    std::vector<double> out;
    for (size_t i = 1; i < times.size(); ++i)
        out.push_back(times[i] - times[i - 1]);
    return out;
}

// Izhikevich (2003) regular spiking, I = 10, v(0) = -65 mV, u(0) = b·v(0): the reference
// fires at 3.2 and 26.3 ms, then every 44.9 ms (22 Hz), 23 spikes in the first second.
TEST(StdlibNonlinearNeurons, IzhikevichRegularSpikingFiresTonically) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/izhikevich_regular_spiking.nml");
    EXPECT_EQ(net.lowered().program.models[0].solver, nnc::ir::SolverKind::RungeKuttaFehlberg45);
    auto& sim = net.simulation();
    sim.run(1000.0);
    const auto& t = sim.recorded_spikes(0).times_ms;
    ASSERT_EQ(t.size(), 23u);
    EXPECT_NEAR(t[0], 3.2, 0.15);
    EXPECT_NEAR(t[1], 26.3, 0.15);
    const auto isi = intervals(t);
    // After the first two, the intervals settle to one value.
    for (size_t i = 2; i < isi.size(); ++i)
        EXPECT_NEAR(isi[i], 44.9, 0.15) << "interval " << i;
    const auto [lo, hi] = std::minmax_element(isi.begin() + 2, isi.end());
    EXPECT_LE(*hi - *lo, 0.1 + 1e-9) << "tonic: at most one step of jitter";
}

// NEST's aeif_cond_exp defaults with 800 pA from 10 ms: spike-frequency adaptation. The
// reference fires at 27.8, 50.6, 81.4, 124.7, 181.9, 246.5, 313.1 and 380.0 ms, the
// intervals growing from 22.8 ms towards 67 ms as the adaptation current w builds up.
TEST(StdlibNonlinearNeurons, AdExAdaptsAndNeverLeavesFiniteValues) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/aeif_cond_exp_step.nml");
    EXPECT_EQ(net.lowered().program.models[0].solver, nnc::ir::SolverKind::RungeKuttaFehlberg45);
    auto& sim = net.simulation();
    const auto& names = net.lowered().kernels[0].state_names;
    // Every state, after every step: the exponential never overflows, even at the peak.
    double v_max = -1e9;
    for (int step = 0; step < 4000; ++step) {
        sim.run(0.1);
        for (uint32_t s = 0; s < names.size(); ++s)
            ASSERT_TRUE(std::isfinite(sim.state(0, s)[0])) << names[s] << " at step " << step;
        v_max = std::max(v_max, sim.state(0, net.state_index(0, "V_m"))[0]);
    }
    EXPECT_LT(v_max, 0.0) << "V_m is reset in the step it reaches V_peak";
    const std::vector<double> reference = {27.8, 50.6, 81.4, 124.7, 181.9, 246.5, 313.1, 380.0};
    const auto& t = sim.recorded_spikes(0).times_ms;
    ASSERT_EQ(t.size(), reference.size());
    for (size_t i = 0; i < t.size(); ++i)
        EXPECT_NEAR(t[i], reference[i], 0.15) << "spike " << i;
    const auto isi = intervals(t);
    for (size_t i = 1; i < isi.size(); ++i)
        EXPECT_GT(isi[i], isi[i - 1]) << "interval " << i << " does not grow";
    EXPECT_GT(isi.back(), 2.5 * isi.front());
    // The state at 400 ms, 20 ms after the last spike: the reference has V_m = -54.7738 mV
    // and w = 254.7212 pA (eight increments of b = 80.5 pA, partly decayed).
    EXPECT_NEAR(sim.state(0, net.state_index(0, "V_m"))[0], -54.7738, 1e-3);
    EXPECT_NEAR(sim.state(0, net.state_index(0, "w"))[0], 254.7212, 1e-3);
}

// NEST's hh_psc_alpha with 1000 pA from 10 ms: repetitive firing, the reference (RK4 at
// 0.005 ms) crossing 0 mV at 11.9 ms and then every 14.64 ms, peaking at +40 mV.
// Exponential Euler is first order: at dt = 0.1 ms its intervals are 15.3 to 15.4 ms, 5%
// longer (at 0.01 ms, see below, they are within 0.1 ms).
TEST(StdlibNonlinearNeurons, HodgkinHuxleyFiresRepetitivelyWithOvershootingSpikes) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/hh_psc_alpha_step.nml");
    EXPECT_EQ(net.lowered().program.models[0].solver, nnc::ir::SolverKind::ExponentialEuler);
    auto& sim = net.simulation();
    const uint32_t V_m = net.state_index(0, "V_m");
    std::vector<double> peaks;
    double peak = -1e9;
    uint64_t spikes = 0;
    for (int step = 0; step < 1100; ++step) {
        sim.run(0.1);
        const double v = sim.state(0, V_m)[0];
        ASSERT_TRUE(std::isfinite(v)) << "at step " << step;
        peak = std::max(peak, v);
        if (sim.spike_count(0) != spikes && v < -50) { // after a spike, back near rest
            spikes = sim.spike_count(0);
            peaks.push_back(peak);
            peak = -1e9;
        }
        if (step < 100) {
            ASSERT_LT(v, -60.0) << "no spike before the step current";
        }
    }
    const auto& t = sim.recorded_spikes(0).times_ms;
    ASSERT_EQ(t.size(), 7u);
    EXPECT_NEAR(t[0], 11.9, 0.5);
    const auto isi = intervals(t);
    for (size_t i = 1; i < isi.size(); ++i)
        EXPECT_NEAR(isi[i], 15.35, 0.1) << "interval " << i;
    ASSERT_GE(peaks.size(), 6u);
    for (double p : peaks) {
        EXPECT_GT(p, 20.0) << "the action potential overshoots 0 mV";
        EXPECT_LT(p, 50.0) << "and stays below E_Na";
    }
}

// A finer dt brings exponential Euler closer to the reference interval.
TEST(StdlibNonlinearNeurons, HodgkinHuxleyIntervalConvergesWithDt) {
    auto isi_at = [](const char* dt) {
        auto net =
            CompiledNetwork::from_file(NNC_TEST_MODELS "/hh_psc_alpha_step.nml", {{"step", dt}});
        auto& sim = net.simulation();
        sim.run(110.0);
        const auto& t = sim.recorded_spikes(0).times_ms;
        EXPECT_GE(t.size(), 3u);
        return t.size() < 3 ? 0.0 : (t.back() - t[1]) / double(t.size() - 2);
    };
    const double coarse = isi_at("0.1 ms"), fine = isi_at("0.01 ms");
    std::printf("HH mean interval: %.4f ms at dt = 0.1 ms, %.4f ms at dt = 0.01 ms, reference "
                "14.64 ms\n",
                coarse, fine);
    EXPECT_LT(std::abs(fine - 14.64), std::abs(coarse - 14.64) / 5);
    EXPECT_NEAR(fine, 14.64, 0.1);
}

} // namespace
