// The spikes of one population during a run: counted always, and kept with their times when
// the population is recorded. A spike emitted in step k is stamped (k + 1) * dt, the end of
// the step, so times are increasing and, within one time, node ids are increasing.
#pragma once

#include "nncrt/simulation.h"

#include <cstdint>

namespace nncrt {

class SpikeRecorder {
public:
    /// Keeps the spikes of neurons first <= i < first + count.
    void enable(uint64_t first, uint64_t count) {
        enabled_ = true;
        first_ = first;
        count_in_range_ = count;
    }
    bool enabled() const { return enabled_; }

    /// The spikes of one step: `ids` are the population-local ids the kernel reported.
    void add(double time_ms, const uint32_t* ids, uint64_t n);

    uint64_t count() const { return count_; }
    void clear() {
        count_ = 0;
        spikes_ = {};
    }
    const SpikeRecord& spikes() const { return spikes_; }

private:
    bool enabled_ = false;
    uint64_t first_ = 0;
    uint64_t count_in_range_ = UINT64_MAX;
    uint64_t count_ = 0;
    SpikeRecord spikes_;
};

} // namespace nncrt
