// `nnc run` as a user runs it: the summary it prints, the HDF5 file it writes
// (SONATA spike layout, read back with the HDF5 library and with h5dump), and
// reproducibility: the same seed gives the same spikes, another seed others.
#include "command_runner.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using nnc::test::run_command;
using nnc::test::run_nnc;
using nnc::test::scratch_dir;

template <class T>
std::vector<T> read_dataset(hid_t file, const std::string& path, hid_t mem_type) {
    hid_t ds = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
    if (ds < 0) return {};
    hid_t space = H5Dget_space(ds);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    std::vector<T> values(size_t(std::max<hssize_t>(n, 0)));
    if (n > 0) H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Sclose(space);
    H5Dclose(ds);
    return values;
}

std::string string_attribute(hid_t file, const std::string& object, const std::string& name) {
    if (H5Aexists_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return {};
    hid_t attr = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    hid_t type = H5Aget_type(attr);
    std::string value;
    if (H5Tis_variable_str(type) > 0) {
        char* s = nullptr;
        hid_t mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5Tget_cset(type));
        H5Aread(attr, mem, &s);
        if (s) value = s;
        H5free_memory(s);
        H5Tclose(mem);
    } else {
        value.resize(H5Tget_size(type));
        H5Aread(attr, type, value.data());
        value.erase(std::find(value.begin(), value.end(), '\0'), value.end());
    }
    H5Tclose(type);
    H5Aclose(attr);
    return value;
}

struct Spikes {
    std::vector<double> times;
    std::vector<uint64_t> ids;
};

Spikes read_spikes(const std::string& path, const std::string& population) {
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT_GE(f, 0) << path;
    Spikes s;
    if (f < 0) return s;
    s.times = read_dataset<double>(f, "/spikes/" + population + "/timestamps", H5T_NATIVE_DOUBLE);
    s.ids = read_dataset<uint64_t>(f, "/spikes/" + population + "/node_ids", H5T_NATIVE_UINT64);
    H5Fclose(f);
    return s;
}

/// Self-consistent stationary rate (Hz) of Brunel (2000) model A, eqs. 4-5 and 21:
/// 1/nu = t_ref + tau sqrt(pi) * integral over ((V_r-mu)/sigma, (theta-mu)/sigma) of
/// exp(u^2)(1 + erf u), with mu and sigma set by external plus recurrent input.
double brunel_mean_field_rate(int C_E, double g, double eta) {
    const double J = 0.1, tau = 0.020, theta = 20.0, V_r = 10.0, t_ref = 0.002, gamma = 0.25;
    const double nu_ext = eta * theta / (J * C_E * tau);
    auto integrand = [](double u) {
        // exp(u^2) erfc(-u) decays like 1/(|u| sqrt(pi)) for large negative u.
        return u < -20.0 ? 1.0 / (-u * std::sqrt(M_PI)) : std::exp(u * u) * std::erfc(-u);
    };
    double nu = 10.0;
    for (int iteration = 0; iteration < 400; ++iteration) {
        double mu = C_E * J * tau * (nu_ext + nu * (1.0 - g * gamma));
        double sigma = std::sqrt(J * J * C_E * tau * (nu_ext + nu * (1.0 + g * g * gamma)));
        double a = (V_r - mu) / sigma, b = (theta - mu) / sigma;
        const int n = 4000; // trapezoidal rule; the integrand is smooth
        double h = (b - a) / n, sum = 0.5 * (integrand(a) + integrand(b));
        for (int i = 1; i < n; ++i)
            sum += integrand(a + i * h);
        double predicted = 1.0 / (t_ref + tau * std::sqrt(M_PI) * sum * h);
        nu = 0.8 * nu + 0.2 * predicted; // damped: the plain iteration oscillates
    }
    return nu;
}

TEST(RunOutput, BrunelMeanFieldRateOfTheFullSizeNetworkIsFiftySixHz) {
    // Guards the theory code against an independent evaluation (Python, adaptive grid).
    EXPECT_NEAR(brunel_mean_field_rate(1000, 6.0, 4.0), 55.8, 0.1);
    EXPECT_NEAR(brunel_mean_field_rate(100, 6.0, 4.0), 164.1, 0.1);
}

