// The model IR: what sema hands to the passes. A NeuronModel is a unit-checked,
// fully resolved description of one neuron type; a Network is the elaborated
// network layer: every `let` evaluated, every size, parameter, weight and delay
// a number (or a distribution) in canonical units. Nothing here refers to the
// AST or to source text except through SourceRange.
#pragma once

#include "ir/expr.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace nnc::ir {

struct Parameter {
    std::string name;
    Dimension dim;
    ExprPtr default_value; ///< over Const and earlier Params only
    SourceRange range;
};

struct StateVar {
    std::string name;
    Dimension dim;
    ExprPtr initial; ///< over Const and Params
    SourceRange range;
};

/// d(states[state])/dt = rhs. A state variable without an equation is constant between
/// events.
struct Ode {
    int state = -1;
    ExprPtr rhs;
    SourceRange range;
};

struct InputVar {
    std::string name;
    Dimension dim;
    SourceRange range;
};

/// states[state] = value, in order; a handler's `x += e` arrives here as x = x + e.
struct Assignment {
    int state = -1;
    ExprPtr value;
    SourceRange range;
};

/// What a spike arriving at a receptor port does. Sema guarantees every assignment is an
/// increment linear in the weight (x = x + c*w with c free of w), so spikes arriving in
/// the same step may be summed first, as NEST does.
struct Receptor {
    std::string name;
    Dimension weight_dim;
    std::vector<Assignment> actions;
    SourceRange range;
};

struct Threshold {
    ExprPtr condition; ///< truth value over states, params, inputs
    bool emits_spike = false;
    std::vector<Assignment> reset; ///< in order
    ExprPtr refractory_period;     ///< time, over Consts and Params; null if none
    std::vector<int> clamped;      ///< states held during the refractory period
    SourceRange range;
};

/// How a model's ODEs are integrated over one time step.
enum class SolverKind {
    Auto,                 ///< not decided yet (before the ODE classification pass)
    ExactLinear,          ///< affine, constant coefficients: exact propagator exp(A·dt)
    ExponentialEuler,     ///< each x' affine in x given the others: x relaxes exponentially
    ForwardEuler,         ///< x += dt·f(x), first order
    RungeKutta4,          ///< classical fourth-order Runge–Kutta, one stage set per dt
    RungeKuttaFehlberg45, ///< adaptive Runge–Kutta–Fehlberg 4(5) sub-steps within each dt
};

/// The name a model writes after `solver` ("exact", "rkf45", ...); "auto" for Auto.
const char* solver_keyword(SolverKind kind);

/// Error control of the adaptive solver: a sub-step is accepted when, for every state
/// variable y in its canonical unit, |error| <= atol + rtol·|y|. NEST's aeif models
/// integrate with GSL's RKF45 and an absolute tolerance of 1e-6; nnc adds the same
/// relative tolerance so that large values (pA-sized currents) are not held to 1e-6.
struct SolverTolerance {
    double atol = 1e-6;
    double rtol = 1e-6;
};

/// One channel a neuron composes (`channels(V_m) { na_hh }`): its parameters and gates are
/// the model's own (named as in the channel; these lists say which they are), and
/// `current` is what it adds to the membrane, over the model's indices. Kept so that a backend can
/// emit the channel as a mechanism of its own (NEURON's density mechanisms).
struct ChannelInstance {
    std::string channel;                 ///< the channel's name (`na_hh`)
    std::string membrane;                ///< the model's state the channel sees as `V`
    std::vector<std::string> parameters; ///< the channel's parameters, as in the model
    std::vector<std::string> states;     ///< the channel's gates, as in the model
    std::string current_name;            ///< `I_Na`
    ExprPtr current;                     ///< a current over the model's params and states
    SourceRange range;                   ///< the channel's declaration
};

struct NeuronModel {
    std::string name;
    std::vector<Parameter> parameters;
    std::vector<StateVar> states;
    std::vector<Ode> odes;
    std::vector<InputVar> inputs;
    std::vector<Receptor> receptors;
    std::optional<Threshold> threshold;
    SolverKind requested_solver = SolverKind::Auto; ///< from a `solver` item; Auto if none
    SourceRange solver_range;                       ///< the `solver` item, if any
    SolverTolerance tolerance;                      ///< for RungeKuttaFehlberg45
    SolverKind solver = SolverKind::Auto;           ///< set by the ODE classification pass
    SourceRange range;
    /// An alias (`neuron IF_curr_exp = iaf_psc_exp { ... }`): the model it renames, and how
    /// many of `parameters`, from the first, are its own; the rest are the target's,
    /// named `TARGET.NAME` so that nothing outside can set them.
    std::string alias_of;
    size_t alias_parameters = 0;
    std::vector<ChannelInstance> channels; ///< in the order of the `channels` block
    /// The channel a parameter or state variable came from; empty if the neuron's own.
    std::string channel_of(const std::string& name) const;

