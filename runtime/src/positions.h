// Where the neurons of a population are: on a grid, uniformly at random in a box, or at a
// random normalised depth of a cortical column (NetPyNE's `ynormRange`). Random positions
// are drawn per neuron from the seed, so they do not depend on the order of work.
#pragma once

#include "counter_rng.h"
#include "nncrt/simulation.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace nncrt {

/// One neuron's place: coordinates in um and normalised cortical depth (0 unless placed by
/// depth).
struct Point {
    double x = 0.0, y = 0.0, z = 0.0;
    double depth = 0.0;
};

/// The positions of the n neurons of a population; empty for Positions::Kind::None. key:
/// the population's Position stream, neuron i draws from CounterRng(key, i). Throws Error
/// for a grid whose shape does not hold n neurons, or a negative size or spacing.
std::vector<Point> place_neurons(const Positions& positions, uint64_t n, const RngKey& key);

/// The extent along x, y, z over which a projection's distances wrap (0: they do not);
/// throws Error unless both populations are periodic with the same extent, or neither is.
std::array<double, 3> wrap_extent(const Positions& source, const Positions& target);

/// The arguments of a PairFunction for the pair (source, target); `period`: from wrap_extent.
inline void pair_arguments(const Point& source, const Point& target, double* args,
                           const std::array<double, 3>& period = {}) {
    double dx = target.x - source.x, dy = target.y - source.y, dz = target.z - source.z;
    if (period[0] > 0) dx -= period[0] * std::round(dx / period[0]);
    if (period[1] > 0) dy -= period[1] * std::round(dy / period[1]);
    if (period[2] > 0) dz -= period[2] * std::round(dz / period[2]);
    args[PairArgument::distance] = std::sqrt(dx * dx + dy * dy + dz * dz);
    args[PairArgument::source_depth] = source.depth;
    args[PairArgument::target_depth] = target.depth;
}

} // namespace nncrt
