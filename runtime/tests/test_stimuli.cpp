// The generators beyond constant Poisson and DC, each against its definition: spike times
// (NEST spike_generator), step currents (step_current_generator), Poisson trains with a rate
// table (inhomogeneous_poisson_generator) and Gaussian noise currents (noise_generator).
#include "kernels.h"
#include "nncrt/simulation.h"
#include "stimulus_schedules.h"

#include <cmath>
#include <gtest/gtest.h>
#include <numeric>

using nncrt::Error;
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

/// state[0] = this step's input[0]; state[1] += input[0]; state[2] += input[0]^2.
void input_copy_kernel(const nncrt_kernel_args* a) {
    for (uint64_t i = 0; i < a->n; ++i) {
        const double x = a->input[0][i];
        a->state[0][i] = x;
        a->state[1][i] += x;
        a->state[2][i] += x * x;
    }
    *a->n_spiked = 0;
}

nncrt::PopulationSpec input_copy_population(uint64_t n) {
    nncrt::PopulationSpec spec;
    spec.name = "p";
    spec.size = n;
    spec.state_names = {"now", "sum", "sum_of_squares"};
    spec.input_names = {"I"};
    spec.update = input_copy_kernel;
    return spec;
}

double total(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

} // namespace

TEST(SpikeTimes, EachSpikeArrivesInTheStepEndingAtItsTimeRoundedToTheGrid) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(receptor_log_population("p", 3));
    // 0.3 ms ends step 2; 0.5 ms twice is two spikes in step 4; 0.94 ms rounds to 0.9 ms
    // (step 8); 1.06 ms rounds to 1.1 ms (step 10).
    sim.add_spike_times({p, {0.3, 0.5, 0.5, 0.94, 1.06}, 2.5, 0});
    receptor_log().clear();
    sim.run(1.5);
    ASSERT_EQ(receptor_log().size(), 15u);
    for (uint64_t k = 0; k < 15; ++k) {
        const double want = k == 2 || k == 8 || k == 10 ? 2.5 : k == 4 ? 5.0 : 0.0;
        for (uint64_t i = 0; i < 3; ++i)
            EXPECT_EQ(receptor_log()[k][i], want) << "step " << k << " neuron " << i;
    }
}

TEST(SpikeTimes, SpikesAreDeliveredAcrossSeveralRuns) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(arrival_population("p", 2));
    sim.add_spike_times({p, {0.5, 2.0, 50.0}, 1.0, 0});
    sim.run(1.0);
    EXPECT_EQ(sim.state(p, 3)[0], 1.0);
    sim.run(1.0);
    EXPECT_EQ(sim.state(p, 3)[1], 2.0); // the spike at 2.0 ms is read in the run's last step
    sim.run(10.0);
    EXPECT_EQ(sim.state(p, 3)[0], 2.0); // 50 ms is beyond these runs
}

