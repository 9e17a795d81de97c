#include "connectors.h"

#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace nncrt {

namespace {

constexpr uint64_t max_index_count = uint64_t(std::numeric_limits<uint32_t>::max()) + 1;

void check_sizes(uint64_t n_sources, uint64_t n_targets) {
    if (n_sources > max_index_count || n_targets > max_index_count)
        throw Error(fmt::format("a projection between populations of {} and {} neurons: at most "
                                "2^32 neurons per population can be connected",
                                n_sources, n_targets));
}

/// Appends k indices drawn from [0, available + skip_one) to `out`, never `skip` when
/// skip_one; with multapses independently, without them k distinct ones (Floyd's algorithm,
/// k draws; `chosen` is a zeroed bitmap of at least `available` bits, left zeroed).
void draw_indices(uint64_t k, uint64_t available, bool skip_one, uint64_t skip, bool multapses,
                  CounterRng& rng, std::vector<uint64_t>& chosen, std::vector<uint32_t>& out) {
    if (k == 0) return;
    // Draws in [0, available) map to indices, stepping over the skipped one.
    const auto index_of = [&](uint64_t v) { return skip_one && v >= skip ? v + 1 : v; };
    if (multapses) {
        for (uint64_t i = 0; i < k; ++i)
            out.push_back(uint32_t(index_of(rng.below(available))));
        return;
    }
    const size_t first = out.size();
    const auto taken = [&](uint64_t v) { return (chosen[v >> 6] >> (v & 63)) & 1u; };
    for (uint64_t j = available - k; j < available; ++j) {
        const uint64_t r = rng.below(j + 1);
        const uint64_t v = taken(r) ? j : r;
        chosen[v >> 6] |= uint64_t{1} << (v & 63);
        out.push_back(uint32_t(v));
    }
    for (size_t i = first; i < out.size(); ++i) {
        const uint64_t v = out[i];
        chosen[v >> 6] &= ~(uint64_t{1} << (v & 63));
        out[i] = uint32_t(index_of(v));
    }
}

/// Regroups (source, target) pairs, given grouped by source (offsets per source, targets),
/// by target: a stable counting sort, so a target's sources come in increasing order and
/// the result depends only on the pairs. rows (if given) receives each synapse's index in
/// the input.
TargetLists group_by_target(uint64_t n_targets, std::span<const uint32_t> pair_sources,
                            std::span<const uint32_t> pair_targets,
                            std::vector<uint64_t>* rows = nullptr,
                            const TargetSelection& selected = {}) {
    TargetLists lists;
    lists.offsets.assign(n_targets + 1, 0);
    for (uint32_t t : pair_targets)
        if (selected.has(t)) ++lists.offsets[size_t(t) + 1];
    for (uint64_t t = 0; t < n_targets; ++t)
        lists.offsets[t + 1] += lists.offsets[t];
    std::vector<uint64_t> cursor(lists.offsets.begin(), lists.offsets.end() - 1);
    lists.sources.resize(lists.offsets[n_targets]);
    if (rows) rows->resize(lists.sources.size());
    for (size_t i = 0; i < pair_targets.size(); ++i) {
        if (!selected.has(pair_targets[i])) continue;
        const uint64_t pos = cursor[pair_targets[i]]++;
        lists.sources[pos] = pair_sources[i];
        if (rows) (*rows)[pos] = i;
    }
    return lists;
}

/// Fixed out-degree: each source draws its targets from its own stream.
TargetLists connect_outdegree(const Connector& c, uint64_t n_sources, uint64_t n_targets,
                              bool exclude_self, const RngKey& key,
                              const TargetSelection& selected) {
    const uint64_t k = c.outdegree;
    const uint64_t available = (exclude_self && n_targets > 0) ? n_targets - 1 : n_targets;
    if (n_sources > 0 && k > 0) {
        if (available == 0)
            throw Error(fmt::format("fixed outdegree {}: no target neuron to draw from", k));
        if (!c.allow_multapses && k > available)
            throw Error(fmt::format("fixed outdegree {} without multapses needs at least {} "
                                    "possible targets, but there are {}",
                                    k, k, available));
    }
    std::vector<uint32_t> pair_sources, pair_targets;
    pair_sources.reserve(n_sources * k);
    pair_targets.reserve(n_sources * k);
    std::vector<uint64_t> chosen(c.allow_multapses ? 0 : (n_targets + 63) / 64, 0);
    for (uint64_t s = 0; s < n_sources; ++s) {
        CounterRng rng(key, s);
        draw_indices(k, available, exclude_self, s, c.allow_multapses, rng, chosen, pair_targets);
        pair_sources.resize(pair_targets.size(), uint32_t(s));
    }
    return group_by_target(n_targets, pair_sources, pair_targets, nullptr, selected);
}

/// Fixed total number: how many synapses each target gets is drawn first, from one stream
/// of the projection (a multinomial with multapses; without them, each synapse picks a
/// pair uniformly among the pairs still free, so that the counts are multivariate
/// hypergeometric), then each target draws that many sources from its own stream.
TargetLists connect_total_number(const Connector& c, uint64_t n_sources, uint64_t n_targets,
                                 bool exclude_self, const RngKey& key,
                                 const TargetSelection& selected) {
    const uint64_t per_target = (exclude_self && n_sources > 0) ? n_sources - 1 : n_sources;
    const uint64_t total = c.total;
    if (total > 0) {
        if (n_targets == 0 || per_target == 0)
            throw Error(fmt::format("fixed total number {}: there is no pair of neurons to "
                                    "connect",
                                    total));
        const double pairs = double(per_target) * double(n_targets);
        if (!c.allow_multapses && double(total) > pairs)
            throw Error(fmt::format("fixed total number {} without multapses needs at least {} "
                                    "possible pairs, but there are {}",
                                    total, total, pairs));
    }
    std::vector<uint64_t> count(n_targets, 0);
    CounterRng spread(key, 0, 1);
    // Without multapses and with more than half the pairs taken, the pairs left out are
    // drawn instead (the complement of a uniform subset is one), so that the rejection
    // below never takes more than two tries per pair on average.
    const double pairs = double(per_target) * double(n_targets);
    const bool complement = !c.allow_multapses && double(total) > pairs / 2;
    const uint64_t draws = complement ? uint64_t(pairs) - total : total;
    for (uint64_t i = 0; i < draws; ++i) {
        for (;;) {
            const uint64_t t = spread.below(n_targets);
            // Without multapses, target t is taken with probability (free pairs of t) /
            // per_target: proportional to its free pairs.
            if (c.allow_multapses || spread.below(per_target) >= count[t]) {
                ++count[t];
                break;
            }
        }
    }
    if (complement)
        for (uint64_t& n : count)
            n = per_target - n;
    TargetLists lists;
    lists.offsets.resize(n_targets + 1);
    lists.offsets[0] = 0;
    lists.sources.reserve(selected.all() ? total : total / selected.stride + 1);
    std::vector<uint64_t> chosen(c.allow_multapses ? 0 : (n_sources + 63) / 64, 0);
    for (uint64_t t = 0; t < n_targets; ++t) {
        if (!selected.has(t)) {
            lists.offsets[t + 1] = lists.sources.size();
            continue;
        }
        CounterRng rng(key, t);
        draw_indices(count[t], per_target, exclude_self, t, c.allow_multapses, rng, chosen,
                     lists.sources);
        lists.offsets[t + 1] = lists.sources.size();
    }
    return lists;
}

/// Distance-dependent probability: each pair independently, p computed from its geometry.
TargetLists connect_by_distance(const Connector& c, uint64_t n_sources, uint64_t n_targets,
                                bool exclude_self, const RngKey& key,
                                const ProjectionGeometry& geometry,
                                const TargetSelection& selected) {
    if (!c.probability_of_pair)
        throw Error("a distance-dependent connector needs its probability function");
    if (geometry.sources.size() != n_sources || geometry.targets.size() != n_targets)
        throw Error("a distance-dependent connector needs the positions of both populations");
    TargetLists lists;
    lists.offsets.resize(n_targets + 1);
    lists.offsets[0] = 0;
    double args[PairArgument::count];
    for (uint64_t t = 0; t < n_targets; ++t) {
        if (!selected.has(t)) {
            lists.offsets[t + 1] = lists.sources.size();
            continue;
        }
        CounterRng rng(key, t);
        const Point& target = geometry.targets[t];
        for (uint64_t s = 0; s < n_sources; ++s) {
            if (exclude_self && s == t) continue;
            pair_arguments(geometry.sources[s], target, args, geometry.period);
            const double p = c.probability_of_pair(args);
            if (!(p >= 0.0 && p <= 1.0))
                throw Error(fmt::format("the connection probability is {} for source {} and "
                                        "target {} at distance {} um; it must be between 0 and 1",
                                        p, s, t, args[PairArgument::distance]));
            if (rng.uniform() < p) lists.sources.push_back(uint32_t(s));
        }
        lists.offsets[t + 1] = lists.sources.size();
    }
    return lists;
}

TargetLists connect_list(const Connector& c, uint64_t n_sources, uint64_t n_targets,
                         std::vector<uint64_t>* rows, const TargetSelection& selected) {
    if (!c.list) throw Error("a list connector needs its list");
    const Connector::Pairs& l = *c.list;
    const size_t n = l.sources.size();
    if (l.targets.size() != n || (!l.weights.empty() && l.weights.size() != n) ||
        (!l.delays_ms.empty() && l.delays_ms.size() != n))
        throw Error("a list connector's columns differ in length");
    for (size_t i = 0; i < n; ++i)
        if (l.sources[i] >= n_sources || l.targets[i] >= n_targets)
            throw Error(fmt::format("synapse {} of the list connects {} to {}, but the "
                                    "populations have {} and {} neurons",
                                    i, l.sources[i], l.targets[i], n_sources, n_targets));
    return group_by_target(n_targets, l.sources, l.targets, rows, selected);
}

} // namespace

