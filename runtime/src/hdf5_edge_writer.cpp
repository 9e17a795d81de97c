#include "hdf5_edge_writer.h"

#include "hdf5_support.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <map>

namespace nncrt {

namespace {

class Writer : public Hdf5FileWriter {
public:
    explicit Writer(const std::string& path) : Hdf5FileWriter(path, "synapses") {}

    void population(hid_t edges_group, const std::string& name, const EdgePopulationView& e) const {
        const SynapseTable& t = *e.synapses;
        const hsize_t n = t.sources.size();
        if (t.targets.size() != n || t.delays_ms.size() != n ||
            t.states.size() != e.state_units.size())
            throw Error(fmt::format("synapse table of '{}' is inconsistent", name));
        Handle pop = group(edges_group, name);
        Handle src = dataset(pop.get(), "source_node_id", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                             t.sources.data(), {n});
        string_attribute(src.get(), "node_population", e.source);
        Handle tgt = dataset(pop.get(), "target_node_id", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                             t.targets.data(), {n});
        string_attribute(tgt.get(), "node_population", e.target);
        // One edge type and one group holding every edge, in order.
        const std::vector<int64_t> type_ids(n, 0);
        dataset(pop.get(), "edge_type_id", H5T_STD_I64LE, H5T_NATIVE_INT64, type_ids.data(), {n});
        const std::vector<uint32_t> group_ids(n, 0);
        dataset(pop.get(), "edge_group_id", H5T_STD_U32LE, H5T_NATIVE_UINT32, group_ids.data(),
                {n});
        std::vector<uint64_t> group_index(n);
        for (hsize_t i = 0; i < n; ++i)
            group_index[i] = i;
        dataset(pop.get(), "edge_group_index", H5T_STD_U64LE, H5T_NATIVE_UINT64, group_index.data(),
                {n});
        Handle attrs = group(pop.get(), "0");
        Handle delay = dataset(attrs.get(), "delay", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                               t.delays_ms.data(), {n});
        string_attribute(delay.get(), "units", "ms");
        for (size_t j = 0; j < t.states.size(); ++j) {
            if (t.states[j].size() != n)
                throw Error(fmt::format("synapse state '{}' of '{}' has {} values for {} synapses",
                                        t.state_names[j], name, t.states[j].size(), n));
            Handle ds = dataset(attrs.get(), t.state_names[j].c_str(), H5T_IEEE_F64LE,
                                H5T_NATIVE_DOUBLE, t.states[j].data(), {n});
            if (!e.state_units[j].empty()) string_attribute(ds.get(), "units", e.state_units[j]);
        }
    }

    void write(std::span<const EdgePopulationView> edges) const {
        const std::vector<std::string> names = edge_population_names(edges);
        struct Named {
            std::string name;
        };
        std::vector<Named> groups;
        for (const auto& n : names)
            groups.push_back({n});
        check_group_names(groups, path(), what());
        write_file([&](hid_t file) {
            Handle root = group(file, "edges");
            for (size_t i = 0; i < edges.size(); ++i)
                population(root.get(), names[i], edges[i]);
        });
    }
};

} // namespace

std::vector<std::string> edge_population_names(std::span<const EdgePopulationView> edges) {
    std::map<std::string, int> used;
    std::vector<std::string> names;
    for (const auto& e : edges) {
        std::string name = e.source + "_to_" + e.target;
        const int k = ++used[name];
        if (k > 1) name += "_" + std::to_string(k);
        names.push_back(std::move(name));
    }
    return names;
}

void write_sonata_edges(const std::string& path, std::span<const EdgePopulationView> edges) {
    Writer(path).write(edges);
}

} // namespace nncrt
