#include "ring_buffer.h"

#include <algorithm>

namespace nncrt {

RingBuffer::RingBuffer(uint64_t n, uint32_t max_delay_steps)
    : n_(n), slots_(max_delay_steps + 1), data_(uint64_t(slots_) * n, 0.0),
      offsets_(2 * uint64_t(slots_)) {
    for (uint64_t j = 0; j < offsets_.size(); ++j)
        offsets_[j] = (j % slots_) * n_;
}

void RingBuffer::clear_slot(uint32_t s) {
    std::fill_n(slot(s), n_, 0.0);
}

} // namespace nncrt
