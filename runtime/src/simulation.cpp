// The simulation loop and the bookkeeping around it (see simulation.h for the interface and
// runtime/README.md for the step semantics).
#include "nncrt/simulation.h"

#include "connection_table.h"
#include "connectors.h"
#include "counter_rng.h"
#include "csv_writer.h"
#include "hdf5_edge_writer.h"
#include "hdf5_report_writer.h"
#include "hdf5_spike_writer.h"
#include "plastic_synapses.h"
#include "positions.h"
#include "ring_buffer.h"
#include "spike_delivery.h"
#include "spike_recorder.h"
#include "stimulus_schedules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <new>
#include <optional>
#include <utility>

namespace nncrt {

namespace {

constexpr uint64_t max_delay_steps = std::numeric_limits<uint16_t>::max();

/// A DC source turned into the half-open window of steps [start, stop) in which it is on.
struct DcWindow {
    uint64_t start = 0;
    uint64_t stop = 0;
    double amplitude = 0.0;
    uint64_t first = 0; ///< the local neurons first <= j < first + count
    uint64_t count = 0;
};

/// The local neurons [first, first + count) of a range of a population's neurons.
struct LocalRange {
    uint64_t first = 0;
    uint64_t count = 0;
};

LocalRange local_range(const LocalNeurons& local, uint64_t first, uint64_t count) {
    const uint64_t from = local.lower_bound(first), to = local.lower_bound(first + count);
    return {from, to - from};
}

struct Population {
    PopulationSpec spec;
    uint64_t first_global_id = 0;
    LocalNeurons local; ///< the neurons this process updates
    std::vector<std::vector<double>> state;
    std::vector<std::vector<double>> input;
    std::vector<std::optional<Distribution>> initial; ///< per state variable
    std::vector<RingBuffer> receptors;                ///< one per receptor port, after build
    std::vector<std::vector<DcWindow>> dc;            ///< per input
    std::vector<std::vector<char>> dc_on;             ///< per input: which windows are on now
    std::vector<std::vector<uint32_t>> noise;         ///< per input: its noise sources
    std::vector<uint32_t> outgoing;                   ///< projections from this population
    std::vector<uint32_t> incoming_post;              ///< plastic projections with `on post`
    std::vector<Point> points; ///< where its neurons are (empty without positions), after build

    std::vector<uint32_t> spiked;
    uint64_t n_spiked = 0;
    SpikeRecorder recorder;

    // Kernel argument arrays, refreshed at the start of every run().
    std::vector<double*> state_ptrs;
    std::vector<const double*> input_ptrs;
    std::vector<const double*> receptor_ptrs;

    uint64_t size() const { return spec.size; }
    uint64_t n_local() const { return local.count; }
};

struct Projection {
    ProjectionSpec spec;
    ConnectionTable table;
    std::optional<PlasticSynapses> plastic; ///< after build, for a plastic projection
};

struct PoissonSource {
    PoissonSpec spec;
    std::optional<PoissonSampler> sampler; ///< after build (the mean depends on dt)
};

struct SpikeTimesSource {
    SpikeTimesSpec spec;
    std::vector<SpikeSlot> slots; ///< after build
    size_t next = 0;              ///< the first slot not yet delivered
};

struct InhomogeneousPoissonSource {
    InhomogeneousPoissonSpec spec;
    std::vector<StepWindow> rates;         ///< after build: rate in Hz per window of steps
    size_t window = 0;                     ///< the first window not yet over
    std::optional<PoissonSampler> sampler; ///< for the rate of the current window
};

/// A noise source's per-neuron values of the interval drawn last, for the local neurons
/// neurons_first <= j < neurons_first + neurons_count of its target.
struct NoiseSource {
    NoiseCurrentSpec spec;
    uint64_t first = 0, last = 0, interval_steps = 1; ///< after build: on in [first, last)
    uint64_t neurons_first = 0, neurons_count = 0;    ///< after build
    LocalNeurons local;                               ///< of the target, after build
    std::vector<double> values;                       ///< one per neuron of the range
    bool on = false;
    uint64_t interval = 0; ///< of `values`, while on

    /// Brings `values` to step k; true if what the source adds has changed. Draws are keyed
    /// by the neuron's index in its population.
    bool update(uint64_t k, const RngKey& key) {
        if (k < first || k >= last) {
            const bool was_on = on;
            on = false;
            return was_on;
        }
        const uint64_t j = (k - first) / interval_steps;
        if (on && j == interval) return false;
        values.resize(neurons_count);
        for (uint64_t i = 0; i < neurons_count; ++i) {
            CounterRng rng(key, local.global(neurons_first + i), j);
            values[i] = spec.mean + spec.std * rng.normal();
        }
        on = true;
        interval = j;
        return true;
    }
};

void check_distribution(const Distribution& d, const std::string& what) {
    const bool finite = std::isfinite(d.a) && (d.is_constant() || std::isfinite(d.b));
    if (!finite) throw Error(fmt::format("{}: parameters must be finite", what));
    switch (d.kind) {
    case Distribution::Kind::Constant:
        return;
    case Distribution::Kind::Uniform:
        if (d.b < d.a)
            throw Error(
                fmt::format("{}: uniform distribution with high {} < low {}", what, d.b, d.a));
        return;
    case Distribution::Kind::Normal:
        if (d.b < 0.0)
            throw Error(fmt::format("{}: normal distribution with negative standard deviation {}",
                                    what, d.b));
        if (std::isnan(d.low) || std::isnan(d.high) || d.high < d.low)
            throw Error(
                fmt::format("{}: normal distribution clipped to [{}, {}]", what, d.low, d.high));
        if (normal_share_within_bounds(d) < min_normal_share)
            throw Error(fmt::format("{}: normal distribution with mean {} and standard deviation "
                                    "{} has almost no values within [{}, {}]",
                                    what, d.a, d.b, d.low, d.high));
        return;
    case Distribution::Kind::LogNormal:
        if (d.b < 0.0)
            throw Error(
                fmt::format("{}: lognormal distribution with negative sigma {}", what, d.b));
        return;
    case Distribution::Kind::Exponential:
        if (!(d.a > 0.0))
            throw Error(
                fmt::format("{}: exponential distribution with mean {} (not positive)", what, d.a));
        return;
    }
    throw Error(fmt::format("{}: unknown distribution kind", what));
}

double draw(const Distribution& d, CounterRng& rng) {
    switch (d.kind) {
    case Distribution::Kind::Constant:
        return d.a;
    case Distribution::Kind::Uniform:
        return d.a + (d.b - d.a) * rng.uniform();
    case Distribution::Kind::Normal:
        // Redrawn until within the bounds, which check_distribution has made likely enough
        // to end; unclipped, the first draw is taken.
        for (;;) {
            const double x = d.a + d.b * rng.normal();
            if (x >= d.low && x <= d.high) return x;
        }
    case Distribution::Kind::LogNormal:
        return std::exp(d.a + d.b * rng.normal());
    case Distribution::Kind::Exponential:
        // 1 - u lies in (0, 1], so the logarithm is finite.
        return -d.a * std::log(1.0 - rng.uniform());
    }
    return d.a;
}

/// Target lists over ranges of two populations, as lists over the whole populations: source
/// and target indices shifted by the ranges' first neurons, empty lists for the targets
/// outside the range.
TargetLists place_in_populations(const TargetLists& lists, uint64_t source_first,
                                 uint64_t target_first, uint64_t n_targets) {
    TargetLists out;
    out.offsets.assign(n_targets + 1, 0);
    out.sources.reserve(lists.sources.size());
    for (uint64_t t = 0; t < n_targets; ++t) {
        if (t >= target_first && t - target_first < lists.target_count()) {
            const uint64_t local = t - target_first;
            for (uint64_t q = lists.offsets[local]; q < lists.offsets[local + 1]; ++q)
                out.sources.push_back(uint32_t(lists.sources[q] + source_first));
        }
        out.offsets[t + 1] = out.sources.size();
    }
    return out;
}

/// Poisson spikes of step k into the slot, for the local neurons of `range`: draws keyed by
/// (source, neuron's population index, step). The generator is inlined into this loop (the
/// hottest of a Poisson-driven network), which GCC does not do by itself in a unit this size:
/// its key schedule is then computed once per loop, not once per draw.
[[gnu::flatten]] void add_poisson_spikes(double* slot, const PoissonSampler& sampler,
                                         const RngKey& key, const LocalNeurons& local,
                                         LocalRange range, uint64_t k, double weight) {
    uint64_t i = local.global(range.first);
    for (uint64_t j = range.first; j < range.first + range.count; ++j, i += local.stride) {
        CounterRng rng(key, i, k);
        slot[j] += double(sampler(rng)) * weight;
    }
}

/// Target lists over a whole population (empty for the targets of other processes) as lists
/// over its local neurons; rows (list rows per synapse, if any) follow the synapses.
TargetLists keep_local_targets(const TargetLists& lists, const LocalNeurons& local,
                               std::vector<uint64_t>& rows) {
    TargetLists out;
    out.offsets.assign(local.count + 1, 0);
    out.sources.reserve(lists.sources.size());
    std::vector<uint64_t> kept_rows;
    if (!rows.empty()) kept_rows.reserve(lists.sources.size());
    for (uint64_t j = 0; j < local.count; ++j) {
        const uint64_t t = local.global(j);
        for (uint64_t q = lists.offsets[t]; q < lists.offsets[t + 1]; ++q) {
            out.sources.push_back(lists.sources[q]);
            if (!rows.empty()) kept_rows.push_back(rows[q]);
        }
        out.offsets[j + 1] = out.sources.size();
    }
    if (!rows.empty()) rows = std::move(kept_rows);
    return out;
}

/// Throws unless `r` lies within population `p`.
template <class Pop>
void check_range(const NeuronRange& r, const Pop& p, const char* what) {
    const uint64_t n = p.size();
    if (r.first > n || (r.count != NeuronRange::all && r.count > n - r.first))
        throw Error(fmt::format("{}: neurons [{}, {} + {}) are not all in '{}', which has {}", what,
                                r.first, r.first, r.count, p.spec.name, n));
}

} // namespace

double normal_share_within_bounds(const Distribution& d) {
    if (d.b == 0.0) return d.a >= d.low && d.a <= d.high ? 1.0 : 0.0;
    const auto cdf = [&](double x) { return 0.5 * std::erfc(-(x - d.a) / (d.b * std::sqrt(2.0))); };
    return cdf(d.high) - cdf(d.low);
}

/// The spikes of the steps of one exchange interval, grouped by step and population: the
/// neurons of this process by local index, or, once exchanged, of all by population index.
struct IntervalSpikes {
    uint64_t first_step = 0;
    uint64_t steps = 0;
    std::vector<uint64_t> offsets{0}; ///< per (step, population), into ids
    std::vector<uint32_t> ids;

