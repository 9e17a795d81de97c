// `for` loops over network items: ranges, nesting, local `let`s, and what may not be hidden.
#include "sema_test_util.h"

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

const std::vector<std::string> iaf = {"stdlib/neurons/iaf_psc_exp.nml"};

std::string net(const std::string& body) {
    return "network t {\n" + body + "\n}\n";
}

size_t count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

} // namespace

TEST(Loops, PopulationsProjectionsAndRecordersFromTables) {
    Sema s;
    auto p = s.analyse(net(R"(    let names = ["A", "B", "C"]
    let N = [10, 20, 30]
    let P = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]]
    for i in 0..len(names) {
        let n = N[i] * 2          # local to the iteration
        population names[i] = iaf_psc_exp[n]
        record V_m of names[i][0:i + 1]
    }
    for post in 0..3, pre in 0..3 {
        project names[pre] -> names[post] {
            connect = fixed_probability(P[post][pre]); weight = 1 pA; receptor = exc
        }
    }
    let m = 5
    population D = iaf_psc_exp[m])"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& net = *p->network;
    ASSERT_EQ(net.populations.size(), 4u);
    EXPECT_EQ(net.populations[2].name, "C");
    EXPECT_EQ(net.populations[2].size, 60u);
    EXPECT_EQ(net.populations[3].size, 5u);
    ASSERT_EQ(net.projections.size(), 9u);
    // The last range varies fastest: (post 0, pre 0), (post 0, pre 1), ...
    EXPECT_EQ(net.projections[1].source, 1);
    EXPECT_EQ(net.projections[1].target, 0);
    EXPECT_DOUBLE_EQ(net.projections[1].connector.probability, 0.2);
    EXPECT_EQ(net.projections[5].source, 2);
    EXPECT_EQ(net.projections[5].target, 1);
    EXPECT_DOUBLE_EQ(net.projections[5].connector.probability, 0.6);
    ASSERT_EQ(net.state_recorders.size(), 3u);
    EXPECT_EQ(net.state_recorders[2].population, 2);
    EXPECT_EQ(net.state_recorders[2].last, 3u);
}

TEST(Loops, InnerRangeMayUseTheOuterVariable) {
    Sema s;
    auto p = s.analyse(net(R"(    let names = ["A", "B", "C"]
    for i in 0..3 { population names[i] = iaf_psc_exp[1] }
    for post in 0..3, pre in 0..post {
        project names[pre] -> names[post] { connect = all_to_all(); weight = 1 pA; receptor = exc }
    }
    for k in 2..2 { population never = iaf_psc_exp[1] })"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    ASSERT_EQ(p->network->projections.size(), 3u); // A->B, A->C, B->C
    EXPECT_EQ(p->network->projections[2].source, 1);
    EXPECT_EQ(p->network->projections[2].target, 2);
    EXPECT_EQ(p->network->find_population("never"), -1); // an empty range runs nothing
}

TEST(LoopsErrors, LoopVariableHidingAConstant) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let i = 1\n    for i in 0..2 { }"), iaf));
    EXPECT_TRUE(contains(s.text(), "3:9: error: the loop variable 'i' hides the constant 'i'"));
    EXPECT_TRUE(contains(s.text(), "2:9: note: 'i' is defined here"));
}

TEST(LoopsErrors, LoopVariableHidingAConstantDefinedLater) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..2 { }\n    let i = 1"), iaf));
    EXPECT_TRUE(contains(s.text(), "the loop variable 'i' hides the constant 'i'"));
}

TEST(LoopsErrors, LoopVariableHidingAnOuterOne) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..2 { for i in 0..2 { } }"), iaf));
    EXPECT_TRUE(
        contains(s.text(), "the loop variable 'i' hides the loop variable or local constant 'i'"));
}

TEST(LoopsErrors, LocalLetHidingAConstant) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..2 { let n = i }\n    let n = 5"), iaf));
    EXPECT_TRUE(
        contains(s.text(), "2:25: error: the `let n` in this loop hides the network's constant"));
}

TEST(LoopsErrors, LocalLetIsGoneAfterTheLoop) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..2 { let n = i }\n    let m = n + i"), iaf));
    EXPECT_TRUE(contains(s.text(), "3:13: error: unknown name 'n'"));
    EXPECT_TRUE(contains(s.text(), "3:17: error: unknown name 'i'"));
}

TEST(LoopsErrors, AMistakeInALoopIsReportedOnce) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..8 { population P = iaf_psc_exp[1] }"), iaf));
    EXPECT_EQ(count(s.text(), "error: population 'P' is already declared"), 1u) << s.text();
}

TEST(LoopsErrors, RangeBoundsAreWholeNumbers) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..2.5 { }\n    for j in 0 ms..2 { }"), iaf));
    EXPECT_TRUE(contains(s.text(), "2:17: error: the end of a loop range must be a whole number, "
                                   "not 2.5"));
    EXPECT_TRUE(contains(s.text(), "dimension mismatch: the start of a loop range is "
                                   "dimensionless, but this value is ms (time)"));
}

TEST(LoopsErrors, SimulateInALoop) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..2 { simulate { dt = 0.1 ms } }"), iaf));
    EXPECT_TRUE(contains(s.text(), "`simulate` cannot be inside a loop"));
}

TEST(LoopsErrors, OverrideOfALoopsLetIsUnknown) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..2 { let n = i }"), iaf, {"n=3"}));
    EXPECT_TRUE(contains(s.text(), "no constant 'n' in network 't'"));
}

TEST(LoopsErrors, RangeTooLong) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    for i in 0..10000000 { }"), iaf));
    EXPECT_TRUE(contains(s.text(), "2:9: error: the loop range 0..10000000 has 10000000 values; "
                                   "at most 1000000 are allowed"));
}
