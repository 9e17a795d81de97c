#include "connection_table.h"
#include "ring_buffer.h"
#include "spike_delivery.h"

#include <gtest/gtest.h>

using nncrt::ConnectionTable;
using nncrt::TargetLists;
using nncrt::UniformOr;

namespace {

// 3 sources, 4 targets; listed per target, sources in arbitrary order, one multapse.
TargetLists example() {
    TargetLists l;
    l.offsets = {0, 2, 3, 6, 7};
    l.sources = {2, 0, /* t1 */ 2, /* t2 */ 1, 2, 1, /* t3 */ 0};
    return l;
}

const auto no_weight = [](uint64_t, uint64_t) -> float {
    ADD_FAILURE() << "weight asked for although uniform";
    return 0.0f;
};
const auto no_delay = [](uint64_t, uint64_t) -> uint16_t {
    ADD_FAILURE() << "delay asked for although uniform";
    return 1;
};

} // namespace

TEST(ConnectionTable, CountingSortGivesSortedRows) {
    const auto t = ConnectionTable::build(3, example(), UniformOr{true, 0.5}, UniformOr{true, 2},
                                          no_weight, no_delay);
    EXPECT_EQ(t.source_count(), 3u);
    EXPECT_EQ(t.target_count(), 4u);
    EXPECT_EQ(t.synapse_count(), 7u);
    const std::vector<uint64_t> offsets(t.offsets().begin(), t.offsets().end());
    EXPECT_EQ(offsets, (std::vector<uint64_t>{0, 2, 4, 7}));
    const std::vector<uint32_t> targets(t.targets().begin(), t.targets().end());
    EXPECT_EQ(targets, (std::vector<uint32_t>{0, 3, /* s1 */ 2, 2, /* s2 */ 0, 1, 2}));
    EXPECT_TRUE(t.weight_is_uniform());
    EXPECT_TRUE(t.delay_is_uniform());
    EXPECT_EQ(t.weight(3), 0.5);
    EXPECT_EQ(t.delay(3), 2);
    EXPECT_EQ(t.max_delay(), 2);
    EXPECT_TRUE(t.weights().empty());
    EXPECT_TRUE(t.delays().empty());
    // 4 offsets, 7 targets, one double and one uint16.
    EXPECT_EQ(t.bytes(), 4 * 8 + 7 * 4 + 8 + 2u);
}

TEST(ConnectionTable, PerSynapseValuesFollowTheirSynapse) {
    // Weight = 10 t + q and delay = 1 + t + q identify the synapse (t, q) they were drawn for.
    const auto t = ConnectionTable::build(
        3, example(), UniformOr{false, 0}, UniformOr{false, 0},
        [](uint64_t tgt, uint64_t q) { return float(10 * tgt + q); },
        [](uint64_t tgt, uint64_t q) { return uint16_t(1 + tgt + q); });
    const TargetLists l = example();
    for (uint64_t s = 0; s < 3; ++s) {
        for (uint64_t syn = t.row_begin(s); syn < t.row_end(s); ++syn) {
            const uint32_t tgt = t.target(syn);
            const uint64_t q = uint64_t(t.weight(syn)) - 10 * tgt;
            ASSERT_LT(q, l.offsets[tgt + 1] - l.offsets[tgt]);
            EXPECT_EQ(l.sources[l.offsets[tgt] + q], s);
            EXPECT_EQ(t.delay(syn), 1 + tgt + q);
        }
    }
    EXPECT_EQ(t.max_delay(), 1 + 2 + 2);
    EXPECT_EQ(t.bytes(), 4 * 8 + 7 * (4 + 4 + 2u));
}

TEST(ConnectionTable, EmptyTable) {
    TargetLists l;
    l.offsets = {0, 0, 0};
    const auto t =
        ConnectionTable::build(5, l, UniformOr{false, 0}, UniformOr{false, 0}, no_weight, no_delay);
    EXPECT_EQ(t.synapse_count(), 0u);
    EXPECT_EQ(t.max_delay(), 0);
    for (uint64_t s = 0; s < 5; ++s)
        EXPECT_EQ(t.row_begin(s), t.row_end(s));
}

TEST(SpikeDelivery, AddsWeightsAtTheirDelay) {
    // Per-synapse weights and delays.
    const auto t = ConnectionTable::build(
        3, example(), UniformOr{false, 0}, UniformOr{false, 0},
        [](uint64_t tgt, uint64_t q) { return float(10 * tgt + q + 1); },
        [](uint64_t tgt, uint64_t q) { return uint16_t(1 + (tgt + q) % 3); });
    nncrt::RingBuffer ring(4, t.max_delay());
    const uint64_t step = 5;
    const uint32_t spikes[] = {0, 2};
    nncrt::deliver_spikes(t, ring, step, spikes, 2);
    std::vector<double> expected(ring.slot_count() * 4, 0.0);
    for (uint32_t s : spikes)
        for (uint64_t syn = t.row_begin(s); syn < t.row_end(s); ++syn)
            expected[((step + t.delay(syn)) % ring.slot_count()) * 4 + t.target(syn)] +=
                t.weight(syn);
    const std::vector<double> got(ring.data(), ring.data() + expected.size());
    EXPECT_EQ(got, expected);
    // Nothing lands in the current slot.
    for (uint64_t i = 0; i < 4; ++i)
        EXPECT_EQ(ring.slot(ring.slot_of(step))[i], 0.0);
}

TEST(SpikeDelivery, UniformWeightAndDelay) {
    const auto t = ConnectionTable::build(3, example(), UniformOr{true, 0.25}, UniformOr{true, 3},
                                          no_weight, no_delay);
    nncrt::RingBuffer ring(4, 3);
    const uint32_t spikes[] = {1, 2};
    nncrt::deliver_spikes(t, ring, 2, spikes, 2);
    const double* slot = ring.slot((2 + 3) % 4);
    EXPECT_EQ(slot[0], 0.25);
    EXPECT_EQ(slot[1], 0.25);
    EXPECT_EQ(slot[2], 0.75); // s1 twice (a multapse), s2 once
    EXPECT_EQ(slot[3], 0.0);
}
