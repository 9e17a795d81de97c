#include "counter_rng.h"

#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <vector>

using nncrt::CounterRng;
using nncrt::PoissonSampler;
using nncrt::RngKey;
using nncrt::RngPurpose;

namespace {

std::vector<uint32_t> words(const RngKey& key, uint64_t element, uint64_t sub, int n) {
    CounterRng rng(key, element, sub);
    std::vector<uint32_t> out;
    for (int i = 0; i < n; ++i)
        out.push_back(rng.next_u32());
    return out;
}

struct Moments {
    double mean = 0.0;
    double variance = 0.0;
};

template <class Draw>
Moments moments(int n, Draw&& draw) {
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < n; ++i) {
        const double x = draw(i);
        sum += x;
        sum2 += x * x;
    }
    Moments m;
    m.mean = sum / n;
    m.variance = (sum2 - n * m.mean * m.mean) / (n - 1);
    return m;
}

} // namespace

TEST(CounterRng, SameKeyGivesSameNumbers) {
    const RngKey a(42, RngPurpose::Test, 7);
    const RngKey b(42, RngPurpose::Test, 7);
    EXPECT_EQ(words(a, 3, 5, 50), words(b, 3, 5, 50));
}

TEST(CounterRng, EveryPartOfTheKeyAndCounterMatters) {
    const auto base = words(RngKey(42, RngPurpose::Test, 7), 3, 5, 8);
    EXPECT_NE(base, words(RngKey(43, RngPurpose::Test, 7), 3, 5, 8));                // seed
    EXPECT_NE(base, words(RngKey(42, RngPurpose::Weight, 7), 3, 5, 8));              // purpose
    EXPECT_NE(base, words(RngKey(42, RngPurpose::Test, 8), 3, 5, 8));                // stream
    EXPECT_NE(base, words(RngKey(42, RngPurpose::Test, 7), 4, 5, 8));                // element
    EXPECT_NE(base, words(RngKey(42, RngPurpose::Test, 7), 3, 6, 8));                // sub
    EXPECT_NE(base, words(RngKey(42, RngPurpose::Test, 7), 3 + (1ull << 32), 5, 8)); // high bits
    EXPECT_NE(base, words(RngKey(42, RngPurpose::Test, 7), 3, 5 + (1ull << 32), 8));
    // Element and sub-index are not interchangeable.
    EXPECT_NE(words(RngKey(42, RngPurpose::Test, 7), 1, 2, 8),
              words(RngKey(42, RngPurpose::Test, 7), 2, 1, 8));
}

TEST(CounterRng, DrawsWithinAnElementDoNotRepeat) {
    // Successive blocks of one element differ (the block counter advances).
    const auto w = words(RngKey(1, RngPurpose::Test, 0), 0, 0, 16);
    for (int block = 1; block < 4; ++block)
        EXPECT_NE(std::vector<uint32_t>(w.begin(), w.begin() + 4),
                  std::vector<uint32_t>(w.begin() + 4 * block, w.begin() + 4 * block + 4));
}

TEST(CounterRng, UniformIsInOpenUnitIntervalWithRightMoments) {
    const RngKey key(2024, RngPurpose::Test, 0);
    const int n = 400000;
    CounterRng rng(key, 0);
    double lo = 1.0, hi = 0.0;
    const Moments m = moments(n, [&](int) {
        const double u = rng.uniform();
        lo = std::min(lo, u);
        hi = std::max(hi, u);
        return u;
    });
    EXPECT_GT(lo, 0.0);
    EXPECT_LT(hi, 1.0);
    EXPECT_NEAR(m.mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n));
    // Var of the sample variance of U(0,1): (1/80 - 1/144) / n.
    EXPECT_NEAR(m.variance, 1.0 / 12.0, 4.0 * std::sqrt((1.0 / 80 - 1.0 / 144) / n));

    CounterRng rng32(key, 1);
    const Moments m32 = moments(n, [&](int) { return rng32.uniform32(); });
    EXPECT_NEAR(m32.mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n));
    EXPECT_NEAR(m32.variance, 1.0 / 12.0, 4.0 * std::sqrt((1.0 / 80 - 1.0 / 144) / n));
}

TEST(CounterRng, NormalHasMeanZeroAndUnitSd) {
    const RngKey key(7, RngPurpose::Test, 1);
    const int n = 400000;
    // One element per draw, the way initial states are drawn.
    const Moments m = moments(n, [&](int i) {
        CounterRng rng(key, uint64_t(i));
        return rng.normal();
    });
    EXPECT_NEAR(m.mean, 0.0, 4.0 * std::sqrt(1.0 / n));
    EXPECT_NEAR(m.variance, 1.0, 4.0 * std::sqrt(2.0 / n));
    // And a long sequence from one element (uses the spare value of Box-Muller).
    CounterRng rng(key, 0, 1);
    const Moments seq = moments(n, [&](int) { return rng.normal(); });
    EXPECT_NEAR(seq.mean, 0.0, 4.0 * std::sqrt(1.0 / n));
    EXPECT_NEAR(seq.variance, 1.0, 4.0 * std::sqrt(2.0 / n));
}

