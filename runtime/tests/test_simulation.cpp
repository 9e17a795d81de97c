#include "kernels.h"
#include "nncrt/simulation.h"

#include <cmath>
#include <gtest/gtest.h>
#include <numeric>
#include <string>

using nncrt::Connector;
using nncrt::Distribution;
using nncrt::Error;
using nncrt::NonFiniteState;
using nncrt::ProjectionSpec;
using nncrt::Simulation;
using nncrt::SimulationConfig;
using namespace nncrt_test;

namespace {

SimulationConfig config(double dt = 0.1, uint64_t seed = 1) {
    SimulationConfig c;
    c.dt_ms = dt;
    c.seed = seed;
    return c;
}

Connector one_to_one() {
    Connector c;
    c.kind = Connector::Kind::OneToOne;
    return c;
}

Connector all_to_all() {
    return Connector{};
}

Connector fixed_probability(double p) {
    Connector c;
    c.kind = Connector::Kind::FixedProbability;
    c.probability = p;
    return c;
}

ProjectionSpec projection(uint32_t source, uint32_t target, Connector c, Distribution weight,
                          Distribution delay, uint32_t receptor = 0) {
    ProjectionSpec p;
    p.source = source;
    p.target = target;
    p.connector = c;
    p.weight = weight;
    p.delay_ms = delay;
    p.receptor = receptor;
    return p;
}

/// Steps in which neuron i of the receptor log received something, and what.
std::vector<std::pair<uint64_t, double>> arrivals(uint64_t i) {
    std::vector<std::pair<uint64_t, double>> out;
    for (uint64_t k = 0; k < receptor_log().size(); ++k)
        if (receptor_log()[k][i] != 0.0) out.emplace_back(k, receptor_log()[k][i]);
    return out;
}

using Arrivals = std::vector<std::pair<uint64_t, double>>;

/// A source firing neuron i at fire_at[i] into a logging target, one-to-one.
void delay_network(Simulation& sim, const std::vector<double>& fire_at, Distribution delay,
                   Distribution weight = Distribution::constant(0.5)) {
    const auto src = sim.add_population(fire_at_population("src", fire_at.size()));
    const auto dst = sim.add_population(receptor_log_population("dst", fire_at.size()));
    sim.add_projection(projection(src, dst, one_to_one(), weight, delay));
    sim.build();
    sim.state(src, 1) = fire_at;
    receptor_log().clear();
}

} // namespace

TEST(Simulation, SpikeFromStepKWithDelayDIsSeenInStepKPlusD) {
    for (double delay_ms : {0.1, 0.4, 1.5}) {
        Simulation sim(config(0.1));
        delay_network(sim, {2, 5, -1, 0}, Distribution::constant(delay_ms));
        sim.run(5.0);
        const uint64_t d = uint64_t(std::lround(delay_ms / 0.1));
        ASSERT_EQ(receptor_log().size(), 50u);
        EXPECT_EQ(arrivals(0), (Arrivals{{2 + d, 0.5}})) << delay_ms;
        EXPECT_EQ(arrivals(1), (Arrivals{{5 + d, 0.5}})) << delay_ms;
        EXPECT_EQ(arrivals(2), Arrivals{}) << delay_ms;
        EXPECT_EQ(arrivals(3), (Arrivals{{0 + d, 0.5}})) << delay_ms;
    }
}

TEST(Simulation, PerSynapseDelaysAreHonoured) {
    // A drawn distribution with zero spread: per-synapse storage, a known value.
    Simulation sim(config(0.1));
    delay_network(sim, {1, 7}, Distribution::normal(0.3, 0.0), Distribution::normal(0.25, 0.0));
    sim.run(3.0);
    EXPECT_EQ(arrivals(0), (Arrivals{{4, 0.25}}));
    EXPECT_EQ(arrivals(1), (Arrivals{{10, 0.25}}));
    EXPECT_DOUBLE_EQ(sim.connection_stats().bytes_per_synapse(), (3 * 8 + 2 * 10) / 2.0);
}

TEST(Simulation, RingBufferWrapsAroundManyTimes) {
    // Spikes long after the start, delays of 7 steps in a buffer of 8 slots.
    Simulation sim(config(0.5));
    delay_network(sim, {3, 40, 41, 97}, Distribution::constant(3.5));
    sim.run(60.0);
    EXPECT_EQ(arrivals(0), (Arrivals{{10, 0.5}}));
    EXPECT_EQ(arrivals(1), (Arrivals{{47, 0.5}}));
    EXPECT_EQ(arrivals(2), (Arrivals{{48, 0.5}}));
    EXPECT_EQ(arrivals(3), (Arrivals{{104, 0.5}}));
}

