// Reads the synapses of a `from_csv("FILE")` projection: a header line naming the columns
// (`source`, `target`, and optionally `weight (UNIT)` and `delay (UNIT)`, in any order),
// then one synapse per line. Every problem is reported at its line and column of the CSV
// file, which is registered with the SourceManager so that diagnostics can show it.
#pragma once

#include "frontend/diagnostics.h"
#include "frontend/source_manager.h"
#include "ir/dimension.h"
#include "ir/model.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nnc::sema {

/// What the rows must satisfy: indices within the populations, weights of the receptor's
/// dimension, delays of at least dt and at most ir::max_delay_steps steps.
struct ConnectionCsvLimits {
    uint64_t n_sources = 0;
    uint64_t n_targets = 0;
    std::string source_name, target_name; ///< the populations, for messages
    Dimension weight_dim;
    double dt_ms = 0.1;
};

/// The synapses of `path` (already resolved against the .nml file's directory), in
/// canonical units; nullopt after reporting. `at`: the `from_csv` call, for a file that
/// cannot be read.
std::optional<ir::ConnectionList> read_connection_csv(const std::string& path, SourceRange at,
                                                      const ConnectionCsvLimits& limits,
                                                      SourceManager& sources,
                                                      DiagnosticEngine& diags);

} // namespace nnc::sema
