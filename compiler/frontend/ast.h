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
    String, ///< `"conn.csv"`: name holds the text, quotes removed and escapes undone
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
        Assign,    ///< target = value
        Add,       ///< target += value
        Subtract,  ///< target -= value
        Multiply,  ///< target *= value
        Emit,      ///< emit spike
        Refractory ///< refractory value [clamp v1, v2, ...]
    };
    Kind kind = Kind::Assign;
    std::string target;
    SourceRange target_range;
    ExprPtr value;                ///< Assign..Multiply: right side; Refractory: the period
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

struct Neuron {
    std::string name;
    SourceRange name_range;
    std::vector<Binding> parameters;
    std::vector<Binding> state;
    std::vector<Ode> equations;
    std::vector<Input> inputs;
    std::vector<Receptor> receptors;
    std::vector<Threshold> thresholds; ///< sema allows at most one
    std::vector<Solver> solvers;       ///< sema allows at most one
    SourceRange range;
};

/// `let name = value`
struct Let {
    Binding binding;
};

/// `population E = iaf_psc_delta[N_E] { tau_m = 20 ms; V_m = uniform(0 mV, 20 mV) }`
struct Population {
    std::string name;
    SourceRange name_range;
    std::string model;
    SourceRange model_range;
    ExprPtr size;
    std::vector<Binding> overrides; ///< parameters and state initial values
    SourceRange range;
};

/// `project E -> I { connect = fixed_indegree(C_E); weight = J; delay = D; receptor = exc }`
struct Projection {
    std::string source;
    SourceRange source_range;
    std::string target;
    SourceRange target_range;
    std::vector<Binding> settings;
    SourceRange range;
};

/// `stimulate E with poisson(rate = 20 Hz) weight J receptor exc`
/// `stimulate E with dc(amplitude = 376 pA) into I_stim`
/// Each option is `word expr` (weight, receptor, into, ...), checked by sema.
struct Stimulus {
    std::string target;
    SourceRange target_range;
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
    std::string target; ///< population name, or "all"
    SourceRange target_range;
    ExprPtr first, last; ///< the slice `[first:last]` (half-open), or null
    SourceRange slice_range;
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

using NetworkItem = std::variant<Let, Population, Projection, Stimulus, Record, Simulate>;

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
    std::vector<Network> networks;
};

} // namespace nnc::ast
