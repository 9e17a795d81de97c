// The runtime's C++ interface for whoever builds a network: the `nnc` driver
// (after JIT compilation) and, later, generated standalone programs.
//
// A Simulation is filled in with populations (each with its generated update
// kernel, see abi.h), projections, stimuli and recorders, then built (synapses
// are created, ring buffers sized) and run. All quantities are in nnc's
// canonical units: ms, mV, pA, pF, nS, with rates in Hz as given below.
// The runtime knows nothing of the compiler.
#pragma once

#include "nncrt/abi.h"
#include "nncrt/parallel.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nncrt {

/// A fault the user must hear about (bad configuration, unwritable file, ...).
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using PopulationId = uint32_t;

/// A state variable became NaN or infinite during run(). States are checked every few
/// steps, so the fault is placed within a window [from_ms, to_ms] of model time.
class NonFiniteState : public Error {
public:
    NonFiniteState(const std::string& message, PopulationId population_id, uint32_t state_variable,
                   uint64_t neuron_index, double window_from_ms, double window_to_ms)
        : Error(message), population(population_id), state_index(state_variable),
          neuron(neuron_index), from_ms(window_from_ms), to_ms(window_to_ms) {}

    PopulationId population;
    uint32_t state_index;
    uint64_t neuron;
    double from_ms;
    double to_ms;
};

using ProjectionId = uint32_t;

/// A value drawn independently per element (neuron, synapse), or a constant.
struct Distribution {
    /// Constant: a. Uniform: on [a, b). Normal: mean a, standard deviation b, redrawn until
    /// low <= x <= high (NEST's normal_clipped, PyNN's normal_clipped). LogNormal: exp of a
    /// normal with mean a and standard deviation b (NEST's and PyNN's mu and sigma).
    /// Exponential: mean a (the inverse of the rate).
    enum class Kind { Constant, Uniform, Normal, LogNormal, Exponential };
    Kind kind = Kind::Constant;
    double a = 0.0; ///< constant value | uniform low | normal mean | lognormal mu | mean
    double b = 0.0; ///< uniform high | normal standard deviation | lognormal sigma
    double low = -std::numeric_limits<double>::infinity(); ///< Normal: redraw below this
    double high = std::numeric_limits<double>::infinity(); ///< Normal: redraw above this

    static Distribution constant(double v) { return {Kind::Constant, v, 0.0}; }
    static Distribution uniform(double low, double high) { return {Kind::Uniform, low, high}; }
    static Distribution normal(double mean, double sd) { return {Kind::Normal, mean, sd}; }
    static Distribution normal_clipped(double mean, double sd, double low, double high) {
        return {Kind::Normal, mean, sd, low, high};
    }
    static Distribution lognormal(double mu, double sigma) { return {Kind::LogNormal, mu, sigma}; }
    static Distribution exponential(double mean) { return {Kind::Exponential, mean, 0.0}; }
    bool is_constant() const { return kind == Kind::Constant; }
};

/// The share of a normal distribution that lies within [d.low, d.high]: a clipped normal
/// whose share is below min_normal_share is refused, as it would redraw without end.
double normal_share_within_bounds(const Distribution& d);
inline constexpr double min_normal_share = 1e-6;

/// Some neurons of a population: first <= i < first + count. The default is all of them.
struct NeuronRange {
    static constexpr uint64_t all = UINT64_MAX;
    uint64_t first = 0;
    uint64_t count = all; ///< `all`: to the end of the population

    bool whole() const { return first == 0 && count == all; }
    /// The count for a population of `size` neurons.
    uint64_t count_in(uint64_t size) const { return count == all ? size - first : count; }
    bool operator==(const NeuronRange&) const = default;
};

/// A pure function compiled from the model, of the geometry of one (source, target) pair:
/// args[PairArgument::...], in canonical units. The runtime calls it per pair or synapse.
using PairFunction = double (*)(const double* args);

