// Statistics of recorded spike trains, for the validation of the examples: per-neuron rates
// and ISI coefficients of variation, the binned population count, its Fano factor and its
// power spectrum.
#pragma once

#include "nncrt/simulation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace nnc::validation {

/// The spike times of each of n neurons, in order, within [t0, t1).
inline std::vector<std::vector<double>> trains(const nncrt::SpikeRecord& s, uint64_t n, double t0,
                                               double t1) {
    std::vector<std::vector<double>> out(n);
    for (size_t i = 0; i < s.times_ms.size(); ++i)
        if (s.times_ms[i] >= t0 && s.times_ms[i] < t1 && s.node_ids[i] < n)
            out[s.node_ids[i]].push_back(s.times_ms[i]);
    return out;
}

inline double mean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v)
        sum += x;
    return v.empty() ? 0.0 : sum / double(v.size());
}

inline double variance(const std::vector<double>& v) {
    const double m = mean(v);
    double sum = 0;
    for (double x : v)
        sum += (x - m) * (x - m);
    return v.size() < 2 ? 0.0 : sum / double(v.size());
}

/// The coefficient of variation of a train's inter-spike intervals (NaN below 3 spikes).
inline double isi_cv(const std::vector<double>& train) {
    if (train.size() < 3) return std::nan("");
    std::vector<double> isi;
    for (size_t i = 1; i < train.size(); ++i)
        isi.push_back(train[i] - train[i - 1]);
    return std::sqrt(variance(isi)) / mean(isi);
}

/// The mean ISI CV that Poisson trains with the same spike counts in a window of `window_ms`
/// would give: a Poisson train with k spikes in a window is k uniform times, and the CV
/// of a few intervals is biased low (about 0.75 for five spikes). Dividing a measured mean
/// CV by this gives the irregularity free of that bias: 1 for Poisson firing.
inline double poisson_cv_for_counts(const std::vector<size_t>& counts, double window_ms,
                                    int repeats = 20) {
    std::mt19937_64 rng(20070101);
    std::uniform_real_distribution<double> uniform(0.0, window_ms);
    std::vector<double> cvs;
    for (size_t k : counts)
        for (int r = 0; r < repeats; ++r) {
            std::vector<double> train(k);
            for (double& t : train)
                t = uniform(rng);
            std::sort(train.begin(), train.end());
            cvs.push_back(isi_cv(train));
        }
    return mean(cvs);
}

/// Spikes of all neurons per bin of `bin_ms` over [t0, t1).
inline std::vector<double> population_counts(const nncrt::SpikeRecord& s, double t0, double t1,
                                             double bin_ms) {
    std::vector<double> counts(size_t(std::llround((t1 - t0) / bin_ms)), 0.0);
    for (double t : s.times_ms) {
        if (t < t0 || t >= t1) continue;
        const size_t b = size_t((t - t0) / bin_ms);
        if (b < counts.size()) counts[b] += 1;
    }
    return counts;
}

/// Variance over mean of the binned population count: near 1 for independent Poisson
/// neurons, large when they fire together.
inline double fano_factor(const std::vector<double>& counts) {
    return variance(counts) / mean(counts);
}

struct Spectrum {
    std::vector<double> frequency_hz;
    std::vector<double> power;
};

/// The periodogram of the mean-subtracted counts at 1 Hz steps from f_low to f_high.
inline Spectrum power_spectrum(const std::vector<double>& counts, double bin_ms, double f_low,
                               double f_high) {
    const double m = mean(counts);
    Spectrum out;
    for (double f = f_low; f <= f_high; f += 1.0) {
        const double w = 2 * std::numbers::pi * f * bin_ms * 1e-3;
        double re = 0, im = 0;
        for (size_t k = 0; k < counts.size(); ++k) {
            re += (counts[k] - m) * std::cos(w * double(k));
            im -= (counts[k] - m) * std::sin(w * double(k));
        }
        out.frequency_hz.push_back(f);
        out.power.push_back((re * re + im * im) / double(counts.size()));
    }
    return out;
}

} // namespace nnc::validation