TEST(Simulation, DrawnDelaysBelowOneStepBecomeOneStep) {
    Simulation sim(config(0.1));
    delay_network(sim, {2}, Distribution::uniform(0.0, 0.04));
    sim.run(1.0);
    EXPECT_EQ(arrivals(0), (Arrivals{{3, 0.5}}));
}

TEST(Simulation, ConstantDelayShorterThanDtIsAnError) {
    Simulation sim(config(0.1));
    const auto a = sim.add_population(lif_population("a", 2));
    sim.add_projection(
        projection(a, a, all_to_all(), Distribution::constant(1), Distribution::constant(0.04)));
    try {
        sim.build();
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("shorter than the time step"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("0.04"), std::string::npos) << e.what();
    }
}

TEST(Simulation, DelaysBeyondUint16StepsAreAnError) {
    for (Distribution delay : {Distribution::constant(6553.6), Distribution::normal(7000, 0)}) {
        Simulation sim(config(0.1));
        const auto a = sim.add_population(lif_population("a", 2));
        sim.add_projection(projection(a, a, all_to_all(), Distribution::constant(1), delay));
        EXPECT_THROW(sim.build(), Error);
    }
    Simulation sim(config(0.1));
    const auto a = sim.add_population(lif_population("a", 2));
    sim.add_projection(
        projection(a, a, all_to_all(), Distribution::constant(1), Distribution::constant(6553.5)));
    EXPECT_NO_THROW(sim.build());
}

TEST(Simulation, DcInputIsOnOnlyWithinStartStop) {
    Simulation sim(config(0.1));
    nncrt::PopulationSpec spec;
    spec.name = "p";
    spec.size = 4;
    spec.input_names = {"I0", "I1"};
    spec.update = input_log_kernel;
    const auto p = sim.add_population(spec);
    sim.add_dc({p, 0, 2.0, 0.3, 0.7});          // steps 3..6
    sim.add_dc({p, 0, 1.0, 0.49999999, 1e300}); // from step 5 (start within dt/2 of 0.5)
    sim.add_dc({p, 1, -1.0, 0.0, 0.2});         // steps 0, 1
    input_log().clear();
    sim.run(1.0);
    ASSERT_EQ(input_log().size(), 10u);
    const std::vector<double> in0 = {0, 0, 0, 2, 2, 3, 3, 1, 1, 1};
    const std::vector<double> in1 = {-1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t k = 0; k < 10; ++k) {
        EXPECT_EQ(input_log()[k], (std::vector<double>{in0[k], in1[k]})) << "step " << k;
    }
}

TEST(Simulation, PoissonInputHasTheRightMean) {
    struct Case {
        double rate_hz, weight;
    };
    for (Case c : {Case{2000.0, 0.5}, Case{1e6, 0.01}}) {
        Simulation sim(config(0.1, 3));
        const uint64_t n = 1000, steps = 1000;
        const auto p = sim.add_population(arrival_population("p", n, 2));
        sim.add_poisson({p, c.rate_hz, c.weight, 1}); // on receptor 1: receptor 0 sees nothing
        sim.add_poisson({p, c.rate_hz, c.weight, 0});
        sim.run(double(steps) * 0.1);
        const std::vector<double>& total = sim.state(p, 3);
        const double mu = c.rate_hz * 0.1 * 1e-3; // expected count per neuron and step
        // Each neuron's total is weight * Poisson(steps * mu).
        const double sum = std::accumulate(total.begin(), total.end(), 0.0);
        const double mean_per_step = sum / double(n * steps);
        EXPECT_NEAR(mean_per_step, mu * c.weight,
                    4.0 * c.weight * std::sqrt(mu / double(n * steps)))
            << c.rate_hz;
        double var = 0.0;
        const double mean_total = sum / double(n);
        for (double t : total)
            var += (t - mean_total) * (t - mean_total);
        var /= double(n - 1);
        const double expected_var = c.weight * c.weight * mu * double(steps);
        EXPECT_NEAR(var, expected_var, 5.0 * expected_var * std::sqrt(2.0 / double(n)))
            << c.rate_hz;
    }
}

