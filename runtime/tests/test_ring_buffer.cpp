#include "ring_buffer.h"

#include <gtest/gtest.h>

using nncrt::RingBuffer;

TEST(RingBuffer, HasMaxDelayPlusOneSlotMajorSlots) {
    RingBuffer ring(5, 3);
    EXPECT_EQ(ring.size(), 5u);
    EXPECT_EQ(ring.slot_count(), 4u);
    EXPECT_EQ(ring.slot(1), ring.data() + 5);
    EXPECT_EQ(ring.slot(3), ring.data() + 15);
    EXPECT_EQ(ring.slot_of(0), 0u);
    EXPECT_EQ(ring.slot_of(6), 2u);
    for (uint32_t s = 0; s < 4; ++s)
        for (uint64_t i = 0; i < 5; ++i)
            EXPECT_EQ(ring.slot(s)[i], 0.0);
}

TEST(RingBuffer, SlotOffsetsWrapAround) {
    RingBuffer ring(5, 3);
    for (uint32_t current = 0; current < 4; ++current) {
        const uint64_t* off = ring.slot_offsets(current);
        for (uint32_t d = 0; d < 4; ++d)
            EXPECT_EQ(off[d], ((current + d) % 4) * 5) << current;
    }
}

TEST(RingBuffer, ClearSlotClearsOnlyThatSlot) {
    RingBuffer ring(3, 2);
    for (uint32_t s = 0; s < 3; ++s)
        for (uint64_t i = 0; i < 3; ++i)
            ring.slot(s)[i] = 1.0 + s;
    ring.clear_slot(1);
    for (uint64_t i = 0; i < 3; ++i) {
        EXPECT_EQ(ring.slot(0)[i], 1.0);
        EXPECT_EQ(ring.slot(1)[i], 0.0);
        EXPECT_EQ(ring.slot(2)[i], 3.0);
    }
}

TEST(RingBuffer, NoDelaysMeansOneSlot) {
    RingBuffer ring(4, 0);
    EXPECT_EQ(ring.slot_count(), 1u);
    EXPECT_EQ(ring.slot_of(12345), 0u);
}
