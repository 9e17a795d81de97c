#include "connectors.h"

#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace nncrt {

namespace {

constexpr uint64_t max_index_count = uint64_t(std::numeric_limits<uint32_t>::max()) + 1;

} // namespace

SourceSampler::SourceSampler(const Connector& connector, uint64_t n_sources, uint64_t n_targets,
                             bool same_population)
    : c_(connector), n_sources_(n_sources), n_targets_(n_targets),
      exclude_self_(same_population && !connector.allow_autapses) {
    if (n_sources > max_index_count || n_targets > max_index_count)
        throw Error(fmt::format("a projection between populations of {} and {} neurons: at most "
                                "2^32 neurons per population can be connected",
                                n_sources, n_targets));
    // Distinct sources available to one target.
    const uint64_t available = (exclude_self_ && n_sources > 0) ? n_sources - 1 : n_sources;
    switch (c_.kind) {
    case Connector::Kind::AllToAll:
        break;
    case Connector::Kind::OneToOne:
        if (n_sources != n_targets)
            throw Error(fmt::format("one-to-one connector needs populations of the same size, "
                                    "not {} sources and {} targets",
                                    n_sources, n_targets));
        break;
    case Connector::Kind::FixedProbability:
        if (!(c_.probability >= 0.0 && c_.probability <= 1.0))
            throw Error(fmt::format("connection probability {} is not in [0, 1]", c_.probability));
        if (c_.probability < 1.0) log_q_ = std::log1p(-c_.probability);
        break;
    case Connector::Kind::FixedIndegree:
        if (n_targets > 0 && c_.indegree > 0) {
            if (available == 0)
                throw Error(
                    fmt::format("fixed indegree {}: no source neuron to draw from", c_.indegree));
            if (!c_.allow_multapses && c_.indegree > available)
                throw Error(fmt::format("fixed indegree {} without multapses needs at least {} "
                                        "possible sources, but there are {}",
                                        c_.indegree, c_.indegree, available));
        }
        if (!c_.allow_multapses) chosen_.assign((n_sources + 63) / 64, 0);
        break;
    default:
        throw Error("unknown connector kind");
    }
}

uint64_t SourceSampler::expected_synapses() const {
    const uint64_t per_target = (exclude_self_ && n_sources_ > 0) ? n_sources_ - 1 : n_sources_;
    switch (c_.kind) {
    case Connector::Kind::AllToAll:
        return per_target * n_targets_;
    case Connector::Kind::OneToOne:
        return exclude_self_ ? 0 : n_targets_;
    case Connector::Kind::FixedProbability: {
        const double mean = c_.probability * double(per_target) * double(n_targets_);
        return uint64_t(mean + 4.0 * std::sqrt(mean) + 16.0);
    }
    case Connector::Kind::FixedIndegree:
        return c_.indegree * n_targets_;
    }
    return 0;
}

void SourceSampler::append_sources(uint64_t t, CounterRng& rng, std::vector<uint32_t>& out) {
    switch (c_.kind) {
    case Connector::Kind::AllToAll:
        append_all(t, out);
        break;
    case Connector::Kind::OneToOne:
        if (!exclude_self_) out.push_back(uint32_t(t));
        break;
    case Connector::Kind::FixedProbability:
        if (c_.probability >= 1.0)
            append_all(t, out);
        else if (c_.probability > 0.0)
            append_bernoulli(t, rng, out);
        break;
    case Connector::Kind::FixedIndegree:
        append_indegree(t, rng, out);
        break;
    }
}

void SourceSampler::append_all(uint64_t t, std::vector<uint32_t>& out) const {
    for (uint64_t s = 0; s < n_sources_; ++s)
        if (!(exclude_self_ && s == t)) out.push_back(uint32_t(s));
}

void SourceSampler::append_bernoulli(uint64_t t, CounterRng& rng,
                                     std::vector<uint32_t>& out) const {
    // The gap before the next chosen source is geometric: floor(log U / log(1 - p)).
    uint64_t s = 0;
    while (s < n_sources_) {
        const double skip = std::floor(std::log(rng.uniform()) / log_q_);
        if (skip >= double(n_sources_ - s)) break;
        s += uint64_t(skip);
        if (s >= n_sources_) break;
        if (!(exclude_self_ && s == t)) out.push_back(uint32_t(s));
        ++s;
    }
}

void SourceSampler::append_indegree(uint64_t t, CounterRng& rng, std::vector<uint32_t>& out) {
    const uint64_t k = c_.indegree;
    if (k == 0) return;
    const uint64_t available = exclude_self_ ? n_sources_ - 1 : n_sources_;
    // Draws in [0, available) map to sources, skipping the target itself when excluded.
    const auto source_of = [&](uint64_t v) { return exclude_self_ && v >= t ? v + 1 : v; };
    if (c_.allow_multapses) {
        for (uint64_t i = 0; i < k; ++i)
            out.push_back(uint32_t(source_of(rng.below(available))));
        return;
    }
    // Floyd's algorithm: k distinct values of [0, available) with k draws.
    const size_t first = out.size();
    const auto taken = [&](uint64_t v) { return (chosen_[v >> 6] >> (v & 63)) & 1u; };
    for (uint64_t j = available - k; j < available; ++j) {
        const uint64_t r = rng.below(j + 1);
        const uint64_t v = taken(r) ? j : r;
        chosen_[v >> 6] |= uint64_t{1} << (v & 63);
        out.push_back(uint32_t(v));
    }
    for (size_t i = first; i < out.size(); ++i) {
        const uint64_t v = out[i];
        chosen_[v >> 6] &= ~(uint64_t{1} << (v & 63));
        out[i] = uint32_t(source_of(v));
    }
}

TargetLists connect(const Connector& connector, uint64_t n_sources, uint64_t n_targets,
                    bool same_population, const RngKey& key) {
    SourceSampler sampler(connector, n_sources, n_targets, same_population);
    TargetLists lists;
    lists.offsets.resize(n_targets + 1);
    lists.offsets[0] = 0;
    lists.sources.reserve(sampler.expected_synapses());
    for (uint64_t t = 0; t < n_targets; ++t) {
        CounterRng rng(key, t);
        sampler.append_sources(t, rng, lists.sources);
        lists.offsets[t + 1] = lists.sources.size();
    }
    return lists;
}

} // namespace nncrt
