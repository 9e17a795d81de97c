// The IR's expression: a small typed tree over resolved references (no names
// left to look up), with the physical dimension of every node. Nodes are
// immutable and shared, so a pass rewrites by building new nodes and keeps
// the subtrees it does not change.
#pragma once

#include "frontend/source_manager.h"
#include "ir/dimension.h"

#include <memory>
#include <string>
#include <vector>

namespace nnc::ir {

enum class Op {
    Const,  ///< value (canonical units)
    Param,  ///< index into NeuronModel::parameters
    State,  ///< index into NeuronModel::states
    Input,  ///< index into NeuronModel::inputs
    Weight, ///< the weight of the arriving spike, inside a receptor handler
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Pow,  ///< args[0] ^ args[1]; args[1] is a Const when args[0] has a dimension
    Call, ///< fn(args...): exp, log, sqrt, abs, sin, cos, tanh, min, max, floor, ceil, round
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne, ///< comparisons, dimensionless truth value 1 or 0
    And,
    Or,
    Not,
    Select, ///< args[0] ? args[1] : args[2]
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
    Op op = Op::Const;
    double value = 0.0; ///< Const
    int index = -1;     ///< Param, State, Input
    std::string fn;     ///< Call
    std::vector<ExprPtr> args;
    Dimension dim;
    SourceRange range; ///< where it was written, if anywhere

    static ExprPtr constant(double v, Dimension d = {});
    static ExprPtr ref(Op op, int index, Dimension d);
    static ExprPtr make(Op op, std::vector<ExprPtr> args, Dimension d);
    static ExprPtr call(std::string fn, std::vector<ExprPtr> args, Dimension d);
};

/// Renders an expression in the language's own syntax, naming references through the
/// callback (used by dump-ir and by diagnostics).
std::string to_string(const Expr& e, const std::vector<std::string>& param_names,
                      const std::vector<std::string>& state_names,
                      const std::vector<std::string>& input_names);

} // namespace nnc::ir
