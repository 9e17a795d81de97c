// State recorders: which steps are sampled, what the samples hold, and the SONATA report
// file they are written to, read back with the HDF5 C API.
#include "hdf5_report_writer.h"
#include "kernels.h"
#include "nncrt/simulation.h"

#include <cmath>
#include <cstdio>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <string>
#include <vector>

using nncrt::Error;
using nncrt::Simulation;

namespace {

/// A dataset's values (converted to double or uint64) with its shape and stored type.
struct Dataset {
    std::vector<hsize_t> shape;
    std::vector<double> values;
    bool type_matches = false;
};

Dataset read(hid_t file, const std::string& name, hid_t stored_type, hid_t memory_type) {
    Dataset d;
    const hid_t ds = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
    EXPECT_GE(ds, 0) << name;
    if (ds < 0) return d;
    const hid_t type = H5Dget_type(ds);
    d.type_matches = H5Tequal(type, stored_type) > 0;
    H5Tclose(type);
    const hid_t space = H5Dget_space(ds);
    d.shape.resize(size_t(H5Sget_simple_extent_ndims(space)));
    H5Sget_simple_extent_dims(space, d.shape.data(), nullptr);
    const auto n = size_t(H5Sget_simple_extent_npoints(space));
    H5Sclose(space);
    // Read in the requested memory type, then widen to double for comparison.
    if (H5Tequal(memory_type, H5T_NATIVE_DOUBLE) > 0) {
        d.values.resize(n);
        if (n) {
            EXPECT_GE(H5Dread(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.values.data()), 0);
        }
    } else {
        std::vector<uint64_t> ints(n);
        if (n) {
            EXPECT_GE(H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ints.data()),
                      0);
        }
        d.values.assign(ints.begin(), ints.end());
    }
    H5Dclose(ds);
    return d;
}

std::string string_attribute(hid_t file, const std::string& object, const char* name) {
    const hid_t attr = H5Aopen_by_name(file, object.c_str(), name, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(attr, 0) << object << " @" << name;
    if (attr < 0) return {};
    const hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5T_CSET_UTF8); // as written; HDF5 does not convert between character sets
    char* s = nullptr;
    EXPECT_GE(H5Aread(attr, mem, &s), 0);
    std::string value = s ? s : "";
    H5free_memory(s);
    H5Tclose(mem);
    H5Aclose(attr);
    return value;
}

} // namespace

// fire_at_kernel's state 0 counts its calls: after step k (from 0) it holds k + 1.
TEST(StateRecording, SamplesAtTheEndOfEveryIntervalthStep) {
    Simulation sim({0.5, 1});
    const auto pop = sim.add_population(nncrt_test::fire_at_population("P", 4));
    const auto every3 = sim.record_state(pop, 0, 1, 2, 3);
    const auto every1 = sim.record_state(pop, 0, 0, 4, 1);
    sim.run(5.0); // 10 steps: samples after steps 3, 6, 9 (counted from 1)
    const auto& r = sim.recorded_state(every3);
    ASSERT_EQ(r.sample_count(), 3u);
    EXPECT_EQ(r.count, 2u);
    EXPECT_DOUBLE_EQ(r.start_ms, 1.5); // the end of the third step
    EXPECT_EQ(r.values, (std::vector<double>{3, 3, 6, 6, 9, 9}));
    EXPECT_EQ(sim.recorded_state(every1).sample_count(), 10u);
    EXPECT_DOUBLE_EQ(sim.recorded_state(every1).start_ms, 0.5);

    // A continued run keeps the spacing: the next sample is after step 12.
    sim.run(1.5);
    ASSERT_EQ(r.sample_count(), 4u);
    EXPECT_EQ(r.values.back(), 12.0);
}

TEST(StateRecording, FollowsTheKernelsValues) {
    // lif_kernel with a constant input: V_k = I (1 - 0.9^k) / 0.1 until it reaches 1.
    Simulation sim({0.1, 1});
    const auto pop = sim.add_population(nncrt_test::lif_population("L", 1));
    sim.add_dc({pop, 0, 0.05, 0.0, 1e300});
    const auto id = sim.record_state(pop, 0, 0, 1, 1);
    sim.run(0.5);
    const auto& r = sim.recorded_state(id);
    ASSERT_EQ(r.sample_count(), 5u);
    for (size_t k = 0; k < 5; ++k)
        EXPECT_NEAR(r.values[k], 0.5 * (1.0 - std::pow(0.9, double(k + 1))), 1e-12) << k;
}

