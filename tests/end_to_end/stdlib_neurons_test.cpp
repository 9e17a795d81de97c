// The standard library's neurons against what is known about them from outside the
// project: closed-form solutions where the equations have one (alpha-shaped currents,
// conductances and PSPs, the subthreshold membrane, the rheobase and the interval of a
// leaky integrator), otherwise an independent integration of the published equations
// and the behaviour their authors document (adaptation, repetitive firing, overshoot).
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
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

/// w (t / tau) exp(1 - t / tau): the alpha function that peaks at w when t = tau.
double alpha(double w, double tau, double t) {
    return t < 0 ? 0 : w * t / tau * std::exp(1 - t / tau);
}

// --- iaf_psc_alpha ----------------------------------------------------------------------

// The PSC is w (t/tau_s) e^(1 - t/tau_s); the PSP, the membrane's response to it,
// V - E_L = w e / (tau_s C_m) e^(-t/tau_m) (1 - e^(-a t) (1 + a t)) / a², a = 1/tau_s - 1/tau_m.
// The exact propagator gives both to rounding error.
TEST(StdlibNeurons, IafPscAlphaCurrentAndPspFollowTheirClosedForms) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/iaf_psc_alpha_psp.nml");
    EXPECT_EQ(net.lowered().program.models[0].solver, nnc::ir::SolverKind::ExactLinear);
    auto& sim = net.simulation();
    const double w = 100, tau_s = 2, tau_m = 10, C_m = 250, E_L = -70, dt = 0.1;
    const uint32_t V_m = net.state_index(0, "V_m"), I_ex = net.state_index(0, "I_ex"),
                   dI_ex = net.state_index(0, "dI_ex");
    double arrival = -1, peak_V = -1e9, peak_t = 0;
    for (int step = 1; step <= 1000; ++step) {
        sim.run(dt);
        const double t = step * dt;
        if (arrival < 0 && sim.state(0, dI_ex)[0] != 0) arrival = t;
        if (arrival < 0) {
            ASSERT_EQ(sim.state(0, V_m)[0], E_L) << "at rest before the spike, t = " << t;
            continue;
        }
        const double s = t - arrival, a = 1 / tau_s - 1 / tau_m;
        const double psp = w * std::exp(1) / (tau_s * C_m) * std::exp(-s / tau_m) *
                           (1 - std::exp(-a * s) * (1 + a * s)) / (a * a);
        ASSERT_NEAR(sim.state(0, I_ex)[0], alpha(w, tau_s, s), 1e-9) << "t = " << t;
        ASSERT_NEAR(sim.state(0, V_m)[0] - E_L, psp, 1e-9) << "t = " << t;
        if (sim.state(0, V_m)[0] > peak_V) {
            peak_V = sim.state(0, V_m)[0];
            peak_t = s;
        }
    }
    EXPECT_NEAR(arrival, 10.0, dt + 1e-9) << "the spike arrives at 10 ms";
    // The PSP of 100 pA peaks 6.7 ms after the spike at 1.300 mV.
    EXPECT_NEAR(peak_t, 6.7, 0.1 + 1e-9);
    EXPECT_NEAR(peak_V - E_L, 1.300, 1e-3);
}

// --- iaf_cond_alpha ---------------------------------------------------------------------

TEST(StdlibNeurons, IafCondAlphaSubthresholdMembraneFollowsClosedForm) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/iaf_cond_alpha_current.nml");
    EXPECT_EQ(net.lowered().program.models[0].solver, nnc::ir::SolverKind::RungeKuttaFehlberg45);
    auto& sim = net.simulation();
    const double E_L = -70, g_L = 16.6667, C_m = 250, I_e = 200, dt = 0.1;
    const uint32_t V_m = net.state_index(0, "V_m");
    for (int step = 1; step <= 2000; ++step) {
        sim.run(dt);
        const double t = step * dt;
        const double exact = E_L + I_e / g_L * (1 - std::exp(-t * g_L / C_m));
        ASSERT_NEAR(sim.state(0, V_m)[0], exact, 1e-4) << "t = " << t;
    }
    EXPECT_EQ(sim.spike_count(0), 0u);
}

