// Fixed out-degree and fixed total number: exact counts where the rule fixes them, and the
// distributions of the counts it leaves to chance (in-degrees, out-degrees) against their
// definition. Tolerances are five standard errors of the statistic for the sample at hand,
// so a correct connector fails about once in 10^6 runs (never with the fixed seeds here).
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

Connector fixed_outdegree(uint64_t k, bool multapses, bool autapses) {
    Connector c;
    c.kind = Connector::Kind::FixedOutdegree;
    c.outdegree = k;
    c.allow_multapses = multapses;
    c.allow_autapses = autapses;
    return c;
}

Connector fixed_total_number(uint64_t n, bool multapses, bool autapses) {
    Connector c;
    c.kind = Connector::Kind::FixedTotalNumber;
    c.total = n;
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

std::vector<double> in_degrees(const TargetLists& l) {
    std::vector<double> d;
    for (uint64_t t = 0; t < l.target_count(); ++t)
        d.push_back(double(l.offsets[t + 1] - l.offsets[t]));
    return d;
}

std::vector<double> out_degrees(const TargetLists& l, uint64_t ns) {
    std::vector<double> d(ns, 0.0);
    for (uint32_t s : l.sources)
        d[s] += 1.0;
    return d;
}

/// (source, target) pairs, each as often as it is connected.
std::multiset<std::pair<uint32_t, uint32_t>> pairs(const TargetLists& l) {
    std::multiset<std::pair<uint32_t, uint32_t>> out;
    for (uint64_t t = 0; t < l.target_count(); ++t)
        for (uint32_t s : sources_of(l, t))
            out.emplace(s, uint32_t(t));
    return out;
}

double mean(const std::vector<double>& x) {
    double s = 0.0;
    for (double v : x)
        s += v;
    return s / double(x.size());
}

double sample_variance(const std::vector<double>& x) {
    const double m = mean(x);
    double s = 0.0;
    for (double v : x)
        s += (v - m) * (v - m);
    return s / double(x.size() - 1);
}

/// The sample variance of n counts with variance `var` lies within five standard errors
/// of it; for counts close to normal the standard error is var * sqrt(2 / (n - 1)).
void expect_variance(const std::vector<double>& counts, double var, const char* what) {
    const double se = var * std::sqrt(2.0 / double(counts.size() - 1));
    EXPECT_NEAR(sample_variance(counts), var, 5.0 * se) << what;
}

} // namespace

TEST(FixedOutdegree, EverySourceHasExactlyKTargets) {
    for (bool multapses : {true, false}) {
        for (bool autapses : {true, false}) {
            const auto l = run(fixed_outdegree(20, multapses, autapses), 60, 50, true);
            EXPECT_EQ(l.synapse_count(), 60u * 20u);
            for (double d : out_degrees(l, 60))
                EXPECT_EQ(d, 20.0);
            const auto p = pairs(l);
            for (const auto& [s, t] : p) {
                EXPECT_LT(t, 50u);
                if (!autapses) {
                    EXPECT_NE(s, t);
                }
                if (!multapses) {
                    EXPECT_EQ(p.count({s, t}), 1u) << s << " -> " << t;
                }
            }
            for (uint64_t t = 0; t < 50; ++t) {
                const auto s = sources_of(l, t);
                EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
            }
        }
    }
}

TEST(FixedOutdegree, WithMultapsesDrawsDuplicates) {
    // 30 targets drawn from 10 for each source: every source draws some target twice.
    const auto l = run(fixed_outdegree(30, true, true), 20, 10, false);
    std::vector<std::multiset<uint32_t>> targets(20);
    for (uint64_t t = 0; t < 10; ++t)
        for (uint32_t s : sources_of(l, t))
            targets[s].insert(uint32_t(t));
    for (const auto& ts : targets)
        EXPECT_LT(std::set<uint32_t>(ts.begin(), ts.end()).size(), ts.size());
}

