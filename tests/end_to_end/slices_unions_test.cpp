// Slices and unions through the whole pipeline: a current into E[0:5] makes exactly those
// neurons fire, a one-to-one projection E[0:5] -> I[10:15] makes exactly I's neurons 10..14
// fire, and `record spikes of E[2:10] + I` keeps E's spikes of neurons 2..9 only.
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <set>

namespace {

using nnc::test::CompiledNetwork;

TEST(SlicesUnions, OnlyTheNamedNeuronsAreDrivenAndRecorded) {
    auto net = CompiledNetwork::from_file(NNC_TEST_MODELS "/slices_and_unions.nml");
    auto& sim = net.simulation();
    sim.run(100.0);
    const auto& e = sim.recorded_spikes(0);
    const auto& i = sim.recorded_spikes(1);
    ASSERT_FALSE(e.node_ids.empty());
    ASSERT_FALSE(i.node_ids.empty());
    const std::set<uint64_t> e_ids(e.node_ids.begin(), e.node_ids.end());
    const std::set<uint64_t> i_ids(i.node_ids.begin(), i.node_ids.end());
    EXPECT_EQ(e_ids, (std::set<uint64_t>{2, 3, 4})); // 0 and 1 fire but are not recorded
    EXPECT_EQ(i_ids, (std::set<uint64_t>{10, 11, 12, 13, 14}));
    // Every spike of E is of neurons 0..4, all five alike: a fifth of them each.
    EXPECT_EQ(sim.spike_count(0), e.node_ids.size() * 5 / 3);
    EXPECT_EQ(sim.spike_count(1), i.node_ids.size());
}

} // namespace