TEST(RunOutput, BrunelWritesSonataSpikesAndPrintsRates) {
    auto dir = scratch_dir("brunel");
    auto out = dir + "/out.h5";
    auto r = run_nnc("run examples/brunel2000.nml -D scale=0.1 --duration 300 -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* text :
         {"population", "rate (Hz)", "synapses", "bytes per synapse", "E ", "I ", "simulate"})
        EXPECT_NE(r.out.find(text), std::string::npos) << "'" << text << "' missing in\n" << r.out;

    hid_t f = H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    EXPECT_EQ(string_attribute(f, "/spikes/E/timestamps", "units"), "ms");
    H5Fclose(f);

    for (auto [pop, size] : {std::pair{"E", 1000u}, std::pair{"I", 250u}}) {
        auto s = read_spikes(out, pop);
        ASSERT_EQ(s.times.size(), s.ids.size());
        ASSERT_GT(s.times.size(), 0u) << pop;
        EXPECT_TRUE(std::is_sorted(s.times.begin(), s.times.end()));
        EXPECT_GT(s.times.front(), 0.0);
        EXPECT_LE(s.times.back(), 300.0);
        EXPECT_LT(*std::max_element(s.ids.begin(), s.ids.end()), size);
        double rate = double(s.times.size()) / (size * 0.3);
        // Model A's E and I neurons are identical, so both follow the stationary rate of
        // Brunel's (2000) mean-field theory; the diffusion approximation is good to a few
        // per cent at C_E = 100 (164.1 Hz predicted here).
        EXPECT_NEAR(rate, brunel_mean_field_rate(100, 6.0, 4.0), 0.05 * 164.1) << pop;
    }
}

TEST(RunOutput, H5dumpShowsTheSonataLayout) {
    auto dir = scratch_dir("h5dump");
    auto out = dir + "/out.h5";
    ASSERT_EQ(
        run_nnc("run -q examples/brunel2000.nml -D scale=0.05 --duration 50 -o " + out).exit_code,
        0);
    auto dump = run_command("h5dump -H " + out);
    ASSERT_EQ(dump.exit_code, 0) << dump.err;
    const std::string& text = dump.out;
    for (const char* s :
         {"GROUP \"spikes\"", "GROUP \"E\"", "GROUP \"I\"", "DATASET \"timestamps\"",
          "DATASET \"node_ids\"", "H5T_IEEE_F64LE", "H5T_STD_U64LE"})
        EXPECT_NE(text.find(s), std::string::npos) << "'" << s << "' missing in\n" << text;
}

TEST(RunOutput, SameSeedSameSpikesOtherSeedOtherSpikes) {
    auto dir = scratch_dir("seeds");
    const std::string model = "tests/end_to_end/models/two_populations_small.nml";
    ASSERT_EQ(run_nnc("run -q " + model + " -o " + dir + "/a.h5").exit_code, 0);
    ASSERT_EQ(run_nnc("run -q " + model + " -o " + dir + "/b.h5").exit_code, 0);
    ASSERT_EQ(run_nnc("run -q " + model + " --seed 8 -o " + dir + "/c.h5").exit_code, 0);
    for (const char* pop : {"E", "I"}) {
        auto a = read_spikes(dir + "/a.h5", pop);
        auto b = read_spikes(dir + "/b.h5", pop);
        auto c = read_spikes(dir + "/c.h5", pop);
        ASSERT_GT(a.times.size(), 10u) << pop;
        EXPECT_EQ(a.times, b.times) << pop;
        EXPECT_EQ(a.ids, b.ids) << pop;
        EXPECT_TRUE(a.times != c.times || a.ids != c.ids) << pop;
    }
}

TEST(RunOutput, UnwritableOutputIsRefusedBeforeTheRun) {
    // Ten minutes of model time would take a while: the path must be refused before.
    auto r = run_nnc("run examples/brunel2000.nml -D scale=0.02 --duration '600 s' -o "
                     "/nonexistent-dir/out.h5");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("cannot write the output file '/nonexistent-dir/out.h5': the directory "
                         "'/nonexistent-dir' does not exist"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "") << "nothing was simulated";
    auto dir = scratch_dir("output-is-dir");
    auto d = run_nnc("run -q examples/brunel2000.nml -D scale=0.02 --duration 10 -o " + dir);
    EXPECT_EQ(d.exit_code, 3);
    EXPECT_NE(d.err.find("it is a directory"), std::string::npos) << d.err;
}

TEST(RunOutput, CommandLineMistakesExitTwoWithAMessage) {
    auto unknown = run_nnc("frob examples/brunel2000.nml");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown command 'frob'"), std::string::npos) << unknown.err;
    auto seed = run_nnc("run examples/brunel2000.nml --seed -1");
    EXPECT_EQ(seed.exit_code, 2);
    EXPECT_NE(seed.err.find("a seed is a whole number >= 0, not '-1'"), std::string::npos)
        << seed.err;
    EXPECT_EQ(run_nnc("run").exit_code, 2);
}

TEST(RunOutput, VersionAndHelp) {
    auto v = run_nnc("--version");
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out.rfind("nnc ", 0), 0u) << v.out;
    for (const char* cmd : {"--help", "run --help", "check --help", "dump-ir --help"}) {
        auto h = run_nnc(cmd);
        EXPECT_EQ(h.exit_code, 0) << cmd;
        EXPECT_NE(h.out.find("Usage"), std::string::npos) << cmd << "\n" << h.out;
    }
    EXPECT_EQ(run_nnc("frobnicate").exit_code, 2);
    EXPECT_EQ(run_nnc("run").exit_code, 2);
}

