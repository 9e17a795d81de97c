#include "text_raster.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace nnc::repl {

std::string text_raster(const std::vector<double>& times_ms, const std::vector<uint64_t>& node_ids,
                        const RasterOptions& o) {
    if (o.neurons == 0 || o.columns == 0 || o.max_rows == 0 || !(o.to_ms > o.from_ms))
        return "(nothing to show)\n";
    const uint64_t rows = std::min(o.neurons, o.max_rows);
    // Row r shows neuron r * neurons / rows: the first, and the others evenly spread.
    std::vector<uint64_t> shown(rows);
    for (uint64_t r = 0; r < rows; ++r)
        shown[r] = r * o.neurons / rows;
    std::vector<std::string> grid(rows, std::string(o.columns, '.'));
    const double width = (o.to_ms - o.from_ms) / double(o.columns);
    for (size_t s = 0; s < times_ms.size() && s < node_ids.size(); ++s) {
        const double t = times_ms[s];
        if (t < o.from_ms || t > o.to_ms) continue;
        const auto row = std::lower_bound(shown.begin(), shown.end(), node_ids[s]);
        if (row == shown.end() || *row != node_ids[s]) continue;
        // A spike stamped at the end of a step belongs to the bin that step ends in.
        auto column = uint64_t(std::ceil((t - o.from_ms) / width)) - (t > o.from_ms ? 1 : 0);
        column = std::min(column, o.columns - 1);
        grid[size_t(row - shown.begin())][column] = '|';
    }
    const int label = int(fmt::format("{}", o.neurons - 1).size());
    std::string out;
    for (uint64_t r = 0; r < rows; ++r)
        out += fmt::format("{:>{}} {}\n", shown[r], label, grid[r]);
    const std::string from = fmt::format("{:g} ms", o.from_ms);
    const std::string to = fmt::format("{:g} ms", o.to_ms);
    const size_t gap =
        o.columns > from.size() + to.size() ? o.columns - from.size() - to.size() : 1;
    out += fmt::format("{:>{}} {}{}{}\n", "", label, from, std::string(gap, ' '), to);
    return out;
}

} // namespace nnc::repl
