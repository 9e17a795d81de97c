#include "connectors.h"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <set>

using nncrt::Connector;
using nncrt::RngKey;
using nncrt::RngPurpose;
using nncrt::TargetLists;

namespace {

Connector all_to_all(bool autapses = true) {
    Connector c;
    c.kind = Connector::Kind::AllToAll;
    c.allow_autapses = autapses;
    return c;
}
Connector one_to_one() {
    Connector c;
    c.kind = Connector::Kind::OneToOne;
    return c;
}
Connector fixed_probability(double p, bool autapses = true) {
    Connector c;
    c.kind = Connector::Kind::FixedProbability;
    c.probability = p;
    c.allow_autapses = autapses;
    return c;
}
Connector fixed_indegree(uint64_t k, bool multapses, bool autapses) {
    Connector c;
    c.kind = Connector::Kind::FixedIndegree;
    c.indegree = k;
    c.allow_multapses = multapses;
    c.allow_autapses = autapses;
    return c;
}

TargetLists run(const Connector& c, uint64_t ns, uint64_t nt, bool same, uint64_t seed = 1) {
    return nncrt::connect(c, ns, nt, same, RngKey(seed, RngPurpose::Connectivity, 0));
}

std::vector<uint32_t> sources_of(const TargetLists& l, uint64_t t) {
    return {l.sources.begin() + l.offsets[t], l.sources.begin() + l.offsets[t + 1]};
}

} // namespace

