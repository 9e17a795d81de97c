#include "hdf5_report_writer.h"

#include "hdf5_support.h"

#include <fmt/format.h>
#include <numeric>
#include <string_view>

namespace nncrt {

namespace {

class ReportWriter : public Hdf5FileWriter {
public:
    explicit ReportWriter(const std::string& path) : Hdf5FileWriter(path, "a state report") {}

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
        const uint8_t sorted = 1;
        scalar_attribute(ids.get(), "sorted", H5T_STD_U8LE, H5T_NATIVE_UINT8, &sorted);
        dataset(mapping.get(), "index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                index_pointers.data(), {hsize_t(n + 1)});
        dataset(mapping.get(), "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, element_ids.data(),
                {hsize_t(n)});
        Handle times = dataset(mapping.get(), "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, time, {3});
        string_attribute(times.get(), "units", "ms");
    }

    void write(std::span<const ReportPopulationView> pops, double dt_ms) const {
        check_group_names(pops, path(), what());
        write_file([&](hid_t file) {
            Handle report = group(file, "report");
            for (const auto& pop : pops)
                population(report.get(), pop, dt_ms);
        });
    }
};

} // namespace

void write_sonata_report(const std::string& path, std::span<const ReportPopulationView> pops,
                         double dt_ms) {
    ReportWriter(path).write(pops, dt_ms);
}

} // namespace nncrt
