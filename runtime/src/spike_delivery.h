// The hot loop of a simulation: the spikes of one step travel through one projection into the
// ring buffer of the target receptor. Kept apart from the table and the buffer because it is
// the one place that knows both, and the one place to optimise.
#pragma once

#include "connection_table.h"
#include "ring_buffer.h"

#include <cstdint>

namespace nncrt {

/// Adds the weight of every synapse of every source in spikes[0 .. n) to the target's slot
/// (step + delay) mod L of `ring`. The uniform / per-synapse choice of weight and delay is made
/// once per call, not per synapse.
void deliver_spikes(const ConnectionTable& table, RingBuffer& ring, uint64_t step,
                    const uint32_t* spikes, uint64_t n);

} // namespace nncrt
