// Connection rules through the whole pipeline: .nml in, the synapses the runtime built out,
// checked against the rule's definition (a distance profile, exact counts, per-synapse
// weights and delays computed here from the neurons' positions).
#include "command_runner.h"
#include "pipeline_fixture.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <set>

using nnc::test::CompiledNetwork;
using nnc::test::run_nnc;

namespace {

std::string model(const std::string& name) {
    return std::string(NNC_TEST_MODELS) + "/" + name;
}

double distance(const nncrt::Position& a, const nncrt::Position& b) {
    return std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                     (a.z - b.z) * (a.z - b.z));
}

} // namespace

TEST(Connectivity, DistanceProfileWeightsAndDelaysFollowTheirExpressions) {
    auto net = CompiledNetwork::from_file(model("distance_dependent.nml"));
    auto& sim = net.simulation();
    const auto src = sim.positions(0), tgt = sim.positions(1);
    ASSERT_EQ(src.size(), 1500u);
    ASSERT_EQ(tgt.size(), 1500u);
    const auto synapses = sim.synapses(0);

    // Each synapse: weight 87.8 exp(-d / 300 um) (stored as a float), delay
    // round((0.5 ms + d / 500 um/ms) / dt) steps.
    for (const auto& s : synapses) {
        const double d = distance(src[s.source], tgt[s.target]);
        ASSERT_EQ(s.weight, double(float(87.8 * std::exp(-d / 300.0)))) << d;
        ASSERT_EQ(s.delay_steps, uint32_t(std::round((0.5 + d / 500.0) / 0.1))) << d;
    }

    // The profile: per distance bin, the synapses are a sum of independent Bernoulli(p(d))
    // over the bin's pairs; within five standard deviations of their mean.
    const double bin = 25.0;
    const size_t bins = 24; // to 600 um; farther pairs in the last bin
    std::vector<double> observed(bins, 0), expected(bins, 0), variance(bins, 0);
    for (size_t t = 0; t < tgt.size(); ++t)
        for (size_t s = 0; s < src.size(); ++s) {
            const double d = distance(src[s], tgt[t]);
            const double p = 0.3 * std::exp(-d / 100.0);
            const size_t b = std::min(bins - 1, size_t(d / bin));
            expected[b] += p;
            variance[b] += p * (1 - p);
        }
    for (const auto& s : synapses)
        observed[std::min(bins - 1, size_t(distance(src[s.source], tgt[s.target]) / bin))] += 1;
    double total_expected = 0, total_variance = 0;
    for (size_t b = 0; b < bins; ++b) {
        EXPECT_NEAR(observed[b], expected[b], 5 * std::sqrt(variance[b]) + 1e-9) << "bin " << b;
        total_expected += expected[b];
        total_variance += variance[b];
    }
    // The total has the power: a probability 2 % off is about four standard deviations away.
    EXPECT_NEAR(double(synapses.size()), total_expected, 5 * std::sqrt(total_variance));
    EXPECT_GT(total_expected, 20000); // enough synapses for the test to mean something
}

TEST(Connectivity, OutdegreeTotalNumberAndDepthWeights) {
    auto net = CompiledNetwork::from_file(model("drawn_counts.nml"));
    auto& sim = net.simulation();

    // A -> B: 40 distinct targets per source.
    const auto out = sim.synapses(0);
    ASSERT_EQ(out.size(), 300u * 40u);
    std::vector<std::set<uint32_t>> targets(300);
    for (const auto& s : out)
        targets[s.source].insert(s.target);
    for (const auto& t : targets)
        EXPECT_EQ(t.size(), 40u);

    // A -> A: 20000 synapses, no autapse; in-degrees Binomial(20000, 1/300): the sample
    // variance within five standard errors of 20000 (1/300)(299/300).
    const auto total = sim.synapses(1);
    ASSERT_EQ(total.size(), 20000u);
    std::vector<double> in(300, 0.0);
    for (const auto& s : total) {
        EXPECT_NE(s.source, s.target);
        in[s.target] += 1;
    }
    const double mean = 20000.0 / 300, var = 20000.0 / 300 * (299.0 / 300);
    double ss = 0;
    for (double v : in)
        ss += (v - mean) * (v - mean);
    EXPECT_NEAR(ss / 299, var, 5 * var * std::sqrt(2.0 / 299));

    // L4 -> L23: the weight follows the depths of the two neurons.
    const auto l4 = sim.positions(2), l23 = sim.positions(3);
    for (const auto& p : l4) {
        EXPECT_GE(p.depth, 0.3);
        EXPECT_LE(p.depth, 0.5);
        EXPECT_DOUBLE_EQ(p.y, p.depth * 1000);
    }
    for (const auto& p : l23)
        EXPECT_DOUBLE_EQ(p.y, p.depth * 1500);
    const auto depth_weighted = sim.synapses(2);
    ASSERT_EQ(depth_weighted.size(), 1000u);
    for (const auto& s : depth_weighted)
        EXPECT_EQ(s.weight, double(float(50.0 * (1 + l23[s.target].depth - l4[s.source].depth))));
}

/// The four synapses of list_connections.csv, listed in a file or in the model itself.
void expect_the_listed_synapses(const std::string& file) {
    auto net = CompiledNetwork::from_file(model(file));
    auto synapses = net.simulation().synapses(0);
    std::sort(synapses.begin(), synapses.end(), [](const auto& a, const auto& b) {
        return std::tie(a.source, a.target, a.delay_steps) <
               std::tie(b.source, b.target, b.delay_steps);
    });
    ASSERT_EQ(synapses.size(), 4u);
    const auto expect = [](const nncrt::SynapseView& s, uint32_t source, uint32_t target,
                           double weight_pa, uint32_t delay_steps) {
        EXPECT_EQ(s.source, source);
        EXPECT_EQ(s.target, target);
        EXPECT_EQ(s.weight, weight_pa);
        EXPECT_EQ(s.delay_steps, delay_steps);
    };
    expect(synapses[0], 0, 1, 500.0, 15);
    expect(synapses[1], 1, 1, 1000.0, 1);
    expect(synapses[2], 2, 0, -250.0, 2);
    expect(synapses[3], 2, 0, 125.0, 30);
}

TEST(Connectivity, ListFromACsvFileBesideTheModel) {
    expect_the_listed_synapses("list_connections.nml");
}

TEST(Connectivity, ListInTheModel) {
    expect_the_listed_synapses("list_inline.nml");
}

TEST(Connectivity, AProbabilityAboveOneStopsTheRunWithThePair) {
    const auto r = run_nnc("run -q " + model("bad_distance_probability.nml"));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("cannot build the network: the connection probability is "),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("it must be between 0 and 1"), std::string::npos) << r.err;
}