TEST(FixedOutdegree, InDegreesAreBinomial) {
    // With multapses, each of the ns * k draws hits a target with probability 1 / nt: the
    // in-degree is Binomial(ns k, 1 / nt). Without, each source picks a target with
    // probability k / nt: Binomial(ns, k / nt).
    const uint64_t ns = 2000, nt = 4000, k = 50;
    {
        const auto d = in_degrees(run(fixed_outdegree(k, true, true), ns, nt, false, 3));
        const double n = double(ns * k), p = 1.0 / double(nt);
        EXPECT_DOUBLE_EQ(mean(d), n * p);
        expect_variance(d, n * p * (1 - p), "with multapses");
    }
    {
        const auto d = in_degrees(run(fixed_outdegree(k, false, true), ns, nt, false, 3));
        const double n = double(ns), p = double(k) / double(nt);
        EXPECT_DOUBLE_EQ(mean(d), n * p);
        expect_variance(d, n * p * (1 - p), "without multapses");
    }
}

TEST(FixedOutdegree, WithoutMultapsesCanTakeAll) {
    const auto l = run(fixed_outdegree(9, false, false), 10, 10, true);
    auto p = pairs(l);
    EXPECT_EQ(p.size(), 90u);
    for (uint32_t s = 0; s < 10; ++s)
        for (uint32_t t = 0; t < 10; ++t)
            EXPECT_EQ(p.count({s, t}), s == t ? 0u : 1u);
}

TEST(FixedOutdegree, SourcesDoNotDependOnEachOther) {
    // Source s's targets depend only on (seed, projection, s): the first 30 sources of a
    // larger source population get exactly the same targets.
    const Connector c = fixed_outdegree(7, false, true);
    const auto small = pairs(run(c, 30, 100, false, 9));
    const auto large = pairs(run(c, 300, 100, false, 9));
    std::multiset<std::pair<uint32_t, uint32_t>> first;
    for (const auto& p : large)
        if (p.first < 30) first.insert(p);
    EXPECT_EQ(small, first);
    EXPECT_EQ(run(c, 30, 100, false, 9).sources, run(c, 30, 100, false, 9).sources);
    EXPECT_NE(run(c, 30, 100, false, 9).sources, run(c, 30, 100, false, 10).sources);
}

TEST(FixedOutdegree, Errors) {
    EXPECT_THROW(run(fixed_outdegree(11, false, true), 5, 10, false), nncrt::Error);
    EXPECT_THROW(run(fixed_outdegree(10, false, false), 10, 10, true), nncrt::Error);
    EXPECT_NO_THROW(run(fixed_outdegree(10, false, false), 10, 10, false));
    EXPECT_THROW(run(fixed_outdegree(1, true, true), 10, 0, false), nncrt::Error);
    EXPECT_THROW(run(fixed_outdegree(1, true, false), 1, 1, true), nncrt::Error);
    EXPECT_NO_THROW(run(fixed_outdegree(5, false, true), 0, 0, false));
}

TEST(FixedTotalNumber, HasExactlyNSynapses) {
    for (bool multapses : {true, false}) {
        for (bool autapses : {true, false}) {
            const auto l = run(fixed_total_number(1234, multapses, autapses), 70, 60, true);
            EXPECT_EQ(l.synapse_count(), 1234u);
            const auto p = pairs(l);
            for (const auto& [s, t] : p) {
                EXPECT_LT(s, 70u);
                if (!autapses) {
                    EXPECT_NE(s, t);
                }
                if (!multapses) {
                    EXPECT_EQ(p.count({s, t}), 1u);
                }
            }
        }
    }
}

TEST(FixedTotalNumber, WithMultapsesDegreesAreBinomial) {
    // Every synapse picks its target and its source uniformly: in-degrees are
    // Binomial(N, 1 / nt), out-degrees Binomial(N, 1 / ns).
    const uint64_t ns = 3000, nt = 2000, n = 400000;
    const auto l = run(fixed_total_number(n, true, true), ns, nt, false, 5);
    const auto in = in_degrees(l);
    EXPECT_DOUBLE_EQ(mean(in), double(n) / double(nt));
    expect_variance(in, double(n) / double(nt) * (1 - 1.0 / double(nt)), "in-degrees");
    const auto out = out_degrees(l, ns);
    EXPECT_DOUBLE_EQ(mean(out), double(n) / double(ns));
    expect_variance(out, double(n) / double(ns) * (1 - 1.0 / double(ns)), "out-degrees");
}

