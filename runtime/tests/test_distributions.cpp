// The distributions values are drawn from: sample means and variances against their
// closed forms. With n draws the sample mean has standard error sd/sqrt(n) and the sample
// variance sqrt((mu4 - var^2)/n) (mu4 the fourth central moment); every check allows five
// standard errors, so a correct sampler fails one with probability below 1e-6.
#include "kernels.h"
#include "nncrt/simulation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <numbers>
#include <vector>

using nncrt::Distribution;
using nncrt::Simulation;
using namespace nncrt_test;

namespace {

constexpr uint64_t n = 200000;

/// n initial values of a state variable drawn from `d`.
std::vector<double> draws(const Distribution& d, uint64_t seed = 7) {
    Simulation sim(nncrt::SimulationConfig{0.1, seed});
    const auto p = sim.add_population(fire_at_population("p", n));
    sim.set_initial_state(p, 1, d);
    sim.build();
    return sim.state(p, 1);
}

struct Sample {
    double mean = 0, variance = 0;
};

Sample sample(const std::vector<double>& x) {
    Sample s;
    for (double v : x)
        s.mean += v;
    s.mean /= double(x.size());
    for (double v : x)
        s.variance += (v - s.mean) * (v - s.mean);
    s.variance /= double(x.size() - 1);
    return s;
}

/// Checks the sample's mean and variance against `mean`, `variance` and the fourth central
/// moment `mu4`.
void expect_moments(const std::vector<double>& x, double mean, double variance, double mu4) {
    const Sample s = sample(x);
    const double nn = double(x.size());
    EXPECT_NEAR(s.mean, mean, 5 * std::sqrt(variance / nn));
    EXPECT_NEAR(s.variance, variance, 5 * std::sqrt((mu4 - variance * variance) / nn));
}

double phi(double z) {
    return std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi);
}
double Phi(double z) {
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

} // namespace

TEST(Distributions, LogNormalByMuAndSigmaOfTheUnderlyingNormal) {
    const double mu = std::log(87.8), sigma = 0.25;
    // Raw moments E[X^k] = exp(k mu + k^2 sigma^2 / 2).
    const auto raw = [&](int k) { return std::exp(k * mu + k * k * sigma * sigma / 2); };
    const double m = raw(1), var = raw(2) - m * m;
    const double mu4 = raw(4) - 4 * m * raw(3) + 6 * m * m * raw(2) - 3 * m * m * m * m;
    const auto x = draws(Distribution::lognormal(mu, sigma));
    EXPECT_TRUE(std::all_of(x.begin(), x.end(), [](double v) { return v > 0; }));
    expect_moments(x, m, var, mu4);
    // The median is exp(mu).
    std::vector<double> sorted = x;
    std::nth_element(sorted.begin(), sorted.begin() + n / 2, sorted.end());
    EXPECT_NEAR(std::log(sorted[n / 2]), mu, 5 * sigma * 1.2533 / std::sqrt(double(n)));
}

TEST(Distributions, ExponentialByItsMean) {
    const double mean = 5.0; // variance mean^2, fourth central moment 9 mean^4
    const auto x = draws(Distribution::exponential(mean));
    EXPECT_TRUE(std::all_of(x.begin(), x.end(), [](double v) { return v >= 0; }));
    expect_moments(x, mean, mean * mean, 9 * std::pow(mean, 4));
}

TEST(Distributions, NormalClippedByRedrawingStaysWithinItsBounds) {
    // The PD14 delays: 1.5 ms +- 0.75 ms, redrawn below dt = 0.1 ms; and a two-sided case.
    for (auto [mu, sd, low, high] :
         {std::array{1.5, 0.75, 0.1, std::numeric_limits<double>::infinity()},
          std::array{-58.0, 10.0, -70.0, -50.0}}) {
        const auto x = draws(Distribution::normal_clipped(mu, sd, low, high));
        EXPECT_GE(*std::min_element(x.begin(), x.end()), low);
        EXPECT_LE(*std::max_element(x.begin(), x.end()), high);
        // The truncated normal's closed forms.
        const double a = (low - mu) / sd, b = (high - mu) / sd;
        const double z = Phi(b) - Phi(a);
        const double pa = phi(a), pb = std::isinf(b) ? 0.0 : phi(b);
        const double mean = mu + sd * (pa - pb) / z;
        const double shift = (pa - pb) / z;
        const double bpb = std::isinf(b) ? 0.0 : b * pb;
        const double var = sd * sd * (1 + (a * pa - bpb) / z - shift * shift);
        // A truncated normal's kurtosis is below that of the half-normal (3.87): mu4 <= 4 var^2.
        expect_moments(x, mean, var, 4 * var * var);
    }
}

TEST(Distributions, NormalWithoutBoundsIsUnchanged) {
    const auto x = draws(Distribution::normal(10.0, 2.0));
    expect_moments(x, 10.0, 4.0, 3 * 16.0);
}

TEST(Distributions, ClippedNormalWithAlmostNothingWithinItsBoundsIsRefused) {
    Simulation sim(nncrt::SimulationConfig{0.1, 1});
    const auto p = sim.add_population(fire_at_population("p", 10));
    EXPECT_THROW(sim.set_initial_state(p, 1, Distribution::normal_clipped(0, 1, 6, INFINITY)),
                 nncrt::Error);
    EXPECT_THROW(sim.set_initial_state(p, 1, Distribution::normal_clipped(0, 1, 2, 1)),
                 nncrt::Error);
    EXPECT_THROW(sim.set_initial_state(p, 1, Distribution::exponential(0)), nncrt::Error);
    EXPECT_THROW(sim.set_initial_state(p, 1, Distribution::lognormal(0, -1)), nncrt::Error);
    EXPECT_NO_THROW(sim.set_initial_state(p, 1, Distribution::normal_clipped(0, 1, 4, 5)));
}
