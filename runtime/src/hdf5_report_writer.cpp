#include "hdf5_report_writer.h"

#include "hdf5_support.h"

#include <fmt/format.h>
#include <numeric>
#include <string_view>

namespace nncrt {

namespace {

class ReportWriter {
public:
    explicit ReportWriter(const std::string& path) : path_(path) {}

    [[noreturn]] void fail(std::string_view what) const {
        const int saved_errno = errno;
        throw Error(fmt::format("cannot write a state report to HDF5 file '{}': {}: {}", path_,
                                what, hdf5_reason(saved_errno)));
    }

    void check(herr_t status, std::string_view what) const {
        if (status < 0) fail(what);
    }

    void string_attribute(hid_t object, const char* name, const std::string& value) const {
        Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
        if (!type.ok()) fail("cannot create string type");
        check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot create string type");
        check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot create string type");
        Handle space(H5Screate(H5S_SCALAR), H5Sclose);
        if (!space.ok()) fail("cannot create dataspace");
        Handle attr(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose);
        if (!attr.ok()) fail(fmt::format("cannot create attribute '{}'", name));
        const char* text = value.c_str();
        check(H5Awrite(attr.get(), type.get(), &text),
              fmt::format("cannot write attribute '{}'", name));
    }

    void uint8_attribute(hid_t object, const char* name, uint8_t value) const {
        Handle space(H5Screate(H5S_SCALAR), H5Sclose);
        if (!space.ok()) fail("cannot create dataspace");
        Handle attr(H5Acreate2(object, name, H5T_STD_U8LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose);
        if (!attr.ok()) fail(fmt::format("cannot create attribute '{}'", name));
        check(H5Awrite(attr.get(), H5T_NATIVE_UINT8, &value),
              fmt::format("cannot write attribute '{}'", name));
    }

    /// A dataset of rank 1 or 2; returns it open for attributes.
    Handle dataset(hid_t group, const char* name, hid_t file_type, hid_t memory_type,
                   const void* data, std::initializer_list<hsize_t> shape) const {
        Handle space(H5Screate_simple(int(shape.size()), shape.begin(), nullptr), H5Sclose);
        if (!space.ok()) fail("cannot create dataspace");
        Handle ds(
            H5Dcreate2(group, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
        if (!ds.ok()) fail(fmt::format("cannot create dataset '{}'", name));
        const hsize_t n = std::accumulate(shape.begin(), shape.end(), hsize_t(1),
                                          [](hsize_t a, hsize_t b) { return a * b; });
        if (n > 0)
            check(H5Dwrite(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                  fmt::format("cannot write dataset '{}'", name));
        return ds;
    }

    Handle group(hid_t parent, const std::string& name) const {
        Handle g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        if (!g.ok()) fail(fmt::format("cannot create group '{}'", name));
        return g;
    }

    void population(hid_t report, const ReportPopulationView& view, double dt_ms) const {
        const StateRecord& r = *view.record;
        const uint64_t n = r.count;
        const uint64_t samples = r.sample_count();
        std::vector<uint64_t> node_ids(n), index_pointers(n + 1);
        std::iota(node_ids.begin(), node_ids.end(), r.first);
        std::iota(index_pointers.begin(), index_pointers.end(), uint64_t(0));
        const std::vector<uint32_t> element_ids(n, 0);
        // With no sample yet, the report starts where the first sample would have been.
        const double step = double(r.interval_steps) * dt_ms;
        const double start = samples ? r.start_ms : step;
        const double time[3] = {start, start + double(samples) * step, step};

        Handle pop = group(report, view.name);
        Handle data = dataset(pop.get(), "data", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, r.values.data(),
                              {hsize_t(samples), hsize_t(n)});
        string_attribute(data.get(), "units", view.units);
        Handle mapping = group(pop.get(), "mapping");
        Handle ids = dataset(mapping.get(), "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                             node_ids.data(), {hsize_t(n)});
        // libsonata reads `sorted` (uint8) and skips sorting the ids itself; ours increase.
        uint8_attribute(ids.get(), "sorted", 1);
        dataset(mapping.get(), "index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                index_pointers.data(), {hsize_t(n + 1)});
        dataset(mapping.get(), "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, element_ids.data(),
                {hsize_t(n)});
        Handle times = dataset(mapping.get(), "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, time, {3});
        string_attribute(times.get(), "units", "ms");
    }

    void write(std::span<const ReportPopulationView> pops, double dt_ms) const {
        check_group_names(pops, path_, "a state report");
        SilenceHdf5Errors silence;
        errno = 0;
        Handle file(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
        if (!file.ok()) fail("cannot create file");
        {
            Handle report = group(file.get(), "report");
            for (const auto& pop : pops)
                population(report.get(), pop, dt_ms);
        }
        if (!file.close()) fail("cannot close file");
    }

private:
    const std::string& path_;
};

} // namespace

void write_sonata_report(const std::string& path, std::span<const ReportPopulationView> pops,
                         double dt_ms) {
    ReportWriter(path).write(pops, dt_ms);
}

} // namespace nncrt