TEST(Connectors, AllToAll) {
    const auto l = run(all_to_all(), 7, 5, false);
    EXPECT_EQ(l.synapse_count(), 35u);
    for (uint64_t t = 0; t < 5; ++t)
        EXPECT_EQ(sources_of(l, t), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(Connectors, AllToAllWithoutAutapses) {
    const auto l = run(all_to_all(false), 6, 6, true);
    EXPECT_EQ(l.synapse_count(), 30u);
    for (uint64_t t = 0; t < 6; ++t) {
        const auto s = sources_of(l, t);
        EXPECT_EQ(std::count(s.begin(), s.end(), uint32_t(t)), 0);
        EXPECT_EQ(s.size(), 5u);
    }
    // Autapses only matter within one population.
    EXPECT_EQ(run(all_to_all(false), 6, 6, false).synapse_count(), 36u);
}

TEST(Connectors, OneToOne) {
    const auto l = run(one_to_one(), 9, 9, false);
    EXPECT_EQ(l.synapse_count(), 9u);
    for (uint64_t t = 0; t < 9; ++t)
        EXPECT_EQ(sources_of(l, t), std::vector<uint32_t>{uint32_t(t)});
    EXPECT_THROW(run(one_to_one(), 9, 8, false), nncrt::Error);
}

TEST(Connectors, FixedIndegreeGivesExactlyKPerTarget) {
    for (bool multapses : {true, false}) {
        for (bool autapses : {true, false}) {
            const auto l = run(fixed_indegree(20, multapses, autapses), 50, 50, true);
            EXPECT_EQ(l.synapse_count(), 50u * 20u);
            for (uint64_t t = 0; t < 50; ++t) {
                const auto s = sources_of(l, t);
                ASSERT_EQ(s.size(), 20u);
                for (uint32_t src : s)
                    EXPECT_LT(src, 50u);
                if (!autapses) {
                    EXPECT_EQ(std::count(s.begin(), s.end(), uint32_t(t)), 0) << t;
                }
                if (!multapses) {
                    EXPECT_EQ(std::set<uint32_t>(s.begin(), s.end()).size(), 20u);
                }
            }
        }
    }
}

TEST(Connectors, FixedIndegreeWithMultapsesDrawsDuplicates) {
    // 30 draws from 10 sources: duplicates are (almost) certain; their absence would mean
    // the multapse flag is ignored.
    const auto l = run(fixed_indegree(30, true, true), 10, 20, false);
    uint64_t with_duplicates = 0;
    for (uint64_t t = 0; t < 20; ++t) {
        const auto s = sources_of(l, t);
        with_duplicates += std::set<uint32_t>(s.begin(), s.end()).size() < s.size();
    }
    EXPECT_EQ(with_duplicates, 20u);
}

TEST(Connectors, FixedIndegreeWithoutMultapsesCanTakeAll) {
    // K equal to the number of possible sources: every possible source once.
    const auto l = run(fixed_indegree(9, false, false), 10, 10, true);
    for (uint64_t t = 0; t < 10; ++t) {
        auto s = sources_of(l, t);
        std::sort(s.begin(), s.end());
        std::vector<uint32_t> expected;
        for (uint32_t i = 0; i < 10; ++i)
            if (i != t) expected.push_back(i);
        EXPECT_EQ(s, expected);
    }
}

TEST(Connectors, FixedIndegreeSourcesAreUniform) {
    // Without multapses, each source is chosen for a target with probability K / N.
    const uint64_t ns = 40, nt = 5000, k = 10;
    const auto l = run(fixed_indegree(k, false, true), ns, nt, false);
    std::vector<int> hits(ns, 0);
    for (uint32_t s : l.sources)
        ++hits[s];
    const double p = double(k) / ns;
    const double mean = p * nt, sd = std::sqrt(nt * p * (1 - p));
    for (uint64_t s = 0; s < ns; ++s)
        EXPECT_NEAR(hits[s], mean, 5 * sd) << s;
}

TEST(Connectors, FixedIndegreeErrors) {
    EXPECT_THROW(run(fixed_indegree(11, false, true), 10, 5, false), nncrt::Error);
    EXPECT_THROW(run(fixed_indegree(10, false, false), 10, 10, true), nncrt::Error);
    EXPECT_NO_THROW(run(fixed_indegree(10, false, false), 10, 10, false));
    EXPECT_NO_THROW(run(fixed_indegree(100, true, true), 10, 10, true));
    EXPECT_THROW(run(fixed_indegree(1, true, true), 0, 10, false), nncrt::Error);
    EXPECT_THROW(run(fixed_indegree(1, true, false), 1, 1, true), nncrt::Error);
    // Nothing to connect: no error.
    EXPECT_NO_THROW(run(fixed_indegree(5, false, true), 0, 0, false));
}

TEST(Connectors, FixedProbabilityCountIsWithinFourSigma) {
    const uint64_t ns = 1000, nt = 800;
    for (double p : {0.001, 0.05, 0.5, 0.97}) {
        const auto l = run(fixed_probability(p), ns, nt, false);
        const double mean = p * ns * nt, sd = std::sqrt(ns * nt * p * (1 - p));
        EXPECT_NEAR(double(l.synapse_count()), mean, 4 * sd) << p;
        for (uint64_t t = 0; t < nt; ++t) {
            const auto s = sources_of(l, t);
            ASSERT_TRUE(std::is_sorted(s.begin(), s.end()));
            ASSERT_EQ(std::adjacent_find(s.begin(), s.end()), s.end()); // no duplicates
            if (!s.empty()) {
                ASSERT_LT(s.back(), ns);
            }
        }
    }
    EXPECT_EQ(run(fixed_probability(0.0), 100, 100, false).synapse_count(), 0u);
    EXPECT_EQ(run(fixed_probability(1.0), 100, 100, false).synapse_count(), 10000u);
    EXPECT_THROW(run(fixed_probability(-0.1), 10, 10, false), nncrt::Error);
    EXPECT_THROW(run(fixed_probability(1.5), 10, 10, false), nncrt::Error);
}

TEST(Connectors, FixedProbabilityPairsAreIndependent) {
    // Each source is chosen with probability p, whatever its position in the row.
    const uint64_t ns = 20, nt = 20000;
    const double p = 0.1;
    const auto l = run(fixed_probability(p), ns, nt, false, 3);
    std::vector<int> hits(ns, 0);
    for (uint32_t s : l.sources)
        ++hits[s];
    const double sd = std::sqrt(nt * p * (1 - p));
    for (uint64_t s = 0; s < ns; ++s)
        EXPECT_NEAR(hits[s], p * nt, 5 * sd) << s;
}

TEST(Connectors, FixedProbabilityWithoutAutapses) {
    const auto l = run(fixed_probability(0.9, false), 100, 100, true);
    for (uint64_t t = 0; t < 100; ++t) {
        const auto s = sources_of(l, t);
        EXPECT_EQ(std::count(s.begin(), s.end(), uint32_t(t)), 0);
    }
    const double p = 0.9, n = 100 * 99;
    EXPECT_NEAR(double(l.synapse_count()), p * n, 4 * std::sqrt(n * p * (1 - p)));
}

TEST(Connectors, SameSeedSameSynapsesOtherSeedOthers) {
    for (const Connector& c : {fixed_probability(0.1), fixed_indegree(10, true, true),
                               fixed_indegree(10, false, false)}) {
        const auto a = run(c, 200, 150, true, 7);
        const auto b = run(c, 200, 150, true, 7);
        const auto other = run(c, 200, 150, true, 8);
        EXPECT_EQ(a.offsets, b.offsets);
        EXPECT_EQ(a.sources, b.sources);
        EXPECT_NE(a.sources, other.sources);
    }
}

TEST(Connectors, TargetsDoNotDependOnEachOther) {
    // Target t's sources depend only on (seed, projection, t): the first 50 targets of a
    // larger target population get exactly the same sources.
    const Connector c = fixed_probability(0.2);
    const auto small = run(c, 100, 50, false, 9);
    const auto large = run(c, 100, 500, false, 9);
    for (uint64_t t = 0; t < 50; ++t)
        EXPECT_EQ(sources_of(small, t), sources_of(large, t));
}
