// The stimulus generators: spike_times, step_current, poisson with a rate table or a rate of
// `t`, noise_current, and their start and stop; what each turns into and what is refused.
#include "ir/model_printer.h"
#include "sema_test_util.h"

#include <cmath>
#include <numbers>

using namespace nnc;
using nnc::sema_test::contains;
using nnc::sema_test::Sema;

namespace {

const std::vector<std::string> iaf = {"stdlib/neurons/iaf_psc_exp.nml"};

/// A network of 10 iaf_psc_exp neurons P with `body` after it, 100 ms at dt = 0.1 ms.
std::string net(const std::string& body) {
    return "network t {\n    population P = iaf_psc_exp[10]\n" + body +
           "\n    simulate { dt = 0.1 ms; duration = 100 ms }\n}\n";
}

const ir::Stimulus& only_stimulus(const std::optional<ir::Program>& p) {
    EXPECT_TRUE(p && p->network && p->network->stimuli.size() == 1u);
    return p->network->stimuli.at(0);
}

} // namespace

TEST(Stimuli, SpikeTimesWithWeightAndReceptor) {
    Sema s;
    auto p = s.analyse(net("    let T = [10 ms, 12.5 ms]\n"
                           "    stimulate P with spike_times([1 ms, 1 ms, 2.5 ms]) weight 20 pA "
                           "receptor exc\n"
                           "    stimulate P with spike_times(times = T) weight -5 pA receptor inh"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& st = p->network->stimuli;
    ASSERT_EQ(st.size(), 2u);
    EXPECT_EQ(st[0].kind, ir::Stimulus::Kind::SpikeTimes);
    EXPECT_EQ(st[0].times_ms, (std::vector<double>{1, 1, 2.5}));
    EXPECT_DOUBLE_EQ(st[0].weight, 20);
    EXPECT_EQ(st[0].receptor, 0);
    EXPECT_EQ(st[1].times_ms, (std::vector<double>{10, 12.5}));
    EXPECT_DOUBLE_EQ(st[1].weight, -5);
    EXPECT_EQ(st[1].receptor, 1);
}

TEST(StimuliErrors, SpikeTimesOutOfOrderNegativeOrTooEarly) {
    Sema s;
    EXPECT_FALSE(s.analyse(
        net("    stimulate P with spike_times([5 ms, 2 ms]) weight 1 pA receptor exc"), iaf));
    EXPECT_TRUE(contains(s.text(), "test.nml:3:41: error: spike times must be in order, but 2 ms "
                                   "follows 5 ms"));
    EXPECT_TRUE(contains(s.text(), "hint: sort them (a time given twice is two spikes)"));
    Sema s2;
    EXPECT_FALSE(
        s2.analyse(net("    stimulate P with spike_times([-1 ms]) weight 1 pA receptor exc"), iaf));
    EXPECT_TRUE(contains(s2.text(), "3:35: error: a spike time must not be negative, but this "
                                    "one is -1 ms"));
    Sema s3;
    EXPECT_FALSE(s3.analyse(
        net("    stimulate P with spike_times([0.04 ms]) weight 1 pA receptor exc"), iaf));
    EXPECT_TRUE(contains(s3.text(), "error: spike time 0.04 ms is before the end of the first "
                                    "time step (dt = 0.1 ms)"));
    Sema s4;
    EXPECT_FALSE(
        s4.analyse(net("    stimulate P with spike_times([1 mV]) weight 1 pA receptor exc"), iaf));
    EXPECT_TRUE(contains(s4.text(), "dimension mismatch: the spike times must hold ms (time), "
                                    "but element 0 is a number (mV (voltage))"));
    Sema s5;
    EXPECT_FALSE(s5.analyse(net("    stimulate P with spike_times([1 ms]) receptor exc"), iaf));
    EXPECT_TRUE(contains(s5.text(), "error: a spike_times stimulus needs a weight"));
}

TEST(StimuliErrors, SpikeTimesAfterTheEndAreAWarning) {
    Sema s;
    auto p = s.analyse(
        net("    stimulate P with spike_times([50 ms, 150 ms]) weight 1 pA receptor exc"), iaf);
    ASSERT_TRUE(p) << s.text();
    EXPECT_TRUE(contains(s.text(), "3:42: warning: spike time 150 ms is after the end of the "
                                   "simulation (100 ms); the spikes after it are never "
                                   "delivered"));
}

TEST(Stimuli, StepCurrentHoldsEachAmplitude) {
    Sema s;
    auto p = s.analyse(net("    stimulate P with step_current(times = [10 ms, 20 ms], "
                           "amplitudes = [0.1 nA, -50 pA], stop = 80 ms) into I_stim"),
                       iaf);
    const auto& st = only_stimulus(p);
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(st.kind, ir::Stimulus::Kind::StepCurrent);
    EXPECT_EQ(st.times_ms, (std::vector<double>{10, 20}));
    EXPECT_EQ(st.values, (std::vector<double>{100, -50})); // pA
    EXPECT_EQ(st.input, 0);
    EXPECT_DOUBLE_EQ(st.start_ms, 0);
    EXPECT_DOUBLE_EQ(st.stop_ms, 80);
}

TEST(StimuliErrors, StepCurrentTables) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    stimulate P with step_current(times = [10 ms, 20 ms], "
                               "amplitudes = [1 pA])"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "error: `amplitudes` has 1 value but `times` has 2"));
    Sema s2;
    EXPECT_FALSE(s2.analyse(net("    stimulate P with step_current(times = [10 ms, 10 ms], "
                                "amplitudes = [1 pA, 2 pA])"),
                            iaf));
    EXPECT_TRUE(contains(s2.text(), "3:51: error: the times must increase, but 10 ms follows "
                                    "10 ms"));
    Sema s3;
    EXPECT_FALSE(s3.analyse(net("    stimulate P with step_current(times = [10 ms], "
                                "amplitudes = [1 mV])"),
                            iaf));
    EXPECT_TRUE(contains(s3.text(), "the amplitudes of input 'I_stim' must hold pA (current)"));
    Sema s4;
    EXPECT_FALSE(s4.analyse(net("    stimulate P with step_current(times = [10 ms])"), iaf));
    EXPECT_TRUE(contains(s4.text(), "error: `step_current` needs `times` and `amplitudes`"));
}