/// The arguments of a PairFunction, in this order.
namespace PairArgument {
inline constexpr uint32_t distance = 0;     ///< Euclidean distance source-target, um
inline constexpr uint32_t source_depth = 1; ///< normalised cortical depth of the source
inline constexpr uint32_t target_depth = 2; ///< normalised cortical depth of the target
inline constexpr uint32_t count = 3;
} // namespace PairArgument

/// Where the neurons of a population are, in um (x, y, z). y is the depth in a cortical
/// column. Distances are Euclidean; between two periodic populations of the same extent
/// they wrap around it (the nearest image, as NEST's `edge_wrap`).
struct Positions {
    enum class Kind {
        None,          ///< no positions: a projection cannot depend on distance
        Grid,          ///< neuron i at (i mod nx, (i / nx) mod ny, i / (nx ny)) * spacing
        RandomBox,     ///< uniform in [0, size[0]] x [0, size[1]] x [0, size[2]]
        CorticalDepth, ///< NetPyNE: normalised depth uniform in [depth_from, depth_to],
                       ///< y = depth * size[1]; x, z uniform in [0, size[0]], [0, size[2]]
    };
    Kind kind = Kind::None;
    uint64_t nx = 1, ny = 1, nz = 1; ///< Grid: neurons per axis (nx * ny * nz == size)
    double spacing_um = 0.0;         ///< Grid
    double size_um[3] = {0.0, 0.0, 0.0};
    double depth_from = 0.0, depth_to = 0.0; ///< CorticalDepth, within [0, 1]
    /// Grid (extent nx, ny, nz times spacing) and RandomBox (extent size): the space is a
    /// torus, neurons at one face are next to those at the opposite one.
    bool periodic = false;
};

/// How the synapses of a projection are chosen (PyNN / NEST / NetPyNE connector semantics).
struct Connector {
    enum class Kind {
        AllToAll,
        OneToOne,
        FixedProbability,
        FixedIndegree,
        FixedOutdegree,      ///< each source draws `outdegree` targets
        FixedTotalNumber,    ///< `total` synapses over the whole projection (NEST)
        DistanceProbability, ///< each pair independently with probability p(geometry)
        List,                ///< the pairs of `list`
    };
    Kind kind = Kind::AllToAll;
    double probability = 0.0;    ///< FixedProbability: independent per (source, target) pair
    uint64_t indegree = 0;       ///< FixedIndegree: sources drawn per target
    uint64_t outdegree = 0;      ///< FixedOutdegree: targets drawn per source
    uint64_t total = 0;          ///< FixedTotalNumber: synapses of the projection
    bool allow_autapses = true;  ///< a neuron may connect to itself (same population only)
    bool allow_multapses = true; ///< FixedIndegree, FixedOutdegree, FixedTotalNumber: the same
                                 ///< pair may be drawn twice
    PairFunction probability_of_pair = nullptr; ///< DistanceProbability: in [0, 1]
    /// List: synapse i connects sources[i] to targets[i]; weights and delays_ms, when not
    /// empty, give its weight and delay (they override the projection's).
    struct Pairs {
        std::vector<uint32_t> sources, targets;
        std::vector<double> weights, delays_ms;
    };
    std::shared_ptr<const Pairs> list;
};

struct PopulationSpec {
    std::string name;
    uint64_t size = 0;
    std::vector<std::string> state_names;    ///< one array per name, in kernel order
    std::vector<std::string> input_names;    ///< continuous inputs (current sources add here)
    std::vector<std::string> receptor_names; ///< spike receptor ports, one ring buffer each
    nncrt_update_fn update = nullptr;
    /// Per state: the random stream its initial values are drawn from, i.e. which variable
    /// of the model it is. A compiler that drops unused states from the kernel gives the
    /// others their original numbers here, so that their values do not change. Empty: the
    /// state's index.
    std::vector<uint32_t> state_streams;
    Positions positions; ///< needed by projections that depend on distance or depth
};

