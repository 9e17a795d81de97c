#include "spike_recorder.h"

namespace nncrt {

void SpikeRecorder::add(double time_ms, const uint32_t* ids, uint64_t n) {
    count_ += n;
    if (!enabled_ || n == 0) return;
    spikes_.times_ms.insert(spikes_.times_ms.end(), n, time_ms);
    spikes_.node_ids.insert(spikes_.node_ids.end(), ids, ids + n);
}

} // namespace nncrt
