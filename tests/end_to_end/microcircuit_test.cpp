// The bundled Potjans-Diesmann microcircuit at a tenth of its size: every population fires
// at a rate near the full model's published mean rate (within a factor of 3: a tenth of the
// model with DC compensation, one second including the initial transient).
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

namespace {

using nnc::test::CompiledNetwork;

TEST(Microcircuit, RatesAtATenthOfTheSizeAreNearTheReference) {
    auto net =
        CompiledNetwork::from_file(NNC_SOURCE_DIR "/examples/microcircuit.nml", {{"scale", "0.1"}});
    auto& sim = net.simulation();
    sim.run(1000.0);
    const double reference[] = {0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829};
    ASSERT_EQ(sim.population_count(), 8u);
    for (uint32_t p = 0; p < 8; ++p) {
        const double rate = double(sim.spike_count(p)) / double(sim.population_spec(p).size);
        EXPECT_GT(rate, reference[p] / 3) << sim.population_spec(p).name;
        EXPECT_LT(rate, reference[p] * 3) << sim.population_spec(p).name;
    }
}

} // namespace
