// Slices (`E[0:40]`) and unions (`E + I`) as the source and target of projections, stimuli
// and spike recorders: how a union splits, and the rules it cannot split without changing.
#include "sema_test_util.h"

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

const std::vector<std::string> iaf = {"stdlib/neurons/iaf_psc_exp.nml"};

std::string net(const std::string& body) {
    return "network t {\n    population E = iaf_psc_exp[80]\n    population I = "
           "iaf_psc_exp[20]\n" +
           body + "\n}\n";
}

std::string range(const ir::NeuronRange& r) {
    return r.whole() ? "all" : std::to_string(r.first) + "+" + std::to_string(r.count);
}

} // namespace

TEST(SlicesUnions, AllToAllAndFixedProbabilitySplitIntoEveryPair) {
    Sema s;
    auto p = s.analyse(
        net("    project E[0:40] + I -> E[40:80] + I { connect = fixed_probability(0.1); weight = "
            "1 pA; receptor = exc }"),
        iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& pr = p->network->projections;
    ASSERT_EQ(pr.size(), 4u);
    EXPECT_EQ(pr[0].source, 0);
    EXPECT_EQ(range(pr[0].source_neurons), "0+40");
    EXPECT_EQ(range(pr[0].target_neurons), "40+40");
    EXPECT_EQ(pr[1].target, 1);
    EXPECT_EQ(range(pr[1].target_neurons), "all");
    EXPECT_EQ(pr[3].source, 1);
    EXPECT_EQ(pr[3].target, 1);
    for (const auto& x : pr)
        EXPECT_DOUBLE_EQ(x.connector.probability, 0.1);
}

TEST(SlicesUnions, OneToOnePairsTheUnionsNeuronByNeuron) {
    Sema s;
    auto p = s.analyse(
        net("    project E[0:50] + I[0:10] -> I + E[20:60] { connect = one_to_one(); weight = 1 "
            "pA; receptor = exc }"),
        iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& pr = p->network->projections;
    ASSERT_EQ(pr.size(), 3u);
    // E[0:20] -> I, E[20:50] -> E[20:50], I[0:10] -> E[50:60]
    EXPECT_EQ(range(pr[0].source_neurons), "0+20");
    EXPECT_EQ(pr[0].target, 1);
    EXPECT_EQ(range(pr[0].target_neurons), "all");
    EXPECT_EQ(range(pr[1].source_neurons), "20+30");
    EXPECT_EQ(range(pr[1].target_neurons), "20+30");
    EXPECT_EQ(pr[2].source, 1);
    EXPECT_EQ(range(pr[2].source_neurons), "0+10");
    EXPECT_EQ(range(pr[2].target_neurons), "50+10");
}

TEST(SlicesUnions, FixedIndegreeSplitsOverTargetsOnly) {
    Sema s;
    auto p = s.analyse(net("    project E -> E + I { connect = fixed_indegree(5); weight = 1 pA; "
                           "receptor = exc }"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    ASSERT_EQ(p->network->projections.size(), 2u);
    EXPECT_EQ(p->network->projections[1].connector.indegree, 5u);
}

TEST(SlicesUnions, StimuliAndSpikeRecordersOfSlicesAndUnions) {
    Sema s;
    auto p = s.analyse(net(R"(    stimulate E[0:10] + I with poisson(10 Hz) weight 1 pA receptor exc
    stimulate I[5:10] with dc(10 pA)
    record spikes of E[0:10] + I
    record spikes of E[5:20])"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& st = p->network->stimuli;
    ASSERT_EQ(st.size(), 3u);
    EXPECT_EQ(range(st[0].target_neurons), "0+10");
    EXPECT_EQ(st[1].target, 1);
    EXPECT_EQ(range(st[1].target_neurons), "all");
    EXPECT_EQ(range(st[2].target_neurons), "5+5");
    const auto& rec = p->network->spike_recorders;
    ASSERT_EQ(rec.size(), 2u);
    EXPECT_EQ(range(rec[0].neurons), "0+20"); // E[0:10] and E[5:20] merged
    EXPECT_EQ(range(rec[1].neurons), "all");
}

TEST(SlicesUnions, EveryGeneratorTakesSlicesAndUnions) {
    Sema s;
    auto p = s.analyse(
        net(R"(    stimulate E[0:10] + I with spike_times([5 ms, 7 ms]) weight 1 pA receptor exc
    stimulate E[20:30] with step_current(times = [0 ms, 5 ms], amplitudes = [10 pA, 0 pA])
    stimulate I[0:5] + E with poisson(times = [0 ms, 5 ms], rates = [5 Hz, 10 Hz]) weight 1 pA receptor exc
    stimulate E[70:80] + I[10:20] with noise_current(std = 5 pA)
    stimulate I[2:4] with poisson(rate = 10 Hz + 1 Hz * t / 1 ms, stop = 2 ms) weight 1 pA receptor exc
    simulate { dt = 0.1 ms; duration = 10 ms })"),
        iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& st = p->network->stimuli;
    using K = ir::Stimulus::Kind;
    ASSERT_EQ(st.size(), 8u);
    EXPECT_EQ(st[0].kind, K::SpikeTimes);
    EXPECT_EQ(st[0].target, 0);
    EXPECT_EQ(range(st[0].target_neurons), "0+10");
    EXPECT_EQ(st[1].kind, K::SpikeTimes);
    EXPECT_EQ(st[1].target, 1);
    EXPECT_EQ(range(st[1].target_neurons), "all");
    EXPECT_EQ(st[1].times_ms, (std::vector<double>{5, 7}));
    EXPECT_DOUBLE_EQ(st[1].weight, 1);
    EXPECT_EQ(st[2].kind, K::StepCurrent);
    EXPECT_EQ(range(st[2].target_neurons), "20+10");
    EXPECT_EQ(st[2].values, (std::vector<double>{10, 0}));
    EXPECT_EQ(st[3].kind, K::PoissonTable);
    EXPECT_EQ(st[3].target, 1);
    EXPECT_EQ(range(st[3].target_neurons), "0+5");
    EXPECT_EQ(st[4].kind, K::PoissonTable);
    EXPECT_EQ(st[4].target, 0);
    EXPECT_EQ(range(st[4].target_neurons), "all");
    EXPECT_EQ(st[4].values, (std::vector<double>{5, 10}));
    EXPECT_EQ(st[5].kind, K::NoiseCurrent);
    EXPECT_EQ(range(st[5].target_neurons), "70+10");
    EXPECT_EQ(st[6].kind, K::NoiseCurrent);
    EXPECT_EQ(st[6].target, 1);
    EXPECT_EQ(range(st[6].target_neurons), "10+10");
    EXPECT_DOUBLE_EQ(st[6].std_dev, 5);
    EXPECT_EQ(st[7].kind, K::PoissonTable);
    EXPECT_EQ(range(st[7].target_neurons), "2+2");
    EXPECT_EQ(st[7].times_ms.size(), 20u); // tabulated per step up to the stop
}

TEST(SlicesUnions, AnErrorInAGeneratorOfAUnionIsReportedOnce) {
    Sema s;
    EXPECT_FALSE(s.analyse(
        net("    stimulate E[0:10] + I with spike_times([5 ms, 2 ms]) weight 1 pA receptor exc\n"
            "    stimulate E + I with spike_times([50 ms]) weight 1 pA receptor exc\n"
            "    simulate { dt = 0.1 ms; duration = 10 ms }"),
        iaf));
    const std::string text = s.text();
    const std::string error = "error: spike times must be in order, but 2 ms follows 5 ms";
    EXPECT_TRUE(contains(text, error)) << text;
    EXPECT_EQ(text.find(error), text.rfind(error)) << text;
    const std::string warning = "warning: spike time 50 ms is after the end of the simulation";
    EXPECT_TRUE(contains(text, warning)) << text;
    EXPECT_EQ(text.find(warning), text.rfind(warning)) << text;
}

TEST(SlicesUnions, PopulationNamesFromATableWithSlices) {
    Sema s;
    auto p = s.analyse(net(R"(    let names = ["E", "I"]
    project names[0][0:10] -> names[1] { connect = all_to_all(); weight = 1 pA; receptor = exc })"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(range(p->network->projections.at(0).source_neurons), "0+10");
}

TEST(SlicesUnionsErrors, CountBasedRuleOverAUnionOfSources) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    project E + I -> E { connect = fixed_indegree(5); weight = 1 "
                               "pA; receptor = exc }"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "4:13: error: this connection rule counts connections over the "
                                   "whole source, so a union of populations cannot be its source"));
    EXPECT_TRUE(contains(s.text(), "project from each population with its own in-degree"));
}

TEST(SlicesUnionsErrors, OneToOneOfUnionsOfDifferentSizes) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    project E + I -> E[0:50] { connect = one_to_one(); weight = 1 "
                               "pA; receptor = exc }"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "one_to_one() needs populations of equal size, but 'E + I' has "
                                   "100 neurons and 'E[0:50]' has 50"));
}

TEST(SlicesUnionsErrors, SliceOutOfRange) {
    Sema s;
    EXPECT_FALSE(s.analyse(
        net("    stimulate I[10:30] with dc(1 pA)\n    project E[90:100] -> I { connect = "
            "all_to_all(); weight = 1 pA; receptor = exc }"),
        iaf));
    EXPECT_TRUE(contains(s.text(), "4:20: error: the slice end 30 is not a neuron index of "
                                   "population 'I', which has 20 neurons"));
    EXPECT_TRUE(contains(s.text(), "5:15: error: the slice start 90 is not a neuron index of "
                                   "population 'E', which has 80 neurons"));
}

TEST(SlicesUnionsErrors, OverlappingSlicesWithoutAutapses) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    project E[0:40] -> E[20:60] { connect = all_to_all(autapses "
                               "= false); weight = 1 pA; receptor = exc }"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "without autapses, a projection within population 'E' needs "
                                   "the same neurons on both sides or neurons apart, not [0:40] "
                                   "and [20:60]"));
}

TEST(SlicesUnionsErrors, SpikeRecordsOfRangesApart) {
    Sema s;
    EXPECT_FALSE(
        s.analyse(net("    record spikes of E[0:10]\n    record spikes of E[50:60]"), iaf));
    EXPECT_TRUE(contains(s.text(), "the spikes of population 'E' are recorded for one range of "
                                   "neurons, but [0:10] and [50:60] are apart"));
    EXPECT_TRUE(contains(s.text(), "record `E[0:60]` instead"));
}
