// The abstract syntax tree of an .nml file: what the user wrote, with a source
// range on every node, before names are resolved or units checked. The parse
// tree of the ANTLR grammar is turned into this once (ast_builder); nothing
// after the front end sees ANTLR types.
#pragma once

#include "frontend/source_manager.h"

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace nnc::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
    Number,  ///< `number`, with an optional unit name written right after it (`250 pF`)
    Name,    ///< a reference to a parameter, state, constant, ... or a unit name (`mV/ms`)
    Unary,   ///< op: "-", "+", "not"
    Binary,  ///< op: "+", "-", "*", "/", "^"
    Compare, ///< op: "<", "<=", ">", ">=", "==", "!="
    Logical, ///< op: "and", "or"
    Call,   ///< `callee(args...)`; arguments may be named (`fixed_indegree(100, autapses = false)`)
    Bool,   ///< `true` / `false` (number = 1 or 0)
    Index,  ///< `table[i]`: args[0] the table (a Name or an Index), args[1] the index
    Array,  ///< `[a, b, c]`: args are the elements
    String, ///< `"L23E"`: name holds the text, without quotes
};

struct Expr {
    ExprKind kind = ExprKind::Number;
    SourceRange range;

    double number = 0.0; ///< Number, Bool
    std::string unit;    ///< Number: unit name as written ("pF"), empty if none
    SourceRange unit_range;
    std::string name;                   ///< Name: the identifier; Call: the callee
    std::string op;                     ///< Unary, Binary, Compare, Logical
    std::vector<ExprPtr> args;          ///< operands (1 or 2) or call arguments, in order
    std::vector<std::string> arg_names; ///< Call: parallel to args, "" for positional
};

/// `name = value` (parameters, state initial values, overrides, settings).
struct Binding {
    std::string name;
    SourceRange name_range;
    ExprPtr value;
    SourceRange range;
};

/// `x' = rhs`
struct Ode {
    std::string var;
    SourceRange var_range;
    ExprPtr rhs;
    SourceRange range;
};

/// `input I_stim : pA` — a continuous input summed from current sources each step.
struct Input {
    std::string name;
    SourceRange name_range;
    ExprPtr unit; ///< a unit expression (`pA`, `mV/ms`); evaluated for its dimension
    SourceRange range;
};

struct Statement {
    enum class Kind {
        Assign,     ///< target = value
        Add,        ///< target += value
        Subtract,   ///< target -= value
        Multiply,   ///< target *= value
        Emit,       ///< emit spike
        Refractory, ///< refractory value [clamp v1, v2, ...]
        Deliver     ///< deliver value (a synapse's `on pre`)
    };
    Kind kind = Kind::Assign;
    std::string target;
    SourceRange target_range;
    ExprPtr value; ///< Assign..Multiply: right side; Refractory: the period; Deliver: the weight
    std::vector<Binding> clamped; ///< Refractory: the clamped variables (value unused)
    SourceRange range;
};

/// `on spike exc(w: pA) { I_ex += w }`
struct Receptor {
    std::string name;
    SourceRange name_range;
    std::string weight; ///< name of the weight within the body
    SourceRange weight_range;
    ExprPtr weight_unit; ///< unit expression of the weight
    std::vector<Statement> body;
    SourceRange range;
};

/// `on V_m >= V_th { emit spike; V_m = V_reset; refractory t_ref clamp V_m }`
struct Threshold {
    ExprPtr condition;
    std::vector<Statement> body;
    SourceRange range;
};

/// `solver rkf45(atol = 1e-8, rtol = 1e-6)`: the user's choice of integration method.
struct Solver {
    std::string name;
    SourceRange name_range;
    std::vector<Binding> options; ///< in order; `name` is empty for a positional argument
    SourceRange range;
};

/// One channel named in a neuron's `channels(V_m) { na_hh; k_dr }`.
struct ChannelUse {
    std::string name;
    SourceRange range;
};

struct Neuron {
    std::string name;
    SourceRange name_range;
    /// `channels(V_m) { ... }`: the state the channels see as `V`, and the channels in order
    /// (sema composes them into the model; empty if the neuron has no channels block).
    std::string membrane;
    SourceRange membrane_range;
    std::vector<ChannelUse> channels;
    SourceRange channels_range; ///< the whole `channels` item, for "given twice"
    int channels_blocks = 0;
    std::vector<Binding> parameters;
    std::vector<Binding> state;
    std::vector<Ode> equations;
    std::vector<Input> inputs;
    std::vector<Receptor> receptors;
    std::vector<Threshold> thresholds; ///< sema allows at most one
    std::vector<Solver> solvers;       ///< sema allows at most one
    SourceRange range;
};

/// `neuron IF_curr_exp = iaf_psc_exp { parameters { cm = 1 nF } C_m = cm }`: the model
/// `target` under parameters of its own; each mapping gives one of the target's parameters
/// as an expression of them.
struct NeuronAlias {
    std::string name;
    SourceRange name_range;
    std::string target;
    SourceRange target_range;
    Neuron own; ///< the alias's own parameters, with their defaults (nothing else is set)
    std::vector<Binding> mappings; ///< target parameter = expression of the alias's
    SourceRange range;
};