/// The synapses of a plastic projection: state per synapse, and the event kernels a backend
/// generated for them (see abi.h). A spike of the source neuron at time t runs `on_pre` on
/// its synapses at t, and each sends the value of `delivered_state` to its target, arriving
/// after the synapse's delay. A spike of the target neuron at t runs `on_post` on its
/// synapses at t + delay: the whole delay is dendritic, as in NEST's STDP synapses. Events
/// reaching a synapse at the same time run `on_post` first.
struct SynapseModelSpec {
    std::vector<std::string> state_names; ///< per-synapse arrays, in kernel order
    std::vector<Distribution> initial;    ///< one per state; draws are keyed per synapse
    uint32_t delivered_state = 0;         ///< the state `on_pre` leaves the weight to send in
    nncrt_synapse_event_fn on_pre = nullptr;
    nncrt_synapse_event_fn on_post = nullptr; ///< null: postsynaptic spikes do nothing
    /// Advances the state to the time given, with no event: run on every synapse at the end
    /// of run(), so that the state read afterwards is the state at that time. Optional.
    nncrt_synapse_event_fn advance = nullptr;
};

/// The connector is applied to the source and target ranges as if they were populations of
/// their own; only a projection within one population over the very same range can have
/// autapses to exclude (an overlap of different ranges with allow_autapses = false is an
/// error).
struct ProjectionSpec {
    PopulationId source = 0;
    PopulationId target = 0;
    Connector connector;
    Distribution weight;   ///< in the unit of the receptor's weight (static synapses only)
    Distribution delay_ms; ///< rounded to the nearest step; draws below one step become one step
    uint32_t receptor = 0;
    NeuronRange source_neurons = {};
    NeuronRange target_neurons = {};
    /// When set, the weight (delay) of each synapse is this function of its pair's geometry
    /// instead of `weight` (`delay_ms`); a computed delay must round to at least one step.
    PairFunction weight_of_pair = nullptr;
    PairFunction delay_ms_of_pair = nullptr;
    std::optional<SynapseModelSpec> synapse_model; ///< empty: static synapses
};

/// The synapses of one projection as they stand: one entry per synapse, in the same order in
/// every array.
struct SynapseTable {
    std::vector<uint64_t> sources; ///< population-local node ids
    std::vector<uint64_t> targets;
    std::vector<double> delays_ms;
    std::vector<std::string> state_names;    ///< {"weight"} for static synapses
    std::vector<std::vector<double>> states; ///< one array per state name
};

/// Independent Poisson spike trains, one per target neuron (NEST poisson_generator).
struct PoissonSpec {
    PopulationId target = 0;
    double rate_hz = 0.0;
    double weight = 0.0;
    uint32_t receptor = 0;
    NeuronRange target_neurons = {};
};

/// A constant current added to a continuous input while start <= t < stop.
struct DcSpec {
    PopulationId target = 0;
    uint32_t input = 0;
    double amplitude = 0.0;
    double start_ms = 0.0;
    double stop_ms = 1e300;
    NeuronRange target_neurons = {};
};

/// Spikes at given times into every neuron of a population, or of a range of it (NEST
/// spike_generator, PyNN SpikeSourceArray), without delay: a spike at time t arrives at t rounded
/// to the nearest step, in the slot of the step that ends then, so the state at that time shows its
/// effect (as it would for a projection's spike arriving then). Times must be finite, in
/// non-decreasing order and round to at least one step; a time given twice is two spikes.
struct SpikeTimesSpec {
    PopulationId target = 0;
    std::vector<double> times_ms;
    double weight = 0.0;
    uint32_t receptor = 0;
    NeuronRange target_neurons = {};
};

/// A piecewise-constant current (NEST step_current_generator): amplitudes[i] from times[i]
/// until times[i + 1], the last one for ever, nothing before times[0]; all only while
/// start <= t < stop. Times are rounded to whole steps as a DC source's start and stop are,
/// and must increase strictly; an amplitude whose window rounds to no step is never on.
struct StepCurrentSpec {
    PopulationId target = 0;
    uint32_t input = 0;
    std::vector<double> times_ms;
    std::vector<double> amplitudes;
    double start_ms = 0.0;
    double stop_ms = 1e300;
    NeuronRange target_neurons = {};
};