    void start(uint64_t step) {
        first_step = step;
        steps = 0;
        offsets.assign(1, 0);
        ids.clear();
    }
    void add(const uint32_t* spiked, uint64_t n) {
        ids.insert(ids.end(), spiked, spiked + n);
        offsets.push_back(ids.size());
    }
    /// Spikes of population p in step first_step + s, of n_pops populations.
    std::span<const uint32_t> of(uint64_t s, size_t p, size_t n_pops) const {
        const size_t i = size_t(s) * n_pops + p;
        return std::span<const uint32_t>(ids).subspan(offsets[i], offsets[i + 1] - offsets[i]);
    }
};

/// What a process that failed during a run sends the others, so that every process stops
/// with the same error: a NonFiniteState with its numbers, or a plain Error's message.
/// Fixed-width numbers, so that the least encoding of several processes' faults (the one
/// they agree on) is the fault a single process finds first: the lowest population, state
/// variable and neuron.
std::string encode_failure(const std::exception& e) {
    if (const auto* f = dynamic_cast<const NonFiniteState*>(&e))
        return fmt::format("N {:010} {:010} {:020} {:a} {:a}\n{}", f->population, f->state_index,
                           f->neuron, f->from_ms, f->to_ms, f->what());
    return std::string("E\n") + e.what();
}

/// `stepped`: encode_failure's text after the step it happened in (20 digits).
[[noreturn]] void throw_failure(const std::string& stepped) {
    const std::string encoded = stepped.substr(20);
    const size_t line = encoded.find('\n');
    const std::string message = encoded.substr(line + 1);
    if (encoded[0] == 'N') {
        PopulationId pop = 0;
        uint32_t state = 0;
        unsigned long long neuron = 0;
        double from = 0, to = 0;
        if (std::sscanf(encoded.c_str(), "N %u %u %llu %la %la", &pop, &state, &neuron, &from,
                        &to) == 5)
            throw NonFiniteState(message, pop, state, neuron, from, to);
    }
    throw Error(message);
}

struct Simulation::Impl {
    SimulationConfig config;
    const ParallelContext* parallel = nullptr; ///< null: one process
    uint64_t rank = 0, ranks = 1;
    uint64_t next_global_id = 0; ///< of the next population's first neuron
    std::vector<std::unique_ptr<Population>> pops;
    std::vector<Projection> projections;
    std::vector<PoissonSource> poisson;
    std::vector<DcSpec> dc;
    std::vector<SpikeTimesSource> spike_times;
    std::vector<StepCurrentSpec> step_currents;
    std::vector<InhomogeneousPoissonSource> inhomogeneous_poisson;
    std::vector<NoiseSource> noise;
    bool built = false;
    uint64_t step = 0; ///< steps done

    // Spike exchange: spikes are delivered (and recorded) once per interval of
    // `exchange_steps` steps, at most the shortest delay, so that no spike is needed before.
    uint64_t exchange_steps = 0; ///< 0 until the first run()
    IntervalSpikes local_spikes; ///< this process's, by local index
    IntervalSpikes all_spikes;   ///< everyone's, by population index (several processes)
    std::vector<uint32_t> send_buffer;
    std::string failure; ///< this process's fault in the current interval, encoded

    bool several() const { return ranks > 1; }
    /// The processes must agree: where they exchange nothing (one process, or a share built
    /// alone) there is nobody to agree with.
    bool exchanging() const { return parallel && ranks > 1 && parallel->communicates(); }
    void exchange_and_deliver();
    /// After a fault: empty spike lists for the steps of the interval up to `interval_end`
    /// that this process will not do.
    void stop_interval(uint64_t interval_end);
    uint64_t stopped_after = 0; ///< steps of the interval done when it stopped
    void merge_exchanged(const std::vector<uint32_t>& all, const std::vector<uint64_t>& counts);
    /// Throws on every process if any failed (`mine`: this one's fault, encoded, or "").
    void agree_on_failure(const std::string& mine) const;
    /// Records and delivers the interval's spikes (steps 4 to 6 of every step of it).
    void deliver_interval(const IntervalSpikes& all);
    /// On several processes: every process's samples of the entries' recorders, into the
    /// records' values on process 0.
    /// Returns what went wrong on process 0, for it to throw where all hear of it.
    std::string gather_state_records(const std::vector<ReportEntry>& entries);
    SynapseTable gather_synapse_table(ProjectionId id, const Simulation& sim) const;
    /// Runs `write` on process 0, then makes every process throw if it failed.
    template <class Write>
    void write_on_root(Write&& write) const;
    /// Per recorder: this process's samples (on several processes).
    std::vector<std::vector<double>> local_samples;

    Population& pop(PopulationId id, const char* what) {
        if (id >= pops.size())
            throw Error(
                fmt::format("{}: unknown population id {} (there are {})", what, id, pops.size()));
        return *pops[id];
    }
    const Population& pop(PopulationId id, const char* what) const {
        return const_cast<Impl*>(this)->pop(id, what);
    }
    void require_unbuilt(const char* what) const {
        if (built) throw Error(fmt::format("{}: the simulation is already built", what));
    }

    uint16_t constant_delay_steps(double delay_ms) const;
    uint16_t drawn_delay_steps(double delay_ms) const;
    void build_projection(uint32_t index);
    void place_populations();
    /// Per-synapse values of a projection (weights, delays) that are not one distribution.
    double pair_value(PairFunction f, const Population& source, const Population& target,
                      uint64_t s, uint64_t t, const std::array<double, 3>& period) const;
    void apply_initial_state(PopulationId id, uint32_t var);
    void prepare_run();
    void sample_states();

