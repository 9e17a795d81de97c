// Writes what a run recorded as plain CSV, for tools and people that do not read HDF5
// (spreadsheets, R, pandas.read_csv). One header line, comma-separated, numbers as the
// shortest text that reads back to the same double; long ("tidy") format, one value a row:
//   spikes:   population,node_id,time_ms
//   a state:  time_ms,population,node_id,<variable> [<unit>]
//   synapses: projection,source_node_id,target_node_id,delay_ms,variable,value,unit
#pragma once

#include "hdf5_edge_writer.h"
#include "hdf5_report_writer.h"
#include "hdf5_spike_writer.h"

#include <span>
#include <string>

namespace nncrt {

/// Each throws Error naming the path and the reason when the file cannot be written.
void write_spikes_csv(const std::string& path, std::span<const SpikePopulationView> pops);
void write_state_csv(const std::string& path, const std::string& variable,
                     std::span<const ReportPopulationView> pops, double dt_ms);
void write_synapses_csv(const std::string& path, std::span<const EdgePopulationView> edges);

} // namespace nncrt