TEST(StateRecording, RejectsBadArguments) {
    Simulation sim({0.1, 1});
    const auto pop = sim.add_population(nncrt_test::fire_at_population("P", 4));
    EXPECT_THROW(sim.record_state(pop, 2, 0, 1, 1), Error); // no such state
    EXPECT_THROW(sim.record_state(pop, 0, 3, 2, 1), Error); // past the last neuron
    EXPECT_THROW(sim.record_state(pop, 0, 0, 0, 1), Error); // no neurons
    EXPECT_THROW(sim.record_state(pop, 0, 0, 1, 0), Error); // no interval
    EXPECT_THROW(sim.record_state(7, 0, 0, 1, 1), Error);   // no such population
    EXPECT_THROW(sim.recorded_state(0), Error);
}

TEST(StateRecording, WritesTheSonataReportLayout) {
    Simulation sim({0.5, 1});
    const auto p = sim.add_population(nncrt_test::fire_at_population("P", 4));
    const auto q = sim.add_population(nncrt_test::fire_at_population("Q", 2));
    const auto rp = sim.record_state(p, 0, 1, 2, 3);
    const auto rq = sim.record_state(q, 0, 0, 2, 20); // no sample in 10 steps
    sim.run(5.0);
    const std::string path = ::testing::TempDir() + "nncrt_test_report.h5";
    sim.write_state_report_hdf5(path, {{rp, "steps"}, {rq, "steps"}});

    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    const auto data = read(f, "/report/P/data", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
    EXPECT_TRUE(data.type_matches);
    EXPECT_EQ(data.shape, (std::vector<hsize_t>{3, 2})); // samples x neurons
    EXPECT_EQ(data.values, (std::vector<double>{3, 3, 6, 6, 9, 9}));
    EXPECT_EQ(string_attribute(f, "/report/P/data", "units"), "steps");
    const auto ids = read(f, "/report/P/mapping/node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64);
    EXPECT_TRUE(ids.type_matches);
    EXPECT_EQ(ids.values, (std::vector<double>{1, 2}));
    {
        uint8_t sorted = 0;
        const hid_t attr =
            H5Aopen_by_name(f, "/report/P/mapping/node_ids", "sorted", H5P_DEFAULT, H5P_DEFAULT);
        ASSERT_GE(attr, 0);
        EXPECT_GE(H5Aread(attr, H5T_NATIVE_UINT8, &sorted), 0);
        H5Aclose(attr);
        EXPECT_EQ(sorted, 1);
    }
    const auto pointers =
        read(f, "/report/P/mapping/index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64);
    EXPECT_TRUE(pointers.type_matches);
    EXPECT_EQ(pointers.values, (std::vector<double>{0, 1, 2}));
    const auto elements =
        read(f, "/report/P/mapping/element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT64);
    EXPECT_TRUE(elements.type_matches);
    EXPECT_EQ(elements.values, (std::vector<double>{0, 0}));
    // [start, stop, step]: three samples from 1.5 ms, 1.5 ms apart, stop one step past.
    const auto time = read(f, "/report/P/mapping/time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
    EXPECT_EQ(time.values, (std::vector<double>{1.5, 6.0, 1.5}));
    EXPECT_EQ(string_attribute(f, "/report/P/mapping/time", "units"), "ms");

    const auto empty = read(f, "/report/Q/data", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
    EXPECT_EQ(empty.shape, (std::vector<hsize_t>{0, 2}));
    const auto empty_time = read(f, "/report/Q/mapping/time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
    EXPECT_EQ(empty_time.values, (std::vector<double>{10.0, 10.0, 10.0}));
    H5Fclose(f);
    std::remove(path.c_str());
}

TEST(StateRecording, UnwritableReportPathNamesTheFile) {
    Simulation sim({0.5, 1});
    const auto p = sim.add_population(nncrt_test::fire_at_population("P", 1));
    const auto r = sim.record_state(p, 0, 0, 1, 1);
    try {
        sim.write_state_report_hdf5("/nonexistent-dir/out.V_m.h5", {{r, "mV"}});
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot write a state report to HDF5 file "
                                             "'/nonexistent-dir/out.V_m.h5'"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(
        sim.write_state_report_hdf5(::testing::TempDir() + "twice.h5", {{r, "mV"}, {r, "mV"}}),
        Error);
}
