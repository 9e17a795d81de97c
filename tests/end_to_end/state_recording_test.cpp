// `record V_m of N every 0.5 ms` through every stage: the samples in the SONATA report file
// that `nnc run -o out.h5` writes beside the spike file (out.V_m.h5) against the closed-form
// membrane potential, the file's layout, the run summary, and h5py reading it.
#include "command_runner.h"
#include "hdf5_reading.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using nnc::test::read_dataset;
using nnc::test::units_of;

using nnc::test::h5py_python;
using nnc::test::run_command;
using nnc::test::run_nnc;
using nnc::test::scratch_dir;

const std::string model = "tests/end_to_end/models/iaf_psc_exp_record_v_m.nml";

TEST(StateRecording, VmSamplesInTheReportFollowTheClosedForm) {
    const auto dir = scratch_dir("record_v_m");
    const auto out = dir + "/out.h5";
    const auto r = run_nnc("run " + model + " -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("V_m recorded in N (100 samples of 2 neurons every 0.5 ms), written to " +
                         dir + "/out.V_m.h5 (SONATA report)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("I_ex recorded in N (500 samples of 3 neurons every 0.1 ms)"),
              std::string::npos)
        << r.out;

    const hid_t f = H5Fopen((dir + "/out.V_m.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    std::vector<hsize_t> shape;
    const auto v = read_dataset<double>(f, "/report/N/data", H5T_NATIVE_DOUBLE, &shape);
    ASSERT_EQ(shape, (std::vector<hsize_t>{100, 2}));
    EXPECT_EQ(units_of(f, "/report/N/data"), "mV");
    const double E_L = -70, tau_m = 10, C_m = 250, I_e = 376;
    for (size_t s = 0; s < 100; ++s) {
        const double t = 0.5 * double(s + 1); // the end of step 5 (s + 1)
        const double exact = E_L + I_e * tau_m / C_m * (1.0 - std::exp(-t / tau_m));
        ASSERT_NEAR(v[2 * s], exact, 1e-9) << "t = " << t;
        ASSERT_EQ(v[2 * s + 1], v[2 * s]) << "t = " << t;
    }
    EXPECT_EQ(read_dataset<uint64_t>(f, "/report/N/mapping/node_ids", H5T_NATIVE_UINT64),
              (std::vector<uint64_t>{1, 2}));
    EXPECT_EQ(read_dataset<uint64_t>(f, "/report/N/mapping/index_pointers", H5T_NATIVE_UINT64),
              (std::vector<uint64_t>{0, 1, 2}));
    EXPECT_EQ(read_dataset<uint32_t>(f, "/report/N/mapping/element_ids", H5T_NATIVE_UINT32),
              (std::vector<uint32_t>{0, 0}));
    const auto time = read_dataset<double>(f, "/report/N/mapping/time", H5T_NATIVE_DOUBLE);
    ASSERT_EQ(time.size(), 3u);
    EXPECT_NEAR(time[0], 0.5, 1e-12);
    EXPECT_NEAR(time[1], 50.5, 1e-12);
    EXPECT_NEAR(time[2], 0.5, 1e-12);
    EXPECT_EQ(units_of(f, "/report/N/mapping/time"), "ms");
    H5Fclose(f);

    const hid_t g = H5Fopen((dir + "/out.I_ex.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(g, 0);
    EXPECT_EQ(units_of(g, "/report/N/data"), "pA");
    H5Fclose(g);
}

TEST(StateRecording, H5pyReadsTheReportAsSonata) {
    const std::string python = h5py_python();
    if (python.empty())
        GTEST_SKIP() << "python3-h5py is not installed (scripts/install-deps installs it)";
    const auto dir = scratch_dir("record_h5py");
    const auto out = dir + "/out.h5";
    ASSERT_EQ(run_nnc("run -q " + model + " -o " + out).exit_code, 0);
    // What an analysis script does with a SONATA report: times from mapping/time, one column
    // per node, the units.
    const std::string script = R"(
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    g = f["report"]["N"]
    start, stop, step = g["mapping"]["time"][()]
    n = int(round((stop - start) / step))
    data = g["data"]
    assert data.shape == (n, len(g["mapping"]["node_ids"])), data.shape
    assert list(g["mapping"]["index_pointers"]) == list(range(data.shape[1] + 1))
    units = data.attrs["units"]
    units = units.decode() if isinstance(units, bytes) else units
    print(n, list(g["mapping"]["node_ids"]), units, g["mapping"]["time"].attrs["units"])
)";
    const std::string script_path = dir + "/read.py";
    std::ofstream(script_path) << script;
    const auto read = run_command(python + " " + script_path + " " + dir + "/out.V_m.h5");
    EXPECT_EQ(read.exit_code, 0) << read.err;
    EXPECT_EQ(read.out, "100 [1, 2] mV ms\n");
}

TEST(StateRecording, AnUnwritableReportPathIsRefusedBeforeTheRun) {
    const auto dir = scratch_dir("record_unwritable");
    std::filesystem::create_directories(dir + "/out.V_m.h5"); // a directory in the way
    const auto r = run_nnc("run " + model + " -o " + dir + "/out.h5");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(
        r.err.find("cannot write the output file '" + dir + "/out.V_m.h5': it is a directory"),
        std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/out.h5")) << "nothing is run";
}

TEST(StateRecording, AFaultMidRunStillWritesTheSamplesSoFar) {
    const auto dir = scratch_dir("record_fault");
    const auto source = dir + "/runaway.nml";
    {
        std::ifstream in(std::string(NNC_TEST_MODELS) + "/runaway_state.nml");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string marker = "    record spikes of all\n";
        text.replace(text.find(marker), marker.size(),
                     marker + "    record x of blowup every 10 ms\n");
        text.replace(text.find("import \"stdlib"), 14,
                     "import \"" + std::string(NNC_SOURCE_DIR) + "/stdlib");
        std::ofstream(source) << text;
    }
    const auto out = dir + "/out.h5";
    const auto r = run_nnc("run " + source + " -o " + out);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(
        r.err.find("what was recorded until the fault is in " + out + ", " + dir + "/out.x.h5"),
        std::string::npos)
        << r.err;
    const hid_t f = H5Fopen((dir + "/out.x.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    std::vector<hsize_t> shape;
    const auto x = read_dataset<double>(f, "/report/blowup/data", H5T_NATIVE_DOUBLE, &shape);
    // x diverges at 100 ms; the samples at 10, 20, ..., 90 ms are finite (x0 / (1 - t / 100)).
    ASSERT_EQ(shape.size(), 2u);
    EXPECT_GE(shape[0], 9u);
    ASSERT_EQ(shape[1], 2u);
    for (size_t s = 0; s < 9; ++s) {
        const double t = 10.0 * double(s + 1);
        EXPECT_NEAR(x[2 * s], 0.01 / (1.0 - t / 100.0), 1e-3 * 0.01 / (1.0 - t / 100.0)) << t;
    }
    H5Fclose(f);
}

} // namespace
