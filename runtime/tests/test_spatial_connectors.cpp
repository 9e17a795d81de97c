// Positions (grid, random box, cortical depth) and the distance-dependent connector: the
// connection profile against p(d), pair by pair, with five-standard-error tolerances.
#include "connectors.h"
#include "positions.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <gtest/gtest.h>

using nncrt::Connector;
using nncrt::Point;
using nncrt::Positions;
using nncrt::RngKey;
using nncrt::RngPurpose;
using nncrt::TargetLists;

namespace {

RngKey position_key(uint64_t population, uint64_t seed = 1) {
    return RngKey(seed, RngPurpose::Position, population);
}

Positions box(double x, double y, double z) {
    Positions p;
    p.kind = Positions::Kind::RandomBox;
    p.size_um[0] = x;
    p.size_um[1] = y;
    p.size_um[2] = z;
    return p;
}

double gaussian_profile(const double* args) {
    const double d = args[nncrt::PairArgument::distance];
    return 0.4 * std::exp(-d * d / (2 * 150.0 * 150.0));
}

double one(const double*) {
    return 1.0;
}

double too_large(const double* args) {
    return 1.0 + args[nncrt::PairArgument::distance];
}

Connector by_distance(nncrt::PairFunction p, bool autapses = true) {
    Connector c;
    c.kind = Connector::Kind::DistanceProbability;
    c.probability_of_pair = p;
    c.allow_autapses = autapses;
    return c;
}

double distance(const Point& a, const Point& b) {
    return std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) +
                     (a.z - b.z) * (a.z - b.z));
}

} // namespace

TEST(Positions, GridFillsXThenYThenZ) {
    Positions g;
    g.kind = Positions::Kind::Grid;
    g.nx = 3;
    g.ny = 2;
    g.nz = 2;
    g.spacing_um = 10.0;
    const auto p = nncrt::place_neurons(g, 12, position_key(0));
    ASSERT_EQ(p.size(), 12u);
    EXPECT_EQ(p[0].x, 0.0);
    EXPECT_EQ(p[2].x, 20.0);
    EXPECT_EQ(p[3].x, 0.0);
    EXPECT_EQ(p[3].y, 10.0);
    EXPECT_EQ(p[5].y, 10.0);
    EXPECT_EQ(p[6].z, 10.0);
    EXPECT_EQ(p[6].y, 0.0);
    EXPECT_EQ(p[11].x, 20.0);
    EXPECT_EQ(p[11].y, 10.0);
    EXPECT_EQ(p[11].z, 10.0);
    EXPECT_THROW(nncrt::place_neurons(g, 13, position_key(0)), nncrt::Error);
}

TEST(Positions, RandomBoxIsUniformAndDependsOnlyOnTheSeed) {
    // Each coordinate uniform in [0, L]: mean L/2 with standard error L / sqrt(12 n).
    const uint64_t n = 20000;
    const auto p = nncrt::place_neurons(box(1000, 500, 0), n, position_key(3));
    double sx = 0, sy = 0;
    for (const Point& q : p) {
        ASSERT_GE(q.x, 0.0);
        ASSERT_LE(q.x, 1000.0);
        ASSERT_GE(q.y, 0.0);
        ASSERT_LE(q.y, 500.0);
        ASSERT_EQ(q.z, 0.0);
        sx += q.x;
        sy += q.y;
    }
    EXPECT_NEAR(sx / n, 500.0, 5 * 1000.0 / std::sqrt(12.0 * n));
    EXPECT_NEAR(sy / n, 250.0, 5 * 500.0 / std::sqrt(12.0 * n));
    const auto again = nncrt::place_neurons(box(1000, 500, 0), 100, position_key(3));
    for (size_t i = 0; i < 100; ++i)
        EXPECT_EQ(again[i].x, p[i].x); // neuron i's place does not depend on n
    const auto other = nncrt::place_neurons(box(1000, 500, 0), 100, position_key(4));
    EXPECT_NE(other[0].x, p[0].x);
}