    std::vector<StateRecord> state_records;
    void do_step();
    void check_finite(double from_ms) const; ///< throws NonFiniteState
    std::vector<SpikePopulationView> spike_views() const;
    std::vector<ReportPopulationView> report_views(const std::vector<ReportEntry>& entries,
                                                   const Simulation& sim) const;
    std::vector<EdgePopulationView> edge_views(const std::vector<ProjectionId>& ids,
                                               const std::vector<std::vector<std::string>>& units,
                                               std::vector<SynapseTable>& tables,
                                               const Simulation& sim) const;
    void check_memory() const;
    void build();
    double expected_distance_synapses(const Projection& pr) const;
};

uint16_t Simulation::Impl::constant_delay_steps(double delay_ms) const {
    const double dt = config.dt_ms;
    const double steps = std::round(delay_ms / dt);
    if (!(steps >= 1.0))
        throw Error(
            fmt::format("delay {} ms is shorter than the time step dt = {} ms", delay_ms, dt));
    if (steps > double(max_delay_steps))
        throw Error(fmt::format("delay {} ms is {} steps of dt = {} ms; at most {} are supported",
                                delay_ms, steps, dt, max_delay_steps));
    return uint16_t(steps);
}

uint16_t Simulation::Impl::drawn_delay_steps(double delay_ms) const {
    const double steps = std::round(delay_ms / config.dt_ms);
    if (!(steps >= 1.0)) return 1;
    if (steps > double(max_delay_steps))
        throw Error(fmt::format("drawn delay {} ms is {} steps of dt = {} ms; at most {} are "
                                "supported",
                                delay_ms, steps, config.dt_ms, max_delay_steps));
    return uint16_t(steps);
}

void Simulation::Impl::build_projection(uint32_t index) {
    Projection& proj = projections[index];
    const ProjectionSpec& spec = proj.spec;
    const Population& source = *pops[spec.source];
    const Population& target = *pops[spec.target];
    const uint64_t seed = config.seed;

    // A plastic synapse's weight is its state; the table holds none.
    UniformOr weight = spec.synapse_model ? UniformOr{true, 0.0}
                                          : UniformOr{spec.weight.is_constant(), spec.weight.a};
    UniformOr delay{spec.delay_ms.is_constant(), 0.0};

    // Connector-specific values per synapse: from a list, or functions of the geometry.
    const Connector::Pairs* list =
        spec.connector.kind == Connector::Kind::List ? spec.connector.list.get() : nullptr;
    const bool weight_from_list = list && !list->weights.empty();
    const bool delay_from_list = list && !list->delays_ms.empty();
    if (weight_from_list || spec.weight_of_pair) weight.uniform = false;
    if (delay_from_list || spec.delay_ms_of_pair) delay.uniform = false;
    if (delay.uniform) delay.value = constant_delay_steps(spec.delay_ms.a);

    std::vector<uint64_t> list_rows;
    // Only projections that depend on the geometry care how distances wrap.
    const bool uses_geometry = spec.connector.kind == Connector::Kind::DistanceProbability ||
                               spec.weight_of_pair || spec.delay_ms_of_pair;
    const std::array<double, 3> period =
        uses_geometry ? wrap_extent(source.spec.positions, target.spec.positions)
                      : std::array<double, 3>{};
    // The connector sees the two ranges as populations of their own; its indices are then
    // moved to the neurons' places in their populations.
    const NeuronRange& from = spec.source_neurons;
    const NeuronRange& to = spec.target_neurons;
    const uint64_t n_from = from.count_in(source.size()), n_to = to.count_in(target.size());
    const auto points_of = [](const std::vector<Point>& points, uint64_t first, uint64_t n) {
        return points.empty() ? std::span<const Point>()
                              : std::span<const Point>(points).subspan(first, n);
    };
    // Only the targets of this process: within the range, those whose population index is
    // target.local.first modulo the stride.
    TargetSelection selected;
    if (several()) {
        selected.stride = target.local.stride;
        selected.first =
            (target.local.first + selected.stride - to.first % selected.stride) % selected.stride;
    }
    TargetLists lists =
        connect(spec.connector, n_from, n_to, spec.source == spec.target && from == to,
                RngKey(seed, RngPurpose::Connectivity, index),
                {points_of(source.points, from.first, n_from),
                 points_of(target.points, to.first, n_to), period},
                &list_rows, selected);
    if (!from.whole() || !to.whole())
        lists = place_in_populations(lists, from.first, to.first, target.size());
    // From here on, t is a local target index; draws are keyed by its population index.
    if (several()) lists = keep_local_targets(lists, target.local, list_rows);
    const LocalNeurons& local = target.local;

    const RngKey weight_key(seed, RngPurpose::Weight, index);
    const RngKey delay_key(seed, RngPurpose::Delay, index);
    const auto source_of = [&](uint64_t t, uint64_t q) {
        return lists.sources[lists.offsets[t] + q];
    };
    const auto weight_at = [&](uint64_t t, uint64_t q) {
        if (weight_from_list) return float(list->weights[list_rows[lists.offsets[t] + q]]);
        if (spec.weight_of_pair)
            return float(pair_value(spec.weight_of_pair, source, target, source_of(t, q),
                                    local.global(t), period));
        CounterRng rng(weight_key, local.global(t), q);
        return float(draw(spec.weight, rng));
    };
    const auto delay_at = [&](uint64_t t, uint64_t q) {
        if (delay_from_list)
            return constant_delay_steps(list->delays_ms[list_rows[lists.offsets[t] + q]]);
        if (spec.delay_ms_of_pair)
            return constant_delay_steps(pair_value(spec.delay_ms_of_pair, source, target,
                                                   source_of(t, q), local.global(t), period));
        CounterRng rng(delay_key, local.global(t), q);
        return drawn_delay_steps(draw(spec.delay_ms, rng));
    };
    proj.table = ConnectionTable::build(source.size(), lists, weight, delay, weight_at, delay_at);
    if (spec.synapse_model) {
        const auto key_of = [&](uint32_t j) {
            return RngKey(seed, RngPurpose::SynapseState, (uint64_t(index) << 32) | j);
        };
        proj.plastic.emplace(*spec.synapse_model, proj.table, lists, local, key_of, draw);
    }
}

double Simulation::Impl::pair_value(PairFunction f, const Population& source,
                                    const Population& target, uint64_t s, uint64_t t,
                                    const std::array<double, 3>& period) const {
    if (source.points.size() != source.size() || target.points.size() != target.size())
        throw Error(fmt::format("a weight or delay of the projection {} -> {} depends on the "
                                "positions of its neurons, which are not given",
                                source.spec.name, target.spec.name));
    double args[PairArgument::count];
    pair_arguments(source.points[s], target.points[t], args, period);
    const double v = f(args);
    if (!std::isfinite(v))
        throw Error(fmt::format("a weight or delay of the projection {} -> {} is {} for source "
                                "{} and target {} at distance {} um",
                                source.spec.name, target.spec.name, v, s, t,
                                args[PairArgument::distance]));
    return v;
}

void Simulation::Impl::place_populations() {
    for (size_t id = 0; id < pops.size(); ++id) {
        Population& p = *pops[id];
        try {
            p.points = place_neurons(p.spec.positions, p.size(),
                                     RngKey(config.seed, RngPurpose::Position, id));
        } catch (const Error& e) {
            throw Error(fmt::format("positions of population '{}': {}", p.spec.name, e.what()));
        }
    }
}

void Simulation::Impl::apply_initial_state(PopulationId id, uint32_t var) {
    Population& p = *pops[id];
    const Distribution& d = *p.initial[var];
    std::vector<double>& values = p.state[var];
    if (d.is_constant()) {
        std::fill(values.begin(), values.end(), d.a);
        return;
    }
    const uint32_t stream = p.spec.state_streams.empty() ? var : p.spec.state_streams[var];
    const RngKey key(config.seed, RngPurpose::InitialState, (uint64_t(id) << 32) | stream);
    for (uint64_t i = 0; i < values.size(); ++i) {
        CounterRng rng(key, p.local.global(i));
        values[i] = draw(d, rng);
    }
}

void Simulation::Impl::sample_states() {
    for (size_t i = 0; i < state_records.size(); ++i) {
        StateRecord& r = state_records[i];
        if (step % r.interval_steps != 0) continue;
        if (r.samples == 0) r.start_ms = double(step) * config.dt_ms;
        ++r.samples;
        const Population& p = *pops[r.population];
        const std::vector<double>& v = p.state[r.state_index];
        if (!several()) {
            const auto from = v.begin() + std::ptrdiff_t(r.first);
            r.values.insert(r.values.end(), from, from + std::ptrdiff_t(r.count));
            continue;
        }
        const LocalRange mine = local_range(p.local, r.first, r.count);
        const auto from = v.begin() + std::ptrdiff_t(mine.first);
        local_samples[i].insert(local_samples[i].end(), from, from + std::ptrdiff_t(mine.count));
    }
}

void Simulation::Impl::prepare_run() {
    for (auto& pp : pops) {
        Population& p = *pp;
        if (p.size() > 0 && p.spec.update == nullptr)
            throw Error(fmt::format("population '{}' has no update kernel", p.spec.name));
        for (size_t j = 0; j < p.state.size(); ++j) {
            if (p.state[j].size() != p.n_local())
                throw Error(fmt::format("state variable '{}' of population '{}' has {} values "
                                        "for {} neurons",
                                        p.spec.state_names[j], p.spec.name, p.state[j].size(),
                                        p.n_local()));
            p.state_ptrs[j] = p.state[j].data();
        }
        for (size_t j = 0; j < p.input.size(); ++j)
            p.input_ptrs[j] = p.input[j].data();
    }
}

void Simulation::Impl::check_finite(double from_ms) const {
    for (PopulationId id = 0; id < pops.size(); ++id) {
        const Population& p = *pops[id];
        for (uint32_t j = 0; j < p.state.size(); ++j) {
            const auto& values = p.state[j];
            const auto bad = std::find_if(values.begin(), values.end(),
                                          [](double v) { return !std::isfinite(v); });
            if (bad == values.end()) continue;
            const uint64_t neuron = p.local.global(uint64_t(bad - values.begin()));
            const double to_ms = double(step) * config.dt_ms;
            throw NonFiniteState(fmt::format("state variable '{}' of neuron {} of population "
                                             "'{}' is {} (first seen between t = {:g} ms and "
                                             "{:g} ms)",
                                             p.spec.state_names[j], neuron, p.spec.name, *bad,
                                             from_ms, to_ms),
                                 id, j, neuron, from_ms, to_ms);
        }
    }
}

void Simulation::Impl::do_step() {
    const uint64_t k = step;

    // 1. Continuous inputs: the sum of the DC sources (and steps of step currents) that are
    // on in this step, plus each neuron's value of the noise sources; the arrays are
    // rewritten only when that changes.
    for (auto& pp : pops) {
        Population& p = *pp;
        for (size_t j = 0; j < p.input.size(); ++j) {
            // The input arrays change only when a window opens or closes or a noise source
            // draws anew.
            std::vector<char>& on = p.dc_on[j];
            bool changed = on.size() != p.dc[j].size();
            on.resize(p.dc[j].size());
            for (size_t w = 0; w < on.size(); ++w) {
                const char now = p.dc[j][w].start <= k && k < p.dc[j][w].stop;
                changed = changed || now != on[w];
                on[w] = now;
            }
            for (uint32_t s : p.noise[j])
                changed |= noise[s].update(k, RngKey(config.seed, RngPurpose::NoiseCurrent, s));
            if (!changed) continue;
            std::fill(p.input[j].begin(), p.input[j].end(), 0.0);
            for (size_t w = 0; w < on.size(); ++w) {
                if (!on[w]) continue;
                const DcWindow& win = p.dc[j][w];
                for (uint64_t i = win.first; i < win.first + win.count; ++i)
                    p.input[j][i] += win.amplitude;
            }
            for (uint32_t s : p.noise[j]) {
                const NoiseSource& src = noise[s];
                if (!src.on) continue;
                for (uint64_t i = 0; i < src.values.size(); ++i)
                    p.input[j][src.neurons_first + i] += src.values[i];
            }
        }
    }

    // 2. Poisson sources add to the current slot.
    for (uint32_t s = 0; s < poisson.size(); ++s) {
        const PoissonSource& src = poisson[s];
        const PoissonSampler& sampler = *src.sampler;
        if (sampler.mean() <= 0.0) continue;
        Population& p = *pops[src.spec.target];
        RingBuffer& ring = p.receptors[src.spec.receptor];
        double* slot = ring.slot(ring.slot_of(k));
        const double weight = src.spec.weight;
        const RngKey key(config.seed, RngPurpose::Poisson, s);
        const LocalRange r = local_range(p.local, src.spec.target_neurons.first,
                                         src.spec.target_neurons.count_in(p.size()));
        add_poisson_spikes(slot, sampler, key, p.local, r, k, weight);
    }

    // Spike-time sources: every neuron of the target range gets the spikes due in this step.
    for (SpikeTimesSource& src : spike_times) {
        if (src.next == src.slots.size() || src.slots[src.next].slot != k) continue;
        Population& p = *pops[src.spec.target];
        RingBuffer& ring = p.receptors[src.spec.receptor];
        double* slot = ring.slot(ring.slot_of(k));
        const double add = double(src.slots[src.next].count) * src.spec.weight;
        const LocalRange r = local_range(p.local, src.spec.target_neurons.first,
                                         src.spec.target_neurons.count_in(p.size()));
        for (uint64_t j = r.first; j < r.first + r.count; ++j)
            slot[j] += add;
        ++src.next;
    }

    // Poisson sources with a rate table: the sampler follows the window of this step.
    for (uint32_t s = 0; s < inhomogeneous_poisson.size(); ++s) {
        InhomogeneousPoissonSource& src = inhomogeneous_poisson[s];
        while (src.window < src.rates.size() && src.rates[src.window].last <= k)
            ++src.window;
        if (src.window == src.rates.size() || src.rates[src.window].first > k) continue;
        const double mean = src.rates[src.window].value * config.dt_ms * 1e-3;
        if (mean <= 0.0) continue;
        if (!src.sampler || src.sampler->mean() != mean) src.sampler.emplace(mean);
        Population& p = *pops[src.spec.target];
        RingBuffer& ring = p.receptors[src.spec.receptor];
        double* slot = ring.slot(ring.slot_of(k));
        const double weight = src.spec.weight;
        const RngKey key(config.seed, RngPurpose::InhomogeneousPoisson, s);
        const LocalRange r = local_range(p.local, src.spec.target_neurons.first,
                                         src.spec.target_neurons.count_in(p.size()));
        add_poisson_spikes(slot, *src.sampler, key, p.local, r, k, weight);
    }

    // 3. Kernels; their spikes wait in local_spikes for the end of the exchange interval.
    for (auto& pp : pops) {
        Population& p = *pp;
        p.n_spiked = 0;
        const uint64_t n = p.n_local();
        if (n > 0) {
            for (size_t r = 0; r < p.receptors.size(); ++r)
                p.receptor_ptrs[r] = p.receptors[r].slot(p.receptors[r].slot_of(k));
            const nncrt_kernel_args args{n,
                                         p.state_ptrs.data(),
                                         p.input_ptrs.data(),
                                         p.receptor_ptrs.data(),
                                         p.spiked.data(),
                                         &p.n_spiked};
            p.spec.update(&args);
            if (p.n_spiked > n)
                throw Error(fmt::format("the kernel of population '{}' reported {} spikes for {} "
                                        "neurons",
                                        p.spec.name, p.n_spiked, n));
            for (uint64_t i = 0; i < p.n_spiked; ++i)
                if (p.spiked[i] >= n)
                    throw Error(fmt::format("the kernel of population '{}' reported a spike of "
                                            "neuron {} of {}",
                                            p.spec.name, p.spiked[i], n));
        }
        local_spikes.add(p.spiked.data(), p.n_spiked);
    }
    ++local_spikes.steps;

    // 7. The current slot has been read; it becomes the slot of step k + L.
    for (auto& pp : pops)
        for (RingBuffer& ring : pp->receptors)
            ring.clear_slot(ring.slot_of(k));

    ++step;
}

void Simulation::Impl::deliver_interval(const IntervalSpikes& all) {
    const size_t n_pops = pops.size();
    for (uint64_t s = 0; s < all.steps; ++s) {
        const uint64_t k = all.first_step + s;
        const double spike_time = double(k + 1) * config.dt_ms;
        // 4. Spikes are counted and recorded.
        for (size_t id = 0; id < n_pops; ++id) {
            const auto spikes = all.of(s, id, n_pops);
            pops[id]->recorder.add(spike_time, spikes.data(), spikes.size());
        }
        // 5. Plastic synapses: postsynaptic spikes due now reach their synapses (before any
        // presynaptic spike of this step does), and this step's are sent on their way; they
        // are the targets' own, by local index.
        for (Projection& pr : projections)
            if (pr.plastic) pr.plastic->arrive(k, spike_time);
        for (size_t id = 0; id < n_pops; ++id) {
            const auto spikes = local_spikes.of(s, id, n_pops);
            for (uint32_t proj : pops[id]->incoming_post) {
                Projection& pr = projections[proj];
                pr.plastic->postsynaptic(pr.table, k, spikes.data(), spikes.size());
            }
        }
        // 6. Delivery into future slots: the slot of step k + d, d >= exchange_steps, has not
        // been read yet.
        for (size_t id = 0; id < n_pops; ++id) {
            const auto spikes = all.of(s, id, n_pops);
            if (spikes.empty()) continue;
            for (uint32_t proj : pops[id]->outgoing) {
                Projection& pr = projections[proj];
                RingBuffer& ring = pops[pr.spec.target]->receptors[pr.spec.receptor];
                if (pr.plastic)
                    pr.plastic->presynaptic(pr.table, ring, k, spike_time, spikes.data(),
                                            spikes.size());
                else
                    deliver_spikes(pr.table, ring, k, spikes.data(), spikes.size());
            }
        }
    }
}

void Simulation::Impl::agree_on_failure(const std::string& mine) const {
    const std::string agreed = exchanging() ? parallel->agreed_failure(mine) : mine;
    if (!agreed.empty()) throw_failure(agreed);
}

void Simulation::Impl::merge_exchanged(const std::vector<uint32_t>& all,
                                       const std::vector<uint64_t>& counts) {
    // Each process sent: a failure flag, then per step and population the number of spikes
    // and their population indices, in increasing order. Merged, a step's spikes of a
    // population are in increasing order, as one process's kernel lists them.
    const size_t n_pops = pops.size();
    std::vector<uint64_t> cursor(counts.size());
    for (size_t r = 0, at = 0; r < counts.size(); at += counts[r], ++r)
        cursor[r] = at + 1;
    all_spikes.start(local_spikes.first_step);
    all_spikes.steps = local_spikes.steps;
    for (uint64_t s = 0; s < local_spikes.steps; ++s)
        for (size_t p = 0; p < n_pops; ++p) {
            const size_t from = all_spikes.ids.size();
            for (uint64_t& c : cursor) {
                const uint32_t n = all[c];
                all_spikes.ids.insert(all_spikes.ids.end(), all.begin() + std::ptrdiff_t(c + 1),
                                      all.begin() + std::ptrdiff_t(c + 1 + n));
                c += 1 + n;
            }
            std::sort(all_spikes.ids.begin() + std::ptrdiff_t(from), all_spikes.ids.end());
            all_spikes.offsets.push_back(all_spikes.ids.size());
        }
}

void Simulation::Impl::stop_interval(uint64_t interval_end) {
    const size_t n_pops = pops.size();
    // A fault within a step leaves the populations before it listed: they are dropped.
    stopped_after = local_spikes.steps;
    local_spikes.offsets.resize(size_t(local_spikes.steps) * n_pops + 1);
    local_spikes.ids.resize(local_spikes.offsets.back());
    while (local_spikes.first_step + local_spikes.steps < interval_end) {
        for (size_t id = 0; id < n_pops; ++id)
            local_spikes.add(nullptr, 0);
        ++local_spikes.steps;
    }
}

void Simulation::Impl::exchange_and_deliver() {
    if (!several()) {
        // One process: its spikes are everyone's, and a fault is thrown at once (after what
        // was recorded before it is in).
        deliver_interval(local_spikes);
        local_spikes.start(step);
        if (!failure.empty()) throw_failure(std::exchange(failure, {}));
        return;
    }
    if (!exchanging())
        throw Error(fmt::format("process {} of {} was built alone and cannot run", rank, ranks));
    const size_t n_pops = pops.size();
    send_buffer.clear();
    // First word: 0, or 1 + the steps done before a fault stopped this process.
    send_buffer.push_back(failure.empty() ? 0 : uint32_t(1 + stopped_after));
    for (uint64_t s = 0; s < local_spikes.steps; ++s)
        for (size_t id = 0; id < n_pops; ++id) {
            const auto spikes = local_spikes.of(s, id, n_pops);
            send_buffer.push_back(uint32_t(spikes.size()));
            for (uint32_t j : spikes)
                send_buffer.push_back(uint32_t(pops[id]->local.global(j)));
        }
    std::vector<uint64_t> counts;
    const std::vector<uint32_t> all = parallel->all_gather(send_buffer, counts);
    // After a fault, every process stops where the first one did: the steps after it are
    // neither delivered nor recorded, nor are the samples taken in them kept.
    uint64_t steps_done = local_spikes.steps;
    bool any_failed = false;
    for (size_t r = 0, at = 0; r < counts.size(); at += counts[r], ++r)
        if (all[at] != 0) {
            any_failed = true;
            steps_done = std::min<uint64_t>(steps_done, all[at] - 1);
        }
    merge_exchanged(all, counts);
    all_spikes.steps = local_spikes.steps = steps_done;
    deliver_interval(all_spikes);
    if (any_failed) {
        const uint64_t stopped = local_spikes.first_step + steps_done;
        for (size_t i = 0; i < state_records.size(); ++i) {
            StateRecord& r = state_records[i];
            const uint64_t dropped = step / r.interval_steps - stopped / r.interval_steps;
            const Population& p = *pops[r.population];
            const uint64_t per_sample = local_range(p.local, r.first, r.count).count;
            r.samples -= dropped;
            local_samples[i].resize(local_samples[i].size() - dropped * per_sample);
        }
        step = stopped;
    }
    local_spikes.start(step);
    if (any_failed) agree_on_failure(std::exchange(failure, {}));
}

Simulation::Simulation(SimulationConfig config) : impl_(std::make_unique<Impl>()) {
    if (!(config.dt_ms > 0.0) || !std::isfinite(config.dt_ms))
        throw Error(fmt::format("time step dt = {} ms must be positive", config.dt_ms));
    impl_->config = config;
    if (config.parallel) {
        impl_->parallel = config.parallel;
        impl_->rank = uint64_t(config.parallel->rank());
        impl_->ranks = uint64_t(config.parallel->size());
    }
}

Simulation::~Simulation() = default;

PopulationId Simulation::add_population(PopulationSpec spec) {
    impl_->require_unbuilt("add_population");
    if (spec.size > rng_max_index)
        throw Error(fmt::format("population '{}' has {} neurons; at most {} are supported",
                                spec.name, spec.size, rng_max_index));
    if (impl_->pops.size() >= std::numeric_limits<uint32_t>::max())
        throw Error("too many populations");
    if (!spec.state_streams.empty() && spec.state_streams.size() != spec.state_names.size())
        throw Error(fmt::format("population '{}' has {} state variables but {} state streams",
                                spec.name, spec.state_names.size(), spec.state_streams.size()));
    auto p = std::make_unique<Population>();
    p->first_global_id = impl_->next_global_id;
    p->local = LocalNeurons::of(p->first_global_id, spec.size, impl_->rank, impl_->ranks);
    impl_->next_global_id += spec.size;
    const uint64_t n = p->local.count;
    p->state.assign(spec.state_names.size(), std::vector<double>(n, 0.0));
    p->input.assign(spec.input_names.size(), std::vector<double>(n, 0.0));
    p->initial.resize(spec.state_names.size());
    p->dc.resize(spec.input_names.size());
    p->dc_on.assign(spec.input_names.size(), {});
    p->noise.resize(spec.input_names.size());
    p->state_ptrs.resize(spec.state_names.size(), nullptr);
    p->input_ptrs.resize(spec.input_names.size(), nullptr);
    p->receptor_ptrs.resize(spec.receptor_names.size(), nullptr);
    p->spec = std::move(spec);
    impl_->pops.push_back(std::move(p));
    return PopulationId(impl_->pops.size() - 1);
}

void Simulation::set_initial_state(PopulationId pop, uint32_t state_index, Distribution value) {
    Population& p = impl_->pop(pop, "set_initial_state");
    if (state_index >= p.state.size())
        throw Error(fmt::format("set_initial_state: population '{}' has {} state variables, no "
                                "index {}",
                                p.spec.name, p.state.size(), state_index));
    check_distribution(value, fmt::format("initial value of '{}.{}'", p.spec.name,
                                          p.spec.state_names[state_index]));
    p.initial[state_index] = value;
    if (impl_->built) impl_->apply_initial_state(pop, state_index);
}

ProjectionId Simulation::add_projection(const ProjectionSpec& spec) {
    impl_->require_unbuilt("add_projection");
    const Population& source = impl_->pop(spec.source, "add_projection (source)");
    const Population& target = impl_->pop(spec.target, "add_projection (target)");
    const std::string what = fmt::format("projection {} -> {}", source.spec.name, target.spec.name);
    if (spec.receptor >= target.spec.receptor_names.size())
        throw Error(fmt::format("{}: receptor index {} out of range, population '{}' has {} "
                                "receptors",
                                what, spec.receptor, target.spec.name,
                                target.spec.receptor_names.size()));
    const Connector& c = spec.connector;
    if (c.kind == Connector::Kind::FixedProbability &&
        !(c.probability >= 0.0 && c.probability <= 1.0))
        throw Error(
            fmt::format("{}: connection probability {} is not in [0, 1]", what, c.probability));
    if (c.kind == Connector::Kind::DistanceProbability && !c.probability_of_pair)
        throw Error(what + ": a distance-dependent connector needs its probability function");
    if (c.kind == Connector::Kind::List && !c.list)
        throw Error(what + ": a list connector needs its list");
    check_distribution(spec.weight, what + ": weight");
    check_distribution(spec.delay_ms, what + ": delay");
    check_range(spec.source_neurons, source, "add_projection (source)");
    check_range(spec.target_neurons, target, "add_projection (target)");
    if (spec.source == spec.target && !(spec.source_neurons == spec.target_neurons) &&
        !c.allow_autapses) {
        const uint64_t s0 = spec.source_neurons.first,
                       s1 = s0 + spec.source_neurons.count_in(source.size());
        const uint64_t t0 = spec.target_neurons.first,
                       t1 = t0 + spec.target_neurons.count_in(target.size());
        if (s0 < t1 && t0 < s1)
            throw Error(fmt::format("{}: without autapses, the source and target neurons must be "
                                    "the same range or apart, not [{}, {}) and [{}, {})",
                                    what, s0, s1, t0, t1));
    }
    if (const auto& m = spec.synapse_model) {
        if (!m->on_pre) throw Error(what + ": a plastic synapse model needs an `on pre` kernel");
        if (m->initial.size() != m->state_names.size())
            throw Error(fmt::format("{}: {} synapse state variables but {} initial values", what,
                                    m->state_names.size(), m->initial.size()));
        if (m->delivered_state >= m->state_names.size())
            throw Error(fmt::format("{}: delivered state {} out of range ({} state variables)",
                                    what, m->delivered_state, m->state_names.size()));
        for (size_t j = 0; j < m->initial.size(); ++j)
            check_distribution(m->initial[j], fmt::format("{}: initial value of synapse state '{}'",
                                                          what, m->state_names[j]));
    }
    impl_->projections.push_back({spec, {}, std::nullopt});
    return ProjectionId(impl_->projections.size() - 1);
}

void Simulation::add_poisson(const PoissonSpec& spec) {
    impl_->require_unbuilt("add_poisson");
    const Population& target = impl_->pop(spec.target, "add_poisson");
    if (spec.receptor >= target.spec.receptor_names.size())
        throw Error(fmt::format("Poisson source on '{}': receptor index {} out of range ({} "
                                "receptors)",
                                target.spec.name, spec.receptor,
                                target.spec.receptor_names.size()));
    if (!(spec.rate_hz >= 0.0) || !std::isfinite(spec.rate_hz))
        throw Error(fmt::format("Poisson source on '{}': rate {} Hz must be >= 0", target.spec.name,
                                spec.rate_hz));
    if (!std::isfinite(spec.weight))
        throw Error(fmt::format("Poisson source on '{}': weight {} must be finite",
                                target.spec.name, spec.weight));
    check_range(spec.target_neurons, target, "add_poisson");
    impl_->poisson.push_back({spec, std::nullopt});
}

void Simulation::add_dc(const DcSpec& spec) {
    impl_->require_unbuilt("add_dc");
    const Population& target = impl_->pop(spec.target, "add_dc");
    if (spec.input >= target.spec.input_names.size())
        throw Error(fmt::format("DC source on '{}': input index {} out of range ({} inputs)",
                                target.spec.name, spec.input, target.spec.input_names.size()));
    if (!std::isfinite(spec.amplitude) || std::isnan(spec.start_ms) || std::isnan(spec.stop_ms))
        throw Error(fmt::format("DC source on '{}': amplitude, start and stop must be numbers",
                                target.spec.name));
    check_range(spec.target_neurons, target, "add_dc");
    impl_->dc.push_back(spec);
}

namespace {

std::string receptor_check(const PopulationSpec& target, uint32_t receptor, double weight) {
    if (receptor >= target.receptor_names.size())
        return fmt::format("receptor index {} out of range ({} receptors)", receptor,
                           target.receptor_names.size());
    if (!std::isfinite(weight)) return fmt::format("weight {} must be finite", weight);
    return {};
}

} // namespace

void Simulation::add_spike_times(const SpikeTimesSpec& spec) {
    impl_->require_unbuilt("add_spike_times");
    const Population& target = impl_->pop(spec.target, "add_spike_times");
    const std::string what = fmt::format("spike times into '{}'", target.spec.name);
    if (auto bad = receptor_check(target.spec, spec.receptor, spec.weight); !bad.empty())
        throw Error(what + ": " + bad);
    spike_slots(spec.times_ms, impl_->config.dt_ms, what); // checks the times now
    check_range(spec.target_neurons, target, "add_spike_times");
    impl_->spike_times.push_back({spec, {}, 0});
}

void Simulation::add_step_current(const StepCurrentSpec& spec) {
    impl_->require_unbuilt("add_step_current");
    const Population& target = impl_->pop(spec.target, "add_step_current");
    const std::string what = fmt::format("step current into '{}'", target.spec.name);
    if (spec.input >= target.spec.input_names.size())
        throw Error(fmt::format("{}: input index {} out of range ({} inputs)", what, spec.input,
                                target.spec.input_names.size()));
    piecewise_windows(spec.times_ms, spec.amplitudes, spec.start_ms, spec.stop_ms,
                      impl_->config.dt_ms, what);
    check_range(spec.target_neurons, target, "add_step_current");
    impl_->step_currents.push_back(spec);
}

void Simulation::add_inhomogeneous_poisson(const InhomogeneousPoissonSpec& spec) {
    impl_->require_unbuilt("add_inhomogeneous_poisson");
    const Population& target = impl_->pop(spec.target, "add_inhomogeneous_poisson");
    const std::string what =
        fmt::format("Poisson source with a rate table on '{}'", target.spec.name);
    if (auto bad = receptor_check(target.spec, spec.receptor, spec.weight); !bad.empty())
        throw Error(what + ": " + bad);
    piecewise_windows(spec.times_ms, spec.rates_hz, spec.start_ms, spec.stop_ms,
                      impl_->config.dt_ms, what);
    for (size_t i = 0; i < spec.rates_hz.size(); ++i)
        if (spec.rates_hz[i] < 0.0)
            throw Error(fmt::format("{}: rate {} Hz from {} ms must be >= 0", what,
                                    spec.rates_hz[i], spec.times_ms[i]));
    check_range(spec.target_neurons, target, "add_inhomogeneous_poisson");
    impl_->inhomogeneous_poisson.push_back({spec, {}, 0, std::nullopt});
}

void Simulation::add_noise_current(const NoiseCurrentSpec& spec) {
    impl_->require_unbuilt("add_noise_current");
    const Population& target = impl_->pop(spec.target, "add_noise_current");
    const std::string what = fmt::format("noise current into '{}'", target.spec.name);
    if (spec.input >= target.spec.input_names.size())
        throw Error(fmt::format("{}: input index {} out of range ({} inputs)", what, spec.input,
                                target.spec.input_names.size()));
    if (!std::isfinite(spec.mean) || !std::isfinite(spec.std) || spec.std < 0.0)
        throw Error(fmt::format("{}: mean {} and standard deviation {} must be finite, the "
                                "deviation not negative",
                                what, spec.mean, spec.std));
    if (std::isnan(spec.start_ms) || std::isnan(spec.stop_ms) || spec.stop_ms < spec.start_ms)
        throw Error(
            fmt::format("{}: start {} ms and stop {} ms", what, spec.start_ms, spec.stop_ms));
    whole_steps(spec.interval_ms, impl_->config.dt_ms, what);
    check_range(spec.target_neurons, target, "add_noise_current");
    NoiseSource source;
    source.spec = spec;
    impl_->noise.push_back(std::move(source));
}

void Simulation::record_spikes(PopulationId pop, NeuronRange neurons) {
    Population& p = impl_->pop(pop, "record_spikes");
    check_range(neurons, p, "record_spikes");
    // Process 0 records the spikes of all processes (they are exchanged anyway).
    if (impl_->rank == 0) p.recorder.enable(neurons.first, neurons.count_in(p.size()));
}

uint64_t available_memory() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    uint64_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    return 0;
}