// The rheobase is g_L (V_th - E_L) = 250 pA; above it the interval is t_ref plus the time
// from V_reset to V_th, rounded up to the step in which the threshold is crossed.
TEST(StdlibNeurons, IafCondAlphaRheobaseAndIntervalAreThoseOfTheLeakyIntegrator) {
    auto spikes_at = [](const char* current) {
        auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/iaf_cond_alpha_current.nml",
                                              {{"current", current}});
        net.simulation().run(200.0);
        return net.simulation().recorded_spikes(0).times_ms;
    };
    EXPECT_TRUE(spikes_at("249 pA").empty()) << "below the rheobase of 250 pA";
    EXPECT_FALSE(spikes_at("252 pA").empty()) << "above the rheobase of 250 pA";
    const double g_L = 16.6667, C_m = 250, E_L = -70, V_th = -55, V_reset = -60, t_ref = 2;
    for (double current : {300.0, 500.0, 1000.0}) {
        const auto t = spikes_at((std::to_string(current) + " pA").c_str());
        ASSERT_GE(t.size(), 3u) << current << " pA";
        const double V_inf = E_L + current / g_L;
        const double exact = t_ref + C_m / g_L * std::log((V_inf - V_reset) / (V_inf - V_th));
        const auto isi = intervals(t);
        for (double interval : isi) {
            EXPECT_GE(interval, exact - 1e-6) << current << " pA";
            EXPECT_LE(interval, exact + 0.1 + 1e-6) << current << " pA";
        }
    }
}

// --- alpha-shaped conductances (iaf_cond_alpha, aeif_cond_alpha) --------------------------

TEST(StdlibNeurons, AlphaConductancesFollowTheAlphaFunction) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/alpha_conductances.nml");
    auto& sim = net.simulation();
    const double w = 2, tau = 2, dt = 0.1;
    const uint32_t g_iaf = net.state_index(0, "g_ex"), g_adex = net.state_index(1, "g_ex");
    const uint32_t dg_iaf = net.state_index(0, "dg_ex");
    double arrival = -1;
    double peak = 0, peak_t = 0;
    for (int step = 1; step <= 500; ++step) {
        sim.run(dt);
        const double t = step * dt;
        if (arrival < 0 && sim.state(0, dg_iaf)[0] != 0) arrival = t;
        if (arrival < 0) continue;
        const double s = t - arrival;
        ASSERT_NEAR(sim.state(0, g_iaf)[0], alpha(w, tau, s), 1e-5) << "iaf_cond_alpha, t = " << t;
        ASSERT_NEAR(sim.state(1, g_adex)[0], alpha(w, tau, s), 1e-5)
            << "aeif_cond_alpha, t = " << t;
        if (sim.state(0, g_iaf)[0] > peak) {
            peak = sim.state(0, g_iaf)[0];
            peak_t = s;
        }
    }
    EXPECT_NEAR(peak, w, 1e-5) << "the conductance peaks at the weight";
    EXPECT_NEAR(peak_t, tau, 1e-9) << "tau_syn after the spike";
}

// --- aeif_cond_alpha --------------------------------------------------------------------