TEST(Positions, CorticalDepthStaysWithinItsRange) {
    Positions c;
    c.kind = Positions::Kind::CorticalDepth;
    c.depth_from = 0.1;
    c.depth_to = 0.3;
    c.size_um[0] = 100;
    c.size_um[1] = 2000;
    c.size_um[2] = 100;
    const uint64_t n = 10000;
    const auto p = nncrt::place_neurons(c, n, position_key(0));
    double sum = 0;
    for (const Point& q : p) {
        ASSERT_GE(q.depth, 0.1);
        ASSERT_LE(q.depth, 0.3);
        ASSERT_DOUBLE_EQ(q.y, q.depth * 2000);
        ASSERT_LE(q.x, 100.0);
        ASSERT_LE(q.z, 100.0);
        sum += q.depth;
    }
    EXPECT_NEAR(sum / n, 0.2, 5 * 0.2 / std::sqrt(12.0 * n));
    c.depth_to = 1.2;
    EXPECT_THROW(nncrt::place_neurons(c, n, position_key(0)), nncrt::Error);
}

TEST(DistanceConnector, ProfileFollowsTheProbabilityOfDistance) {
    // Pairs binned by distance: in each bin the number of synapses is a sum of independent
    // Bernoulli(p(d)) over the bin's pairs, with mean sum p and variance sum p (1 - p).
    const uint64_t ns = 1500, nt = 1500;
    const auto src = nncrt::place_neurons(box(1000, 1000, 0), ns, position_key(0));
    const auto tgt = nncrt::place_neurons(box(1000, 1000, 0), nt, position_key(1));
    const auto l = nncrt::connect(by_distance(gaussian_profile), ns, nt, false,
                                  RngKey(2, RngPurpose::Connectivity, 0), {src, tgt});
    const double bin = 50.0;
    const size_t bins = 30;
    std::vector<double> observed(bins, 0), expected(bins, 0), variance(bins, 0);
    double args[nncrt::PairArgument::count];
    for (uint64_t t = 0; t < nt; ++t) {
        for (uint64_t s = 0; s < ns; ++s) {
            nncrt::pair_arguments(src[s], tgt[t], args);
            const size_t b = std::min(bins - 1, size_t(distance(src[s], tgt[t]) / bin));
            const double p = gaussian_profile(args);
            expected[b] += p;
            variance[b] += p * (1 - p);
        }
        for (uint64_t q = l.offsets[t]; q < l.offsets[t + 1]; ++q)
            observed[std::min(bins - 1, size_t(distance(src[l.sources[q]], tgt[t]) / bin))] += 1;
    }
    for (size_t b = 0; b < bins; ++b)
        EXPECT_NEAR(observed[b], expected[b], 5 * std::sqrt(variance[b]) + 1e-9) << "bin " << b;
    // The near bins hold thousands of synapses: the test has power.
    EXPECT_GT(observed[1], 1000);
}

TEST(DistanceConnector, AutapsesAndErrors) {
    const auto pts = nncrt::place_neurons(box(10, 10, 10), 50, position_key(0));
    const auto all = nncrt::connect(by_distance(one), 50, 50, true,
                                    RngKey(1, RngPurpose::Connectivity, 0), {pts, pts});
    EXPECT_EQ(all.synapse_count(), 2500u);
    const auto no_self = nncrt::connect(by_distance(one, false), 50, 50, true,
                                        RngKey(1, RngPurpose::Connectivity, 0), {pts, pts});
    EXPECT_EQ(no_self.synapse_count(), 2450u);
    EXPECT_THROW(nncrt::connect(by_distance(too_large), 50, 50, false,
                                RngKey(1, RngPurpose::Connectivity, 0), {pts, pts}),
                 nncrt::Error);
    // Without positions.
    EXPECT_THROW(
        nncrt::connect(by_distance(one), 50, 50, false, RngKey(1, RngPurpose::Connectivity, 0)),
        nncrt::Error);
}