double Simulation::Impl::expected_distance_synapses(const Projection& pr) const {
    // The mean probability over a 32 x 32 sample of the pairs, times the number of pairs.
    const Population& source = *pops[pr.spec.source];
    const Population& target = *pops[pr.spec.target];
    const PairFunction p = pr.spec.connector.probability_of_pair;
    const uint64_t ns = source.size(), nt = target.size();
    if (!p || ns == 0 || nt == 0 || source.points.size() != ns || target.points.size() != nt)
        return 0.0;
    double sum = 0.0, args[PairArgument::count];
    int count = 0;
    std::array<double, 3> period{};
    try {
        period = wrap_extent(source.spec.positions, target.spec.positions);
    } catch (const Error&) {
        return 0.0; // reported when the projection is built
    }
    for (uint64_t i = 0; i < 32; ++i)
        for (uint64_t j = 0; j < 32; ++j) {
            pair_arguments(source.points[i * ns / 32], target.points[j * nt / 32], args, period);
            const double v = p(args);
            if (v > 0.0 && v <= 1.0) sum += v;
            ++count;
        }
    return sum / count * double(ns) * double(nt);
}

void Simulation::Impl::check_memory() const {
    // Expected synapses and their tables; while a projection is built its target lists
    // (4 bytes a synapse) exist beside the tables, so the largest one adds to the peak.
    double synapses = 0.0, bytes = 0.0, largest = 0.0;
    for (const Projection& pr : projections) {
        const double ns = double(pops[pr.spec.source]->size());
        const double nt = double(pops[pr.spec.target]->size());
        const Connector& c = pr.spec.connector;
        double n = 0.0;
        switch (c.kind) {
        case Connector::Kind::AllToAll:
            n = ns * nt;
            break;
        case Connector::Kind::OneToOne:
            n = std::min(ns, nt);
            break;
        case Connector::Kind::FixedProbability:
            n = c.probability * ns * nt;
            break;
        case Connector::Kind::FixedIndegree:
            n = double(c.indegree) * nt;
            break;
        case Connector::Kind::FixedOutdegree:
            n = double(c.outdegree) * ns;
            bytes += 8.0 * n; // the (source, target) pairs before they are grouped by target
            break;
        case Connector::Kind::FixedTotalNumber:
            n = double(c.total);
            break;
        case Connector::Kind::DistanceProbability:
            n = expected_distance_synapses(pr);
            break;
        case Connector::Kind::List:
            n = c.list ? double(c.list->sources.size()) : 0.0;
            break;
        }
        const bool weight_per_synapse = !pr.spec.weight.is_constant() || pr.spec.weight_of_pair ||
                                        (c.list && !c.list->weights.empty());
        const bool delay_per_synapse = !pr.spec.delay_ms.is_constant() ||
                                       pr.spec.delay_ms_of_pair ||
                                       (c.list && !c.list->delays_ms.empty());
        double per_synapse =
            4.0 + (weight_per_synapse ? 4.0 : 0.0) + (delay_per_synapse ? 2.0 : 0.0);
        if (const auto& m = pr.spec.synapse_model)
            per_synapse += 8.0 * double(m->state_names.size()) + (m->on_post ? 8.0 : 0.0);
        synapses += n;
        bytes += n * per_synapse + 8.0 * ns;
        largest = std::max(largest, n);
    }
    bytes += 4.0 * largest;
    const uint64_t available = available_memory();
    if (available != 0 && bytes > 0.9 * double(available))
        throw Error(fmt::format("the network has about {:.3g} synapses, which need about {:.1f} "
                                "GiB of memory; {:.1f} GiB are available",
                                synapses, bytes / 0x1p30, double(available) / 0x1p30));
}