TEST(FixedTotalNumber, WithoutMultapsesIsAUniformSubsetOfThePairs) {
    // N distinct pairs out of P = ns nt, uniformly: a target (ns pairs) gets a
    // hypergeometric in-degree with variance N (ns/P)(1 - ns/P)(P - N)/(P - 1), a source
    // the same with nt. A quarter of the pairs are drawn as such, three quarters as the
    // complement of the quarter left out.
    const uint64_t ns = 300, nt = 400;
    for (uint64_t n : {30000u, 90000u}) {
        const auto l = run(fixed_total_number(n, false, true), ns, nt, false, 11);
        ASSERT_EQ(l.synapse_count(), n);
        const double P = double(ns * nt), N = double(n);
        const auto hyper = [&](double m) { return N * (m / P) * (1 - m / P) * (P - N) / (P - 1); };
        expect_variance(in_degrees(l), hyper(double(ns)), "in-degrees");
        expect_variance(out_degrees(l, ns), hyper(double(nt)), "out-degrees");
        for (uint64_t t = 0; t < nt; ++t) {
            const auto s = sources_of(l, t);
            std::set<uint32_t> distinct(s.begin(), s.end());
            ASSERT_EQ(distinct.size(), s.size()) << t;
        }
    }
}

TEST(FixedTotalNumber, AllPairsWithoutMultapsesIsAllToAll) {
    const auto l = run(fixed_total_number(90, false, false), 10, 10, true);
    const auto p = pairs(l);
    EXPECT_EQ(p.size(), 90u);
    for (uint32_t s = 0; s < 10; ++s)
        for (uint32_t t = 0; t < 10; ++t)
            EXPECT_EQ(p.count({s, t}), s == t ? 0u : 1u);
}

TEST(FixedTotalNumber, DependsOnlyOnTheSeed) {
    const Connector c = fixed_total_number(5000, false, false);
    EXPECT_EQ(run(c, 100, 100, true, 4).sources, run(c, 100, 100, true, 4).sources);
    EXPECT_EQ(run(c, 100, 100, true, 4).offsets, run(c, 100, 100, true, 4).offsets);
    EXPECT_NE(run(c, 100, 100, true, 4).sources, run(c, 100, 100, true, 5).sources);
}

TEST(FixedTotalNumber, Errors) {
    EXPECT_THROW(run(fixed_total_number(101, false, true), 10, 10, false), nncrt::Error);
    EXPECT_NO_THROW(run(fixed_total_number(100, false, true), 10, 10, false));
    EXPECT_THROW(run(fixed_total_number(91, false, false), 10, 10, true), nncrt::Error);
    EXPECT_THROW(run(fixed_total_number(1, true, true), 0, 10, false), nncrt::Error);
    EXPECT_THROW(run(fixed_total_number(1, true, false), 1, 1, true), nncrt::Error);
    EXPECT_NO_THROW(run(fixed_total_number(0, true, true), 0, 0, false));
    // With multapses any number fits.
    EXPECT_EQ(run(fixed_total_number(1000, true, true), 3, 3, false).synapse_count(), 1000u);
}

TEST(ListConnector, GroupsByTargetAndRemembersRows) {
    Connector c;
    c.kind = Connector::Kind::List;
    auto list = std::make_shared<Connector::Pairs>();
    list->sources = {2, 0, 1, 2, 0};
    list->targets = {1, 1, 0, 1, 1};
    c.list = list;
    std::vector<uint64_t> rows;
    const auto l =
        nncrt::connect(c, 3, 2, false, RngKey(1, RngPurpose::Connectivity, 0), {}, &rows);
    EXPECT_EQ(l.offsets, (std::vector<uint64_t>{0, 1, 5}));
    EXPECT_EQ(l.sources, (std::vector<uint32_t>{1, 2, 0, 2, 0}));
    EXPECT_EQ(rows, (std::vector<uint64_t>{2, 0, 1, 3, 4}));
    list->targets = {1, 1, 0, 2, 1};
    EXPECT_THROW(nncrt::connect(c, 3, 2, false, RngKey(1, RngPurpose::Connectivity, 0)),
                 nncrt::Error);
}
