// examples/microcircuit.nml at a tenth of its size (N_scaling = K_scaling = 0.1, 7,718 neurons,
// 3 million synapses) against Potjans & Diesmann (2014) and its reference implementation
// (/work/shared/reference/pd14-microcircuit.md):
//
// - every projection has exactly the synapse count of the fixed-total-number rule,
//   round(N_scaling K_scaling ln(1 - P) / ln(1 - 1 / (N_pre N_post))) from the full sizes;
// - after the 500 ms warm-up, every population's mean rate is within a factor of 2.5 of the
//   full model's (NEST reference run): down-scaling with DC compensation keeps the first two
//   moments of the input only, and van Albada et al. (2015) show that the rates of a scaled
//   microcircuit then move by tens of percent, most in the low-rate L2/3E and L6E;
// - the activity is asynchronous irregular: in every population that fires (20 neurons or
//   more with 5 spikes or more), the mean CV of the inter-spike intervals is between 0.7
//   and 1.1, the range the issue gives for the paper's Fig. 6. A CV from a handful of
//   intervals is biased low (Poisson trains of 5 spikes give 0.75 on average), so the
//   measured mean is divided by the mean that Poisson trains with the same spike counts
//   give (spike_statistics.h); both are printed.
//
// 2 s are recorded after the warm-up (the example records 1 s) so that the low-rate
// populations have enough intervals for a CV. The per-neuron rates and CVs are written to
// microcircuit_scale_0.1.csv in the working directory for comparison with the reference
// implementation's distributions (Dasbach et al. 2021).
#include "pipeline_fixture.h"
#include "spike_statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace {

using nnc::test::CompiledNetwork;
using namespace nnc::validation;

constexpr double N_full[8] = {20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948};
constexpr double P[8][8] = {{0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0},
                            {0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0},
                            {0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0.0},
                            {0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0},
                            {0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0},
                            {0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0.0},
                            {0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
                            {0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443}};
constexpr double reference_rate[8] = {0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829};
constexpr double scale = 0.1, warmup = 500.0, recorded = 2000.0;

TEST(MicrocircuitValidation, ScaleOneTenthMatchesThePublishedModel) {
    auto net =
        CompiledNetwork::from_file(NNC_SOURCE_DIR "/examples/microcircuit.nml", {{"scale", "0.1"}});
    auto& sim = net.simulation();
    sim.build();

    // The example draws its projections in the order post 0..7, pre 0..7.
    ASSERT_EQ(sim.projection_count(), 64u);
    for (uint32_t post = 0; post < 8; ++post)
        for (uint32_t pre = 0; pre < 8; ++pre) {
            const double full =
                std::log(1 - P[post][pre]) / std::log(1 - 1 / (N_full[pre] * N_full[post]));
            EXPECT_EQ(sim.synapse_count(post * 8 + pre),
                      uint64_t(std::llround(full * scale * scale)))
                << "projection " << pre << " -> " << post;
        }

    sim.run(warmup);
    sim.discard_recordings();
    sim.run(recorded);

    std::ofstream csv("microcircuit_scale_0.1.csv");
    csv << "population,node_id,rate_hz,isi_cv\n";
    std::printf("population  neurons  rate (Hz): mean  [10%%, 50%%, 90%%]  reference  "
                "ISI CV: raw / over Poisson (neurons)\n");
    for (uint32_t p = 0; p < 8; ++p) {
        const auto& spec = sim.population_spec(p);
        const auto spikes = trains(sim.recorded_spikes(p), spec.size, warmup, warmup + recorded);
        std::vector<double> rates, cvs;
        std::vector<size_t> counts;
        for (uint64_t i = 0; i < spec.size; ++i) {
            const double rate = double(spikes[i].size()) / (recorded * 1e-3);
            const double cv = isi_cv(spikes[i]);
            rates.push_back(rate);
            if (spikes[i].size() >= 5) {
                cvs.push_back(cv);
                counts.push_back(spikes[i].size());
            }
            csv << spec.name << ',' << i << ',' << rate << ',' << (std::isnan(cv) ? 0.0 : cv)
                << '\n';
        }
        auto sorted = rates;
        std::sort(sorted.begin(), sorted.end());
        const auto quantile = [&](double q) {
            return sorted[size_t(q * double(sorted.size() - 1))];
        };
        const double rate = mean(rates), raw_cv = mean(cvs);
        const double cv = raw_cv / poisson_cv_for_counts(counts, recorded);
        std::printf("%-10s %8llu  %10.3f  [%.2f, %.2f, %.2f]  %9.3f  %6.3f / Poisson: %.3f "
                    "(%zu)\n",
                    spec.name.c_str(), (unsigned long long)spec.size, rate, quantile(0.1),
                    quantile(0.5), quantile(0.9), reference_rate[p], raw_cv, cv, cvs.size());
        EXPECT_GT(rate, reference_rate[p] / 2.5) << spec.name;
        EXPECT_LT(rate, reference_rate[p] * 2.5) << spec.name;
        if (cvs.size() >= 20) {
            EXPECT_GE(cv, 0.7) << spec.name;
            EXPECT_LE(cv, 1.1) << spec.name;
        }
    }
}

} // namespace