TEST(Stimuli, PoissonRateTableAndStartStop) {
    Sema s;
    auto p = s.analyse(net("    stimulate P with poisson(times = [0 ms, 50 ms], rates = [10 Hz, "
                           "0.02 kHz]) weight 1 pA receptor exc\n"
                           "    stimulate P with poisson(8 Hz, 20 ms, 30 ms) weight 1 pA "
                           "receptor exc\n"
                           "    stimulate P with poisson(rate = 8 Hz) weight 1 pA receptor exc"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& st = p->network->stimuli;
    ASSERT_EQ(st.size(), 3u);
    EXPECT_EQ(st[0].kind, ir::Stimulus::Kind::PoissonTable);
    EXPECT_EQ(st[0].times_ms, (std::vector<double>{0, 50}));
    EXPECT_EQ(st[0].values, (std::vector<double>{10, 20}));
    // A constant rate within start and stop is a table of one rate.
    EXPECT_EQ(st[1].kind, ir::Stimulus::Kind::PoissonTable);
    EXPECT_EQ(st[1].times_ms, (std::vector<double>{0}));
    EXPECT_EQ(st[1].values, (std::vector<double>{8}));
    EXPECT_DOUBLE_EQ(st[1].start_ms, 20);
    EXPECT_DOUBLE_EQ(st[1].stop_ms, 30);
    // Without them, the constant-rate generator as before.
    EXPECT_EQ(st[2].kind, ir::Stimulus::Kind::Poisson);
    EXPECT_DOUBLE_EQ(st[2].rate_hz, 8);
}

TEST(Stimuli, RateOfTimeIsTabulatedAtTheMiddleOfEveryStep) {
    Sema s;
    auto p = s.analyse(net("    stimulate P with poisson(rate = 10 Hz + 5 Hz * sin(2 * pi * t / "
                           "100 ms), start = 20 ms) weight 1 pA receptor exc"),
                       iaf);
    const auto& st = only_stimulus(p);
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(st.kind, ir::Stimulus::Kind::PoissonTable);
    ASSERT_FALSE(st.times_ms.empty());
    EXPECT_NEAR(st.times_ms[0], 20, 1e-9); // nothing before the start
    // The rate in effect in step k (200 to 999) is the last entry from k dt or earlier.
    size_t entry = 0;
    for (int k = 200; k < 1000; ++k) {
        while (entry + 1 < st.times_ms.size() && st.times_ms[entry + 1] <= k * 0.1 + 1e-9)
            ++entry;
        const double t = (k + 0.5) * 0.1;
        ASSERT_NEAR(st.values[entry], 10 + 5 * std::sin(2 * std::numbers::pi * t / 100), 1e-9)
            << "step " << k;
    }
    EXPECT_EQ(entry, st.times_ms.size() - 1);
}

TEST(Stimuli, RateOfTimeThatIsPiecewiseConstantMergesEqualSteps) {
    Sema s;
    auto p = s.analyse(net("    stimulate P with poisson(rate = 5 Hz * (t >= 30 ms)) weight 1 pA "
                           "receptor exc"),
                       iaf);
    const auto& st = only_stimulus(p);
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(st.values, (std::vector<double>{0, 5}));
    ASSERT_EQ(st.times_ms.size(), 2u);
    EXPECT_NEAR(st.times_ms[1], 30, 1e-9);
}

TEST(StimuliErrors, NegativeRatesNameTheTime) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    stimulate P with poisson(rate = 1 Hz - 2 Hz * (t > 40 ms)) "
                               "weight 1 pA receptor exc"),
                           iaf));
    EXPECT_TRUE(contains(s.text(), "3:37: error: the rate is -1 Hz at t = 40.05 ms; it must be "
                                   "a finite rate, not negative"));
    Sema s2;
    EXPECT_FALSE(s2.analyse(net("    stimulate P with poisson(times = [0 ms, 5 ms], rates = "
                                "[1 Hz, -1 Hz]) weight 1 pA receptor exc"),
                            iaf));
    EXPECT_TRUE(contains(s2.text(), "error: a rate must not be negative, but the rate from 5 ms "
                                    "is -1 Hz"));
    Sema s3;
    EXPECT_FALSE(s3.analyse(net("    stimulate P with poisson(rate = t) weight 1 pA receptor "
                                "exc"),
                            iaf));
    EXPECT_TRUE(contains(s3.text(), "dimension mismatch: a rate is 1/ms (rate), but this value "
                                    "is ms (time)"));
    Sema s4;
    EXPECT_FALSE(s4.analyse(net("    stimulate P with poisson(rate = 1 Hz, times = [0 ms], "
                                "rates = [1 Hz]) weight 1 pA receptor exc"),
                            iaf));
    EXPECT_TRUE(contains(s4.text(), "give either a rate or a table of `times` and `rates`, not "
                                    "both"));
}

