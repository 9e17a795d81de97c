// examples/every_feature.nml, the network that uses every connector, distribution, stimulus,
// recorder and synapse model of the language, run as a user runs it: `nnc run -o out.h5`
// and `-o out.csv`. Every population fires, and each recorder leaves what it promises in its
// file: the spikes of every population, the sampled state variables of a slice and of whole
// populations, and the plastic synapses with their distance-dependent delays.
#include "command_runner.h"
#include "hdf5_reading.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using nnc::test::read_dataset;
using nnc::test::units_of;

using nnc::test::run_nnc;
using nnc::test::scratch_dir;

const std::string example = "examples/every_feature.nml";

// The populations of the example and their sizes.
const std::map<std::string, uint64_t> population_sizes = {
    {"E", 200}, {"I", 50}, {"L4", 30}, {"L23", 30}, {"D", 40}, {"H", 20}, {"A", 20}};

// The spike counts of the summary table of `nnc run`, by population.
std::map<std::string, uint64_t> summary_spike_counts(const std::string& out) {
    std::map<std::string, uint64_t> counts;
    const std::regex row(R"(^  (\w+) +([0-9,]+) +([0-9,]+) +[0-9.]+$)");
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (!std::regex_match(line, m, row)) continue;
        std::string spikes = m[3];
        spikes.erase(std::remove(spikes.begin(), spikes.end(), ','), spikes.end());
        counts[m[1]] = std::stoull(spikes);
    }
    return counts;
}