StateRecorderId Simulation::record_state(PopulationId pop, uint32_t state_index, uint64_t first,
                                         uint64_t count, uint64_t interval_steps) {
    const Population& p = impl_->pop(pop, "record_state");
    if (state_index >= p.state.size())
        throw Error(fmt::format("record_state: population '{}' has {} state variables, no "
                                "index {}",
                                p.spec.name, p.state.size(), state_index));
    if (first > p.size() || count > p.size() - first || count == 0)
        throw Error(fmt::format("record_state: neurons [{}, {}) are not within population '{}' "
                                "of {} neurons",
                                first, first + count, p.spec.name, p.size()));
    if (interval_steps == 0) throw Error("record_state: the interval must be at least one step");
    StateRecord r;
    r.population = pop;
    r.state_index = state_index;
    r.first = first;
    r.count = count;
    r.interval_steps = interval_steps;
    impl_->state_records.push_back(std::move(r));
    impl_->local_samples.emplace_back();
    return StateRecorderId(impl_->state_records.size() - 1);
}

void Simulation::build() {
    Impl& m = *impl_;
    if (m.built) return;
    if (!m.exchanging()) {
        m.build();
        return;
    }
    // A connector or a computed weight may fail on one process only (it is about one of its
    // targets): all stop with that error, and none waits for the others in run().
    std::string failure;
    try {
        m.build();
    } catch (const Error& e) {
        failure = fmt::format("{:020}", 0) + encode_failure(e);
    }
    m.agree_on_failure(failure);
}

