// Every bundled example is a valid model (`nnc check` without warnings), and the warm-up of
// `simulate` reaches `nnc run`'s summary: rates over the recorded time only.
#include "command_runner.h"
#include "hdf5_reading.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using nnc::test::run_nnc;

TEST(Examples, EveryExampleChecksCleanly) {
    size_t examples = 0;
    for (const auto& entry : std::filesystem::directory_iterator(NNC_SOURCE_DIR "/examples")) {
        if (entry.path().extension() != ".nml") continue;
        ++examples;
        const auto r = run_nnc("check " + entry.path().string());
        EXPECT_EQ(r.exit_code, 0) << entry.path() << '\n' << r.err;
        EXPECT_EQ(r.err.find("warning"), std::string::npos) << entry.path() << '\n' << r.err;
    }
    EXPECT_GE(examples, 8u);
}

// A regularly firing neuron with a warm-up of 100 ms and 200 ms recorded: the summary gives
// the recorded time and rate, and the spike file holds only spikes after the warm-up.
TEST(Examples, RunLeavesTheWarmUpOutOfSummaryAndFile) {
    const std::string out = nnc::test::scratch_dir("warmup") + "/spikes.h5";
    const auto r = run_nnc("run " NNC_TEST_MODELS "/warmup.nml -o " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("200 ms of model time"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("after a warm-up of 100 ms"), std::string::npos) << r.out;
    const hid_t file = H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    const auto times =
        nnc::test::read_dataset<double>(file, "/spikes/P/timestamps", H5T_NATIVE_DOUBLE);
    H5Fclose(file);
    ASSERT_GT(times.size(), 5u);
    EXPECT_GT(times.front(), 100.0);
    EXPECT_LE(times.back(), 300.0 + 1e-9);
    // The printed spike count is that of the file: the warm-up's spikes are not counted.
    EXPECT_NE(r.out.find(" " + std::to_string(times.size()) + " "), std::string::npos) << r.out;
}

} // namespace