std::vector<std::string> lines_of(const std::string& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

class EveryFeature : public ::testing::Test {
protected:
    // One run shared by the tests that read its files: the example takes about a second.
    static void SetUpTestSuite() {
        dir_ = scratch_dir("every_feature");
        run_ = run_nnc("run " + example + " -o " + dir_ + "/out.h5");
    }
    static std::string dir_;
    static nnc::test::CommandResult run_;
};
std::string EveryFeature::dir_;
nnc::test::CommandResult EveryFeature::run_;

TEST_F(EveryFeature, RunsAndEveryPopulationFires) {
    ASSERT_EQ(run_.exit_code, 0) << run_.err;
    const auto counts = summary_spike_counts(run_.out);
    ASSERT_EQ(counts.size(), population_sizes.size()) << run_.out;
    for (const auto& [name, size] : population_sizes) {
        ASSERT_TRUE(counts.count(name)) << name << "\n" << run_.out;
        // At least one spike per neuron in 200 ms, and none faster than 500 Hz: every part of
        // the network is driven, none runs away.
        EXPECT_GE(counts.at(name), size) << name << "\n" << run_.out;
        EXPECT_LT(counts.at(name), size * 100) << name << "\n" << run_.out;
    }
    for (const char* file : {"out.h5", "out.V_m.h5", "out.w.h5", "out.U_m.h5", "out.synapses.h5"})
        EXPECT_TRUE(std::filesystem::exists(dir_ + "/" + file)) << file << "\n" << run_.out;
}

// record spikes of all: one group per population, holding exactly the spikes the summary
// counted, each from a neuron of that population within the run.
TEST_F(EveryFeature, SpikesOfAllPopulationsAreWritten) {
    ASSERT_EQ(run_.exit_code, 0) << run_.err;
    const auto counts = summary_spike_counts(run_.out);
    const hid_t f = H5Fopen((dir_ + "/out.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    for (const auto& [name, size] : population_sizes) {
        const auto ids =
            read_dataset<uint64_t>(f, "/spikes/" + name + "/node_ids", H5T_NATIVE_UINT64);
        const auto times =
            read_dataset<double>(f, "/spikes/" + name + "/timestamps", H5T_NATIVE_DOUBLE);
        EXPECT_EQ(ids.size(), counts.at(name)) << name;
        ASSERT_EQ(times.size(), ids.size()) << name;
        EXPECT_LT(*std::max_element(ids.begin(), ids.end()), size) << name;
        EXPECT_GT(times.front(), 0.0) << name;
        EXPECT_LE(times.back(), 200.0 + 1e-9) << name;
        EXPECT_TRUE(std::is_sorted(times.begin(), times.end())) << name;
    }
    H5Fclose(f);
}

// record V_m of E[0:10] every 1 ms, record V_m, w of A every 0.5 ms, record U_m of L23.
TEST_F(EveryFeature, StateReportsHoldTheRecordedSlicesAndVariables) {
    ASSERT_EQ(run_.exit_code, 0) << run_.err;
    const hid_t v = H5Fopen((dir_ + "/out.V_m.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(v, 0);
    std::vector<hsize_t> shape;
    const auto e_v = read_dataset<double>(v, "/report/E/data", H5T_NATIVE_DOUBLE, &shape);
    EXPECT_EQ(shape, (std::vector<hsize_t>{200, 10})) << "200 samples of E[0:10]";
    EXPECT_EQ(read_dataset<uint64_t>(v, "/report/E/mapping/node_ids", H5T_NATIVE_UINT64),
              (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    const auto time = read_dataset<double>(v, "/report/E/mapping/time", H5T_NATIVE_DOUBLE);
    ASSERT_EQ(time.size(), 3u);
    EXPECT_NEAR(time[0], 1.0, 1e-12);
    EXPECT_NEAR(time[2], 1.0, 1e-12);
    EXPECT_EQ(units_of(v, "/report/E/data"), "mV");
    // The membrane stays between the reset (E_L = -70 mV) and the threshold (-55 mV).
    for (const double x : e_v) {
        ASSERT_GE(x, -90.0);
        ASSERT_LE(x, -55.0);
    }
    read_dataset<double>(v, "/report/A/data", H5T_NATIVE_DOUBLE, &shape);
    EXPECT_EQ(shape, (std::vector<hsize_t>{400, 20})) << "400 samples of all of A";
    H5Fclose(v);

    const hid_t w = H5Fopen((dir_ + "/out.w.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(w, 0);
    const auto a_w = read_dataset<double>(w, "/report/A/data", H5T_NATIVE_DOUBLE, &shape);
    EXPECT_EQ(shape, (std::vector<hsize_t>{400, 20}));
    EXPECT_EQ(units_of(w, "/report/A/data"), "pA");
    // The AdEx neurons fire, and each spike raises their adaptation current by b = 80.5 pA
    // above its initial normal(20 pA, 5 pA).
    EXPECT_GT(*std::max_element(a_w.begin(), a_w.end()), 80.0);
    H5Fclose(w);

    const hid_t u = H5Fopen((dir_ + "/out.U_m.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(u, 0);
    read_dataset<double>(u, "/report/L23/data", H5T_NATIVE_DOUBLE, &shape);
    EXPECT_EQ(shape, (std::vector<hsize_t>{2000, 30})) << "every step of L23";
    EXPECT_EQ(units_of(u, "/report/L23/data"), "mV/ms");
    H5Fclose(u);
}

// The plastic projections: E -> E (STDP, distance_probability, delay 0.5 ms + d / 0.5 m/s on
// a periodic grid of 20 x 10 places 50 um apart, so a torus of 1000 um x 500 um) and E -> H
// (Tsodyks-Markram, fixed_total_number(300) without multapses).
TEST_F(EveryFeature, PlasticSynapsesAreWrittenWithTheirDistanceDependentDelays) {
    ASSERT_EQ(run_.exit_code, 0) << run_.err;
    const hid_t f = H5Fopen((dir_ + "/out.synapses.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);

    const auto src = read_dataset<uint64_t>(f, "/edges/E_to_E/source_node_id", H5T_NATIVE_UINT64);
    const auto tgt = read_dataset<uint64_t>(f, "/edges/E_to_E/target_node_id", H5T_NATIVE_UINT64);
    const auto delay = read_dataset<double>(f, "/edges/E_to_E/0/delay", H5T_NATIVE_DOUBLE);
    const auto weight = read_dataset<double>(f, "/edges/E_to_E/0/w", H5T_NATIVE_DOUBLE);
    ASSERT_GT(src.size(), 1000u) << "about 17 synapses per neuron";
    ASSERT_EQ(tgt.size(), src.size());
    ASSERT_EQ(delay.size(), src.size());
    ASSERT_EQ(weight.size(), src.size());
    for (size_t s = 0; s < src.size(); ++s) {
        ASSERT_NE(src[s], tgt[s]) << "autapses = false";
        // Along each axis, the distance to the nearest image on the torus.
        double dx = std::abs(50.0 * (double(src[s] % 20) - double(tgt[s] % 20)));
        double dy = std::abs(50.0 * (double(src[s] / 20) - double(tgt[s] / 20)));
        dx = std::min(dx, 1000.0 - dx);
        dy = std::min(dy, 500.0 - dy);
        const double d_um = std::sqrt(dx * dx + dy * dy);
        const double expected = 0.1 * std::round((0.5 + d_um / 500.0) / 0.1); // whole steps
        ASSERT_NEAR(delay[s], expected, 1e-9) << src[s] << " -> " << tgt[s];
        ASSERT_GE(weight[s], 0.0);
        ASSERT_LE(weight[s], 2 * 87.8 + 1e-9) << "w_max = 2 J";
    }

    const auto h_src = read_dataset<uint64_t>(f, "/edges/E_to_H/source_node_id", H5T_NATIVE_UINT64);
    const auto h_tgt = read_dataset<uint64_t>(f, "/edges/E_to_H/target_node_id", H5T_NATIVE_UINT64);
    const auto h_x = read_dataset<double>(f, "/edges/E_to_H/0/x", H5T_NATIVE_DOUBLE);
    ASSERT_EQ(h_src.size(), 300u);
    ASSERT_EQ(h_tgt.size(), 300u);
    std::set<std::pair<uint64_t, uint64_t>> pairs;
    for (size_t s = 0; s < h_src.size(); ++s) {
        EXPECT_LT(h_src[s], 200u);
        EXPECT_LT(h_tgt[s], 20u);
        pairs.insert({h_src[s], h_tgt[s]});
    }
    EXPECT_EQ(pairs.size(), 300u) << "multapses = false";
    ASSERT_EQ(h_x.size(), 300u);
    for (const double x : h_x) {
        EXPECT_GT(x, 0.0);
        EXPECT_LE(x, 1.0);
    }
    H5Fclose(f);
}

// -o out.csv writes the same recorders as CSV files: the spikes, one file per variable and
// the synapses. The run is the same (same seed), so the spike counts match the summary.
TEST(EveryFeatureCsv, WritesEveryRecorderAsCsv) {
    const auto dir = scratch_dir("every_feature_csv");
    const auto r = run_nnc("run " + example + " -o " + dir + "/out.csv");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto counts = summary_spike_counts(r.out);

    const auto spikes = lines_of(dir + "/out.csv");
    ASSERT_FALSE(spikes.empty());
    EXPECT_EQ(spikes[0], "population,node_id,time_ms");
    std::map<std::string, uint64_t> per_population;
    for (size_t i = 1; i < spikes.size(); ++i)
        ++per_population[spikes[i].substr(0, spikes[i].find(','))];
    EXPECT_EQ(per_population, counts);

    const auto v_m = lines_of(dir + "/out.V_m.csv");
    ASSERT_FALSE(v_m.empty());
    EXPECT_EQ(v_m[0], "time_ms,population,node_id,V_m [mV]");
    EXPECT_EQ(v_m.size(), 1u + 200 * 10 + 400 * 20) << "E[0:10] every 1 ms, A every 0.5 ms";
    const auto w = lines_of(dir + "/out.w.csv");
    ASSERT_FALSE(w.empty());
    EXPECT_EQ(w[0], "time_ms,population,node_id,w [pA]");
    EXPECT_EQ(w.size(), 1u + 400 * 20);
    EXPECT_EQ(lines_of(dir + "/out.U_m.csv").size(), 1u + 2000 * 30);

    const auto synapses = lines_of(dir + "/out.synapses.csv");
    ASSERT_FALSE(synapses.empty());
    EXPECT_EQ(synapses[0], "projection,source_node_id,target_node_id,delay_ms,variable,value,unit");
    size_t depressing = 0;
    for (const auto& line : synapses)
        if (line.rfind("E_to_H,", 0) == 0) ++depressing;
    EXPECT_EQ(depressing, 300u * 5) << "300 synapses, each w, u, x, t_last_event, delivered";
}

} // namespace