void Simulation::Impl::build() {
    Impl& m = *this;
    const double dt = m.config.dt_ms;

    m.place_populations();
    m.check_memory();
    try {
        for (uint32_t i = 0; i < m.projections.size(); ++i)
            m.build_projection(i);
    } catch (const std::bad_alloc&) {
        throw Error("out of memory while creating the synapses");
    }

    // Ring buffers: as many slots as the longest delay into the population, plus one.
    std::vector<uint32_t> max_delay(m.pops.size(), 0);
    for (uint32_t i = 0; i < m.projections.size(); ++i) {
        const Projection& pr = m.projections[i];
        max_delay[pr.spec.target] =
            std::max<uint32_t>(max_delay[pr.spec.target], pr.table.max_delay());
        m.pops[pr.spec.source]->outgoing.push_back(i);
        if (pr.plastic && pr.plastic->has_post())
            m.pops[pr.spec.target]->incoming_post.push_back(i);
    }
    for (size_t id = 0; id < m.pops.size(); ++id) {
        Population& p = *m.pops[id];
        p.receptors.clear();
        for (size_t r = 0; r < p.spec.receptor_names.size(); ++r)
            p.receptors.emplace_back(p.n_local(), max_delay[id]);
        p.spiked.assign(p.n_local(), 0);
        for (uint32_t j = 0; j < p.initial.size(); ++j)
            if (p.initial[j]) m.apply_initial_state(PopulationId(id), j);
    }

    for (const DcSpec& d : m.dc) {
        Population& p = *m.pops[d.target];
        const LocalRange r =
            local_range(p.local, d.target_neurons.first, d.target_neurons.count_in(p.size()));
        p.dc[d.input].push_back(
            {step_index(d.start_ms, dt), step_index(d.stop_ms, dt), d.amplitude, r.first, r.count});
    }

    for (PoissonSource& src : m.poisson)
        src.sampler.emplace(src.spec.rate_hz * dt * 1e-3);

    for (SpikeTimesSource& src : m.spike_times)
        src.slots = spike_slots(src.spec.times_ms, dt, "spike times");
    for (const StepCurrentSpec& c : m.step_currents) {
        Population& p = *m.pops[c.target];
        const LocalRange r =
            local_range(p.local, c.target_neurons.first, c.target_neurons.count_in(p.size()));
        for (const StepWindow& w :
             piecewise_windows(c.times_ms, c.amplitudes, c.start_ms, c.stop_ms, dt, "step current"))
            p.dc[c.input].push_back({w.first, w.last, w.value, r.first, r.count});
    }
    for (InhomogeneousPoissonSource& src : m.inhomogeneous_poisson)
        src.rates = piecewise_windows(src.spec.times_ms, src.spec.rates_hz, src.spec.start_ms,
                                      src.spec.stop_ms, dt, "Poisson rate table");
    for (uint32_t s = 0; s < m.noise.size(); ++s) {
        NoiseSource& src = m.noise[s];
        src.first = step_index(src.spec.start_ms, dt);
        src.last = step_index(src.spec.stop_ms, dt);
        src.interval_steps = whole_steps(src.spec.interval_ms, dt, "noise current");
        Population& p = *m.pops[src.spec.target];
        const LocalRange r = local_range(p.local, src.spec.target_neurons.first,
                                         src.spec.target_neurons.count_in(p.size()));
        src.neurons_first = r.first;
        src.neurons_count = r.count;
        src.local = p.local;
        p.noise[src.spec.input].push_back(s);
    }

    m.built = true;
}

void Simulation::run(double duration_ms, const ProgressFn& progress) {
    Impl& m = *impl_;
    const double dt = m.config.dt_ms;
    if (!(duration_ms >= 0.0) || !std::isfinite(duration_ms))
        throw Error(fmt::format("run: duration {} ms must be >= 0", duration_ms));
    build();
    const uint64_t steps = uint64_t(std::llround(duration_ms / dt));
    if (steps > rng_max_index - m.step)
        throw Error(
            fmt::format("run: {} steps would pass the limit of {} steps", steps, rng_max_index));
    m.prepare_run();
    for (Projection& pr : m.projections)
        if (pr.plastic) pr.plastic->resume();
    if (m.exchange_steps == 0) {
        // Spikes are exchanged (and delivered) every `shortest delay` steps: a spike sent in
        // one interval arrives in a later one.
        uint64_t shortest = std::numeric_limits<uint64_t>::max();
        for (const Projection& pr : m.projections)
            if (pr.table.synapse_count() > 0)
                shortest = std::min<uint64_t>(shortest, pr.table.min_delay());
        if (m.exchanging()) shortest = m.parallel->all_reduce_min(shortest);
        m.exchange_steps = shortest == std::numeric_limits<uint64_t>::max() ? 1 : shortest;
        m.local_spikes.start(m.step);
    }

    const uint64_t end = m.step + steps;
    const double end_ms = double(end) * dt;
    const uint64_t every = std::max<uint64_t>(1, steps / 100);
    uint64_t next_report = m.step + every;
    // States are checked for NaN and infinity every few steps rather than every step: the
    // scan costs as much as a kernel call, and the fault is still placed within this window.
    constexpr uint64_t finite_check_interval = 16;
    uint64_t last_check = m.step;
    while (m.step < end) {
        // A fault stops this process at once; the others hear of it at the exchange, and all
        // stop there with it.
        try {
            m.do_step();
            m.sample_states();
            if (m.step % finite_check_interval == 0 || m.step == end) {
                m.check_finite(double(last_check) * dt);
                last_check = m.step;
            }
        } catch (const std::exception& e) {
            // One process alone stops as it always has; on several, the others must hear.
            if (!m.several() && !dynamic_cast<const Error*>(&e)) throw;
            // Prefixed with the step, so that the failure agreed on is the earliest.
            const bool out_of_memory = dynamic_cast<const std::bad_alloc*>(&e) != nullptr;
            m.failure = fmt::format("{:020}", m.step) +
                        (dynamic_cast<const Error*>(&e)
                             ? encode_failure(e)
                             : encode_failure(Error(out_of_memory ? "out of memory" : e.what())));
            // The others step on to the end of the interval: this process sends them no
            // spikes for the steps it does not do, so that the exchanges line up.
            if (m.several())
                m.stop_interval(std::min(m.local_spikes.first_step + m.exchange_steps, end));
        }
        if (!m.failure.empty() || m.step == end ||
            m.step - m.local_spikes.first_step >= m.exchange_steps)
            m.exchange_and_deliver();
        if (progress && (m.step >= next_report || m.step == end)) {
            progress(double(m.step) * dt, end_ms);
            next_report = m.step + every;
        }
    }
    // Plastic synapses are brought up to date, so that their state can be read as of now.
    for (Projection& pr : m.projections)
        if (pr.plastic) pr.plastic->advance_all(end_ms);
}