    std::vector<std::string> parameter_names() const;
    std::vector<std::string> state_names() const;
    std::vector<std::string> input_names() const;
    int find_parameter(const std::string& name) const; ///< -1 if absent
    int find_state(const std::string& name) const;
    int find_input(const std::string& name) const;
    int find_receptor(const std::string& name) const;
};

/// One `on pre` / `on post` handler of a synapse model: assignments in order, and (on pre)
/// the value delivered, computed after the first `deliver_after` assignments.
struct SynapseHandler {
    std::vector<Assignment> actions;
    ExprPtr deliver;          ///< on pre: the weight sent to the target's receptor
    size_t deliver_after = 0; ///< number of actions that run before `deliver` is computed
    SourceRange range;
};

/// A synapse model: per-synapse parameters and state, ODEs, and what a presynaptic spike
/// (`on pre`) and a postsynaptic spike (`on post`) do. Sema guarantees every ODE is
/// x' = a·x + b with a and b constant in time, so the runtime advances a synapse's state
/// exactly, and only when an event reaches it.
struct SynapseModel {
    std::string name;
    std::vector<Parameter> parameters;
    std::vector<StateVar> states;
    std::vector<Ode> odes;
    SynapseHandler on_pre;
    std::optional<SynapseHandler> on_post;
    Dimension weight_dim; ///< of what `deliver` sends
    SourceRange range;

    std::vector<std::string> parameter_names() const;
    std::vector<std::string> state_names() const;
    int find_parameter(const std::string& name) const; ///< -1 if absent
    int find_state(const std::string& name) const;
};

/// A number or a distribution to draw per element, in canonical units.
struct ValueSpec {
    /// Normal is redrawn until low <= x <= high; LogNormal is exp(normal(a, b)) with a in
    /// canonical units (the log of the unit folded in); Exponential has mean a.
    enum class Kind { Constant, Uniform, Normal, LogNormal, Exponential };
    Kind kind = Kind::Constant;
    double a = 0.0;                                        ///< constant | low | mean | mu | mean
    double b = 0.0;                                        ///< high | standard deviation | sigma
    double low = -std::numeric_limits<double>::infinity(); ///< Normal: redrawn below
    double high = std::numeric_limits<double>::infinity(); ///< Normal: redrawn above
};

/// The neurons first <= i < first + count of a population; all of them by default.
struct NeuronRange {
    static constexpr uint64_t all = UINT64_MAX;
    uint64_t first = 0;
    uint64_t count = all;

    bool whole() const { return first == 0 && count == all; }
    bool operator==(const NeuronRange&) const = default;
};

/// Where a population's neurons are (`positions = ...`), in um.
struct Positions {
    enum class Kind { None, Grid, RandomBox, CorticalDepth };
    Kind kind = Kind::None;
    uint64_t nx = 1, ny = 1, nz = 1;         ///< Grid: neurons along x, y, z
    double spacing_um = 0.0;                 ///< Grid
    double size_um[3] = {0.0, 0.0, 0.0};     ///< RandomBox: extent; CorticalDepth: width,
                                             ///< thickness (y), width
    double depth_from = 0.0, depth_to = 0.0; ///< CorticalDepth: normalised depth range
    bool periodic = false;                   ///< Grid, RandomBox: distances wrap around the extent
    /// The extent along x, y, z: the box, or the grid's places times the spacing (0 along
    /// an axis with one place: a flat grid, like a flat box, has nothing to wrap there).
    std::array<double, 3> extent() const {
        if (kind != Kind::Grid) return {size_um[0], size_um[1], size_um[2]};
        const auto along = [&](uint64_t n) { return n > 1 ? double(n) * spacing_um : 0.0; };
        return {along(nx), along(ny), along(nz)};
    }
};

struct Population {
    std::string name;
    int model = -1; ///< index into Program::models
    uint64_t size = 0;
    std::vector<double> parameters; ///< one per model parameter, overrides applied
    std::vector<ValueSpec> initial; ///< one per model state variable
    Positions positions;
    SourceRange range;
};

/// The variables of an expression of a (source, target) pair, in a projection: Input
/// references with these indices (the order of the runtime's PairArgument).
namespace pair_variable {
inline constexpr int distance = 0;     ///< `d`, a length (um)
inline constexpr int source_depth = 1; ///< `pre_depth`, normalised cortical depth
inline constexpr int target_depth = 2; ///< `post_depth`
inline const std::vector<std::string> names = {"d", "pre_depth", "post_depth"};
} // namespace pair_variable

/// Synapses listed one by one (`from_csv`): synapse i connects sources[i] to targets[i];
/// weights and delays_ms are empty or hold one value per synapse.
struct ConnectionList {
    std::string path; ///< the file it was read from
    std::vector<uint32_t> sources, targets;
    std::vector<double> weights, delays_ms;
};

