// `nnc run` under `mpirun -np 1, 2 and 3`: the network is spread over the processes, yet
// every file it writes is bit-identical to that of a run on one process (spikes, sampled
// states, plastic synapses; HDF5 and CSV), only process 0 prints, and a fault on any process
// stops all of them with the error a run on one process gives. Skipped where nnc is built
// without MPI.
#include "command_runner.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nnc::test::mpirun;
using nnc::test::run_command;
using nnc::test::run_nnc;
using nnc::test::scratch_dir;

/// Every dataset of an HDF5 file, by path, as the bytes of its values in memory.
std::map<std::string, std::vector<unsigned char>> datasets_of(const std::string& path) {
    std::map<std::string, std::vector<unsigned char>> out;
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    EXPECT_GE(file, 0) << path;
    if (file < 0) return out;
    const auto visit = [](hid_t group, const char* name, const H5O_info_t* info,
                          void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        const hid_t ds = H5Dopen2(group, name, H5P_DEFAULT);
        const hid_t stored = H5Dget_type(ds);
        const hid_t type = H5Tget_native_type(stored, H5T_DIR_ASCEND);
        const hid_t space = H5Dget_space(ds);
        std::vector<unsigned char> bytes(size_t(H5Sget_simple_extent_npoints(space)) *
                                         H5Tget_size(type));
        if (!bytes.empty()) H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
        (*static_cast<std::map<std::string, std::vector<unsigned char>>*>(data))[name] = bytes;
        H5Sclose(space);
        H5Tclose(type);
        H5Tclose(stored);
        H5Dclose(ds);
        return 0;
    };
    H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, visit, &out, H5O_INFO_BASIC);
    H5Fclose(file);
    return out;
}

void expect_same_hdf5(const std::string& serial, const std::string& parallel) {
    const auto expected = datasets_of(serial), got = datasets_of(parallel);
    ASSERT_FALSE(expected.empty()) << serial;
    ASSERT_EQ(expected.size(), got.size()) << parallel;
    for (const auto& [name, bytes] : expected) {
        ASSERT_TRUE(got.count(name)) << name << " is missing from " << parallel;
        EXPECT_TRUE(got.at(name) == bytes) << name << " differs in " << parallel;
    }
}

std::string text_of(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// `nnc run ARGS` on `processes` processes under mpirun.
nnc::test::CommandResult run_nnc_on(int processes, const std::string& args) {
    return run_command(mpirun(processes) + "'" NNC_BINARY "' " + args);
}

class Mpi : public ::testing::Test {
protected:
    void SetUp() override {
        if (!nnc::test::mpi_built())
            GTEST_SKIP() << "nnc is built without MPI (NNC_MPI=OFF, or no libopenmpi-dev): "
                            "nothing to run under mpirun";
    }
};

TEST_F(Mpi, BrunelSpikesAreBitIdenticalOnOneTwoAndThreeProcesses) {
    const std::string dir = scratch_dir("mpi_brunel");
    const std::string run = "run examples/brunel2000.nml -D scale=0.1 --duration 100ms -o ";
    const auto serial = run_nnc(run + dir + "/serial.h5");
    ASSERT_EQ(serial.exit_code, 0) << serial.err;
    for (int n : {1, 2, 3}) {
        const std::string out = dir + "/np" + std::to_string(n) + ".h5";
        const auto r = run_nnc_on(n, run + out);
        ASSERT_EQ(r.exit_code, 0) << n << " processes:\n" << r.err;
        expect_same_hdf5(dir + "/serial.h5", out);
        // One summary, printed by process 0, that names the processes.
        EXPECT_EQ(r.out.find("nnc run "), r.out.rfind("nnc run ")) << r.out;
        if (n > 1) {
            EXPECT_NE(r.out.find(std::to_string(n) + " processes)"), std::string::npos) << r.out;
        }
        // The global figures: the synapses of all processes.
        const auto synapses = [](const std::string& text) {
            return text.substr(text.find("synapses: "),
                               text.find('(', text.find("synapses: ")) - text.find("synapses: "));
        };
        EXPECT_EQ(synapses(r.out), synapses(serial.out)) << r.out;
    }
    std::filesystem::remove_all(dir);
}

TEST_F(Mpi, EveryConnectorStimulusRecorderAndPlasticSynapseGiveTheSameFiles) {
    const std::string dir = scratch_dir("mpi_every_feature");
    const std::string run = "run examples/every_feature.nml --duration 100ms -q -o ";
    const auto serial = run_nnc(run + dir + "/serial.h5");
    ASSERT_EQ(serial.exit_code, 0) << serial.err;
    for (int n : {1, 2, 3}) {
        const std::string out = dir + "/np" + std::to_string(n);
        const auto r = run_nnc_on(n, run + out + ".h5");
        ASSERT_EQ(r.exit_code, 0) << n << " processes:\n" << r.err;
        for (const char* file : {"", ".synapses", ".V_m", ".w", ".U_m"})
            expect_same_hdf5(dir + "/serial" + file + ".h5", out + file + ".h5");
    }
    std::filesystem::remove_all(dir);
}

TEST_F(Mpi, CsvOutputIsTheSameOnThreeProcesses) {
    const std::string dir = scratch_dir("mpi_csv");
    const std::string run = "run examples/every_feature.nml --duration 30ms -q -o ";
    const auto serial = run_nnc(run + dir + "/serial.csv");
    ASSERT_EQ(serial.exit_code, 0) << serial.err;
    const auto r = run_nnc_on(3, run + dir + "/np3.csv");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* file : {"", ".synapses", ".V_m", ".w", ".U_m"}) {
        const std::string expected = text_of(dir + "/serial" + file + ".csv");
        EXPECT_FALSE(expected.empty()) << file;
        EXPECT_TRUE(expected == text_of(dir + "/np3" + file + ".csv")) << file << " differs";
    }
    std::filesystem::remove_all(dir);
}

