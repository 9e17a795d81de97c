// Counter-based random numbers, so that every random quantity of a network depends only on
// the seed and on what it is (its purpose, its stream, its element), never on the order in
// which elements are visited nor on how the work is split between threads or processes.
//
// A draw is Philox4x32-10(key, counter): the 64-bit key is a hash of (seed, purpose, stream)
// and the 128-bit counter holds the element id (48 bits), a sub-index (48 bits: a step, or a
// synapse within a target) and a block index (32 bits) that advances as draws are taken.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace nncrt {

/// What a random quantity is for; each purpose has its own key space.
enum class RngPurpose : uint32_t {
    InitialState = 1, ///< stream = (population << 32) | state variable, element = neuron
    Connectivity = 2, ///< stream = projection, element = target neuron
    Weight = 3,       ///< stream = projection, element = target neuron, sub = synapse of target
    Delay = 4,        ///< stream = projection, element = target neuron, sub = synapse of target
    Poisson = 5,      ///< stream = stimulus, element = target neuron, sub = step
    SynapseState = 6, ///< stream = (projection << 32) | state variable, element = target
                      ///< neuron, sub = synapse of target
    Position = 7,     ///< stream = population, element = neuron
    InhomogeneousPoisson = 8, ///< stream = rate-table source, element = neuron, sub = step
    NoiseCurrent = 9,         ///< stream = noise source, element = neuron, sub = interval
    Test = 0xffff,            ///< for tests and tools
};

/// Largest element id and sub-index a counter can hold (48 bits each).
inline constexpr uint64_t rng_max_index = (uint64_t{1} << 48) - 1;

/// The key of one stream of draws: (seed, purpose, stream), hashed to Philox's 64-bit key.
class RngKey {
public:
    RngKey(uint64_t seed, RngPurpose purpose, uint64_t stream);
    uint32_t word(int i) const { return words_[i]; }

private:
    uint32_t words_[2];
};

/// The draws of one element of one stream, in a fixed order. Cheap to construct: nothing is
/// computed until the first draw.
class CounterRng {
public:
    CounterRng(const RngKey& key, uint64_t element, uint64_t sub = 0)
        : key_{{key.word(0), key.word(1)}}, ctr_{{0u, uint32_t(element), uint32_t(sub),
                                                  uint32_t(((element >> 32) & 0xffffu) |
                                                           (((sub >> 32) & 0xffffu) << 16))}} {}

    /// 32 random bits.
    uint32_t next_u32() {
        if (used_ == 4) refill();
        return buf_[used_++];
    }
    /// 64 random bits.
    uint64_t next_u64() {
        uint64_t hi = next_u32();
        return (hi << 32) | next_u32();
    }
    /// Uniform in the open interval (0, 1), 53 bits of resolution.
    double uniform() { return (double(next_u64() >> 11) + 0.5) * 0x1p-53; }
    /// Uniform in the open interval (0, 1), 32 bits of resolution (cheaper).
    double uniform32() { return (double(next_u32()) + 0.5) * 0x1p-32; }
    /// Standard normal (Box-Muller; the second value of each pair is kept for the next call).
    double normal();
    /// Uniform integer in [0, n), without modulo bias (Lemire's multiply-and-reject).
    /// n must be > 0.
    uint64_t below(uint64_t n);

private:
    void refill() {
        auto r = r123::Philox4x32()(ctr_, key_);
        for (int i = 0; i < 4; ++i)
            buf_[i] = r.v[i];
        ctr_.v[0] += 1;
        used_ = 0;
    }

    r123::Philox4x32::key_type key_;
    r123::Philox4x32::ctr_type ctr_;
    uint32_t buf_[4] = {0, 0, 0, 0};
    int used_ = 4;
    bool has_spare_normal_ = false;
    double spare_normal_ = 0.0;
};

/// Poisson variates of one fixed mean. The constants are computed once, so that sampling the
/// same mean for every neuron and step is cheap. Means below 10 use inversion by sequential
/// search; larger means use Hoermann's PTRS transformed rejection (1993).
class PoissonSampler {
public:
    explicit PoissonSampler(double mean);
    double mean() const { return mean_; }

    uint64_t operator()(CounterRng& rng) const {
        if (mean_ <= 0.0) return 0;
        if (mean_ < ptrs_threshold) return invert(rng);
        return ptrs(rng);
    }

    static constexpr double ptrs_threshold = 10.0;

private:
    /// Inversion by indexed search (Chen and Asau 1974): the guide table says where in the
    /// tabulated cumulative probabilities the variate for u can start, so that the search
    /// nearly always stops at once instead of a mispredicted branch per step of a scan.
    uint64_t invert(CounterRng& rng) const {
        const double u = rng.uniform();
        const size_t last = cdf_.size() - 1;
        size_t k = guide_[size_t(u * double(guide_size))];
        while (k < last && u > cdf_[k])
            ++k;
        return k;
    }
    uint64_t ptrs(CounterRng& rng) const;

    double mean_;
    std::vector<double> cdf_; ///< P(X <= k), until the tail no longer changes the sum
    static constexpr size_t guide_size = 64;
    /// guide_[m]: the least k with cdf_[k] >= m / guide_size (or the last k).
    std::array<uint16_t, guide_size> guide_{};
    // PTRS constants.
    double log_mean_ = 0.0, a_ = 0.0, b_ = 0.0, log_inv_alpha_ = 0.0, v_r_ = 0.0;
};

/// log(k!) for the PTRS acceptance test (Stirling series above 7, a table below).
double log_factorial(uint64_t k);

} // namespace nncrt