struct Connector {
    enum class Kind {
        AllToAll,
        OneToOne,
        FixedProbability,
        FixedIndegree,
        FixedOutdegree,
        FixedTotalNumber,
        DistanceProbability,
        List,
    };
    Kind kind = Kind::AllToAll;
    double probability = 0.0;
    uint64_t indegree = 0;
    uint64_t outdegree = 0;
    uint64_t total = 0;
    bool allow_autapses = true;
    bool allow_multapses = true;
    ExprPtr probability_of_pair; ///< DistanceProbability: dimensionless, of pair_variable
    std::shared_ptr<const ConnectionList> list; ///< List
};

/// The longest delay in time steps that the runtime's connection tables hold (uint16).
inline constexpr uint64_t max_delay_steps = 65535;

struct Projection {
    int source = -1; ///< population index
    int target = -1;
    Connector connector;
    ValueSpec weight;       ///< in the receptor's weight unit (canonical)
    ValueSpec delay;        ///< ms
    ExprPtr weight_of_pair; ///< when set, the weight is this expression of pair_variable
    ExprPtr delay_of_pair;  ///< when set, the delay (ms) is this expression of pair_variable
    int receptor = -1;      ///< index into the target model's receptors
    /// Index into Program::synapses; -1 for a static synapse (weight and delay only).
    int synapse = -1;
    std::vector<double> synapse_parameters; ///< one per synapse model parameter
    std::vector<ValueSpec> synapse_initial; ///< one per synapse model state variable
    SourceRange range;
    NeuronRange source_neurons = {}; ///< a slice of the source (`E[0:100]`), or all of it
    NeuronRange target_neurons = {};
};

/// A generator attached to every neuron of a population. Times and rates are canonical
/// (ms; rates in Hz); amplitudes, means and deviations in the target input's unit.
struct Stimulus {
    enum class Kind {
        Poisson,      ///< constant rate_hz, for the whole run
        DC,           ///< amplitude while start <= t < stop
        SpikeTimes,   ///< spikes at times_ms (NEST spike_generator)
        StepCurrent,  ///< values[i] from times_ms[i] until the next (step_current_generator)
        PoissonTable, ///< rate values[i] from times_ms[i] until the next, within start and stop
        NoiseCurrent, ///< amplitude + std_dev * N(0, 1), redrawn every interval_ms
    };
    Kind kind = Kind::Poisson;
    int target = -1;
    double rate_hz = 0.0;         ///< Poisson: per target neuron
    double weight = 0.0;          ///< Poisson, PoissonTable, SpikeTimes
    int receptor = -1;            ///< Poisson, PoissonTable, SpikeTimes
    int input = -1;               ///< the currents: index into the target model's inputs
    double amplitude = 0.0;       ///< DC; NoiseCurrent: the mean
    double std_dev = 0.0;         ///< NoiseCurrent
    double interval_ms = 0.0;     ///< NoiseCurrent
    std::vector<double> times_ms; ///< SpikeTimes, StepCurrent, PoissonTable
    std::vector<double> values;   ///< StepCurrent: amplitudes; PoissonTable: rates in Hz
    double start_ms = 0.0;        ///< all but Poisson and SpikeTimes
    double stop_ms = 1e300;       ///< all but Poisson and SpikeTimes
    SourceRange range;
    NeuronRange target_neurons = {}; ///< a slice of the target, or all of it
};

struct SpikeRecorder {
    int population = -1;
    SourceRange range;
    NeuronRange neurons = {}; ///< a slice of the population, or all of it
};

/// `record V_m, I_ex of E[first:last] every 0.5 ms`: samples of some states of the neurons
/// first <= i < last, taken at the end of every interval_steps-th step.
struct StateRecorder {
    int population = -1;
    std::vector<int> states; ///< indices into the population model's states
    uint64_t first = 0;
    uint64_t last = 0; ///< one past the last neuron
    uint64_t interval_steps = 1;
    SourceRange range;
};

struct SimulationSettings {
    double dt_ms = 0.1;
    double duration_ms = 1000.0;
    /// Simulated before `duration`; its spikes and samples are discarded (NEST's presimulation).
    double warmup_ms = 0.0;
    uint64_t seed = 1;
    SourceRange range;

    double end_ms() const { return warmup_ms + duration_ms; } ///< the whole run, warm-up included
};

struct Network {
    std::string name;
    std::vector<Population> populations;
    std::vector<Projection> projections;
    std::vector<Stimulus> stimuli;
    std::vector<SpikeRecorder> spike_recorders;
    std::vector<StateRecorder> state_recorders;
    SimulationSettings simulation;
    SourceRange range;

    int find_population(const std::string& name) const; ///< -1 if absent
};

struct Program {
    std::vector<NeuronModel> models;
    std::vector<SynapseModel> synapses;
    std::optional<Network> network; ///< the root file's network, if it has one
};

} // namespace nnc::ir