// Without synaptic input aeif_cond_alpha and aeif_cond_exp are the same equations: the
// same spike train, adapting (Brette & Gerstner 2005: the intervals grow as w builds up).
TEST(StdlibNeurons, AdExAlphaFiresAsAdExExpWithoutInputAndAdapts) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/adex_alpha_and_exp.nml");
    EXPECT_EQ(net.lowered().program.models[0].solver, nnc::ir::SolverKind::RungeKuttaFehlberg45);
    auto& sim = net.simulation();
    sim.run(400.0);
    const auto& alpha_times = sim.recorded_spikes(0).times_ms;
    const auto& exp_times = sim.recorded_spikes(1).times_ms;
    ASSERT_GE(alpha_times.size(), 5u);
    ASSERT_EQ(alpha_times.size(), exp_times.size());
    for (size_t i = 0; i < alpha_times.size(); ++i)
        EXPECT_NEAR(alpha_times[i], exp_times[i], 1e-9) << "spike " << i;
    const auto isi = intervals(alpha_times);
    for (size_t i = 1; i < isi.size(); ++i)
        EXPECT_GT(isi[i], isi[i - 1]) << "interval " << i << " does not grow";
    EXPECT_GT(isi.back(), 2 * isi.front());
    EXPECT_NEAR(sim.state(0, net.state_index(0, "w"))[0], sim.state(1, net.state_index(1, "w"))[0],
                1e-6);
}

// --- hh_cond_exp_traub ------------------------------------------------------------------

/// NEST's hh_cond_exp_traub_dynamics without synaptic input, integrated with classical RK4
/// at 2 us from the gates' steady state at E_L; a spike is an upward crossing of V_T + 30 mV.
std::vector<double> traub_reference_spikes(double current, double until) {
    const double g_Na = 20000, g_K = 6000, g_L = 10, C_m = 200, E_Na = 50, E_K = -90, E_L = -60,
                 V_T = -63;
    struct Rates {
        double am, bm, ah, bh, an, bn;
    };
    auto rates = [&](double V_m) {
        const double v = V_m - V_T;
        return Rates{0.32 * (13 - v) / (std::exp((13 - v) / 4) - 1),
                     0.28 * (v - 40) / (std::exp((v - 40) / 5) - 1),
                     0.128 * std::exp((17 - v) / 18),
                     4 / (1 + std::exp((40 - v) / 5)),
                     0.032 * (15 - v) / (std::exp((15 - v) / 5) - 1),
                     0.5 * std::exp((10 - v) / 40)};
    };
    using Y = std::array<double, 4>; // V_m, m, h, n
    auto f = [&](const Y& y) {
        const Rates r = rates(y[0]);
        return Y{(-g_Na * std::pow(y[1], 3) * y[2] * (y[0] - E_Na) -
                  g_K * std::pow(y[3], 4) * (y[0] - E_K) - g_L * (y[0] - E_L) + current) /
                     C_m,
                 r.am - (r.am + r.bm) * y[1], r.ah - (r.ah + r.bh) * y[2],
                 r.an - (r.an + r.bn) * y[3]};
    };
    const Rates r0 = rates(E_L);
    Y y{E_L, r0.am / (r0.am + r0.bm), r0.ah / (r0.ah + r0.bh), r0.an / (r0.an + r0.bn)};
    std::vector<double> spikes;
    const double h = 0.002;
    for (long i = 1; i * h <= until; ++i) {
        auto add = [&](const Y& a, const Y& b, double s) {
            Y out;
            for (size_t k = 0; k < 4; ++k)
                out[k] = a[k] + s * b[k];
            return out;
        };
        const Y k1 = f(y), k2 = f(add(y, k1, h / 2)), k3 = f(add(y, k2, h / 2)),
                k4 = f(add(y, k3, h));
        const double before = y[0];
        for (size_t k = 0; k < 4; ++k)
            y[k] += h / 6 * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]);
        if (before < V_T + 30 && y[0] >= V_T + 30) spikes.push_back(i * h);
    }
    return spikes;
}

