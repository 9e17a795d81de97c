// Spike input waiting to arrive at one receptor port of one population.
//
// A spike sent in step k with a delay of d steps must be seen by the target's kernel in step
// k + d. The buffer has L = max_delay + 1 slots of n doubles, slot-major, so that the slot of
// the current step is one contiguous array that is handed to the kernel as is. Step k uses
// slot k mod L; delivery adds to slot (k + d) mod L, which is never the current one since
// 1 <= d < L.
#pragma once

#include <cstdint>
#include <vector>

namespace nncrt {

class RingBuffer {
public:
    RingBuffer() = default;
    /// n neurons, delays of up to max_delay_steps steps.
    RingBuffer(uint64_t n, uint32_t max_delay_steps);

    uint64_t size() const { return n_; }
    uint32_t slot_count() const { return slots_; }
    /// The slot read in step `step`.
    uint32_t slot_of(uint64_t step) const { return uint32_t(step % slots_); }

    double* slot(uint32_t s) { return data_.data() + uint64_t(s) * n_; }
    const double* slot(uint32_t s) const { return data_.data() + uint64_t(s) * n_; }
    double* data() { return data_.data(); }

    /// Offsets (in doubles, from data()) of the slots d steps ahead of slot `current`:
    /// slot_offsets(current)[d] = ((current + d) mod L) * n for 0 <= d < L. Lets delivery with
    /// per-synapse delays index the buffer without a modulo or branch per synapse.
    const uint64_t* slot_offsets(uint32_t current) const { return offsets_.data() + current; }

    void clear_slot(uint32_t s);

private:
    uint64_t n_ = 0;
    uint32_t slots_ = 1;
    std::vector<double> data_;
    std::vector<uint64_t> offsets_; // 2L entries: offsets_[j] = (j mod L) * n
};

} // namespace nncrt
