// Writes recorded state variables as a SONATA report, the layout NEURON and Neurodamus write
// and libsonata's ElementReportReader reads; one file per variable, one group per population:
//   /report/<population>/data                  float64 [samples x neurons], attribute units
//   /report/<population>/mapping/node_ids      uint64, the recorded neurons, increasing,
//                                              attribute sorted = 1 (uint8)
//   /report/<population>/mapping/index_pointers uint64 [neurons + 1], neuron i's columns are
//                                              index_pointers[i] .. index_pointers[i + 1]
//   /report/<population>/mapping/element_ids   uint32, one 0 per point neuron
//   /report/<population>/mapping/time          float64 [start, stop, step], attribute
//                                              units = "ms"; stop is one step past the last
//                                              sample (readers take start <= t < stop)
#pragma once

#include "nncrt/simulation.h"

#include <span>
#include <string>

namespace nncrt {

struct ReportPopulationView {
    std::string name;
    const StateRecord* record = nullptr;
    std::string units;
};

/// Creates (or truncates) the file at `path`. Throws Error naming the path and the reason,
/// and when a population name is empty, contains '/', or is used twice.
void write_sonata_report(const std::string& path, std::span<const ReportPopulationView> pops,
                         double dt_ms);

} // namespace nncrt