// With NEST's defaults the leak is too small to hold E_L = -60 mV against the sodium
// window current: the neuron fires by itself, about 14 Hz (the reference: 10.9 ms, then
// every 72.2 ms). Exponential Euler converges to it as dt shrinks.
TEST(StdlibNeurons, HhCondExpTraubFiresAsTheReferenceIntegration) {
    const auto reference = traub_reference_spikes(0, 550);
    ASSERT_GE(reference.size(), 7u);
    const double reference_interval =
        (reference.back() - reference[0]) / double(reference.size() - 1);
    for (const char* dt : {"0.1 ms", "0.01 ms"}) {
        auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/hh_cond_exp_traub_current.nml",
                                              {{"step", dt}});
        EXPECT_EQ(net.lowered().program.models[0].solver, nnc::ir::SolverKind::ExponentialEuler);
        net.simulation().run(550.0);
        const auto& t = net.simulation().recorded_spikes(0).times_ms;
        ASSERT_EQ(t.size(), reference.size()) << "dt = " << dt;
        const double interval = (t.back() - t[0]) / double(t.size() - 1);
        const double tolerance = std::string(dt) == "0.1 ms" ? 0.05 : 0.005; // first order
        EXPECT_NEAR(interval / reference_interval, 1.0, tolerance) << "dt = " << dt;
        EXPECT_NEAR(t[0], reference[0], std::string(dt) == "0.1 ms" ? 1.0 : 0.1) << "dt = " << dt;
    }
}

// More current, more spikes: the f-I curve rises monotonically (type I: from a low rate),
// and every action potential overshoots 0 mV.
TEST(StdlibNeurons, HhCondExpTraubRateRisesWithCurrentAndSpikesOvershoot) {
    std::vector<size_t> counts;
    double interval_at_400 = 0;
    for (const char* current : {"0 pA", "100 pA", "400 pA", "800 pA"}) {
        auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/hh_cond_exp_traub_current.nml",
                                              {{"current", current}});
        auto& sim = net.simulation();
        const uint32_t V_m = net.state_index(0, "V_m");
        double peak = -1e9;
        for (int step = 0; step < 5500; ++step) {
            sim.run(0.1);
            const double v = sim.state(0, V_m)[0];
            ASSERT_TRUE(std::isfinite(v)) << current;
            peak = std::max(peak, v);
        }
        EXPECT_GT(peak, 20.0) << current << ": the action potentials overshoot";
        EXPECT_LT(peak, 50.0) << current << ": and stay below E_Na";
        counts.push_back(sim.spike_count(0));
        if (std::string(current) == "400 pA") {
            // The steady interval, well after the current starts at 50 ms.
            std::vector<double> late;
            for (double t : sim.recorded_spikes(0).times_ms)
                if (t > 150) late.push_back(t);
            ASSERT_GE(late.size(), 3u);
            interval_at_400 = (late.back() - late.front()) / double(late.size() - 1);
        }
    }
    for (size_t i = 1; i < counts.size(); ++i)
        EXPECT_GT(counts[i], counts[i - 1]) << "current " << i;
    const auto reference = traub_reference_spikes(400, 500);
    ASSERT_GE(reference.size(), 3u);
    const double reference_interval =
        (reference.back() - reference[1]) / double(reference.size() - 2);
    // Exponential Euler is first order: 9% longer at dt = 0.1 ms, within 1% at 0.01 ms.
    EXPECT_NEAR(interval_at_400 / reference_interval, 1.0, 0.1);
    auto fine = CompiledNetwork::from_file(NNC_TEST_MODELS "/hh_cond_exp_traub_current.nml",
                                           {{"current", "400 pA"}, {"step", "0.01 ms"}});
    fine.simulation().run(550.0);
    std::vector<double> late;
    for (double t : fine.simulation().recorded_spikes(0).times_ms)
        if (t > 150) late.push_back(t);
    ASSERT_GE(late.size(), 3u);
    EXPECT_NEAR((late.back() - late.front()) / double(late.size() - 1) / reference_interval, 1.0,
                0.01);
}

// --- izhi2007b --------------------------------------------------------------------------

