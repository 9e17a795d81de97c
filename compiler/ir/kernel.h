// The kernel IR: one population's update step, as code over numbers, ready
// for a backend. It is produced by the lowering pass from a NeuronModel and a
// Population (the exact propagator already computed; parameters are references
// until the specialise pass makes them numbers, before any backend sees the
// kernel), so a backend makes no modelling decision: it only turns these
// statements into machine code or source text. It is straight-line code with
// branches, plus one loop (While), which only adaptive solvers use: their
// number of sub-steps per dt depends on the neuron's state.
//
// Semantics: for every neuron i of the population, in order, run `body` once.
// A statement reads and writes the current neuron's values; `State(j)` is
// state[j][i] of nncrt_kernel_args, `Input(k)` is input[k][i], `Receptor(r)`
// is receptor[r][i], `Local(l)` a temporary of this neuron's step, `Param(p)`
// the population's parameter_values[p]. All values are doubles; comparisons
// and logic yield 1.0 or 0.0 (and Select/If test "!= 0"); fmin and fmax return
// the second operand when both are equal and the other one when exactly one is
// NaN. `EmitSpike` appends i to args->spiked.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nnc::kir {

enum class Op {
    Const,
    State,
    Input,
    Receptor,
    Local,
    Param, ///< a population parameter; the specialise pass replaces it by its value
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Call, ///< fn: exp, log, sqrt, fabs, pow, sin, cos, tanh, fmin, fmax, floor, ceil, round
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
    Not,
    Select, ///< args[0] != 0 ? args[1] : args[2]
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
    Op op = Op::Const;
    double value = 0.0; ///< Const
    int index = -1;     ///< State, Input, Receptor, Local, Param
    std::string fn;     ///< Call
    std::vector<ExprPtr> args;

    static ExprPtr constant(double v);
    static ExprPtr ref(Op op, int index);
    static ExprPtr make(Op op, std::vector<ExprPtr> args);
    static ExprPtr call(std::string fn, std::vector<ExprPtr> args);
};

struct Stmt {
    enum class Kind {
        SetLocal,  ///< locals[index] = value
        SetState,  ///< state[index][i] = value
        If,        ///< if (value != 0) { body }
        EmitSpike, ///< spiked[(*n_spiked)++] = i
        While,     ///< while (value != 0) { body }: value is tested before every iteration
    };
    Kind kind = Kind::SetLocal;
    int index = -1;
    ExprPtr value;
    std::vector<Stmt> body;
    std::string comment; ///< where it came from, for generated source and dump-ir
};

/// What a kernel is run for. A population kernel (nncrt_update_fn) runs once per step for
/// every neuron i of a population, as described above. A synapse event kernel
/// (nncrt_synapse_event_fn) runs when spikes reach synapses of a plastic projection: for
/// every listed synapse e, `State(j)` is state[j][e] of nncrt_synapse_event_args and
/// `Input(0)` is the time of the event (ms), the same for all; it has no receptors and
/// emits no spikes (what it sends is a state: the runtime reads it after the call).
enum class KernelKind { Population, SynapseEvent };

struct PopulationKernel {
    KernelKind kind = KernelKind::Population;
    std::string name; ///< a valid C identifier, unique in a program: the function's name
    std::vector<std::string> state_names;    ///< order of nncrt_kernel_args::state
    std::vector<std::string> input_names;    ///< order of nncrt_kernel_args::input
    std::vector<std::string> receptor_names; ///< order of nncrt_kernel_args::receptor
    int local_count = 0;
    std::vector<Stmt> body;
    /// What `Param(p)` stands for: the model's parameters and this population's values
    /// (empty once specialise has substituted them).
    std::vector<std::string> parameter_names;
    std::vector<double> parameter_values;
};

/// Human-readable listing (for `nnc dump-ir` and tests).
std::string to_string(const PopulationKernel& kernel);

/// Whether `name` can be a C identifier (`[A-Za-z_][A-Za-z0-9_]*`): what a kernel's or
/// scalar function's name must be for a backend to export it under that name.
bool is_c_identifier(std::string_view name);

} // namespace nnc::kir

namespace nnc::kir {

/// A pure function of numbered arguments, `double name(const double* args)`: in `value`,
/// Input(k) is args[k]; nothing else is read (no State, Receptor, Local or Param). The
/// network layer's expressions of a synapse's geometry (a distance-dependent probability,
/// weight or delay) become these, so that they are compiled, not interpreted per pair.
struct ScalarFunction {
    std::string name;                        ///< a valid C identifier, unique in a program
    std::vector<std::string> argument_names; ///< what args[k] is, for listings
    ExprPtr value;
};

} // namespace nnc::kir