TEST(RunOutput, H5pyReadsTheSpikeFileAsSonata) {
    // Debian's python3-h5py lives with /usr/bin/python3, which a python3 earlier on PATH
    // (pyenv, a virtualenv) may hide.
    std::string python;
    for (const char* candidate : {"python3", "/usr/bin/python3"})
        if (python.empty() &&
            std::system((std::string(candidate) + " -c 'import h5py' >/dev/null 2>&1").c_str()) ==
                0)
            python = candidate;
    if (python.empty())
        GTEST_SKIP() << "python3-h5py is not installed (scripts/install-deps installs it)";
    auto dir = scratch_dir("h5py");
    auto out = dir + "/out.h5";
    ASSERT_EQ(
        run_nnc("run -q tests/end_to_end/models/two_populations_small.nml -o " + out).exit_code, 0);
    // What a user's analysis script does: the populations, their sorting (an enumeration
    // in SONATA), time units, and matching lengths.
    const std::string script = R"(
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    for name in sorted(f["spikes"]):
        g = f["spikes"][name]
        sorting = h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype)
        by_value = {v: k for k, v in sorting.items()}
        units = g["timestamps"].attrs["units"]
        units = units.decode() if isinstance(units, bytes) else units
        assert len(g["timestamps"]) == len(g["node_ids"])
        print(name, by_value[int(g.attrs["sorting"])], units, len(g["timestamps"]))
)";
    const std::string script_path = dir + "/read.py";
    std::ofstream(script_path) << script;
    auto read = run_command(python + " " + script_path + " " + out);
    EXPECT_EQ(read.exit_code, 0) << read.err;
    const auto e = read_spikes(out, "E");
    const auto i = read_spikes(out, "I");
    EXPECT_EQ(read.out,
              fmt::format("E by_time ms {}\nI by_time ms {}\n", e.times.size(), i.times.size()));
}

TEST(RunOutput, DumpIrShowsTheSolverAndTheKernel) {
    auto r = run_nnc("dump-ir examples/brunel2000.nml -D scale=0.02");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("exact propagator"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("nnc_update_E_0"), std::string::npos) << r.out;
    auto passes = run_nnc("dump-ir --print-passes");
    EXPECT_EQ(passes.exit_code, 0);
    EXPECT_NE(passes.out.find("constant-folding"), std::string::npos);
    EXPECT_EQ(run_nnc("dump-ir examples/brunel2000.nml --after=nonsense").exit_code, 2);
}

TEST(RunOutput, DumpIrListsTheElaboratedNetworkInCanonicalUnits) {
    auto r = run_nnc("dump-ir tests/end_to_end/models/two_populations_small.nml");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* line :
         {"    C_m = 250 pF\n", "    V_m(0) = uniform(-70 mV, -55 mV)\n",
          "  project E -> E: fixed_indegree(20, autapses = false, multapses = true), weight 60 pA, "
          "delay 1.5 ms, receptor exc\n",
          "  project E -> I: fixed_probability(0.1, autapses = true), weight 0.5 mV, delay "
          "normal(2 ms, 0.5 ms), receptor exc\n",
          "  stimulate E with poisson(6000 Hz) weight 40 pA receptor exc\n",
          "  stimulate I with dc(400 pA, 20 ms to 150 ms) into I_stim\n"})
        EXPECT_NE(r.out.find(line), std::string::npos) << "'" << line << "' missing in\n" << r.out;
}

TEST(RunOutput, RunawayStateStopsWithALocatedErrorAndKeepsTheSpikesSoFar) {
    auto dir = scratch_dir("runaway");
    auto out = dir + "/out.h5";
    auto r = run_nnc("run tests/end_to_end/models/runaway_state.nml -o " + out);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    // x' = x^2 / c from x0 = 0.01 mV diverges at t = c / x0 = 100 ms.
    EXPECT_NE(r.err.find("runaway_state.nml:9:17: error: the simulation stopped at t = 100"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("state variable 'x' of neuron 0 of population 'blowup' is inf"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("in population 'blowup'"), std::string::npos) << r.err;
    auto s = read_spikes(out, "steady");
    ASSERT_GT(s.times.size(), 10u);
    EXPECT_LT(s.times.back(), 101.0);
}

TEST(RunOutput, DurationTakesATimeWithUnitOrBareMilliseconds) {
    const std::string model = "tests/end_to_end/models/two_populations_small.nml";
    auto seconds = run_nnc("run " + model + " --duration '0.05 s'");
    EXPECT_EQ(seconds.exit_code, 0) << seconds.err;
    EXPECT_NE(seconds.out.find("50 ms of model time"), std::string::npos) << seconds.out;
    auto bare = run_nnc("run " + model + " --duration 20");
    EXPECT_EQ(bare.exit_code, 0) << bare.err;
    EXPECT_NE(bare.out.find("20 ms of model time"), std::string::npos) << bare.out;
    auto voltage = run_nnc("run " + model + " --duration '5 mV'");
    EXPECT_EQ(voltage.exit_code, 1);
    EXPECT_NE(voltage.err.find("--duration:1:1: error: dimension mismatch: the duration is ms "
                               "(time), but this value is mV (voltage)"),
              std::string::npos)
        << voltage.err;
}

} // namespace
