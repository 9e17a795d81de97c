#include "connection_table.h"

#include "nncrt/simulation.h"

#include <cstdint>
#include <fmt/format.h>
#include <limits>

namespace nncrt {

std::vector<uint64_t> ConnectionTable::count_sources(uint64_t n_sources,
                                                     const TargetLists& by_target) {
    if (by_target.target_count() > uint64_t(std::numeric_limits<uint32_t>::max()) + 1)
        throw Error(fmt::format("a projection's target population has {} neurons; at most 2^32 "
                                "are supported",
                                by_target.target_count()));
    n_targets_ = by_target.target_count();
    offsets_.assign(n_sources + 1, 0);
    for (uint32_t s : by_target.sources)
        ++offsets_[s + 1];
    for (uint64_t s = 0; s < n_sources; ++s)
        offsets_[s + 1] += offsets_[s];
    return std::vector<uint64_t>(offsets_.begin(), offsets_.end() - 1);
}

uint64_t ConnectionTable::bytes() const {
    uint64_t b = offsets_.size() * sizeof(uint64_t) + targets_.size() * sizeof(uint32_t);
    b += weight_is_uniform_ ? sizeof(uniform_weight_) : weights_.size() * sizeof(float);
    b += delay_is_uniform_ ? sizeof(uniform_delay_) : delays_.size() * sizeof(uint16_t);
    return b;
}

void ConnectionTable::scale_weights(double factor) {
    uniform_weight_ *= factor;
    for (float& w : weights_)
        w = float(double(w) * factor);
}

} // namespace nncrt
