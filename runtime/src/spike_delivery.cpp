#include "spike_delivery.h"

namespace nncrt {

namespace {

template <bool UniformWeight>
void deliver_to_slot(const ConnectionTable& table, double* slot, const uint32_t* spikes,
                     uint64_t n) {
    const uint64_t* offsets = table.offsets().data();
    const uint32_t* targets = table.targets().data();
    const float* weights = table.weights().data();
    const double w = table.uniform_weight();
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t end = offsets[spikes[i] + 1];
        for (uint64_t syn = offsets[spikes[i]]; syn < end; ++syn) {
            if constexpr (UniformWeight)
                slot[targets[syn]] += w;
            else
                slot[targets[syn]] += double(weights[syn]);
        }
    }
}

template <bool UniformWeight>
void deliver_per_synapse_delay(const ConnectionTable& table, RingBuffer& ring, uint32_t current,
                               const uint32_t* spikes, uint64_t n) {
    const uint64_t* offsets = table.offsets().data();
    const uint32_t* targets = table.targets().data();
    const float* weights = table.weights().data();
    const uint16_t* delays = table.delays().data();
    const double w = table.uniform_weight();
    const uint64_t* slot_at = ring.slot_offsets(current); // slot_at[d]: start of slot now + d
    double* data = ring.data();
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t end = offsets[spikes[i] + 1];
        for (uint64_t syn = offsets[spikes[i]]; syn < end; ++syn) {
            double* target = data + slot_at[delays[syn]] + targets[syn];
            if constexpr (UniformWeight)
                *target += w;
            else
                *target += double(weights[syn]);
        }
    }
}

} // namespace

void deliver_spikes(const ConnectionTable& table, RingBuffer& ring, uint64_t step,
                    const uint32_t* spikes, uint64_t n) {
    if (n == 0 || table.synapse_count() == 0) return;
    const uint32_t current = ring.slot_of(step);
    if (table.delay_is_uniform()) {
        double* slot =
            ring.slot(uint32_t((uint64_t(current) + table.uniform_delay()) % ring.slot_count()));
        if (table.weight_is_uniform())
            deliver_to_slot<true>(table, slot, spikes, n);
        else
            deliver_to_slot<false>(table, slot, spikes, n);
    } else {
        if (table.weight_is_uniform())
            deliver_per_synapse_delay<true>(table, ring, current, spikes, n);
        else
            deliver_per_synapse_delay<false>(table, ring, current, spikes, n);
    }
}

} // namespace nncrt