SourceSampler::SourceSampler(const Connector& connector, uint64_t n_sources, uint64_t n_targets,
                             bool same_population)
    : c_(connector), n_sources_(n_sources), n_targets_(n_targets),
      exclude_self_(same_population && !connector.allow_autapses) {
    check_sizes(n_sources, n_targets);
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
        throw Error("this connector does not draw per target");
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
    default:
        return 0;
    }
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
    default:
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
    const uint64_t available = exclude_self_ ? n_sources_ - 1 : n_sources_;
    draw_indices(c_.indegree, available, exclude_self_, t, c_.allow_multapses, rng, chosen_, out);
}

TargetLists connect(const Connector& connector, uint64_t n_sources, uint64_t n_targets,
                    bool same_population, const RngKey& key, const ProjectionGeometry& geometry,
                    std::vector<uint64_t>* list_rows, const TargetSelection& selected) {
    check_sizes(n_sources, n_targets);
    const bool exclude_self = same_population && !connector.allow_autapses;
    switch (connector.kind) {
    case Connector::Kind::FixedOutdegree:
        return connect_outdegree(connector, n_sources, n_targets, exclude_self, key, selected);
    case Connector::Kind::FixedTotalNumber:
        return connect_total_number(connector, n_sources, n_targets, exclude_self, key, selected);
    case Connector::Kind::DistanceProbability:
        return connect_by_distance(connector, n_sources, n_targets, exclude_self, key, geometry,
                                   selected);
    case Connector::Kind::List:
        return connect_list(connector, n_sources, n_targets, list_rows, selected);
    default:
        break;
    }
    SourceSampler sampler(connector, n_sources, n_targets, same_population);
    TargetLists lists;
    lists.offsets.resize(n_targets + 1);
    lists.offsets[0] = 0;
    lists.sources.reserve(sampler.expected_synapses() / selected.stride);
    for (uint64_t t = 0; t < n_targets; ++t) {
        if (!selected.has(t)) {
            lists.offsets[t + 1] = lists.sources.size();
            continue;
        }
        CounterRng rng(key, t);
        sampler.append_sources(t, rng, lists.sources);
        lists.offsets[t + 1] = lists.sources.size();
    }
    return lists;
}

} // namespace nncrt