TEST(Simulation, ZeroRatePoissonAddsNothing) {
    Simulation sim(config());
    const auto p = sim.add_population(arrival_population("p", 10));
    sim.add_poisson({p, 0.0, 1.0, 0});
    sim.run(10.0);
    for (double t : sim.state(p, 3))
        EXPECT_EQ(t, 0.0);
}

namespace {

/// A recurrent LIF network with every random ingredient: initial state, connectivity,
/// weights, delays and Poisson input.
std::vector<nncrt::SpikeRecord> random_network(uint64_t seed, double duration_ms = 100.0,
                                               int chunks = 1) {
    Simulation sim(config(0.1, seed));
    const auto e = sim.add_population(lif_population("E", 200));
    const auto i = sim.add_population(lif_population("I", 50));
    sim.set_initial_state(e, 0, Distribution::uniform(0.0, 1.0));
    sim.set_initial_state(i, 0, Distribution::normal(0.5, 0.2));
    sim.add_projection(projection(e, e, fixed_probability(0.1), Distribution::normal(0.1, 0.05),
                                  Distribution::uniform(0.5, 2.0)));
    sim.add_projection(projection(e, i, fixed_probability(0.2), Distribution::constant(0.1),
                                  Distribution::constant(1.0)));
    sim.add_projection(projection(i, e, fixed_probability(0.3), Distribution::uniform(-0.3, -0.1),
                                  Distribution::constant(0.8)));
    sim.add_poisson({e, 4000.0, 0.3, 0});
    sim.add_poisson({i, 3000.0, 0.3, 0});
    sim.record_spikes(e);
    sim.record_spikes(i);
    for (int c = 0; c < chunks; ++c)
        sim.run(duration_ms / chunks);
    return {sim.recorded_spikes(e), sim.recorded_spikes(i)};
}

bool same(const nncrt::SpikeRecord& a, const nncrt::SpikeRecord& b) {
    return a.times_ms == b.times_ms && a.node_ids == b.node_ids;
}

} // namespace

TEST(Simulation, SameSeedSameSpikesOtherSeedOtherSpikes) {
    const auto a = random_network(5);
    const auto b = random_network(5);
    const auto c = random_network(6);
    ASSERT_GT(a[0].times_ms.size(), 100u);
    ASSERT_GT(a[1].times_ms.size(), 10u);
    EXPECT_TRUE(same(a[0], b[0]));
    EXPECT_TRUE(same(a[1], b[1]));
    EXPECT_FALSE(same(a[0], c[0]));
}

TEST(Simulation, RunsContinue) {
    const auto whole = random_network(5, 50.0, 1);
    const auto pieces = random_network(5, 50.0, 5);
    EXPECT_TRUE(same(whole[0], pieces[0]));
    EXPECT_TRUE(same(whole[1], pieces[1]));
}

TEST(Simulation, RecordsSpikeTimesAtTheEndOfTheStep) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(lif_population("p", 3));
    const auto q = sim.add_population(lif_population("q", 3));
    sim.add_dc({p, 0, 0.3});
    sim.add_dc({q, 0, 0.3});
    sim.record_spikes(p);
    sim.run(1.2);
    // V: 0.3, 0.57, 0.813, 1.0317 -> fires in steps 3, 7, 11.
    const auto& s = sim.recorded_spikes(p);
    ASSERT_EQ(s.times_ms.size(), 9u);
    const std::vector<uint64_t> ids = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    EXPECT_EQ(s.node_ids, ids);
    for (size_t j = 0; j < 9; ++j)
        EXPECT_NEAR(s.times_ms[j], 0.4 * double(j / 3 + 1), 1e-12);
    EXPECT_EQ(sim.spike_count(p), 9u);
    EXPECT_EQ(sim.spike_count(q), 9u); // counted, not recorded
    EXPECT_TRUE(sim.recorded_spikes(q).times_ms.empty());
    EXPECT_EQ(sim.steps_done(), 12u);
    EXPECT_NEAR(sim.time_ms(), 1.2, 1e-12);
}

