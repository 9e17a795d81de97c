#include "hdf5_spike_writer.h"

#include "hdf5_support.h"

#include <cerrno>
#include <fmt/format.h>
#include <hdf5.h>
#include <string_view>

namespace nncrt {

namespace {

class Writer {
public:
    explicit Writer(const std::string& path) : path_(path) {}

    [[noreturn]] void fail(std::string_view what) const {
        const int saved_errno = errno;
        throw Error(fmt::format("cannot write spikes to HDF5 file '{}': {}: {}", path_, what,
                                hdf5_reason(saved_errno)));
    }

    void check(herr_t status, std::string_view what) const {
        if (status < 0) fail(what);
    }

    void string_attribute(hid_t object, const char* name, const char* value) const {
        Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
        if (!type.ok()) fail("cannot create string type");
        check(H5Tset_size(type.get(), H5T_VARIABLE), "cannot create string type");
        check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot create string type");
        Handle space(H5Screate(H5S_SCALAR), H5Sclose);
        if (!space.ok()) fail("cannot create dataspace");
        Handle attr(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose);
        if (!attr.ok()) fail(fmt::format("cannot create attribute '{}'", name));
        check(H5Awrite(attr.get(), type.get(), &value),
              fmt::format("cannot write attribute '{}'", name));
    }

    /// SONATA's `sorting` attribute: an enumeration over uint8 (none = 0, by_id = 1,
    /// by_time = 2), the type libsonata reads it as.
    void sorting_attribute(hid_t object, uint8_t value) const {
        Handle type(H5Tenum_create(H5T_STD_U8LE), H5Tclose);
        if (!type.ok()) fail("cannot create the sorting enumeration");
        const char* names[] = {"none", "by_id", "by_time"};
        for (uint8_t v = 0; v < 3; ++v)
            check(H5Tenum_insert(type.get(), names[v], &v),
                  "cannot create the sorting enumeration");
        Handle space(H5Screate(H5S_SCALAR), H5Sclose);
        if (!space.ok()) fail("cannot create dataspace");
        Handle attr(
            H5Acreate2(object, "sorting", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Aclose);
        if (!attr.ok()) fail("cannot create attribute 'sorting'");
        check(H5Awrite(attr.get(), type.get(), &value), "cannot write attribute 'sorting'");
    }

    /// A one-dimensional dataset of n elements; returns it open for attributes.
    Handle dataset(hid_t group, const char* name, hid_t file_type, hid_t memory_type,
                   const void* data, uint64_t n) const {
        const hsize_t dims[1] = {hsize_t(n)};
        Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
        if (!space.ok()) fail("cannot create dataspace");
        Handle ds(
            H5Dcreate2(group, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
        if (!ds.ok()) fail(fmt::format("cannot create dataset '{}'", name));
        if (n > 0)
            check(H5Dwrite(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                  fmt::format("cannot write dataset '{}'", name));
        return ds;
    }

    void population(hid_t spikes_group, const SpikePopulationView& pop) const {
        Handle group(
            H5Gcreate2(spikes_group, pop.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Gclose);
        if (!group.ok()) fail(fmt::format("cannot create group /spikes/{}", pop.name));
        sorting_attribute(group.get(), 2); // by_time: spikes are recorded as they happen

        static const SpikeRecord no_spikes;
        const SpikeRecord& s = pop.spikes ? *pop.spikes : no_spikes;
        if (s.times_ms.size() != s.node_ids.size())
            throw Error(fmt::format("spike record of population '{}' has {} times but {} ids",
                                    pop.name, s.times_ms.size(), s.node_ids.size()));
        Handle times = dataset(group.get(), "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                               s.times_ms.data(), s.times_ms.size());
        string_attribute(times.get(), "units", "ms");
        dataset(group.get(), "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, s.node_ids.data(),
                s.node_ids.size());
    }

    void write(std::span<const SpikePopulationView> pops) const {
        check_group_names(pops, path_, "spikes");
        SilenceHdf5Errors silence;
        errno = 0;
        Handle file(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
        if (!file.ok()) fail("cannot create file");
        {
            Handle spikes(H5Gcreate2(file.get(), "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          H5Gclose);
            if (!spikes.ok()) fail("cannot create group /spikes");
            for (const auto& pop : pops)
                population(spikes.get(), pop);
        }
        if (!file.close()) fail("cannot close file");
    }

private:
    const std::string& path_;
};

} // namespace

void write_sonata_spikes(const std::string& path, std::span<const SpikePopulationView> pops) {
    Writer(path).write(pops);
}

} // namespace nncrt