/// `channel na_hh { parameters {...} state {...} equations {...} current I_Na = ... }`: a
/// membrane current of Hodgkin–Huxley type, written against the membrane potential `V`.
struct Channel {
    std::string name;
    SourceRange name_range;
    std::vector<Binding> parameters;
    std::vector<Binding> state;
    std::vector<Ode> equations;
    std::vector<Binding> currents; ///< `current I_Na = expr` (sema wants exactly one)
    SourceRange range;
};

/// `on pre { ... }` / `on post { ... }` of a synapse model.
struct SynapseHandler {
    std::string event; ///< "pre" or "post" (anything else is reported by sema)
    SourceRange event_range;
    std::vector<Statement> body;
    SourceRange range;
};

/// `synapse stdp { parameters {...} state {...} equations {...} on pre {...} on post {...} }`
struct Synapse {
    std::string name;
    SourceRange name_range;
    std::vector<Binding> parameters;
    std::vector<Binding> state;
    std::vector<Ode> equations;
    std::vector<SynapseHandler> handlers;
    SourceRange range;
};

/// `let name = value`
struct Let {
    Binding binding;
};

/// A population where an item names one: `E`, `names[i]` (the name taken from a table of
/// strings), either followed by a slice of its neurons, `E[0:100]`.
struct PopulationRef {
    std::string name; ///< the name as written (`E`), or the table (`names`)
    SourceRange name_range;
    ExprPtr name_from_table; ///< `names[i]`: an Index expression; null for a plain name
    ExprPtr first, last;     ///< the slice `[first:last]` (half-open), or null
    SourceRange slice_range;
    SourceRange range;
};

/// `population E = iaf_psc_delta[N_E] { tau_m = 20 ms; V_m = uniform(0 mV, 20 mV) }`
/// `population names[i] = iaf_psc_exp[N[i]]`
struct Population {
    std::string name; ///< as written; for `names[i]` the table's name
    SourceRange name_range;
    ExprPtr name_from_table; ///< `names[i]`: an Index expression; null for a plain name
    std::string model;
    SourceRange model_range;
    ExprPtr size;
    std::vector<Binding> overrides; ///< parameters and state initial values
    SourceRange range;
};

/// `project E -> I { connect = fixed_indegree(C_E); weight = J; delay = D; receptor = exc }`
/// The source and target are unions of one or more populations or slices (`E + I`).
struct Projection {
    std::vector<PopulationRef> source;
    std::vector<PopulationRef> target;
    std::vector<Binding> settings;
    SourceRange range;
};

/// `stimulate E with poisson(rate = 20 Hz) weight J receptor exc`
/// `stimulate E with dc(amplitude = 376 pA) into I_stim`
/// Each option is `word expr` (weight, receptor, into, ...), checked by sema.
struct Stimulus {
    std::vector<PopulationRef> target;
    ExprPtr generator; ///< a Call
    std::vector<Binding> options;
    SourceRange range;
};

/// `record spikes of E` / `record spikes of all` / `record V_m, I_ex of E[0:10] every 0.5 ms`
struct Record {
    struct Variable {
        std::string name; ///< "spikes" or a state variable
        SourceRange range;
    };
    std::vector<Variable> what;
    std::vector<PopulationRef> target; ///< populations or slices, or the one name "all"
    std::string every_word; ///< the word before the interval, which sema checks is `every`
    SourceRange every_range;
    ExprPtr interval; ///< sampling interval, or null (every step)
    SourceRange range;
};

/// `simulate { dt = 0.1 ms; duration = 1000 ms; seed = 42 }`
struct Simulate {
    std::vector<Binding> settings;
    SourceRange range;
};

struct Loop;
using NetworkItem =
    std::variant<Let, Population, Projection, Stimulus, Record, Simulate, std::unique_ptr<Loop>>;

/// `i in 0..8`: i = 0, 1, ..., 7.
struct LoopRange {
    std::string var;
    SourceRange var_range;
    ExprPtr first, last; ///< last is excluded
    SourceRange range;
};

/// `for post in 0..8, pre in 0..8 { ...items... }`: the body once for each combination of
/// values, the last range varying fastest.
struct Loop {
    std::vector<LoopRange> ranges;
    std::vector<NetworkItem> body;
    SourceRange range;
};

struct Network {
    std::string name;
    SourceRange name_range;
    std::vector<NetworkItem> items; ///< in source order (a `let` is visible after it)
    SourceRange range;
};

struct Import {
    std::string path; ///< as written, without quotes
    SourceRange range;
    SourceRange path_range; ///< the string literal, quotes included (where import errors point)
};

/// One parsed file.
struct File {
    FileId file = 0;
    std::vector<Import> imports;
    std::vector<Neuron> neurons;
    std::vector<NeuronAlias> aliases;
    std::vector<Channel> channels;
    std::vector<Synapse> synapses;
    std::vector<Network> networks;
};

/// What one entry at `nnc repl`'s prompt holds: declarations, as a file would, and items
/// of the session's implicit network, in the order typed.
struct SessionInput {
    File declarations;
    std::vector<NetworkItem> network_items;
};

} // namespace nnc::ast