// A warm-up: what it fired and sampled is forgotten, and what follows is stamped with the
// time since the start of the run, as before.
TEST(Simulation, DiscardedRecordingsStartAgainFromTheCurrentTime) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(lif_population("p", 3));
    sim.add_dc({p, 0, 0.3});
    sim.record_spikes(p);
    const auto v = sim.record_state(p, 0, 0, 3, 2);
    sim.run(0.8); // spikes at 0.4 and 0.8 ms
    ASSERT_EQ(sim.spike_count(p), 6u);
    ASSERT_EQ(sim.recorded_state(v).sample_count(), 4u);
    sim.discard_recordings();
    EXPECT_EQ(sim.spike_count(p), 0u);
    EXPECT_TRUE(sim.recorded_spikes(p).times_ms.empty());
    EXPECT_EQ(sim.recorded_state(v).sample_count(), 0u);
    sim.run(0.4); // the spike at 1.2 ms
    EXPECT_EQ(sim.spike_count(p), 3u);
    const auto& s = sim.recorded_spikes(p);
    ASSERT_EQ(s.times_ms.size(), 3u);
    EXPECT_NEAR(s.times_ms[0], 1.2, 1e-12);
    const auto& r = sim.recorded_state(v);
    ASSERT_EQ(r.sample_count(), 2u);
    EXPECT_NEAR(r.start_ms, 1.0, 1e-12);
}

TEST(Simulation, InitialStateDrawsDependOnlyOnSeedPopulationVariableAndNeuron) {
    const auto initial = [](uint64_t seed, uint64_t n, bool extra_population) {
        Simulation sim(config(0.1, seed));
        if (extra_population) sim.add_population(lif_population("x", 5));
        const auto p = sim.add_population(fire_at_population("p", n));
        sim.set_initial_state(p, 0, Distribution::uniform(-2.0, 3.0));
        sim.set_initial_state(p, 1, Distribution::normal(10.0, 2.0));
        sim.build();
        return std::pair{sim.state(p, 0), sim.state(p, 1)};
    };
    const auto a = initial(1, 20000, false);
    for (double v : a.first) {
        EXPECT_GT(v, -2.0);
        EXPECT_LT(v, 3.0);
    }
    const double mean0 = std::accumulate(a.first.begin(), a.first.end(), 0.0) / 20000;
    const double mean1 = std::accumulate(a.second.begin(), a.second.end(), 0.0) / 20000;
    EXPECT_NEAR(mean0, 0.5, 4 * 5 / std::sqrt(12.0 * 20000));
    EXPECT_NEAR(mean1, 10.0, 4 * 2 / std::sqrt(20000.0));
    // A smaller population: the same values for the same neurons.
    const auto small = initial(1, 10, false);
    EXPECT_EQ(small.first, std::vector<double>(a.first.begin(), a.first.begin() + 10));
    EXPECT_NE(initial(2, 10, false).first, small.first); // seed
    EXPECT_NE(initial(1, 10, true).first, small.first);  // population id
    EXPECT_NE(small.first, small.second);                // variable
}

TEST(Simulation, AStateKeepsItsInitialValuesWhenTheCompilerDropsAnother) {
    // "fire_at" is state 1 of the population; a compiler that drops "step" makes it state
    // 0 of a smaller one, and names its stream 1 so that it draws the same values.
    Simulation both(config(0.1, 5));
    const auto p = both.add_population(fire_at_population("p", 50));
    both.set_initial_state(p, 1, Distribution::normal(10.0, 2.0));
    both.build();

    Simulation dropped(config(0.1, 5));
    auto spec = fire_at_population("p", 50);
    spec.state_names = {"fire_at"};
    spec.state_streams = {1};
    const auto q = dropped.add_population(spec);
    dropped.set_initial_state(q, 0, Distribution::normal(10.0, 2.0));
    dropped.build();
    EXPECT_EQ(dropped.state(q, 0), both.state(p, 1));

    Simulation wrong(config());
    spec.state_streams = {1, 2};
    EXPECT_THROW(wrong.add_population(spec), Error);
}

TEST(Simulation, ConstantInitialStateAndUnsetVariablesStartAtZero) {
    Simulation sim(config());
    const auto p = sim.add_population(fire_at_population("p", 3));
    sim.set_initial_state(p, 1, Distribution::constant(-1.0));
    sim.build();
    EXPECT_EQ(sim.state(p, 0), (std::vector<double>{0, 0, 0}));
    EXPECT_EQ(sim.state(p, 1), (std::vector<double>{-1, -1, -1}));
}