TEST(CounterRng, BelowIsInRangeAndUnbiased) {
    CounterRng rng(RngKey(3, RngPurpose::Test, 2), 0);
    // n = 3 * 2^30: a plain modulo of 32 bits would give [0, 2^30) twice the weight.
    const uint64_t n = 3ull << 30;
    const int draws = 300000;
    int low_third = 0;
    for (int i = 0; i < draws; ++i) {
        const uint64_t v = rng.below(n);
        ASSERT_LT(v, n);
        if (v < (1ull << 30)) ++low_third;
    }
    const double p = 1.0 / 3.0;
    EXPECT_NEAR(double(low_third) / draws, p, 4.0 * std::sqrt(p * (1 - p) / draws));

    std::map<uint64_t, int> counts;
    for (int i = 0; i < 70000; ++i)
        ++counts[rng.below(7)];
    ASSERT_EQ(counts.size(), 7u);
    for (const auto& [v, c] : counts)
        EXPECT_NEAR(c, 10000, 400) << v;

    EXPECT_EQ(rng.below(1), 0u);
    const uint64_t big = (1ull << 40) + 12345;
    bool above_32_bits = false;
    for (int i = 0; i < 1000; ++i) {
        const uint64_t v = rng.below(big);
        ASSERT_LT(v, big);
        above_32_bits |= v > 0xffffffffull;
    }
    EXPECT_TRUE(above_32_bits);
}

TEST(LogFactorial, MatchesLgamma) {
    for (uint64_t k :
         {0ull, 1ull, 2ull, 5ull, 7ull, 8ull, 9ull, 10ull, 20ull, 100ull, 12345ull, 10000000ull})
        EXPECT_NEAR(nncrt::log_factorial(k), std::lgamma(double(k) + 1.0),
                    1e-12 * std::max(1.0, std::lgamma(double(k) + 1.0)))
            << k;
}

class PoissonMoments : public ::testing::TestWithParam<double> {};

TEST_P(PoissonMoments, MeanAndVarianceMatch) {
    const double mu = GetParam();
    const PoissonSampler sampler(mu);
    const RngKey key(99, RngPurpose::Test, uint64_t(mu * 1000));
    const int n = 200000;
    const Moments m = moments(n, [&](int i) {
        CounterRng rng(key, uint64_t(i));
        return double(sampler(rng));
    });
    EXPECT_NEAR(m.mean, mu, 5.0 * std::sqrt(mu / n)) << "mean " << mu;
    // Var of the sample variance of Poisson(mu): (mu + 2 mu^2) / n.
    EXPECT_NEAR(m.variance, mu, 5.0 * std::sqrt((mu + 2.0 * mu * mu) / n)) << "mean " << mu;
}

INSTANTIATE_TEST_SUITE_P(SmallAndLargeMeans, PoissonMoments,
                         ::testing::Values(0.001, 0.5, 4.0, 9.99, 10.0, 40.0, 1000.0, 1e4));

class PoissonDistribution : public ::testing::TestWithParam<double> {};

TEST_P(PoissonDistribution, ChiSquareAgainstThePmf) {
    const double mu = GetParam();
    const PoissonSampler sampler(mu);
    const RngKey key(5, RngPurpose::Test, 1);
    const int n = 200000;
    std::map<uint64_t, int> counts;
    for (int i = 0; i < n; ++i) {
        CounterRng rng(key, uint64_t(i));
        ++counts[sampler(rng)];
    }
    // Bins of single values with at least 50 expected; the tails merged into two bins.
    const auto pmf = [&](uint64_t k) {
        return std::exp(-mu + double(k) * std::log(mu) - std::lgamma(double(k) + 1.0));
    };
    uint64_t lo = uint64_t(mu), hi = uint64_t(mu);
    while (lo > 0 && pmf(lo - 1) * n >= 50)
        --lo;
    while (pmf(hi + 1) * n >= 50)
        ++hi;
    double chi2 = 0.0;
    double p_inside = 0.0;
    int observed_low = 0, observed_high = 0;
    for (uint64_t k = lo; k <= hi; ++k) {
        const double expected = pmf(k) * n;
        p_inside += pmf(k);
        const double diff = counts[k] - expected;
        chi2 += diff * diff / expected;
    }
    double p_low = 0.0;
    for (uint64_t k = 0; k < lo; ++k)
        p_low += pmf(k);
    for (const auto& [k, c] : counts) {
        if (k < lo) observed_low += c;
        if (k > hi) observed_high += c;
    }
    const double p_high = 1.0 - p_inside - p_low;
    int bins = int(hi - lo + 1);
    for (auto [p, observed] : {std::pair{p_low, observed_low}, std::pair{p_high, observed_high}}) {
        if (p * n < 5) continue;
        chi2 += (observed - p * n) * (observed - p * n) / (p * n);
        ++bins;
    }
    const double dof = bins - 1;
    // Mean dof, sd sqrt(2 dof): 5 sd is far beyond chance and well short of a wrong sampler.
    EXPECT_LT(chi2, dof + 5.0 * std::sqrt(2.0 * dof)) << "mean " << mu << ", " << bins << " bins";
}

INSTANTIATE_TEST_SUITE_P(InversionAndPtrs, PoissonDistribution,
                         ::testing::Values(0.5, 4.0, 12.0, 40.0, 1000.0));

TEST(PoissonSampler, ZeroMeanGivesZero) {
    const PoissonSampler zero(0.0);
    CounterRng rng(RngKey(1, RngPurpose::Test, 0), 0);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(zero(rng), 0u);
    const PoissonSampler negative(-1.0);
    EXPECT_EQ(negative(rng), 0u);
}

TEST(PoissonSampler, IsReproducible) {
    const RngKey key(11, RngPurpose::Poisson, 0);
    for (double mu : {0.3, 50.0, 5000.0}) {
        const PoissonSampler sampler(mu);
        for (uint64_t i = 0; i < 100; ++i) {
            CounterRng a(key, i, 17), b(key, i, 17);
            EXPECT_EQ(sampler(a), sampler(b));
        }
    }
}