void Simulation::set_update_kernel(PopulationId pop, nncrt_update_fn update) {
    if (update == nullptr) throw Error("set_update_kernel: no kernel given");
    impl_->pop(pop, "set_update_kernel").spec.update = update;
}

void Simulation::continue_from(const Simulation& previous) {
    Impl& m = *impl_;
    const Impl& old = *previous.impl_;
    build();
    if (!old.built) throw Error("continue_from: the previous simulation was never built");
    const auto mismatch = [](const std::string& what) {
        throw Error("continue_from: " + what + " of the previous network differs");
    };
    if (old.config.dt_ms != m.config.dt_ms || old.config.seed != m.config.seed)
        mismatch("the time step or the seed");
    if (old.pops.size() > m.pops.size() || old.projections.size() > m.projections.size() ||
        old.poisson.size() > m.poisson.size() || old.spike_times.size() > m.spike_times.size() ||
        old.inhomogeneous_poisson.size() > m.inhomogeneous_poisson.size() ||
        old.noise.size() > m.noise.size() || old.state_records.size() > m.state_records.size())
        mismatch("the number of populations, projections, generators or recorders");
    for (size_t id = 0; id < old.pops.size(); ++id) {
        const Population& from = *old.pops[id];
        Population& to = *m.pops[id];
        if (from.spec.name != to.spec.name || from.size() != to.size() ||
            from.spec.state_names != to.spec.state_names ||
            from.spec.receptor_names != to.spec.receptor_names)
            mismatch(fmt::format("population '{}'", to.spec.name));
        to.state = from.state;
        to.recorder = from.recorder;
        // Inputs are rewritten when their sources change; a source added here does that.
        to.input = from.input;
        if (to.dc_on.size() == from.dc_on.size()) to.dc_on = from.dc_on;
        // Spikes in flight: the slots of the steps to come, wherever they lie in each ring.
        for (size_t r = 0; r < to.receptors.size(); ++r) {
            const RingBuffer& ring_from = from.receptors[r];
            RingBuffer& ring_to = to.receptors[r];
            if (ring_to.slot_count() < ring_from.slot_count())
                mismatch(fmt::format("the longest delay into '{}'", to.spec.name));
            for (uint64_t k = old.step; k < old.step + ring_from.slot_count(); ++k)
                std::copy_n(ring_from.slot(ring_from.slot_of(k)), to.size(),
                            ring_to.slot(ring_to.slot_of(k)));
        }
    }
    for (size_t i = 0; i < old.projections.size(); ++i) {
        const Projection& from = old.projections[i];
        Projection& to = m.projections[i];
        if (from.spec.source != to.spec.source || from.spec.target != to.spec.target ||
            from.spec.receptor != to.spec.receptor || bool(from.plastic) != bool(to.plastic))
            mismatch(fmt::format("projection {}", i));
        to.table = from.table;
        if (to.plastic) to.plastic->take_state_of(*from.plastic);
    }
    for (size_t s = 0; s < old.spike_times.size(); ++s)
        m.spike_times[s].next = old.spike_times[s].next;
    for (size_t s = old.spike_times.size(); s < m.spike_times.size(); ++s) {
        SpikeTimesSource& src = m.spike_times[s]; // what was due before now is not sent
        while (src.next < src.slots.size() && src.slots[src.next].slot < old.step)
            ++src.next;
    }
    for (size_t s = 0; s < old.inhomogeneous_poisson.size(); ++s)
        m.inhomogeneous_poisson[s].window = old.inhomogeneous_poisson[s].window;
    for (size_t s = 0; s < old.noise.size(); ++s) {
        m.noise[s].values = old.noise[s].values;
        m.noise[s].on = old.noise[s].on;
        m.noise[s].interval = old.noise[s].interval;
    }
    for (size_t r = 0; r < old.state_records.size(); ++r) {
        const StateRecord& from = old.state_records[r];
        StateRecord& to = m.state_records[r];
        if (from.population != to.population || from.state_index != to.state_index ||
            from.first != to.first || from.count != to.count ||
            from.interval_steps != to.interval_steps)
            mismatch(fmt::format("state recorder {}", r));
        to.values = from.values;
        to.start_ms = from.start_ms;
    }
    m.step = old.step;
}

void Simulation::scale_weights(ProjectionId projection, double factor) {
    Impl& m = *impl_;
    if (projection >= m.projections.size())
        throw Error(fmt::format("scale_weights: unknown projection id {} (there are {})",
                                projection, m.projections.size()));
    if (!m.built) throw Error("scale_weights: the simulation is not built yet");
    if (!std::isfinite(factor)) throw Error("scale_weights: the factor must be finite");
    Projection& pr = m.projections[projection];
    if (pr.plastic)
        throw Error("scale_weights: the weights of a plastic projection are its synapses' state");
    pr.table.scale_weights(factor);
}

double Simulation::dt_ms() const {
    return impl_->config.dt_ms;
}
uint64_t Simulation::steps_done() const {
    return impl_->step;
}
double Simulation::time_ms() const {
    return double(impl_->step) * impl_->config.dt_ms;
}

size_t Simulation::population_count() const {
    return impl_->pops.size();
}

const PopulationSpec& Simulation::population_spec(PopulationId pop) const {
    return impl_->pop(pop, "population_spec").spec;
}

const std::vector<double>& Simulation::state(PopulationId pop, uint32_t state_index) const {
    const Population& p = impl_->pop(pop, "state");
    if (state_index >= p.state.size())
        throw Error(fmt::format("state: population '{}' has {} state variables, no index {}",
                                p.spec.name, p.state.size(), state_index));
    return p.state[state_index];
}

std::vector<double>& Simulation::state(PopulationId pop, uint32_t state_index) {
    const auto& self = *this;
    return const_cast<std::vector<double>&>(self.state(pop, state_index));
}

void Simulation::discard_recordings() {
    for (auto& p : impl_->pops)
        p->recorder.clear();
    for (StateRecord& r : impl_->state_records) {
        r.values = {};
        r.start_ms = 0.0;
        r.samples = 0;
    }
    for (auto& samples : impl_->local_samples)
        samples.clear();
}

uint64_t Simulation::spike_count(PopulationId pop) const {
    return impl_->pop(pop, "spike_count").recorder.count();
}

const SpikeRecord& Simulation::recorded_spikes(PopulationId pop) const {
    return impl_->pop(pop, "recorded_spikes").recorder.spikes();
}

ConnectionStats Simulation::connection_stats() const {
    ConnectionStats stats;
    if (!impl_->built) return stats;
    for (const Projection& pr : impl_->projections) {
        stats.synapses += pr.table.synapse_count();
        if (pr.plastic) stats.plastic_synapses += pr.table.synapse_count();
        stats.bytes += pr.table.bytes() + (pr.plastic ? pr.plastic->bytes() : 0);
    }
    if (impl_->exchanging()) {
        stats.synapses = impl_->parallel->all_reduce_sum(stats.synapses);
        stats.plastic_synapses = impl_->parallel->all_reduce_sum(stats.plastic_synapses);
        stats.bytes = impl_->parallel->all_reduce_sum(stats.bytes);
    }
    return stats;
}

LocalNeurons Simulation::local_neurons(PopulationId pop) const {
    return impl_->pop(pop, "local_neurons").local;
}

int Simulation::process_count() const {
    return int(impl_->ranks);
}

int Simulation::process_rank() const {
    return int(impl_->rank);
}

size_t Simulation::projection_count() const {
    return impl_->projections.size();
}

uint64_t Simulation::synapse_count(ProjectionId projection) const {
    if (projection >= impl_->projections.size())
        throw Error(fmt::format("no projection {}", projection));
    return impl_->projections[projection].table.synapse_count();
}

bool Simulation::projection_is_plastic(ProjectionId projection) const {
    if (projection >= impl_->projections.size())
        throw Error(fmt::format("no projection {}", projection));
    return impl_->projections[projection].spec.synapse_model.has_value();
}

const std::vector<double>& Simulation::synapse_state(ProjectionId projection, uint32_t j) const {
    if (!projection_is_plastic(projection))
        throw Error(fmt::format("synapse_state: projection {} has static synapses", projection));
    const Projection& pr = impl_->projections[projection];
    if (!pr.plastic) throw Error("synapse_state: the simulation is not built yet");
    if (j >= pr.plastic->spec().state_names.size())
        throw Error(fmt::format("synapse_state: projection {} has {} synapse state variables, no "
                                "index {}",
                                projection, pr.plastic->spec().state_names.size(), j));
    return pr.plastic->state(j);
}

SynapseTable Simulation::synapse_table(ProjectionId projection) const {
    if (projection >= impl_->projections.size())
        throw Error(fmt::format("no projection {}", projection));
    if (!impl_->built) throw Error("synapse_table: the simulation is not built yet");
    const Projection& pr = impl_->projections[projection];
    const ConnectionTable& t = pr.table;
    const LocalNeurons& targets = impl_->pops[pr.spec.target]->local;
    SynapseTable out;
    const uint64_t n = t.synapse_count();
    out.sources.reserve(n);
    out.targets.reserve(n);
    out.delays_ms.reserve(n);
    for (uint64_t src = 0; src < t.source_count(); ++src)
        for (uint64_t s = t.row_begin(src); s < t.row_end(src); ++s) {
            out.sources.push_back(src);
            out.targets.push_back(targets.global(t.target(s)));
            out.delays_ms.push_back(double(t.delay(s)) * impl_->config.dt_ms);
        }
    if (pr.plastic) {
        out.state_names = pr.plastic->spec().state_names;
        for (uint32_t j = 0; j < out.state_names.size(); ++j)
            out.states.push_back(pr.plastic->state(j));
    } else {
        out.state_names = {"weight"};
        std::vector<double> w(n);
        for (uint64_t s = 0; s < n; ++s)
            w[s] = t.weight(s);
        out.states.push_back(std::move(w));
    }
    return out;
}

