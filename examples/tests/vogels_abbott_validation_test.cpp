// examples/cuba.nml and examples/coba.nml, benchmarks 2 and 1 of Brette et al. (2007)
// (/work/shared/reference/brette2007-benchmarks.md): 4000 neurons and no external input, so
// whatever fires after the start is the network's own, self-sustained activity. 1 s each,
// the first 200 ms (the transient from the random initial state) left out:
//
// - both networks are still active in the last 100 ms (a silent network stays silent), and
//   asynchronous: the Fano factor of the population count in 1 ms bins is below 10 (1 for
//   independent neurons; the synchronous Brunel regimes give hundreds);
// - CUBA fires at the benchmark's rate: Brian2 gives 5.3 spikes/s per neuron over 10 s; nnc
//   must be within 20% (another random network, 1 s instead of 10 s, and a delay of one
//   step where Brian2 has none; nnc gives 5.8 Hz, and 5.7 Hz over 10 s);
// - COBA fires irregularly, mean ISI CV above 1 (nnc: 1.5) as Vogels & Abbott's
//   self-sustained states do; the reference gives no COBA rate to compare (nnc: 19 Hz).
#include "pipeline_fixture.h"
#include "spike_statistics.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace {

using nnc::test::CompiledNetwork;
using namespace nnc::validation;

struct Activity {
    double rate = 0, late_rate = 0, cv = 0, fano = 0;
};

Activity run(const char* example) {
    auto net = CompiledNetwork::from_file(std::string(NNC_SOURCE_DIR "/examples/") + example);
    auto& sim = net.simulation();
    sim.run(1000.0);
    Activity a;
    std::vector<double> cvs;
    uint64_t neurons = 0, spikes = 0, late = 0;
    std::vector<double> counts;
    for (uint32_t p = 0; p < 2; ++p) {
        const uint64_t n = sim.population_spec(p).size;
        neurons += n;
        for (const auto& train : trains(sim.recorded_spikes(p), n, 200.0, 1000.0)) {
            spikes += train.size();
            for (double t : train)
                late += t >= 900.0;
            if (train.size() >= 5) cvs.push_back(isi_cv(train));
        }
        const auto c = population_counts(sim.recorded_spikes(p), 200.0, 1000.0, 1.0);
        counts.resize(c.size(), 0.0);
        for (size_t i = 0; i < c.size(); ++i)
            counts[i] += c[i];
    }
    a.rate = double(spikes) / double(neurons) / 0.8;
    a.late_rate = double(late) / double(neurons) / 0.1;
    a.cv = mean(cvs);
    a.fano = fano_factor(counts);
    std::printf("%s: %.2f Hz (%.2f Hz in the last 100 ms), ISI CV %.2f, Fano factor (1 ms) %.1f\n",
                example, a.rate, a.late_rate, a.cv, a.fano);
    return a;
}

TEST(VogelsAbbottValidation, CubaSustainsItselfAtTheBenchmarkRate) {
    const auto a = run("cuba.nml");
    EXPECT_GT(a.late_rate, 1.0);
    EXPECT_LT(a.fano, 10.0);
    EXPECT_NEAR(a.rate, 5.3, 0.2 * 5.3);
}

TEST(VogelsAbbottValidation, CobaSustainsItselfAsynchronouslyAndIrregularly) {
    const auto a = run("coba.nml");
    EXPECT_GT(a.late_rate, 1.0);
    EXPECT_LT(a.fano, 10.0);
    EXPECT_GT(a.cv, 1.0);
}

} // namespace