/// Independent Poisson trains, one per target neuron, whose rate changes with time (NEST
/// inhomogeneous_poisson_generator): rates_hz[i] for the spikes arriving after times_ms[i]
/// and up to times_ms[i + 1] (the last for ever), none before times_ms[0], and none outside
/// start < t <= stop. Times are rounded to whole steps and must increase strictly. Draws are
/// keyed by (seed, source, neuron, step), as those of a PoissonSpec.
struct InhomogeneousPoissonSpec {
    PopulationId target = 0;
    std::vector<double> times_ms;
    std::vector<double> rates_hz;
    double weight = 0.0;
    uint32_t receptor = 0;
    double start_ms = 0.0;
    double stop_ms = 1e300;
    NeuronRange target_neurons = {};
};

/// A Gaussian white-noise current (NEST noise_generator): every interval_ms from start_ms,
/// each neuron gets a new independent value mean + std * N(0, 1), held until the next,
/// while start <= t < stop. interval_ms must be a whole number of steps. Draws are keyed by
/// (seed, source, neuron, interval).
struct NoiseCurrentSpec {
    PopulationId target = 0;
    uint32_t input = 0;
    double mean = 0.0;
    double std = 0.0;
    double interval_ms = 0.0;
    double start_ms = 0.0;
    double stop_ms = 1e300;
    NeuronRange target_neurons = {};
};

struct SimulationConfig {
    double dt_ms = 0.1;
    uint64_t seed = 1;
    /// The processes the network is spread over (it must outlive the Simulation); null: this
    /// process alone. Each process updates its own neurons (LocalNeurons) and creates the
    /// synapses onto them; the spikes, and everything written, are those of a run on one.
    const ParallelContext* parallel = nullptr;
};

/// The neurons of a population that this process updates. Neurons are dealt round-robin
/// over the processes by global id (the sum of the sizes of the populations before, plus the
/// index in the population): process r of n has those whose global id is r modulo n, i.e.
/// the population indices first, first + stride, ..., `count` of them, in that order; state
/// arrays, ring buffers and a kernel call hold them under their local index j.
struct LocalNeurons {
    uint64_t first = 0;
    uint64_t stride = 1;
    uint64_t count = 0;

    /// Process `rank` of `ranks`' share of a population of `size` neurons whose first neuron
    /// has global id `first_global_id`.
    static LocalNeurons of(uint64_t first_global_id, uint64_t size, uint64_t rank, uint64_t ranks) {
        const uint64_t first = (rank + ranks - first_global_id % ranks) % ranks;
        return {first, ranks, size > first ? (size - first + ranks - 1) / ranks : 0};
    }
    uint64_t global(uint64_t j) const { return first + j * stride; }
    /// The local index of the first local neuron whose population index is >= i.
    uint64_t lower_bound(uint64_t i) const {
        if (i <= first) return 0;
        const uint64_t j = (i - first + stride - 1) / stride;
        return j < count ? j : count;
    }
    bool operator==(const LocalNeurons&) const = default;
};

/// Spikes of one population: time (ms, end of the step in which the neuron fired) and
/// population-local node id, in the order they happened.
struct SpikeRecord {
    std::vector<double> times_ms;
    std::vector<uint64_t> node_ids;
};

/// Samples of one state variable of the neurons first <= i < first + count of a population.
/// A sample is taken after every step whose number, counted from 1, is a multiple of
/// interval_steps, and is stamped with the end of that step, as spikes are: sample s holds
/// the values at start_ms + s * interval_steps * dt. `values` holds the samples one after
/// another, `count` values each.
struct StateRecord {
    PopulationId population = 0;
    uint32_t state_index = 0;
    uint64_t first = 0;
    uint64_t count = 0;
    uint64_t interval_steps = 1;
    double start_ms = 0.0; ///< time of the first sample (valid once there is one)
    std::vector<double> values;
    /// Samples taken. On several processes `values` stays empty until the recording is
    /// written (it is gathered to process 0 then); the count is right on every process.
    uint64_t samples = 0;

