// The synapses of one projection, stored so that delivering a spike of source s is one walk
// over a contiguous row, and so that a synapse costs a few bytes and no object or allocation.
//
// Layout (CSR by source): offsets[s] .. offsets[s + 1] index the synapses of source s; per
// synapse a uint32 target index, then either a float weight per synapse or one uniform
// weight for the projection, and either a uint16 delay (in steps) per synapse or one uniform
// delay. Within a row the targets are in increasing order (multapses are adjacent).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace nncrt {

/// Synapses as connectors produce them: grouped by target. offsets has n_targets + 1 entries;
/// sources[offsets[t] .. offsets[t + 1]) are the sources of target t. A synapse is named by
/// (t, q), q being its index within its target's list; per-synapse draws are keyed by that.
struct TargetLists {
    std::vector<uint64_t> offsets{0};
    std::vector<uint32_t> sources;

    uint64_t target_count() const { return offsets.size() - 1; }
    uint64_t synapse_count() const { return sources.size(); }
};

/// Either one value for every synapse of a projection or a value per synapse.
struct UniformOr {
    bool uniform = true;
    double value = 0.0; ///< the value when uniform
};

class ConnectionTable {
public:
    ConnectionTable() = default;

    /// Sorts target lists by source (a stable counting sort, so each row keeps targets in
    /// increasing order). Per-synapse weights and delays are asked for in target order:
    /// weight_at(t, q) -> float, delay_at(t, q) -> uint16_t (steps, >= 1); they are not
    /// called for a uniform weight or delay. A uniform delay must be >= 1 step.
    template <class WeightAt, class DelayAt>
    static ConnectionTable build(uint64_t n_sources, const TargetLists& by_target, UniformOr weight,
                                 UniformOr delay_steps, WeightAt&& weight_at, DelayAt&& delay_at);

    uint64_t source_count() const { return offsets_.size() - 1; }
    uint64_t target_count() const { return n_targets_; }
    uint64_t synapse_count() const { return targets_.size(); }

    /// Synapses of source s are [row_begin(s), row_end(s)).
    uint64_t row_begin(uint64_t s) const { return offsets_[s]; }
    uint64_t row_end(uint64_t s) const { return offsets_[s + 1]; }

    uint32_t target(uint64_t syn) const { return targets_[syn]; }
    double weight(uint64_t syn) const {
        return weight_is_uniform_ ? uniform_weight_ : double(weights_[syn]);
    }
    uint16_t delay(uint64_t syn) const { return delay_is_uniform_ ? uniform_delay_ : delays_[syn]; }

    bool weight_is_uniform() const { return weight_is_uniform_; }
    bool delay_is_uniform() const { return delay_is_uniform_; }
    double uniform_weight() const { return uniform_weight_; }
    uint16_t uniform_delay() const { return uniform_delay_; }
    uint16_t max_delay() const { return max_delay_; }
    uint16_t min_delay() const { return min_delay_; } ///< 0 without synapses

    std::span<const uint64_t> offsets() const { return offsets_; }
    std::span<const uint32_t> targets() const { return targets_; }
    std::span<const float> weights() const { return weights_; }  ///< empty when uniform
    std::span<const uint16_t> delays() const { return delays_; } ///< empty when uniform

    /// Multiplies every weight by `factor` (a per-synapse weight is stored as a float again).
    void scale_weights(double factor);

    /// Bytes held: offsets, per-synapse arrays and uniform values.
    uint64_t bytes() const;

private:
    /// Offsets and per-source cursors from the target lists; returns the cursors.
    std::vector<uint64_t> count_sources(uint64_t n_sources, const TargetLists& by_target);

    uint64_t n_targets_ = 0;
    std::vector<uint64_t> offsets_{0};
    std::vector<uint32_t> targets_;
    std::vector<float> weights_;
    std::vector<uint16_t> delays_;
    double uniform_weight_ = 0.0;
    uint16_t uniform_delay_ = 1;
    uint16_t max_delay_ = 0;
    uint16_t min_delay_ = 0;
    bool weight_is_uniform_ = true;
    bool delay_is_uniform_ = true;
};

template <class WeightAt, class DelayAt>
ConnectionTable ConnectionTable::build(uint64_t n_sources, const TargetLists& by_target,
                                       UniformOr weight, UniformOr delay_steps,
                                       WeightAt&& weight_at, DelayAt&& delay_at) {
    ConnectionTable table;
    table.weight_is_uniform_ = weight.uniform;
    table.uniform_weight_ = weight.uniform ? weight.value : 0.0;
    table.delay_is_uniform_ = delay_steps.uniform;
    table.uniform_delay_ = delay_steps.uniform ? uint16_t(delay_steps.value) : 0;

    std::vector<uint64_t> cursor = table.count_sources(n_sources, by_target);
    const uint64_t n_syn = by_target.synapse_count();
    table.targets_.resize(n_syn);
    if (!weight.uniform) table.weights_.resize(n_syn);
    if (!delay_steps.uniform) table.delays_.resize(n_syn);

    uint16_t max_delay = table.uniform_delay_;
    uint16_t min_delay = delay_steps.uniform ? table.uniform_delay_ : UINT16_MAX;
    const uint64_t n_tgt = by_target.target_count();
    for (uint64_t t = 0; t < n_tgt; ++t) {
        const uint64_t first = by_target.offsets[t];
        const uint64_t last = by_target.offsets[t + 1];
        for (uint64_t m = first; m < last; ++m) {
            const uint64_t pos = cursor[by_target.sources[m]]++;
            table.targets_[pos] = uint32_t(t);
            if (!weight.uniform) table.weights_[pos] = float(weight_at(t, m - first));
            if (!delay_steps.uniform) {
                const uint16_t d = delay_at(t, m - first);
                table.delays_[pos] = d;
                if (d > max_delay) max_delay = d;
                if (d < min_delay) min_delay = d;
            }
        }
    }
    table.max_delay_ = n_syn ? max_delay : 0;
    table.min_delay_ = n_syn ? min_delay : 0;
    return table;
}

} // namespace nncrt
