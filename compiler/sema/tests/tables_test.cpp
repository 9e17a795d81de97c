// The network layer's tables: array literals, matrices, indexing, quantities and strings in
// arrays, len/sum, and the math library in `let`s.
#include "sema_test_util.h"

#include <cmath>

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

const std::vector<std::string> iaf = {"stdlib/neurons/iaf_psc_exp.nml"};

std::string net(const std::string& body) {
    return "network t {\n" + body + "\n}\n";
}

} // namespace

TEST(Tables, PopulationsFromTablesOfNamesAndSizes) {
    Sema s;
    auto p = s.analyse(net(R"(    let scale = 0.1
    let names = ["L23E", "L23I"]
    let N = [20683, 5834]
    let P = [[0.1009, 0.1689],
             [0.1346, 0.1371],]
    let d = [1.5 ms, 0.75 ms]
    population names[0] = iaf_psc_exp[round(N[0] * scale)]
    population names[1] = iaf_psc_exp[round(N[1] * scale)]
    project L23I -> L23E { connect = fixed_probability(P[0][1]); weight = -351.2 pA; delay = d[1]; receptor = inh })"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& n = *p->network;
    ASSERT_EQ(n.populations.size(), 2u);
    EXPECT_EQ(n.populations[0].name, "L23E");
    EXPECT_EQ(n.populations[0].size, 2068u);
    EXPECT_EQ(n.populations[1].name, "L23I");
    EXPECT_EQ(n.populations[1].size, 583u);
    ASSERT_EQ(n.projections.size(), 1u);
    EXPECT_EQ(n.projections[0].source, 1);
    EXPECT_EQ(n.projections[0].target, 0);
    EXPECT_DOUBLE_EQ(n.projections[0].connector.probability, 0.1689);
    EXPECT_DOUBLE_EQ(n.projections[0].delay.a, 0.75);
}

TEST(Tables, LenSumAndTheMathLibrary) {
    Sema s;
    auto p = s.analyse(net(R"(    let N = [3, 4, 5]
    let M = [[1, 2], [3, 4], [5, 6]]
    let T = [1 s, 250 ms]
    let rows = len(M)
    let total = sum(N) + len(M[0]) + sum(M[2])
    let time = sum(T)
    let x = round(max(exp(log(2)), sqrt(9)) + min(abs(-1), floor(2.5)) + ceil(0.2) + 2^3)
    population A = iaf_psc_exp[rows]
    population B = iaf_psc_exp[total]
    population C = iaf_psc_exp[time / 1 ms]
    population D = iaf_psc_exp[x])"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& n = *p->network;
    EXPECT_EQ(n.populations[0].size, 3u);
    EXPECT_EQ(n.populations[1].size, 12u + 2u + 11u);
    EXPECT_EQ(n.populations[2].size, 1250u); // seconds and milliseconds add up in ms
    EXPECT_EQ(n.populations[3].size, 13u);   // 3 + 1 + 1 + 8
}

TEST(Tables, OverrideReplacesAWholeTable) {
    Sema s;
    auto p = s.analyse(net(R"(    let N = [1, 2]
    population A = iaf_psc_exp[sum(N)])"),
                       iaf, {"N=[10, 20, 30]"});
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(p->network->populations[0].size, 60u);
}

TEST(TablesErrors, IndexOutOfRangeNamesTheLength) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let N = [1, 2, 3]\n    let x = N[3]"), iaf));
    EXPECT_TRUE(contains(s.text(), "test.nml:3:15: error: index 3 is out of range: 'N' has 3 "
                                   "elements"));
    EXPECT_TRUE(contains(s.text(), "hint: indices start at 0: the last one is 2"));
}

TEST(TablesErrors, RowOfAMatrixOutOfRange) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let P = [[1, 2], [3]]\n    let x = P[1][1]"), iaf));
    EXPECT_TRUE(contains(s.text(), "3:18: error: index 1 is out of range: the array has 1 "
                                   "element"));
}

TEST(TablesErrors, IndexMustBeAWholeNumber) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let N = [1, 2]\n    let x = N[0.5]"), iaf));
    EXPECT_TRUE(contains(s.text(), "an index must be a whole number, not 0.5"));
}

TEST(TablesErrors, ElementsOfOneDimension) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let d = [1 ms, 2]"), iaf));
    EXPECT_TRUE(contains(s.text(), "2:20: error: dimension mismatch: the elements of an array "
                                   "must all have one dimension, but element 0 is ms (time) and "
                                   "element 1 is dimensionless"));
    EXPECT_TRUE(contains(s.text(), "hint: write `2 ms`"));
}