    uint64_t sample_count() const { return samples; }
};

using StateRecorderId = uint32_t;

/// One population's part of a state report file: a recorder and the unit of its values.
struct ReportEntry {
    StateRecorderId recorder = 0;
    std::string units; ///< "mV"
};

struct ConnectionStats {
    uint64_t synapses = 0;
    uint64_t plastic_synapses = 0; ///< of them, in plastic projections
    uint64_t bytes = 0;            ///< everything the connection storage holds, offsets included
    double bytes_per_synapse() const { return synapses ? double(bytes) / double(synapses) : 0.0; }
};

/// One synapse of a built projection.
struct SynapseView {
    uint32_t source = 0;
    uint32_t target = 0;
    double weight = 0.0;
    uint32_t delay_steps = 0;
};

/// A neuron's place (um) and its normalised cortical depth (0 unless placed by depth).
struct Position {
    double x = 0.0, y = 0.0, z = 0.0, depth = 0.0;
};

/// Called now and then during run(): model time reached and model time to reach.
using ProgressFn = std::function<void(double t_ms, double end_ms)>;

/// Bytes of memory available to this process now (MemAvailable), or 0 if unknown.
uint64_t available_memory();

class Simulation {
public:
    explicit Simulation(SimulationConfig config);
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    PopulationId add_population(PopulationSpec spec);
    /// Initial value of one state variable for every neuron of a population. Unset
    /// variables start at 0. Draws are keyed by (seed, population, variable, neuron).
    void set_initial_state(PopulationId pop, uint32_t state_index, Distribution value);
    ProjectionId add_projection(const ProjectionSpec& spec);
    void add_poisson(const PoissonSpec& spec);
    void add_dc(const DcSpec& spec);
    void add_spike_times(const SpikeTimesSpec& spec);
    void add_step_current(const StepCurrentSpec& spec);
    void add_inhomogeneous_poisson(const InhomogeneousPoissonSpec& spec);
    void add_noise_current(const NoiseCurrentSpec& spec);
    /// Records the spikes of the neurons in `neurons` (all by default); a population has one
    /// range of recorded neurons, the last one given.
    void record_spikes(PopulationId pop, NeuronRange neurons = {});
    /// Samples state variable `state_index` of neurons [first, first + count) every
    /// interval_steps steps (see StateRecord), in memory until written.
    StateRecorderId record_state(PopulationId pop, uint32_t state_index, uint64_t first,
                                 uint64_t count, uint64_t interval_steps);

    /// Creates synapses and ring buffers. Called by run() if not called before.
    void build();
    /// Advances the model by duration_ms (rounded to whole steps); can be called again
    /// to continue: run(a); run(b) gives the same spikes and states, bit for bit, as
    /// run(a + b).
    void run(double duration_ms, const ProgressFn& progress = {});
    /// Forgets the spikes counted and recorded and the state samples taken so far, as after
    /// a warm-up: what follows is counted and recorded from the current time on.
    void discard_recordings();

    /// Between runs (an interactive session): the population's update kernel becomes
    /// `update`, which must use the same state, input and receptor arrays as the one it
    /// replaces (a recompilation with other parameter values); its state is kept.
    void set_update_kernel(PopulationId pop, nncrt_update_fn update);
    /// An interactive session's network that grew between runs: this simulation, built, holds
    /// the network of `previous` (which has run) with populations, projections, stimuli and
    /// recorders added after its own. It takes over the time, and for what `previous` has:
    /// the state of the populations, the spikes in flight and recorded, the synapses (as
    /// built, with their state) and where the generators and recorders stand. What was added
    /// starts now, from its initial values. Throws Error if `previous` is not a beginning of
    /// this network.
    void continue_from(const Simulation& previous);
    /// Between runs, after build(): every weight of a projection of static synapses is
    /// multiplied by `factor`.
    void scale_weights(ProjectionId projection, double factor);

