// Which synapses a projection has: the PyNN / NEST connector rules (all-to-all, one-to-one,
// fixed probability, fixed indegree), applied one target at a time with the target's own
// random stream, so the result depends only on the seed and never on the order of targets.
#pragma once

#include "connection_table.h"
#include "counter_rng.h"
#include "nncrt/simulation.h"

#include <cstdint>
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

/// Applies a connector to every target: the synapses of the projection, grouped by target.
/// key: the projection's Connectivity key; target t draws from CounterRng(key, t).
TargetLists connect(const Connector& connector, uint64_t n_sources, uint64_t n_targets,
                    bool same_population, const RngKey& key);

} // namespace nncrt
