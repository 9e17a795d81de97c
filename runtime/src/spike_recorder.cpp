#include "spike_recorder.h"

namespace nncrt {

void SpikeRecorder::add(double time_ms, const uint32_t* ids, uint64_t n) {
    count_ += n;
    if (!enabled_ || n == 0) return;
    if (first_ == 0 && count_in_range_ == UINT64_MAX) {
        spikes_.times_ms.insert(spikes_.times_ms.end(), n, time_ms);
        spikes_.node_ids.insert(spikes_.node_ids.end(), ids, ids + n);
        return;
    }
    for (uint64_t j = 0; j < n; ++j) {
        if (ids[j] < first_ || ids[j] - first_ >= count_in_range_) continue;
        spikes_.times_ms.push_back(time_ms);
        spikes_.node_ids.push_back(ids[j]);
    }
}

} // namespace nncrt
