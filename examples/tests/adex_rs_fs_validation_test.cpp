// examples/adex_rs_fs.nml against the expected behaviour of
// /work/shared/reference/adex-rs-fs-network.md: a low-rate asynchronous state at baseline
// (excitatory rates of a few Hz, inhibitory ones higher), both populations following the
// afferent bump around t = 1000 ms, and excitatory adaptation visibly slowing the response.
// Rates per 100 ms window, as the example runs it (1.5 s, seed 2019):
//
// - baseline, 300–800 ms (after the transient from rest): Exc below 5 Hz, Inh above Exc
//   (nnc: 1.0 and 4.4 Hz);
// - the bump, 800–1000 ms: both populations above twice their baseline (nnc: 5.4 and
//   16.2 Hz);
// - adaptation: in 1000–1100 ms the drive is 40% higher than in 800–900 ms (7.5 against
//   5.3 Hz per afferent), yet the Exc rate is below 0.75 of what it was then (nnc: 2.2
//   against 5.7 Hz): the adaptation current built up during the rise holds it down.
#include "pipeline_fixture.h"
#include "spike_statistics.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace {

using nnc::test::CompiledNetwork;
using namespace nnc::validation;

TEST(AdExRsFsValidation, LowRateBaselineFollowsTheBumpWithAdaptation) {
    auto net = CompiledNetwork::from_file(NNC_SOURCE_DIR "/examples/adex_rs_fs.nml");
    auto& sim = net.simulation();
    sim.run(1500.0);
    // Mean rate of population p (Hz per neuron) over [t0, t1).
    const auto rate = [&](uint32_t p, double t0, double t1) {
        const auto counts = population_counts(sim.recorded_spikes(p), t0, t1, t1 - t0);
        return counts[0] / double(sim.population_spec(p).size) / ((t1 - t0) * 1e-3);
    };
    const double exc_base = rate(0, 300, 800), inh_base = rate(1, 300, 800);
    const double exc_bump = rate(0, 800, 1000), inh_bump = rate(1, 800, 1000);
    const double exc_rise = rate(0, 800, 900), exc_after = rate(0, 1000, 1100);
    std::printf("Exc %.2f Hz at baseline, %.2f Hz in the bump (%.2f Hz in 800-900 ms, %.2f Hz "
                "in 1000-1100 ms); Inh %.2f and %.2f Hz\n",
                exc_base, exc_bump, exc_rise, exc_after, inh_base, inh_bump);
    EXPECT_GT(exc_base, 0.0);
    EXPECT_LT(exc_base, 5.0);
    EXPECT_GT(inh_base, exc_base);
    EXPECT_GT(exc_bump, 2 * exc_base);
    EXPECT_GT(inh_bump, 2 * inh_base);
    EXPECT_LT(exc_after, 0.75 * exc_rise);
}

} // namespace