/// Izhikevich (2007) RS cell, NetPyNE's defaults, with a constant current from v = vr,
/// u = 0, integrated with RK4 at dt/200; the peak is checked at the end of each step of dt,
/// and a spike is stamped at that end, as the compiled model does.
std::vector<double> izhikevich_reference_spikes(double current, double until) {
    const double C = 100, k = 0.7, vr = -60, vt = -40, vpeak = 35, a = 0.03, b = -2, c = -50,
                 d = 100, dt = 0.1;
    double v = vr, u = 0;
    auto dv = [&](double v_, double u_) { return (k * (v_ - vr) * (v_ - vt) - u_ + current) / C; };
    auto du = [&](double v_, double u_) { return a * (b * (v_ - vr) - u_); };
    std::vector<double> spikes;
    const int sub = 200;
    const double h = dt / sub;
    for (long step = 1; step * dt <= until + 1e-9; ++step) {
        for (int i = 0; i < sub; ++i) {
            const double k1v = dv(v, u), k1u = du(v, u);
            const double k2v = dv(v + h / 2 * k1v, u + h / 2 * k1u),
                         k2u = du(v + h / 2 * k1v, u + h / 2 * k1u);
            const double k3v = dv(v + h / 2 * k2v, u + h / 2 * k2u),
                         k3u = du(v + h / 2 * k2v, u + h / 2 * k2u);
            const double k4v = dv(v + h * k3v, u + h * k3u), k4u = du(v + h * k3v, u + h * k3u);
            v += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
            u += h / 6 * (k1u + 2 * k2u + 2 * k3u + k4u);
        }
        if (v >= vpeak) {
            spikes.push_back(step * dt);
            v = c;
            u += d;
        }
    }
    return spikes;
}

TEST(StdlibNeurons, Izhi2007bRegularSpikingFiresAsTheReferenceIntegration) {
    for (const char* current : {"70 pA", "200 pA"}) {
        auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/izhi2007b_current.nml",
                                              {{"current", current}});
        EXPECT_EQ(net.lowered().program.models[0].solver,
                  nnc::ir::SolverKind::RungeKuttaFehlberg45);
        net.simulation().run(1000.0);
        const auto& t = net.simulation().recorded_spikes(0).times_ms;
        const auto reference = izhikevich_reference_spikes(std::stod(current), 1000.0);
        ASSERT_GE(reference.size(), 5u);
        ASSERT_EQ(t.size(), reference.size()) << current;
        for (size_t i = 0; i < t.size(); ++i)
            EXPECT_NEAR(t[i], reference[i], 0.1 + 1e-9) << current << ", spike " << i;
        // Regular spiking adapts: the first interval is the shortest.
        const auto isi = intervals(t);
        EXPECT_LT(isi.front(), isi.back()) << current;
    }
}

// The rheobase of the RS cell is where the resting state (u = b (v - vr)) disappears in a
// saddle-node bifurcation: I = k/4 (vt - vr + b/k)^2 = 51.43 pA (Izhikevich 2007, ch. 8).
TEST(StdlibNeurons, Izhi2007bRheobaseIsTheSaddleNode) {
    auto spikes_at = [](const char* current) {
        auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/izhi2007b_current.nml",
                                              {{"current", current}});
        net.simulation().run(1000.0);
        return net.simulation().spike_count(0);
    };
    EXPECT_EQ(spikes_at("50 pA"), 0u);
    EXPECT_EQ(spikes_at("51 pA"), 0u);
    EXPECT_GT(spikes_at("53 pA"), 0u);
}

// Every cell type of the mechanism fires under a strong current, the fast-spiking one
// (no spike-triggered u) fastest.
TEST(StdlibNeurons, Izhi2007bEveryCellTypeFires) {
    std::vector<uint64_t> counts;
    for (const char* type : {"1", "2", "3", "4", "5", "6", "7"}) {
        auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/izhi2007b_current.nml",
                                              {{"current", "200 pA"}, {"type", type}});
        net.simulation().run(1000.0);
        counts.push_back(net.simulation().spike_count(0));
        EXPECT_GT(counts.back(), 10u) << "celltype " << type;
    }
    EXPECT_EQ(*std::max_element(counts.begin(), counts.end()), counts[4]) << "FS fastest";
}

} // namespace
