// `:raster`: the spikes of a population as text, one row per neuron and one column per
// bin of time, for a look at the activity without leaving the terminal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnc::repl {

struct RasterOptions {
    double from_ms = 0.0;
    double to_ms = 0.0;
    uint64_t neurons = 0;   ///< the population's size
    uint64_t max_rows = 16; ///< neurons shown, spread evenly over the population
    uint64_t columns = 60;  ///< bins of time
};

/// Rows `  i |..|...|.. |`: a '|' where neuron i fired in the bin, '.' where not; then an
/// axis line with the times of the first and the last bin. Spikes outside [from, to] are
/// ignored.
std::string text_raster(const std::vector<double>& times_ms, const std::vector<uint64_t>& node_ids,
                        const RasterOptions& options);

} // namespace nnc::repl
