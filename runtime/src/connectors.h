// Which synapses a projection has: the PyNN / NEST / NetPyNE connector rules. Every draw
// comes from a stream keyed by what it is for: the per-target rules (fixed probability,
// fixed in-degree, distance-dependent probability) draw from the target's stream, fixed
// out-degree from the source's, and fixed total number first spreads its synapses over the
// targets from one stream of the projection, then draws each target's sources from the
// target's. So the result depends only on the seed, never on the order of work.
#pragma once

#include "connection_table.h"
#include "counter_rng.h"
#include "nncrt/simulation.h"
#include "positions.h"

#include <cstdint>
#include <span>
#include <vector>

namespace nncrt {

/// Draws the sources of each target of one projection.
class SourceSampler {
public:
    /// Throws Error when the rule cannot be applied to these populations (one-to-one between
    /// populations of different sizes, an indegree larger than the number of distinct sources
    /// without multapses, a probability outside [0, 1], ...). same_population: source and
    /// target are the same population, the only case where autapses are possible.
    SourceSampler(const Connector& connector, uint64_t n_sources, uint64_t n_targets,
                  bool same_population);

    /// Appends the sources of target t to `out`. rng must be the target's Connectivity
    /// stream. FixedProbability costs O(synapses) (geometric skipping); FixedIndegree without
    /// multapses samples without replacement (Floyd's algorithm).
    void append_sources(uint64_t t, CounterRng& rng, std::vector<uint32_t>& out);

    /// Number of synapses expected in all (exact except for FixedProbability), for reserving.
    uint64_t expected_synapses() const;

private:
    void append_all(uint64_t t, std::vector<uint32_t>& out) const;
    void append_bernoulli(uint64_t t, CounterRng& rng, std::vector<uint32_t>& out) const;
    void append_indegree(uint64_t t, CounterRng& rng, std::vector<uint32_t>& out);

    Connector c_;
    uint64_t n_sources_;
    uint64_t n_targets_;
    bool exclude_self_;            ///< same population and no autapses
    double log_q_ = 0.0;           ///< log(1 - p), FixedProbability
    std::vector<uint64_t> chosen_; ///< bitmap of drawn sources, FixedIndegree without multapses
};

/// The positions of a projection's neurons, for rules that depend on them.
struct ProjectionGeometry {
    std::span<const Point> sources;
    std::span<const Point> targets;
    std::array<double, 3> period{}; ///< wrap_extent of the two populations
};

/// The targets whose synapses are wanted: first, first + stride, ... (those of one process;
/// all by default). The others get empty lists, and their draws are not made.
struct TargetSelection {
    uint64_t first = 0;
    uint64_t stride = 1;
    bool all() const { return first == 0 && stride == 1; }
    bool has(uint64_t t) const { return t >= first && (t - first) % stride == 0; }
};

/// Applies a connector: the synapses of the projection, grouped by target. key: the
/// projection's Connectivity key; target t draws from CounterRng(key, t), source s (fixed
/// out-degree) from CounterRng(key, s), and fixed total number spreads its synapses over the
/// targets with CounterRng(key, 0, 1). geometry: needed by DistanceProbability. For a List,
/// list_rows (if given) receives, per synapse in target order, its index in the list.
/// Throws Error when the rule cannot be applied to these populations. `selected`: the
/// targets to connect; each gets exactly the sources it gets when all are connected, since
/// every draw is keyed as above (fixed out-degree and fixed total number still draw what
/// decides how many synapses each target gets).
TargetLists connect(const Connector& connector, uint64_t n_sources, uint64_t n_targets,
                    bool same_population, const RngKey& key,
                    const ProjectionGeometry& geometry = {},
                    std::vector<uint64_t>* list_rows = nullptr,
                    const TargetSelection& selected = {});

} // namespace nncrt
