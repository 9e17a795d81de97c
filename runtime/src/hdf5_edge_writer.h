// Writes synapses as SONATA edge populations, the format of network files that libsonata,
// bmtk and NEURON's CoreNEURON tools read: per projection, /edges/<source>_to_<target>/ holds
// source_node_id and target_node_id (uint64, each with a `node_population` attribute naming
// its population), edge_type_id, edge_group_id and edge_group_index, and the group `0/` the
// per-synapse attributes: `delay` (ms) and one dataset per synapse state variable.
#pragma once

#include "nncrt/simulation.h"

#include <span>
#include <string>
#include <vector>

namespace nncrt {

struct EdgePopulationView {
    std::string source; ///< population names
    std::string target;
    const SynapseTable* synapses = nullptr;
    std::vector<std::string> state_units; ///< one per state variable ("" for none)
};

/// The name of each projection's edge population: <source>_to_<target>, and for a second,
/// third, ... projection between the same populations <source>_to_<target>_2, _3, ...
std::vector<std::string> edge_population_names(std::span<const EdgePopulationView> edges);

/// Creates (or truncates) the file at `path`. Two projections between the same populations
/// get the names <source>_to_<target> and <source>_to_<target>_2, ... Throws Error naming the
/// path and the reason when the file cannot be written.
void write_sonata_edges(const std::string& path, std::span<const EdgePopulationView> edges);

} // namespace nncrt