TEST(TablesErrors, ElementsOfOneKind) {
    Sema s;
    EXPECT_FALSE(s.analyse(net(R"(    let d = ["E", 2])"), iaf));
    EXPECT_TRUE(contains(s.text(), "the elements of an array must all be alike, but element 0 is "
                                   "the string \"E\" and element 1 is a number (dimensionless)"));
}

TEST(TablesErrors, ArrayWhereANumberBelongs) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let N = [1, 2]\n    population A = iaf_psc_exp[N * 2]"), iaf));
    EXPECT_TRUE(contains(s.text(), "3:32: error: 'N' is an array of 2 values, not a number"));
    EXPECT_TRUE(contains(s.text(), "pick one element with `N[i]`"));
}

TEST(TablesErrors, IndexingANumber) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let N = 3\n    let x = N[0]"), iaf));
    EXPECT_TRUE(contains(s.text(), "only an array can be indexed, but this is a number"));
}

TEST(TablesErrors, PopulationNameMustBeAStringThatIsAName) {
    Sema s;
    EXPECT_FALSE(s.analyse(net(R"(    let names = ["L2/3E", "E"]
    let N = [1, 2]
    population names[0] = iaf_psc_exp[1]
    population N[1] = iaf_psc_exp[1])"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "4:16: error: \"L2/3E\" cannot name a population: a name is "
                                   "letters, digits and '_'"));
    EXPECT_TRUE(contains(s.text(), "5:16: error: a population's name must be a string, but this "
                                   "is a number (dimensionless)"));
}

TEST(TablesErrors, PopulationCannotTakeAConstantsName) {
    Sema s;
    EXPECT_FALSE(
        s.analyse(net("    let names = [\"A\"]\n    population names = iaf_psc_exp[1]"), iaf));
    EXPECT_TRUE(contains(s.text(), "'names' is a constant; a population cannot have its name"));
    EXPECT_TRUE(contains(s.text(), "`population names[i] = ...`"));
}

TEST(TablesErrors, LenAndSumNeedArrays) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let x = len(3)\n    let y = sum([\"a\"])"), iaf));
    EXPECT_TRUE(contains(s.text(), "'len' needs an array, but its argument is a number"));
    EXPECT_TRUE(contains(s.text(), "'sum' needs an array of numbers, but element 0 is the string"));
}

TEST(TablesErrors, OverrideOfAnotherKind) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    let N = [1, 2]"), iaf, {"N=4"}));
    EXPECT_TRUE(contains(s.text(), "-D N: 'N' is an array of 2 values, but the new value is a "
                                   "number (dimensionless)"));
}

TEST(TablesErrors, TablesInANeuronAreRefused) {
    Sema s;
    EXPECT_FALSE(s.analyse("neuron n { parameters { a = [1, 2] } }"));
    EXPECT_TRUE(contains(s.text(), "arrays exist only in a network's constants"));
}

// ---- distributions ------------------------------------------------------------------------

TEST(Distributions, LogNormalExponentialAndClippedNormal) {
    Sema s;
    auto p = s.analyse(net(R"(    population P = iaf_psc_exp[10] {
        V_m  = normal(-58 mV, 10 mV, low = -70 mV, high = -50 mV)
        I_ex = exponential(mean = 5 pA)
        I_in = lognormal(mu = 1, sigma = 0.5, unit = nA)
    }
    project P -> P {
        connect = all_to_all(); weight = lognormal(4.475, 0.1, unit = pA)
        delay = normal(1.5 ms, 0.75 ms, low = 0.1 ms); receptor = exc
    }
    project P -> P { connect = all_to_all(); weight = 1 pA; delay = exponential(2 ms); receptor = exc })"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    using K = ir::ValueSpec::Kind;
    const auto& pop = p->network->populations[0];
    const auto& model = p->models.at(size_t(pop.model));
    const auto& v = pop.initial.at(size_t(model.find_state("V_m")));
    EXPECT_EQ(v.kind, K::Normal);
    EXPECT_DOUBLE_EQ(v.low, -70);
    EXPECT_DOUBLE_EQ(v.high, -50);
    const auto& ex = pop.initial.at(size_t(model.find_state("I_ex")));
    EXPECT_EQ(ex.kind, K::Exponential);
    EXPECT_DOUBLE_EQ(ex.a, 5);
    // exp(mu + sigma Z) nA = exp(mu + log(1000) + sigma Z) pA
    const auto& in = pop.initial.at(size_t(model.find_state("I_in")));
    EXPECT_EQ(in.kind, K::LogNormal);
    EXPECT_NEAR(in.a, 1 + std::log(1000.0), 1e-12);
    EXPECT_DOUBLE_EQ(in.b, 0.5);
    const auto& pr = p->network->projections;
    EXPECT_EQ(pr[0].weight.kind, K::LogNormal);
    EXPECT_DOUBLE_EQ(pr[0].weight.a, 4.475);
    EXPECT_EQ(pr[0].delay.kind, K::Normal);
    EXPECT_DOUBLE_EQ(pr[0].delay.low, 0.1);
    EXPECT_TRUE(std::isinf(pr[0].delay.high));
    EXPECT_EQ(pr[1].delay.kind, K::Exponential);
}