TEST(Positions, PeriodicDistancesWrapAroundTheExtent) {
    Positions a = box(1000, 500, 0), b = box(1000, 500, 0);
    a.periodic = b.periodic = true;
    const auto period = nncrt::wrap_extent(a, b);
    EXPECT_EQ(period, (std::array<double, 3>{1000, 500, 0}));
    double args[nncrt::PairArgument::count];
    nncrt::pair_arguments({10, 20, 0, 0}, {990, 480, 0, 0}, args, period);
    EXPECT_DOUBLE_EQ(args[nncrt::PairArgument::distance], std::sqrt(20.0 * 20 + 40.0 * 40));
    nncrt::pair_arguments({10, 20, 0, 0}, {400, 200, 0, 0}, args, period);
    EXPECT_DOUBLE_EQ(args[nncrt::PairArgument::distance], std::sqrt(390.0 * 390 + 180.0 * 180));
    // Without wrapping, the plain distance.
    nncrt::pair_arguments({10, 20, 0, 0}, {990, 480, 0, 0}, args);
    EXPECT_DOUBLE_EQ(args[nncrt::PairArgument::distance], std::sqrt(980.0 * 980 + 460.0 * 460));
    // A grid wraps over nx * spacing (the neighbour of the last column is the first); along
    // an axis with one place there is nothing to wrap.
    Positions g;
    g.kind = Positions::Kind::Grid;
    g.nx = 10;
    g.spacing_um = 50;
    g.periodic = true;
    EXPECT_EQ(nncrt::wrap_extent(g, g), (std::array<double, 3>{500, 0, 0}));
    // Both or neither, with the same extent.
    EXPECT_EQ(nncrt::wrap_extent(box(1, 1, 1), box(2, 2, 2)), (std::array<double, 3>{}));
    EXPECT_THROW(nncrt::wrap_extent(a, box(1000, 500, 0)), nncrt::Error);
    Positions c = box(1000, 400, 0);
    c.periodic = true;
    EXPECT_THROW(nncrt::wrap_extent(a, c), nncrt::Error);
}

TEST(DistanceConnector, PeriodicProfileHasNoEdges) {
    // On a torus every target sees the same profile: the in-degrees of targets near a corner
    // and near the centre have the same mean, the number of sources times the mean of p
    // over the torus. Compared bin by bin against the wrapped distances as above.
    Positions p = box(600, 600, 0);
    p.periodic = true;
    const uint64_t n = 1200;
    const auto pts = nncrt::place_neurons(p, n, position_key(0));
    const auto period = nncrt::wrap_extent(p, p);
    const auto l = nncrt::connect(by_distance(gaussian_profile), n, n, true,
                                  RngKey(5, RngPurpose::Connectivity, 0), {pts, pts, period});
    double expected = 0, variance = 0, observed = double(l.synapse_count());
    double near_edge = 0, near_edge_expected = 0, near_edge_variance = 0;
    for (uint64_t t = 0; t < n; ++t) {
        double wrapped[3];
        const bool edge = pts[t].x < 100 || pts[t].x > 500 || pts[t].y < 100 || pts[t].y > 500;
        for (uint64_t s = 0; s < n; ++s) {
            double dx = std::fabs(pts[s].x - pts[t].x), dy = std::fabs(pts[s].y - pts[t].y);
            dx = std::min(dx, 600 - dx);
            dy = std::min(dy, 600 - dy);
            wrapped[0] = std::sqrt(dx * dx + dy * dy);
            const double q = gaussian_profile(wrapped);
            expected += q;
            variance += q * (1 - q);
            if (edge) {
                near_edge_expected += q;
                near_edge_variance += q * (1 - q);
            }
        }
        if (edge) near_edge += double(l.offsets[t + 1] - l.offsets[t]);
    }
    EXPECT_NEAR(observed, expected, 5 * std::sqrt(variance));
    EXPECT_NEAR(near_edge, near_edge_expected, 5 * std::sqrt(near_edge_variance));
    // Without wrapping, targets near the edges lose about a quarter of their sources:
    // far more than the tolerance, so the test would see a connector that ignored period.
    EXPECT_GT(0.1 * near_edge_expected, 5 * std::sqrt(near_edge_variance));
}
