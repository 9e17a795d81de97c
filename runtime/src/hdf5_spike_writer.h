// Writes recorded spikes as a SONATA spike file, the format other simulators and analysis
// tools read: /spikes/<population>/timestamps (float64, attribute units = "ms") and
// /spikes/<population>/node_ids (uint64), the population group carrying sorting = "by_time".
// Uses HDF5's C API with its error printing silenced; failures become nncrt::Error.
#pragma once

#include "nncrt/simulation.h"

#include <span>
#include <string>

namespace nncrt {

struct SpikePopulationView {
    std::string name;
    const SpikeRecord* spikes = nullptr;
};

/// Creates (or truncates) the file at `path`. A population without spikes gets zero-length
/// datasets. Throws Error naming the path and the reason when the file cannot be written, and
/// when a population name is empty, contains '/', or is used twice.
void write_sonata_spikes(const std::string& path, std::span<const SpikePopulationView> pops);

} // namespace nncrt