TEST(DistributionsErrors, LogNormalOfAQuantityNeedsItsUnit) {
    Sema s;
    EXPECT_FALSE(s.analyse(net(R"(    population P = iaf_psc_exp[10]
    project P -> P { connect = all_to_all(); weight = lognormal(4.475, 0.1); receptor = exc })"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "3:55: error: lognormal(mu, sigma) draws plain numbers, but "
                                   "the weight of receptor 'exc' of neuron 'iaf_psc_exp' is pA"));
    EXPECT_TRUE(contains(s.text(), "`lognormal(4.475, 0.1, unit = pA)`"));
}

TEST(DistributionsErrors, ClippedNormalThatKeepsAlmostNothing) {
    Sema s;
    EXPECT_FALSE(s.analyse(net(R"(    population P = iaf_psc_exp[10] {
        V_m = normal(-58 mV, 1 mV, low = -40 mV)
    })"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "normal(-58 mV, 1 mV) has almost no values above -40 mV: they "
                                   "would be redrawn without end"));
}

TEST(DistributionsErrors, BoundsByNameAndInOrder) {
    Sema s;
    EXPECT_FALSE(s.analyse(net(R"(    population P = iaf_psc_exp[10] {
        V_m = normal(-58 mV, 1 mV, -60 mV)
        I_ex = normal(0 pA, 1 pA, low = 2 pA, high = 1 pA)
        I_in = exponential(-1 pA)
    })"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "too many arguments for `normal`"));
    EXPECT_TRUE(contains(s.text(), "give low by name, as in `low = ...`"));
    EXPECT_TRUE(contains(s.text(), "normal(...) needs low <= high, but 2 pA > 1 pA"));
    EXPECT_TRUE(contains(s.text(), "the mean of an exponential distribution must be positive"));
}

TEST(DistributionsErrors, NotForParameters) {
    Sema s;
    EXPECT_FALSE(
        s.analyse(net("    population P = iaf_psc_exp[10] { tau_m = exponential(10 ms) }"), iaf));
    EXPECT_TRUE(contains(s.text(), "parameter 'tau_m' has one value for the whole population"));
}

TEST(DistributionsErrors, MeanDelayOfALogNormalBelowTheTimeStep) {
    Sema s;
    EXPECT_FALSE(s.analyse(net(R"(    population P = iaf_psc_exp[10]
    project P -> P { connect = all_to_all(); weight = 1 pA; delay = lognormal(-5, 0.1, unit = ms); receptor = exc })"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "the mean delay 0.00677"));
}

TEST(Tables, MicrocircuitExampleElaboratesTheReferenceTables) {
    Sema s;
    auto p = s.analyse_file("examples/microcircuit.nml", {"scale=1"});
    ASSERT_TRUE(p) << s.text();
    const auto& net = *p->network;
    ASSERT_EQ(net.populations.size(), 8u);
    uint64_t total = 0;
    for (const auto& pop : net.populations)
        total += pop.size;
    EXPECT_EQ(total, 77169u);
    EXPECT_EQ(net.populations[5].name, "L5I");
    // 8 x 8 projections, excitatory and inhibitory sources alternating per target.
    ASSERT_EQ(net.projections.size(), 64u);
    const auto& l4e_to_l23e = net.projections[2]; // post 0, k = 1: L4E -> L23E
    EXPECT_EQ(l4e_to_l23e.source, 2);
    EXPECT_EQ(l4e_to_l23e.target, 0);
    EXPECT_DOUBLE_EQ(l4e_to_l23e.weight.a, 2 * 87.8); // doubled
    EXPECT_DOUBLE_EQ(l4e_to_l23e.weight.low, 0);
    // The total number K = ln(1 - P) / ln(1 - 1 / (N_pre N_post)), drawn as fixed_total_number
    const double K = std::log(1 - 0.0437) / std::log(1 - 1 / (21915.0 * 20683.0));
    EXPECT_EQ(l4e_to_l23e.connector.total, uint64_t(std::round(K)));
    const auto& l23i_to_l23e = net.projections[1];
    EXPECT_DOUBLE_EQ(l23i_to_l23e.weight.a, -4 * 87.8);
    EXPECT_DOUBLE_EQ(l23i_to_l23e.weight.high, 0);
    EXPECT_DOUBLE_EQ(l23i_to_l23e.delay.a, 0.75);
    EXPECT_DOUBLE_EQ(l23i_to_l23e.delay.low, 0.1);
}