TEST(SpikeTimes, BadTimesAreRefusedWithTheTime) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(arrival_population("p", 2));
    const auto message = [&](std::vector<double> times) {
        try {
            sim.add_spike_times({p, std::move(times), 1.0, 0});
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(message({2.0, 1.0}),
              "spike times into 'p': spike times must be in order, but 1 ms follows 2 ms");
    EXPECT_EQ(message({0.04}), "spike times into 'p': spike time 0.04 ms is before the end of "
                               "the first step (dt = 0.1 ms)");
    EXPECT_EQ(message({-1.0}), "spike times into 'p': spike time -1 ms is before the end of the "
                               "first step (dt = 0.1 ms)");
    EXPECT_EQ(message({NAN}), "spike times into 'p': spike time nan ms is not a finite number");
    EXPECT_THROW(sim.add_spike_times({p, {1.0}, 1.0, 1}), Error); // no receptor 1
    EXPECT_EQ(message({}), "accepted");
}

TEST(StepCurrent, EachAmplitudeHoldsUntilTheNextTimeWithinStartAndStop) {
    Simulation sim(config(0.1));
    nncrt::PopulationSpec spec;
    spec.name = "p";
    spec.size = 3;
    spec.input_names = {"I0", "I1"};
    spec.update = input_log_kernel;
    const auto p = sim.add_population(spec);
    sim.add_step_current({p, 0, {0.2, 0.5, 0.8}, {1.0, -2.0, 4.0}, 0.0, 1.0});
    // On from 0.3 ms: the first amplitude only for steps 3 and 4; the last one for ever.
    sim.add_step_current({p, 1, {0.2, 0.5, 0.8}, {1.0, -2.0, 4.0}, 0.3, 1e300});
    sim.add_dc({p, 1, 10.0, 0.0, 1e300}); // adds to the step current
    input_log().clear();
    sim.run(1.2);
    const std::vector<double> in0 = {0, 0, 1, 1, 1, -2, -2, -2, 4, 4, 0, 0};
    const std::vector<double> in1 = {10, 10, 10, 11, 11, 8, 8, 8, 14, 14, 14, 14};
    ASSERT_EQ(input_log().size(), 12u);
    for (size_t k = 0; k < 12; ++k)
        EXPECT_EQ(input_log()[k], (std::vector<double>{in0[k], in1[k]})) << "step " << k;
}

TEST(StepCurrent, BadTablesAreRefused) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(input_copy_population(2));
    EXPECT_THROW(sim.add_step_current({p, 0, {1.0, 2.0}, {1.0}}), Error);
    EXPECT_THROW(sim.add_step_current({p, 0, {2.0, 1.0}, {1.0, 2.0}}), Error);
    EXPECT_THROW(sim.add_step_current({p, 0, {1.0, 1.0}, {1.0, 2.0}}), Error);
    EXPECT_THROW(sim.add_step_current({p, 0, {-1.0}, {1.0}}), Error);
    EXPECT_THROW(sim.add_step_current({p, 0, {1.0}, {INFINITY}}), Error);
    EXPECT_THROW(sim.add_step_current({p, 1, {1.0}, {1.0}}), Error); // no input 1
    EXPECT_THROW(sim.add_step_current({p, 0, {1.0}, {1.0}, 5.0, 4.0}), Error);
}

TEST(StepSchedule, WindowsThatRoundToNoStepAreLeftOut) {
    // 0.52 and 0.54 ms both round to step 5: the amplitude between them is never on.
    const auto w = nncrt::piecewise_windows({0.2, 0.52, 0.54}, {1.0, 2.0, 3.0}, 0.0, 1.0, 0.1, "t");
    ASSERT_EQ(w.size(), 2u);
    EXPECT_EQ(w[0].first, 2u);
    EXPECT_EQ(w[0].last, 5u);
    EXPECT_EQ(w[0].value, 1.0);
    EXPECT_EQ(w[1].first, 5u);
    EXPECT_EQ(w[1].last, 10u);
    EXPECT_EQ(w[1].value, 3.0);
}

TEST(InhomogeneousPoisson, CountsPerWindowMatchTheRateTable) {
    // 2000 Hz for 50 ms, nothing for 50 ms, 500 Hz from 100 ms on: the expected count per
    // neuron is 100, 0 and 25; over n neurons the total of a window is Poisson with mean n
    // times that, so 5 standard deviations (sqrt of the mean) bound a correct count.
    const uint64_t n = 1000;
    Simulation sim(config(0.1, 7));
    const auto p = sim.add_population(arrival_population("p", n));
    sim.add_inhomogeneous_poisson({p, {0.0, 50.0, 100.0}, {2000.0, 0.0, 500.0}, 1.0, 0});
    double before = 0.0;
    for (double expected : {100.0, 0.0, 25.0}) {
        sim.run(50.0);
        const double count = total(sim.state(p, 3)) - before;
        before += count;
        const double mean = expected * double(n);
        EXPECT_NEAR(count, mean, 5.0 * std::sqrt(mean)) << "window of " << expected;
    }
}

TEST(InhomogeneousPoisson, StartAndStopBoundTheTrainAndDrawsAreKeyedBySeed) {
    // 10 kHz (one spike per step on average) from 0, but only while 20 < t <= 30 ms.
    const auto run = [](uint64_t seed) {
        Simulation sim(config(0.1, seed));
        const auto p = sim.add_population(arrival_population("p", 200));
        sim.add_inhomogeneous_poisson({p, {0.0}, {10000.0}, 1.0, 0, 20.0, 30.0});
        std::vector<double> totals;
        for (double until : {20.0, 10.0, 10.0}) {
            sim.run(until);
            totals.push_back(total(sim.state(p, 3)));
        }
        totals.push_back(total(sim.state(p, 4))); // steps with input, over all neurons
        return std::make_pair(totals, sim.state(p, 3));
    };
    const auto [totals, per_neuron] = run(3);
    EXPECT_EQ(totals[0], 0.0) << "nothing before the start";
    EXPECT_NEAR(totals[1], 200.0 * 100.0, 5.0 * std::sqrt(200.0 * 100.0));
    EXPECT_EQ(totals[2], totals[1]) << "nothing after the stop";
    EXPECT_LE(totals[3], 200.0 * 100.0) << "only the 100 steps up to 30 ms draw";
    EXPECT_EQ(run(3), run(3));
    EXPECT_NE(run(3).second, run(4).second);
}

