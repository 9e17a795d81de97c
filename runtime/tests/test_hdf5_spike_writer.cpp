#include "hdf5_spike_writer.h"
#include "kernels.h"
#include "nncrt/simulation.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <string>
#include <vector>

using nncrt::Error;
using nncrt::SpikeRecord;

namespace {

std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "nncrt_test_" + name + ".h5";
}

/// Reads a file back with the HDF5 C API, failing the test on any error.
class Reader {
public:
    explicit Reader(const std::string& path)
        : file_(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {
        EXPECT_GE(file_, 0) << path;
    }
    ~Reader() {
        if (file_ >= 0) H5Fclose(file_);
    }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    bool exists(const std::string& object) const {
        return H5Lexists(file_, object.c_str(), H5P_DEFAULT) > 0;
    }

    /// Dataset values and whether its stored type equals `expected_type`.
    template <class T>
    std::vector<T> read(const std::string& name, hid_t expected_type, hid_t memory_type) const {
        const hid_t ds = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
        EXPECT_GE(ds, 0) << name;
        if (ds < 0) return {};
        const hid_t type = H5Dget_type(ds);
        EXPECT_GT(H5Tequal(type, expected_type), 0) << name << ": stored type";
        H5Tclose(type);
        const hid_t space = H5Dget_space(ds);
        EXPECT_EQ(H5Sget_simple_extent_ndims(space), 1) << name;
        hsize_t dims[1] = {0};
        H5Sget_simple_extent_dims(space, dims, nullptr);
        H5Sclose(space);
        std::vector<T> values(dims[0]);
        if (!values.empty()) {
            EXPECT_GE(H5Dread(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
        }
        H5Dclose(ds);
        return values;
    }

    /// The name of the value of an enumerated attribute.
    std::string enum_attribute(const std::string& object, const std::string& name) const {
        const hid_t attr =
            H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        EXPECT_GE(attr, 0) << object << " @" << name;
        if (attr < 0) return {};
        const hid_t type = H5Aget_type(attr);
        EXPECT_EQ(H5Tget_class(type), H5T_ENUM);
        const hid_t base = H5Tget_super(type);
        EXPECT_TRUE(H5Tequal(base, H5T_STD_U8LE) > 0) << "SONATA's enumerations are over uint8";
        uint8_t value = 255;
        EXPECT_GE(H5Aread(attr, type, &value), 0);
        char text[32] = {};
        EXPECT_GE(H5Tenum_nameof(type, &value, text, sizeof text), 0);
        H5Tclose(base);
        H5Tclose(type);
        H5Aclose(attr);
        return text;
    }

    std::string string_attribute(const std::string& object, const std::string& name) const {
        const hid_t attr =
            H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        EXPECT_GE(attr, 0) << object << " @" << name;
        if (attr < 0) return {};
        const hid_t type = H5Aget_type(attr);
        EXPECT_EQ(H5Tget_class(type), H5T_STRING);
        std::string value;
        if (H5Tis_variable_str(type) > 0) {
            char* s = nullptr;
            const hid_t mem = H5Tcopy(H5T_C_S1);
            H5Tset_size(mem, H5T_VARIABLE);
            H5Tset_cset(mem, H5Tget_cset(type));
            EXPECT_GE(H5Aread(attr, mem, &s), 0);
            value = s ? s : "";
            H5free_memory(s);
            H5Tclose(mem);
        } else {
            std::vector<char> buf(H5Tget_size(type) + 1, '\0');
            EXPECT_GE(H5Aread(attr, type, buf.data()), 0);
            value = buf.data();
        }
        H5Tclose(type);
        H5Aclose(attr);
        return value;
    }

private:
    hid_t file_;
};

} // namespace

TEST(Hdf5SpikeWriter, WritesSonataLayout) {
    SpikeRecord a;
    a.times_ms = {0.5, 0.5, 1.25, 3.0};
    a.node_ids = {1, 4, 0, 4};
    const SpikeRecord empty;
    const std::string path = temp_path("layout");
    const std::vector<nncrt::SpikePopulationView> pops = {{"exc", &a}, {"inh", &empty}};
    nncrt::write_sonata_spikes(path, pops);

    Reader r(path);
    EXPECT_EQ(r.read<double>("/spikes/exc/timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE),
              a.times_ms);
    EXPECT_EQ(r.read<uint64_t>("/spikes/exc/node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64),
              a.node_ids);
    EXPECT_EQ(r.string_attribute("/spikes/exc/timestamps", "units"), "ms");
    EXPECT_EQ(r.enum_attribute("/spikes/exc", "sorting"), "by_time");
    // An empty population has zero-length datasets of the same types.
    EXPECT_TRUE(r.exists("/spikes/inh/timestamps"));
    EXPECT_TRUE(r.exists("/spikes/inh/node_ids"));
    EXPECT_TRUE(
        r.read<double>("/spikes/inh/timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE).empty());
    EXPECT_TRUE(r.read<uint64_t>("/spikes/inh/node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64).empty());
    EXPECT_EQ(r.enum_attribute("/spikes/inh", "sorting"), "by_time");
    std::remove(path.c_str());
}

TEST(Hdf5SpikeWriter, SimulationWritesItsRecordedPopulations) {
    nncrt::SimulationConfig config;
    config.dt_ms = 0.1;
    nncrt::Simulation sim(config);
    const auto p = sim.add_population(nncrt_test::lif_population("driven", 3));
    const auto q = sim.add_population(nncrt_test::lif_population("silent", 5));
    const auto z = sim.add_population(nncrt_test::lif_population("none", 0));
    sim.add_population(nncrt_test::lif_population("unrecorded", 2));
    sim.add_dc({p, 0, 0.3});
    sim.record_spikes(p);
    sim.record_spikes(q);
    sim.record_spikes(z);
    sim.run(1.0);
    const std::string path = temp_path("simulation");
    sim.write_spikes_hdf5(path);

    Reader r(path);
    const auto& s = sim.recorded_spikes(p);
    ASSERT_EQ(s.times_ms.size(), 6u);
    EXPECT_EQ(r.read<double>("/spikes/driven/timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE),
              s.times_ms);
    EXPECT_EQ(r.read<uint64_t>("/spikes/driven/node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64),
              s.node_ids);
    EXPECT_TRUE(
        r.read<double>("/spikes/silent/timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE).empty());
    EXPECT_TRUE(
        r.read<uint64_t>("/spikes/none/node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64).empty());
    EXPECT_FALSE(r.exists("/spikes/unrecorded"));
    std::remove(path.c_str());
}

TEST(Hdf5SpikeWriter, OverwritesAnExistingFile) {
    SpikeRecord a;
    a.times_ms = {1.0};
    a.node_ids = {7};
    const std::string path = temp_path("overwrite");
    const std::vector<nncrt::SpikePopulationView> first = {{"old", &a}};
    const std::vector<nncrt::SpikePopulationView> second = {{"new", &a}};
    nncrt::write_sonata_spikes(path, first);
    nncrt::write_sonata_spikes(path, second);
    Reader r(path);
    EXPECT_FALSE(r.exists("/spikes/old"));
    EXPECT_TRUE(r.exists("/spikes/new"));
    std::remove(path.c_str());
}

TEST(Hdf5SpikeWriter, UnwritablePathThrowsQuietlyWithThePath) {
    const std::string path = "/nonexistent-directory-of-nncrt/spikes.h5";
    const SpikeRecord a;
    const std::vector<nncrt::SpikePopulationView> pops = {{"p", &a}};
    ::testing::internal::CaptureStderr();
    std::string message;
    try {
        nncrt::write_sonata_spikes(path, pops);
    } catch (const Error& e) {
        message = e.what();
    }
    const std::string printed = ::testing::internal::GetCapturedStderr();
    ASSERT_FALSE(message.empty()) << "no nncrt::Error";
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
    EXPECT_EQ(printed, "") << "HDF5 printed its error stack";

    // HDF5's own error printing is restored afterwards.
    H5E_auto2_t func = nullptr;
    void* data = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &func, &data);
    EXPECT_NE(func, nullptr);
}

TEST(Hdf5SpikeWriter, SimulationReportsUnwritablePath) {
    nncrt::SimulationConfig config;
    nncrt::Simulation sim(config);
    sim.record_spikes(sim.add_population(nncrt_test::lif_population("p", 1)));
    sim.run(1.0);
    EXPECT_THROW(sim.write_spikes_hdf5("/nonexistent-directory-of-nncrt/x.h5"), Error);
}

TEST(Hdf5SpikeWriter, RefusesNamesThatAreNotGroupNames) {
    const SpikeRecord a;
    const std::string path = temp_path("names");
    for (const char* name : {"", "a/b", ".", ".."}) {
        const std::vector<nncrt::SpikePopulationView> pops = {{name, &a}};
        EXPECT_THROW(nncrt::write_sonata_spikes(path, pops), Error) << name;
    }
    const std::vector<nncrt::SpikePopulationView> twice = {{"p", &a}, {"p", &a}};
    EXPECT_THROW(nncrt::write_sonata_spikes(path, twice), Error);
    std::remove(path.c_str());
}
