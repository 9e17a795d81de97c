#include "positions.h"

#include <fmt/format.h>

namespace nncrt {

namespace {

/// A grid's extent along an axis with one place is 0: nothing to wrap, as in a flat box.
std::array<double, 3> extent(const Positions& p) {
    if (p.kind != Positions::Kind::Grid) return {p.size_um[0], p.size_um[1], p.size_um[2]};
    const auto along = [&](uint64_t n) { return n > 1 ? double(n) * p.spacing_um : 0.0; };
    return {along(p.nx), along(p.ny), along(p.nz)};
}

} // namespace

std::array<double, 3> wrap_extent(const Positions& source, const Positions& target) {
    if (!source.periodic && !target.periodic) return {};
    if (source.periodic != target.periodic || extent(source) != extent(target))
        throw Error("periodic boundaries need both populations periodic, with the same extent");
    if (source.kind == Positions::Kind::CorticalDepth)
        throw Error("a cortical column has no periodic boundaries");
    return extent(source);
}

std::vector<Point> place_neurons(const Positions& p, uint64_t n, const RngKey& key) {
    std::vector<Point> points;
    if (p.kind == Positions::Kind::None) return points;
    for (double s : p.size_um)
        if (!(s >= 0.0)) throw Error(fmt::format("a size of {} um is not >= 0", s));
    points.resize(n);
    switch (p.kind) {
    case Positions::Kind::None:
        break;
    case Positions::Kind::Grid: {
        if (!(p.spacing_um >= 0.0))
            throw Error(fmt::format("a grid spacing of {} um is not >= 0", p.spacing_um));
        if (p.nx == 0 || p.ny == 0 || p.nz == 0 || p.nx * p.ny * p.nz != n)
            throw Error(fmt::format("a grid of {} x {} x {} does not hold {} neurons", p.nx, p.ny,
                                    p.nz, n));
        for (uint64_t i = 0; i < n; ++i) {
            points[i].x = double(i % p.nx) * p.spacing_um;
            points[i].y = double((i / p.nx) % p.ny) * p.spacing_um;
            points[i].z = double(i / (p.nx * p.ny)) * p.spacing_um;
        }
        break;
    }
    case Positions::Kind::RandomBox:
        for (uint64_t i = 0; i < n; ++i) {
            CounterRng rng(key, i);
            points[i].x = rng.uniform() * p.size_um[0];
            points[i].y = rng.uniform() * p.size_um[1];
            points[i].z = rng.uniform() * p.size_um[2];
        }
        break;
    case Positions::Kind::CorticalDepth:
        if (!(0.0 <= p.depth_from && p.depth_from <= p.depth_to && p.depth_to <= 1.0))
            throw Error(fmt::format("the depth range [{}, {}] is not within [0, 1]", p.depth_from,
                                    p.depth_to));
        for (uint64_t i = 0; i < n; ++i) {
            CounterRng rng(key, i);
            points[i].x = rng.uniform() * p.size_um[0];
            points[i].depth = p.depth_from + rng.uniform() * (p.depth_to - p.depth_from);
            points[i].y = points[i].depth * p.size_um[1];
            points[i].z = rng.uniform() * p.size_um[2];
        }
        break;
    }
    return points;
}

} // namespace nncrt