TEST(InhomogeneousPoisson, NegativeRatesAndBadTablesAreRefused) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(arrival_population("p", 2));
    EXPECT_THROW(sim.add_inhomogeneous_poisson({p, {0.0, 1.0}, {5.0, -1.0}, 1.0, 0}), Error);
    EXPECT_THROW(sim.add_inhomogeneous_poisson({p, {1.0, 0.0}, {5.0, 1.0}, 1.0, 0}), Error);
    EXPECT_THROW(sim.add_inhomogeneous_poisson({p, {0.0}, {5.0}, 1.0, 2}), Error);
}

TEST(NoiseCurrent, ValuesAreHeldForAnIntervalThenRedrawn) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(input_copy_population(4));
    // A new value every 0.3 ms (3 steps) from 0.2 ms to 1.4 ms.
    sim.add_noise_current({p, 0, 5.0, 2.0, 0.3, 0.2, 1.4});
    std::vector<std::vector<double>> seen;
    for (int k = 0; k < 16; ++k) {
        sim.run(0.1);
        seen.push_back(sim.state(p, 0));
    }
    for (int k : {0, 1, 14, 15})
        EXPECT_EQ(seen[size_t(k)], std::vector<double>(4, 0.0)) << "step " << k;
    for (int k = 2; k < 14; ++k) {
        const bool new_interval = (k - 2) % 3 == 0;
        for (size_t i = 0; i < 4; ++i) {
            if (new_interval)
                EXPECT_NE(seen[size_t(k)][i], seen[size_t(k - 1)][i]) << k;
            else
                EXPECT_EQ(seen[size_t(k)][i], seen[size_t(k - 1)][i]) << k;
        }
        EXPECT_NE(seen[size_t(k)][0], seen[size_t(k)][1]) << "neurons draw independently";
    }
}

TEST(NoiseCurrent, MeanVarianceAndIndependenceMatchTheDefinition) {
    // Each neuron sees one value per 1 ms interval: over n neurons and m intervals the sample
    // mean has standard error std / sqrt(n m) and the sample variance var * sqrt(2 / (n m));
    // the correlation of one interval's values with the next has standard error 1 / sqrt(n).
    const uint64_t n = 20000, m = 10;
    const double mean = 30.0, sd = 7.0;
    Simulation sim(config(0.1, 11));
    const auto p = sim.add_population(input_copy_population(n));
    sim.add_noise_current({p, 0, mean, sd, 1.0, 0.0, 1e300});
    sim.run(0.1);
    const std::vector<double> first = sim.state(p, 0);
    sim.run(1.0);
    const std::vector<double> second = sim.state(p, 0);
    sim.run(double(m) - 1.1);
    // Every interval is 10 steps; state 1 and 2 hold sums over all steps.
    const double samples = double(n * m);
    const double sample_mean = total(sim.state(p, 1)) / 10.0 / samples;
    const double sample_var = total(sim.state(p, 2)) / 10.0 / samples - sample_mean * sample_mean;
    EXPECT_NEAR(sample_mean, mean, 5.0 * sd / std::sqrt(samples));
    EXPECT_NEAR(sample_var, sd * sd, 5.0 * sd * sd * std::sqrt(2.0 / samples));
    double cov = 0.0;
    for (uint64_t i = 0; i < n; ++i)
        cov += (first[i] - mean) * (second[i] - mean);
    EXPECT_NEAR(cov / double(n) / (sd * sd), 0.0, 5.0 / std::sqrt(double(n)));
}

TEST(NoiseCurrent, AnIntervalThatIsNotAWholeNumberOfStepsIsRefused) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(input_copy_population(2));
    EXPECT_THROW(sim.add_noise_current({p, 0, 0.0, 1.0, 0.25}), Error);
    EXPECT_THROW(sim.add_noise_current({p, 0, 0.0, 1.0, 0.0}), Error);
    EXPECT_THROW(sim.add_noise_current({p, 0, 0.0, -1.0, 0.1}), Error);
    EXPECT_NO_THROW(sim.add_noise_current({p, 0, 0.0, 1.0, 0.3}));
}