    double dt_ms() const;
    uint64_t steps_done() const;
    double time_ms() const;

    size_t population_count() const;
    /// The neurons of a population this process updates (all of them on one process).
    LocalNeurons local_neurons(PopulationId pop) const;
    int process_count() const; ///< processes the network is spread over
    int process_rank() const;  ///< this one's
    const PopulationSpec& population_spec(PopulationId pop) const;
    /// State variable j of the neurons this process updates, by local index (see
    /// LocalNeurons; on one process, every neuron of the population).
    const std::vector<double>& state(PopulationId pop, uint32_t state_index) const;
    std::vector<double>& state(PopulationId pop, uint32_t state_index);

    /// Spikes so far of the whole population (on every process), recorded or not.
    uint64_t spike_count(PopulationId pop) const;
    /// The recorded spikes of the whole population; kept by process 0 only.
    const SpikeRecord& recorded_spikes(PopulationId pop) const;
    /// The synapses of all processes: on several, every process must call it (a sum over
    /// them), except on a share built alone (ParallelContext::share_of), which counts its own.
    ConnectionStats connection_stats() const;
    /// The synapses of a built projection onto this process's neurons (targets are
    /// population indices), grouped by source: for inspection and tests.
    std::vector<SynapseView> synapses(ProjectionId projection) const;
    /// Where the neurons of a built population are (um); empty without positions.
    std::vector<Position> positions(PopulationId pop) const;
    size_t state_recorder_count() const;
    const StateRecord& recorded_state(StateRecorderId id) const;

    /// The synapses of a projection onto this process's neurons after build(), with their
    /// state now.
    SynapseTable synapse_table(ProjectionId projection) const;
    size_t projection_count() const;
    /// Synapses of a projection onto this process's neurons; 0 before build().
    uint64_t synapse_count(ProjectionId projection) const;
    bool projection_is_plastic(ProjectionId projection) const;
    /// State variable j of every synapse of a plastic projection, in the order of
    /// synapse_table().
    const std::vector<double>& synapse_state(ProjectionId projection, uint32_t j) const;

    /// Writes the synapses of the given projections as SONATA edge populations:
    /// /edges/<source>_to_<target>/{source_node_id, target_node_id, edge_type_id,
    /// edge_group_id, edge_group_index} and the group 0/ with `delay` (ms) and one dataset
    /// per synapse state variable, with `units` attributes from `state_units`.
    void write_synapses_hdf5(const std::string& path, const std::vector<ProjectionId>& projections,
                             const std::vector<std::vector<std::string>>& state_units) const;

    /// The same as write_synapses_hdf5, write_spikes_hdf5 and write_state_report_hdf5, as
    /// CSV (see runtime/src/csv_writer.h for the columns); `variable` names the recorded
    /// state in the header.
    void write_synapses_csv(const std::string& path, const std::vector<ProjectionId>& projections,
                            const std::vector<std::vector<std::string>>& state_units) const;
    void write_spikes_csv(const std::string& path) const;
    void write_state_report_csv(const std::string& path, const std::string& variable,
                                const std::vector<ReportEntry>& entries) const;

    /// The write_* functions write one file, as a run on one process would; on several,
    /// every process calls them (process 0 gathers and writes) and all throw if it fails.
    /// Writes recorded spikes in the SONATA spike layout:
    /// /spikes/<population>/timestamps (float64, ms) and /spikes/<population>/node_ids (uint64).
    void write_spikes_hdf5(const std::string& path) const;
    /// Writes state recorders' samples as one SONATA report file, /report/<population>/...
    /// for each entry; the entries' populations must differ (see hdf5_report_writer.h).
    void write_state_report_hdf5(const std::string& path,
                                 const std::vector<ReportEntry>& entries) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nncrt