TEST(StimuliErrors, ARateOfTimeOverTooManyStepsIsRefused) {
    Sema s;
    EXPECT_FALSE(s.analyse("network t {\n    population P = iaf_psc_exp[10]\n"
                           "    stimulate P with poisson(rate = 1 Hz + 0 Hz * t / ms) weight 1 "
                           "pA receptor exc\n"
                           "    simulate { dt = 0.001 ms; duration = 20000 ms }\n}\n",
                           iaf));
    EXPECT_TRUE(contains(s.text(), "error: a rate that depends on `t` is tabulated once per time "
                                   "step, and this one is on for 20000000 steps; at most "
                                   "10000000 are supported"));
}

TEST(Stimuli, NoiseCurrent) {
    Sema s;
    auto p = s.analyse(net("    stimulate P with noise_current(mean = 0.1 nA, std = 50 pA, dt = "
                           "1 ms, start = 10 ms) into I_stim\n"
                           "    stimulate P with noise_current(std = 5 pA)"),
                       iaf);
    ASSERT_TRUE(p) << s.text();
    const auto& st = p->network->stimuli;
    ASSERT_EQ(st.size(), 2u);
    EXPECT_EQ(st[0].kind, ir::Stimulus::Kind::NoiseCurrent);
    EXPECT_DOUBLE_EQ(st[0].amplitude, 100);
    EXPECT_DOUBLE_EQ(st[0].std_dev, 50);
    EXPECT_DOUBLE_EQ(st[0].interval_ms, 1);
    EXPECT_DOUBLE_EQ(st[0].start_ms, 10);
    EXPECT_DOUBLE_EQ(st[1].amplitude, 0);
    EXPECT_DOUBLE_EQ(st[1].interval_ms, 0.1); // one time step
}