TEST(GeneratorRanges, SpikeTimesReachOnlyTheNeuronsOfTheirRange) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(receptor_log_population("p", 6));
    sim.add_spike_times({p, {0.3}, 2.5, 0, {1, 2}});
    sim.add_spike_times({p, {0.3}, 1.0, 0, {2, 4}});
    receptor_log().clear();
    sim.run(0.5);
    ASSERT_EQ(receptor_log().size(), 5u);
    EXPECT_EQ(receptor_log()[2], (std::vector<double>{0, 2.5, 3.5, 1, 1, 1}));
    EXPECT_EQ(receptor_log()[3], std::vector<double>(6, 0.0));
}

TEST(GeneratorRanges, RateTablesDrawOnlyForTheirRangeKeyedByTheNeuronInItsPopulation) {
    // One spike per step on average for 10 ms: the neurons outside the range get none, and
    // the neurons inside get what they get from the same source over the whole population.
    const auto counts = [](nncrt::NeuronRange range) {
        Simulation sim(config(0.1, 5));
        const auto p = sim.add_population(arrival_population("p", 8));
        sim.add_inhomogeneous_poisson({p, {0.0}, {10000.0}, 1.0, 0, 0.0, 1e300, range});
        sim.run(10.0);
        return sim.state(p, 3);
    };
    const auto part = counts({3, 4});
    const auto whole = counts({});
    for (uint64_t i = 0; i < 8; ++i) {
        if (i >= 3 && i < 7) {
            EXPECT_GT(part[i], 50.0) << i;
            EXPECT_EQ(part[i], whole[i]) << i;
        } else {
            EXPECT_EQ(part[i], 0.0) << i;
        }
    }
}

TEST(GeneratorRanges, CurrentsAddOnlyToTheNeuronsOfTheirRange) {
    Simulation sim(config(0.1, 9));
    const auto p = sim.add_population(input_copy_population(6));
    sim.add_step_current({p, 0, {0.0, 0.2}, {4.0, -1.0}, 0.0, 1e300, {0, 3}});
    sim.add_dc({p, 0, 10.0, 0.0, 1e300, {2, 2}});
    sim.add_noise_current({p, 0, 100.0, 1.0, 0.1, 0.0, 1e300, {4, 2}});
    sim.run(0.1);
    auto now = sim.state(p, 0);
    EXPECT_EQ((std::vector<double>(now.begin(), now.begin() + 4)),
              (std::vector<double>{4, 4, 14, 10}));
    EXPECT_NEAR(now[4], 100.0, 10.0);
    EXPECT_NEAR(now[5], 100.0, 10.0);
    EXPECT_NE(now[4], now[5]);
    sim.run(0.2);
    now = sim.state(p, 0);
    EXPECT_EQ((std::vector<double>(now.begin(), now.begin() + 4)),
              (std::vector<double>{-1, -1, 9, 10}));
    EXPECT_NEAR(now[4], 100.0, 10.0);

    // The noise of a range is the whole population's noise at those neurons.
    Simulation whole(config(0.1, 9));
    const auto q = whole.add_population(input_copy_population(6));
    whole.add_noise_current({q, 0, 100.0, 1.0, 0.1, 0.0, 1e300});
    whole.run(0.3);
    EXPECT_EQ(whole.state(q, 0)[4], now[4]);
    EXPECT_EQ(whole.state(q, 0)[5], now[5]);
}

TEST(GeneratorRanges, ARangeOutsideThePopulationIsRefused) {
    Simulation sim(config(0.1));
    const auto p = sim.add_population(arrival_population("p", 4));
    const auto c = sim.add_population(input_copy_population(4));
    EXPECT_THROW(sim.add_spike_times({p, {1.0}, 1.0, 0, {2, 3}}), Error);
    EXPECT_THROW(sim.add_inhomogeneous_poisson({p, {0.0}, {5.0}, 1.0, 0, 0.0, 1e300, {5, 1}}),
                 Error);
    EXPECT_THROW(sim.add_step_current({c, 0, {0.0}, {1.0}, 0.0, 1e300, {0, 5}}), Error);
    EXPECT_THROW(sim.add_noise_current({c, 0, 0.0, 1.0, 0.1, 0.0, 1e300, {4, 1}}), Error);
    EXPECT_NO_THROW(sim.add_noise_current({c, 0, 0.0, 1.0, 0.1, 0.0, 1e300, {1, 3}}));
}
