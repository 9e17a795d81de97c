#include "counter_rng.h"

#include <array>
#include <numbers>

namespace nncrt {

namespace {

// SplitMix64's finaliser: a bijection on 64 bits with good avalanche.
uint64_t mix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

} // namespace

RngKey::RngKey(uint64_t seed, RngPurpose purpose, uint64_t stream) {
    uint64_t h = mix64(seed);
    h = mix64(h ^ uint64_t(purpose));
    h = mix64(h ^ stream);
    words_[0] = uint32_t(h);
    words_[1] = uint32_t(h >> 32);
}

double CounterRng::normal() {
    if (has_spare_normal_) {
        has_spare_normal_ = false;
        return spare_normal_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double theta = 2.0 * std::numbers::pi * uniform();
    spare_normal_ = r * std::sin(theta);
    has_spare_normal_ = true;
    return r * std::cos(theta);
}

uint64_t CounterRng::below(uint64_t n) {
    if (n <= 0xffffffffull) {
        const uint32_t n32 = uint32_t(n);
        uint64_t m = uint64_t(next_u32()) * n32;
        if (uint32_t(m) < n32) {
            const uint32_t threshold = uint32_t(-n32) % n32;
            while (uint32_t(m) < threshold)
                m = uint64_t(next_u32()) * n32;
        }
        return m >> 32;
    }
    __extension__ using u128 = unsigned __int128;
    u128 m = u128(next_u64()) * n;
    if (uint64_t(m) < n) {
        const uint64_t threshold = (0 - n) % n;
        while (uint64_t(m) < threshold)
            m = u128(next_u64()) * n;
    }
    return uint64_t(m >> 64);
}

PoissonSampler::PoissonSampler(double mean) : mean_(mean > 0.0 ? mean : 0.0) {
    if (mean_ < ptrs_threshold) {
        double p = std::exp(-mean_);
        double cdf = p;
        cdf_.push_back(cdf);
        for (uint64_t k = 1;; ++k) {
            p *= mean_ / double(k);
            const double next = cdf + p;
            if (next == cdf) break;
            cdf = next;
            cdf_.push_back(cdf);
        }
        size_t k = 0;
        for (size_t m = 0; m < guide_size; ++m) {
            while (k + 1 < cdf_.size() && cdf_[k] < double(m) / double(guide_size))
                ++k;
            guide_[m] = uint16_t(k);
        }
        return;
    }
    const double s = std::sqrt(mean_);
    log_mean_ = std::log(mean_);
    b_ = 0.931 + 2.53 * s;
    a_ = -0.059 + 0.02483 * b_;
    log_inv_alpha_ = std::log(1.1239 + 1.1328 / (b_ - 3.4));
    v_r_ = 0.9277 - 3.6224 / (b_ - 2.0);
}

uint64_t PoissonSampler::ptrs(CounterRng& rng) const {
    // W. Hoermann, "The transformed rejection method for generating Poisson random
    // variables", Insurance: Mathematics and Economics 12 (1993) 39-45.
    for (;;) {
        const double u = rng.uniform() - 0.5;
        const double v = rng.uniform();
        const double us = 0.5 - std::fabs(u);
        const double kf = std::floor((2.0 * a_ / us + b_) * u + mean_ + 0.43);
        if (us >= 0.07 && v <= v_r_) return uint64_t(kf);
        if (kf < 0.0 || (us < 0.013 && v > us)) continue;
        const uint64_t k = uint64_t(kf);
        if (std::log(v) + log_inv_alpha_ - std::log(a_ / (us * us) + b_) <=
            -mean_ + kf * log_mean_ - log_factorial(k))
            return k;
    }
}

double log_factorial(uint64_t k) {
    static constexpr std::array<double, 8> table = {
        0.0,                 // 0!
        0.0,                 // 1!
        0.69314718055994531, // 2!
        1.79175946922805500, // 3!
        3.17805383034794562, // 4!
        4.78749174278204599, // 5!
        6.57925121201010100, // 6!
        8.52516136106541430, // 7!
    };
    if (k < table.size()) return table[k];
    // Stirling series for log Gamma(x), x = k + 1 >= 9: error below 1e-15.
    const double x = double(k) + 1.0;
    const double x2 = 1.0 / (x * x);
    const double series =
        (1.0 / 12.0 -
         x2 * (1.0 / 360.0 - x2 * (1.0 / 1260.0 - x2 * (1.0 / 1680.0 - x2 * (1.0 / 1188.0))))) /
        x;
    return (x - 0.5) * std::log(x) - x + 0.5 * std::log(2.0 * std::numbers::pi) + series;
}

} // namespace nncrt
