#include "hdf5_spike_writer.h"

#include "hdf5_support.h"

#include <fmt/format.h>
#include <hdf5.h>

namespace nncrt {

namespace {

class Writer : public Hdf5FileWriter {
public:
    explicit Writer(const std::string& path) : Hdf5FileWriter(path, "spikes") {}

    /// SONATA's `sorting` attribute: an enumeration over uint8 (none = 0, by_id = 1,
    /// by_time = 2), the type libsonata reads it as.
    void sorting_attribute(hid_t object, uint8_t value) const {
        Handle type(H5Tenum_create(H5T_STD_U8LE), H5Tclose);
        if (!type.ok()) fail("cannot create the sorting enumeration");
        const char* names[] = {"none", "by_id", "by_time"};
        for (uint8_t v = 0; v < 3; ++v)
            check(H5Tenum_insert(type.get(), names[v], &v),
                  "cannot create the sorting enumeration");
        scalar_attribute(object, "sorting", type.get(), type.get(), &value);
    }

    void population(hid_t spikes_group, const SpikePopulationView& pop) const {
        Handle pop_group = group(spikes_group, pop.name);
        sorting_attribute(pop_group.get(), 2); // by_time: spikes are recorded as they happen

        static const SpikeRecord no_spikes;
        const SpikeRecord& s = pop.spikes ? *pop.spikes : no_spikes;
        if (s.times_ms.size() != s.node_ids.size())
            throw Error(fmt::format("spike record of population '{}' has {} times but {} ids",
                                    pop.name, s.times_ms.size(), s.node_ids.size()));
        Handle times = dataset(pop_group.get(), "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                               s.times_ms.data(), {hsize_t(s.times_ms.size())});
        string_attribute(times.get(), "units", "ms");
        dataset(pop_group.get(), "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, s.node_ids.data(),
                {hsize_t(s.node_ids.size())});
    }

    void write(std::span<const SpikePopulationView> pops) const {
        check_group_names(pops, path(), what());
        write_file([&](hid_t file) {
            Handle spikes = group(file, "spikes");
            for (const auto& pop : pops)
                population(spikes.get(), pop);
        });
    }
};

} // namespace

void write_sonata_spikes(const std::string& path, std::span<const SpikePopulationView> pops) {
    Writer(path).write(pops);
}

} // namespace nncrt