/// Runs `model` with -o on one process and on 2 and 3: each exits with 3 and prints, once,
/// the first line of the serial run's error, and writes the same files up to the fault.
void expect_serial_fault(const std::string& model, const std::vector<std::string>& files) {
    const std::string dir = scratch_dir("mpi_fault");
    const std::string run = "run tests/end_to_end/models/" + model + " -o ";
    const auto serial = run_nnc(run + dir + "/serial.h5");
    ASSERT_EQ(serial.exit_code, 3) << serial.err;
    const std::string error = serial.err.substr(0, serial.err.find('\n'));
    ASSERT_NE(error.find("error: the simulation stopped at t = 10"), std::string::npos)
        << serial.err;
    for (int n : {2, 3}) {
        const std::string out = dir + "/np" + std::to_string(n);
        const auto r = run_nnc_on(n, run + out + ".h5");
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_NE(r.err.find(error), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find(error), r.err.rfind(error)) << "printed more than once:\n" << r.err;
        for (const auto& file : files)
            expect_same_hdf5(dir + "/serial" + file + ".h5", out + file + ".h5");
    }
    std::filesystem::remove_all(dir);
}

TEST_F(Mpi, AFaultOnAnyProcessStopsAllWithTheSerialErrorPrintedOnce) {
    // Neurons of `blowup` reach infinity at t = 100 ms; on two or three processes they live on
    // different ones. Every process stops; the one error is the one a serial run prints, and
    // the spikes until then are written.
    expect_serial_fault("runaway_state.nml", {""});
}

TEST_F(Mpi, AFaultWithinAnExchangeIntervalStopsAllAtTheSerialStep) {
    // The runaway neuron is on process 1 or 2, and its fault is found in the middle of a
    // spike-exchange interval (1.5 ms): the others, which step to its end, go back to where
    // the fault stopped it, so spikes and samples end where the serial run's do.
    expect_serial_fault("runaway_in_network.nml", {"", ".V_m"});
}

TEST_F(Mpi, AFileThatCannotBeWrittenStopsAllWithOneError) {
    // /dev/full passes the check before the run (it exists and is writable); writing fails.
    const std::string run = "run examples/brunel2000.nml -D scale=0.05 --duration 20ms -q -o ";
    const auto r = run_nnc_on(2, run + "/dev/full");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    const std::string error = "error: cannot write spikes to HDF5 file '/dev/full'";
    EXPECT_NE(r.err.find(error), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(error), r.err.rfind(error)) << "printed more than once:\n" << r.err;
}

} // namespace