TEST(StimuliErrors, NoiseCurrent) {
    Sema s;
    EXPECT_FALSE(
        s.analyse(net("    stimulate P with noise_current(std = 5 pA, dt = 0.25 ms)"), iaf));
    EXPECT_TRUE(contains(s.text(), "3:53: error: the noise interval 0.25 ms is not a whole number "
                                   "of time steps (dt = 0.1 ms)"));
    Sema s2;
    EXPECT_FALSE(s2.analyse(net("    stimulate P with noise_current(std = -5 pA)"), iaf));
    EXPECT_TRUE(contains(s2.text(), "error: a standard deviation must not be negative"));
    Sema s3;
    EXPECT_FALSE(s3.analyse(net("    stimulate P with noise_current(mean = 5 pA)"), iaf));
    EXPECT_TRUE(contains(s3.text(), "error: `noise_current` needs a standard deviation"));
    Sema s4;
    EXPECT_FALSE(s4.analyse(net("    stimulate P with noise_current(std = 5 pA, stop = 1 ms, "
                                "start = 2 ms)"),
                            iaf));
    EXPECT_TRUE(contains(s4.text(), "error: the stop (1 ms) is before the start (2 ms)"));
}

TEST(StimuliErrors, UnknownGeneratorListsThemAll) {
    Sema s;
    EXPECT_FALSE(s.analyse(net("    stimulate P with spike_time([1 ms]) weight 1 pA"), iaf));
    EXPECT_TRUE(contains(s.text(), "error: unknown generator 'spike_time'"));
    EXPECT_TRUE(contains(s.text(), "did you mean 'spike_times'?"));
}

TEST(Stimuli, PiIsANumberAndANameCanHideIt) {
    Sema s;
    auto p = s.analyse("network t {\n    population A = iaf_psc_exp[round(100 * pi)]\n}\n", iaf);
    ASSERT_TRUE(p) << s.text();
    EXPECT_EQ(p->network->populations.at(0).size, 314u);
    Sema s2;
    p = s2.analyse("network t {\n    let pi = 3\n    population B = iaf_psc_exp[pi]\n}\n", iaf);
    ASSERT_TRUE(p) << s2.text();
    EXPECT_EQ(p->network->populations.at(0).size, 3u);
}

TEST(Stimuli, DumpShowsEveryGeneratorAndShortensLongTables) {
    Sema s;
    auto p = s.analyse(
        net("    stimulate P with poisson(rate = 1 Hz * t / ms) weight 1 pA receptor exc\n"
            "    stimulate P with spike_times([1 ms, 2 ms]) weight 2 pA receptor inh\n"
            "    stimulate P with step_current(times = [5 ms], amplitudes = [0.1 nA])\n"
            "    stimulate P with noise_current(mean = 1 pA, std = 2 pA, dt = 0.5 ms)"),
        iaf);
    ASSERT_TRUE(p) << s.text();
    const std::string text = ir::print_program(*p);
    EXPECT_TRUE(contains(text, "stimulate P with poisson(times = [0 ms, 0.1 ms, 0.2 ms, 0.3 ms, "
                               "0.4 ms, 0.5 ms, ... (993 values), 99.9 ms], rates = [0.05 Hz, "
                               "0.15 Hz, 0.25 Hz, 0.35 Hz, 0.45 Hz, 0.55 Hz, ... (993 values), "
                               "99.95 Hz], 0 ms to 1e+300 ms) weight 1 pA receptor exc"));
    EXPECT_TRUE(contains(text, "stimulate P with spike_times([1 ms, 2 ms]) weight 2 pA receptor "
                               "inh"));
    EXPECT_TRUE(contains(text, "stimulate P with step_current(times = [5 ms], amplitudes = "
                               "[100 pA], 0 ms to 1e+300 ms) into I_stim"));
    EXPECT_TRUE(contains(text, "stimulate P with noise_current(1 pA, std = 2 pA, dt = 0.5 ms, 0 "
                               "ms to 1e+300 ms) into I_stim"));
}
