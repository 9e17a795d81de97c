// examples/stdp.nml against Song, Miller & Abbott (2000): one neuron, 1000 Poisson inputs
// with additive STDP (A_minus = 1.05 A_plus), weights uniform in [0, g_max] at the start.
// After the 100 s of the example:
//
// - the weights are bimodal (Song et al. Fig. 2): the outermost tenths of [0, g_max] each
//   hold more than 1.5 times as many synapses as any tenth of the middle, [0.3, 0.7] g_max,
//   and each of those holds less than a uniform share (100 of 1000);
// - the neuron's rate is regulated (Song et al. Fig. 3): doubling the input rate from 15 Hz
//   to 30 Hz more than doubles the rate in the first 5 s, with the initial weights, but
//   raises it by less than 1.8 times over the last 30 s, because fewer synapses end near
//   g_max. (nnc: 48 and 195 Hz at first, 13.9 and 23.5 Hz at the end; 175 and 72 synapses
//   in the top tenth.)
#include "pipeline_fixture.h"
#include "spike_statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

namespace {

using nnc::test::CompiledNetwork;
using namespace nnc::validation;

struct Outcome {
    double early_rate = 0, late_rate = 0;
    std::vector<int> histogram; // of w / g_max in tenths
};

Outcome learn(const char* input_rate) {
    auto net = CompiledNetwork::from_file(NNC_SOURCE_DIR "/examples/stdp.nml",
                                          {{"input_rate", input_rate}});
    auto& sim = net.simulation();
    sim.run(100000.0);
    const auto& entry = net.lowered().plastic.at(0);
    const auto& names = net.lowered().synapse_kernels.at(entry.on_pre).state_names;
    const auto w_index = uint32_t(std::find(names.begin(), names.end(), "w") - names.begin());
    EXPECT_LT(w_index, names.size());
    Outcome out;
    out.histogram.assign(10, 0);
    const double g_max = 0.1; // nS
    for (double w : sim.synapse_state(0, w_index)) {
        EXPECT_GE(w, 0.0);
        EXPECT_LE(w, g_max + 1e-12);
        out.histogram[std::min(9, int(w / g_max * 10))]++;
    }
    const auto cell = trains(sim.recorded_spikes(1), 1, 0.0, 100000.0)[0];
    out.early_rate =
        double(std::count_if(cell.begin(), cell.end(), [](double t) { return t < 5000.0; })) / 5.0;
    out.late_rate =
        double(std::count_if(cell.begin(), cell.end(), [](double t) { return t >= 70000.0; })) /
        30.0;
    std::printf("input %s: rate %.1f Hz in the first 5 s, %.1f Hz in the last 30 s; weights "
                "by tenths of g_max:",
                input_rate, out.early_rate, out.late_rate);
    for (int n : out.histogram)
        std::printf(" %d", n);
    std::printf("\n");
    return out;
}

TEST(StdpValidation, WeightsBecomeBimodalAndTheRateIsRegulated) {
    const Outcome slow = learn("15 Hz"), fast = learn("30 Hz");
    for (const Outcome* o : {&slow, &fast}) {
        const int middle = *std::max_element(o->histogram.begin() + 3, o->histogram.begin() + 7);
        EXPECT_LT(middle, 100);
        EXPECT_GT(o->histogram.front(), 1.5 * middle) << "depressed synapses gather at 0";
        EXPECT_GT(o->histogram.back(), 1.5 * middle) << "potentiated synapses gather at g_max";
        EXPECT_LT(o->late_rate, 0.5 * o->early_rate) << "STDP lowers the rate";
    }
    EXPECT_LT(fast.histogram.back(), slow.histogram.back())
        << "faster input, fewer strong synapses";
    EXPECT_GT(fast.early_rate / slow.early_rate, 2.0) << "before learning the rate follows";
    EXPECT_LT(fast.late_rate / slow.late_rate, 1.8) << "after learning it is regulated";
}

} // namespace