std::vector<EdgePopulationView>
Simulation::Impl::edge_views(const std::vector<ProjectionId>& ids,
                             const std::vector<std::vector<std::string>>& state_units,
                             std::vector<SynapseTable>& tables, const Simulation& sim) const {
    if (state_units.size() != ids.size())
        throw Error("writing synapses: one list of units per projection is needed");
    std::vector<EdgePopulationView> views;
    tables.clear();
    tables.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
        tables.push_back(several() ? gather_synapse_table(ids[i], sim) : sim.synapse_table(ids[i]));
        const ProjectionSpec& spec = projections[ids[i]].spec;
        views.push_back({pops[spec.source]->spec.name, pops[spec.target]->spec.name, &tables.back(),
                         state_units[i]});
    }
    return views;
}

std::vector<ReportPopulationView>
Simulation::Impl::report_views(const std::vector<ReportEntry>& entries,
                               const Simulation& sim) const {
    std::vector<ReportPopulationView> views;
    for (const ReportEntry& e : entries) {
        const StateRecord& r = sim.recorded_state(e.recorder);
        views.push_back({pops[r.population]->spec.name, &r, e.units});
    }
    return views;
}

std::vector<SpikePopulationView> Simulation::Impl::spike_views() const {
    std::vector<SpikePopulationView> views;
    for (const auto& p : pops)
        if (p->recorder.enabled()) views.push_back({p->spec.name, &p->recorder.spikes()});
    return views;
}

void Simulation::write_synapses_hdf5(
    const std::string& path, const std::vector<ProjectionId>& projections,
    const std::vector<std::vector<std::string>>& state_units) const {
    std::vector<SynapseTable> tables;
    const auto views = impl_->edge_views(projections, state_units, tables, *this);
    impl_->write_on_root([&] { write_sonata_edges(path, views); });
}

void Simulation::write_synapses_csv(
    const std::string& path, const std::vector<ProjectionId>& projections,
    const std::vector<std::vector<std::string>>& state_units) const {
    std::vector<SynapseTable> tables;
    const auto views = impl_->edge_views(projections, state_units, tables, *this);
    impl_->write_on_root([&] { nncrt::write_synapses_csv(path, views); });
}

std::vector<SynapseView> Simulation::synapses(ProjectionId projection) const {
    if (projection >= impl_->projections.size())
        throw Error(fmt::format("synapses: unknown projection {}", projection));
    if (!impl_->built) throw Error("synapses: the simulation is not built yet");
    const Projection& pr = impl_->projections[projection];
    const ConnectionTable& table = pr.table;
    const LocalNeurons& targets = impl_->pops[pr.spec.target]->local;
    std::vector<SynapseView> out;
    out.reserve(table.synapse_count());
    for (uint64_t s = 0; s < table.source_count(); ++s)
        for (uint64_t k = table.row_begin(s); k < table.row_end(s); ++k)
            out.push_back({uint32_t(s), uint32_t(targets.global(table.target(k))), table.weight(k),
                           table.delay(k)});
    return out;
}

std::vector<Position> Simulation::positions(PopulationId pop) const {
    const Population& p = impl_->pop(pop, "positions");
    std::vector<Position> out;
    out.reserve(p.points.size());
    for (const Point& q : p.points)
        out.push_back({q.x, q.y, q.z, q.depth});
    return out;
}

size_t Simulation::state_recorder_count() const {
    return impl_->state_records.size();
}

const StateRecord& Simulation::recorded_state(StateRecorderId id) const {
    if (id >= impl_->state_records.size())
        throw Error(fmt::format("recorded_state: no state recorder {}", id));
    return impl_->state_records[id];
}

void Simulation::write_state_report_hdf5(const std::string& path,
                                         const std::vector<ReportEntry>& entries) const {
    const std::string problem = impl_->gather_state_records(entries);
    impl_->write_on_root([&] {
        if (!problem.empty()) throw Error(problem);
        write_sonata_report(path, impl_->report_views(entries, *this), impl_->config.dt_ms);
    });
}

void Simulation::write_state_report_csv(const std::string& path, const std::string& variable,
                                        const std::vector<ReportEntry>& entries) const {
    const std::string problem = impl_->gather_state_records(entries);
    impl_->write_on_root([&] {
        if (!problem.empty()) throw Error(problem);
        write_state_csv(path, variable, impl_->report_views(entries, *this), impl_->config.dt_ms);
    });
}

void Simulation::write_spikes_hdf5(const std::string& path) const {
    impl_->write_on_root([&] { write_sonata_spikes(path, impl_->spike_views()); });
}

void Simulation::write_spikes_csv(const std::string& path) const {
    impl_->write_on_root([&] { nncrt::write_spikes_csv(path, impl_->spike_views()); });
}

template <class Write>
void Simulation::Impl::write_on_root(Write&& write) const {
    if (!several()) {
        write();
        return;
    }
    if (!exchanging())
        throw Error(fmt::format("process {} of {} was built alone: its recordings cannot be "
                                "gathered and written",
                                rank, ranks));
    std::string write_failure;
    if (rank == 0) {
        try {
            write();
        } catch (const Error& e) {
            write_failure = e.what();
        } catch (const std::bad_alloc&) {
            write_failure = "out of memory while writing the output";
        }
    }
    const std::string agreed = parallel->agreed_failure(write_failure);
    if (!agreed.empty()) throw Error(agreed);
}

namespace {

/// Bytes in and out of a gather: arrays with their lengths.
template <class T>
void put_array(std::vector<unsigned char>& out, const std::vector<T>& v) {
    const uint64_t n = v.size();
    const auto* bytes = reinterpret_cast<const unsigned char*>(&n);
    out.insert(out.end(), bytes, bytes + sizeof n);
    const auto* data = reinterpret_cast<const unsigned char*>(v.data());
    out.insert(out.end(), data, data + n * sizeof(T));
}

template <class T>
std::vector<T> take_array(const unsigned char*& at) {
    uint64_t n = 0;
    std::memcpy(&n, at, sizeof n);
    at += sizeof n;
    std::vector<T> v(n);
    std::memcpy(v.data(), at, n * sizeof(T));
    at += n * sizeof(T);
    return v;
}

} // namespace

std::string Simulation::Impl::gather_state_records(const std::vector<ReportEntry>& entries) {
    if (!several() || !exchanging()) return {}; // one process, or write_on_root refuses
    std::string problem;
    for (const ReportEntry& e : entries) {
        if (e.recorder >= state_records.size())
            throw Error(fmt::format("recorded_state: no state recorder {}", e.recorder));
        StateRecord& r = state_records[e.recorder];
        const auto& mine = local_samples[e.recorder];
        const auto parts = parallel->gather_to_root(std::span<const unsigned char>(
            reinterpret_cast<const unsigned char*>(mine.data()), mine.size() * sizeof(double)));
        if (rank != 0) continue;
        // Sample s of neuron i (first <= i < first + count) comes from the process that
        // updates i, at its place among that process's recorded neurons.
        const Population& p = *pops[r.population];
        r.values.assign(r.samples * r.count, 0.0);
        for (uint64_t q = 0; q < ranks; ++q) {
            const LocalNeurons theirs = LocalNeurons::of(p.first_global_id, p.size(), q, ranks);
            const LocalRange range = local_range(theirs, r.first, r.count);
            const auto* values = reinterpret_cast<const double*>(parts[q].data());
            if (parts[q].size() != r.samples * range.count * sizeof(double)) {
                problem = fmt::format("process {} recorded {} values of {} samples of {} neurons",
                                      q, parts[q].size() / sizeof(double), r.samples, range.count);
                break;
            }
            for (uint64_t smp = 0; smp < r.samples; ++smp)
                for (uint64_t j = 0; j < range.count; ++j)
                    r.values[smp * r.count + theirs.global(range.first + j) - r.first] =
                        values[smp * range.count + j];
        }
    }
    return problem;
}

SynapseTable Simulation::Impl::gather_synapse_table(ProjectionId id, const Simulation& sim) const {
    const SynapseTable mine = sim.synapse_table(id);
    std::vector<unsigned char> bytes;
    put_array(bytes, mine.sources);
    put_array(bytes, mine.targets);
    put_array(bytes, mine.delays_ms);
    for (const auto& state : mine.states)
        put_array(bytes, state);
    const auto parts = parallel->gather_to_root(bytes);
    SynapseTable out;
    out.state_names = mine.state_names;
    out.states.resize(mine.states.size());
    if (rank != 0) return out;
    std::vector<SynapseTable> tables(parts.size());
    for (size_t q = 0; q < parts.size(); ++q) {
        const unsigned char* at = parts[q].data();
        tables[q].sources = take_array<uint64_t>(at);
        tables[q].targets = take_array<uint64_t>(at);
        tables[q].delays_ms = take_array<double>(at);
        for (size_t j = 0; j < mine.states.size(); ++j)
            tables[q].states.push_back(take_array<double>(at));
    }
    // The processes' tables are each ordered by source, then target; a target's synapses are
    // all on one process. Merged by (source, target), they are in the order of one process's.
    std::vector<size_t> next(tables.size(), 0);
    for (;;) {
        size_t best = tables.size();
        for (size_t q = 0; q < tables.size(); ++q) {
            if (next[q] == tables[q].sources.size()) continue;
            if (best == tables.size()) {
                best = q;
                continue;
            }
            const auto key = [&](size_t t) {
                return std::pair(tables[t].sources[next[t]], tables[t].targets[next[t]]);
            };
            if (key(q) < key(best)) best = q;
        }
        if (best == tables.size()) break;
        const SynapseTable& t = tables[best];
        const size_t i = next[best]++;
        out.sources.push_back(t.sources[i]);
        out.targets.push_back(t.targets[i]);
        out.delays_ms.push_back(t.delays_ms[i]);
        for (size_t j = 0; j < out.states.size(); ++j)
            out.states[j].push_back(t.states[j][i]);
    }
    return out;
}

} // namespace nncrt