TEST(Simulation, ConnectionStatsAreHonest) {
    {
        Simulation sim(config());
        const auto a = sim.add_population(lif_population("a", 100));
        sim.add_projection(projection(a, a, all_to_all(), Distribution::constant(0.1),
                                      Distribution::constant(1.0)));
        EXPECT_EQ(sim.connection_stats().synapses, 0u); // not built yet
        sim.build();
        const auto s = sim.connection_stats();
        EXPECT_EQ(s.synapses, 10000u);
        EXPECT_EQ(s.bytes, 101 * 8 + 10000 * 4 + 8 + 2u);
        EXPECT_GT(s.bytes_per_synapse(), 4.0);
        EXPECT_LT(s.bytes_per_synapse(), 4.2);
    }
    {
        Simulation sim(config());
        const auto a = sim.add_population(lif_population("a", 100));
        sim.add_projection(projection(a, a, all_to_all(), Distribution::normal(0.1, 0.01),
                                      Distribution::uniform(1.0, 2.0)));
        sim.build();
        const auto s = sim.connection_stats();
        EXPECT_EQ(s.synapses, 10000u);
        EXPECT_EQ(s.bytes, 101 * 8 + 10000 * (4 + 4 + 2u));
        EXPECT_GT(s.bytes_per_synapse(), 10.0);
        EXPECT_LT(s.bytes_per_synapse(), 10.2);
    }
}

TEST(Simulation, ProgressIsReportedUpToTheEnd) {
    Simulation sim(config(0.1));
    sim.add_population(lif_population("a", 10));
    std::vector<std::pair<double, double>> calls;
    sim.run(100.0, [&](double t, double end) { calls.emplace_back(t, end); });
    ASSERT_GE(calls.size(), 50u);
    ASSERT_LE(calls.size(), 200u);
    for (size_t j = 1; j < calls.size(); ++j)
        EXPECT_GT(calls[j].first, calls[j - 1].first);
    EXPECT_DOUBLE_EQ(calls.back().first, 100.0);
    EXPECT_DOUBLE_EQ(calls.back().second, 100.0);
    calls.clear();
    sim.run(10.0, [&](double t, double end) { calls.emplace_back(t, end); });
    EXPECT_DOUBLE_EQ(calls.back().first, 110.0);
    EXPECT_DOUBLE_EQ(calls.back().second, 110.0);
    EXPECT_EQ(sim.steps_done(), 1100u);
}

TEST(Simulation, EmptyPopulationsAreFine) {
    Simulation sim(config());
    const auto a = sim.add_population(lif_population("a", 0));
    const auto b = sim.add_population(lif_population("b", 10));
    sim.add_projection(
        projection(a, b, all_to_all(), Distribution::constant(1), Distribution::constant(1)));
    sim.add_projection(projection(b, a, fixed_probability(0.5), Distribution::constant(1),
                                  Distribution::constant(1)));
    sim.add_poisson({a, 1000.0, 1.0, 0});
    sim.record_spikes(a);
    EXPECT_NO_THROW(sim.run(10.0));
    EXPECT_EQ(sim.connection_stats().synapses, 0u);
    EXPECT_EQ(sim.spike_count(a), 0u);
}

TEST(Simulation, BadSpecificationsAreRefused) {
    EXPECT_THROW(Simulation{config(0.0)}, Error);
    EXPECT_THROW(Simulation{config(-0.1)}, Error);

    Simulation sim(config());
    const auto a = sim.add_population(lif_population("a", 10));
    const auto b = sim.add_population(lif_population("b", 20));
    const auto w = Distribution::constant(1), d = Distribution::constant(1);
    EXPECT_THROW(sim.add_projection(projection(a, 7, all_to_all(), w, d)), Error);
    EXPECT_THROW(sim.add_projection(projection(7, a, all_to_all(), w, d)), Error);
    EXPECT_THROW(sim.add_projection(projection(a, b, all_to_all(), w, d, 1)), Error);
    EXPECT_THROW(sim.add_projection(projection(a, b, fixed_probability(-0.5), w, d)), Error);
    EXPECT_THROW(
        sim.add_projection(projection(a, b, all_to_all(), Distribution::uniform(2.0, 1.0), d)),
        Error);
    EXPECT_THROW(
        sim.add_projection(projection(a, b, all_to_all(), w, Distribution::normal(1.0, -1.0))),
        Error);
    EXPECT_THROW(sim.add_poisson({a, -1.0, 1.0, 0}), Error);
    EXPECT_THROW(sim.add_poisson({a, 10.0, 1.0, 3}), Error);
    EXPECT_THROW(sim.add_poisson({9, 10.0, 1.0, 0}), Error);
    EXPECT_THROW(sim.add_dc({a, 1, 1.0}), Error);
    EXPECT_THROW(sim.set_initial_state(a, 1, Distribution::constant(0)), Error);
    EXPECT_THROW(sim.record_spikes(5), Error);
    EXPECT_THROW(sim.state(a, 4), Error);
    EXPECT_THROW(sim.run(-1.0), Error);

    // Size-dependent connector checks happen when synapses are made.
    sim.add_projection(projection(a, b, one_to_one(), w, d));
    EXPECT_THROW(sim.build(), Error);
}

TEST(Simulation, FixedIndegreeTooLargeIsRefusedAtBuild) {
    Simulation sim(config());
    const auto a = sim.add_population(lif_population("a", 10));
    Connector c;
    c.kind = Connector::Kind::FixedIndegree;
    c.indegree = 11;
    c.allow_multapses = false;
    sim.add_projection(projection(a, a, c, Distribution::constant(1), Distribution::constant(1)));
    EXPECT_THROW(sim.build(), Error);
}

TEST(Simulation, MissingKernelIsRefusedAtRun) {
    Simulation sim(config());
    auto spec = lif_population("a", 10);
    spec.update = nullptr;
    sim.add_population(spec);
    EXPECT_NO_THROW(sim.build());
    EXPECT_THROW(sim.run(1.0), Error);
}

TEST(Simulation, NonFiniteStateStopsTheRunAndNamesTheNeuron) {
    Simulation sim(config());
    const auto a = sim.add_population(lif_population("a", 10));
    sim.build();
    sim.run(0.5);
    sim.state(a, 0)[3] = std::nan("");
    try {
        sim.run(100.0);
        FAIL() << "a NaN state went unnoticed";
    } catch (const NonFiniteState& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("'V' of neuron 3 of population 'a' is nan"), std::string::npos)
            << message;
        EXPECT_EQ(e.population, a);
        EXPECT_EQ(e.state_index, 0u);
        EXPECT_EQ(e.neuron, 3u);
        EXPECT_DOUBLE_EQ(e.from_ms, 0.5);
        EXPECT_LE(e.to_ms, 0.5 + 1.6 + 1e-9);
    }
    // The run stops within one check interval rather than running on to the end.
    EXPECT_LE(sim.steps_done(), 5u + 16u);
}

TEST(Simulation, ANetworkTooLargeForMemoryIsRefusedBeforeAllocating) {
    Simulation sim(config());
    const auto a = sim.add_population(lif_population("a", 2'000'000));
    // 4e12 synapses: terabytes, more than any test machine has.
    sim.add_projection(
        projection(a, a, Connector{}, Distribution::constant(1), Distribution::constant(1)));
    try {
        sim.build();
        FAIL() << "built 4e12 synapses";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("about 4e+12 synapses"), std::string::npos) << message;
        EXPECT_NE(message.find("GiB are available"), std::string::npos) << message;
    }
}

TEST(Simulation, NothingCanBeAddedAfterBuild) {
    Simulation sim(config());
    const auto a = sim.add_population(lif_population("a", 10));
    sim.build();
    EXPECT_THROW(sim.add_population(lif_population("b", 1)), Error);
    EXPECT_THROW(sim.add_projection(projection(a, a, all_to_all(), Distribution::constant(1),
                                               Distribution::constant(1))),
                 Error);
    EXPECT_THROW(sim.add_poisson({a, 1.0, 1.0, 0}), Error);
    EXPECT_THROW(sim.add_dc({a, 0, 1.0}), Error);
    EXPECT_NO_THROW(sim.record_spikes(a));
}

TEST(Simulation, PopulationAccessors) {
    Simulation sim(config(0.25));
    const auto a = sim.add_population(lif_population("a", 4));
    EXPECT_EQ(sim.population_count(), 1u);
    EXPECT_EQ(sim.population_spec(a).name, "a");
    EXPECT_EQ(sim.population_spec(a).size, 4u);
    EXPECT_EQ(sim.dt_ms(), 0.25);
    EXPECT_EQ(sim.state(a, 0).size(), 4u);
    sim.state(a, 0)[2] = 5.0; // written before the run: the kernel sees it
    sim.record_spikes(a);
    sim.run(0.25);
    EXPECT_EQ(sim.recorded_spikes(a).node_ids, std::vector<uint64_t>{2});
    EXPECT_THROW(sim.population_spec(1), Error);
}
