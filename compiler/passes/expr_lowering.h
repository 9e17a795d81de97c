// The operators of the model IR in kernel IR, shared by the lowerings of neuron and synapse
// models: each resolves the leaves (states, parameters, inputs) its own way and hands the
// operator nodes here.
#pragma once

#include "ir/expr.h"
#include "ir/kernel.h"

#include <vector>

namespace nnc::passes {

/// The kernel IR of operator node `e` (not a leaf) whose operands are already lowered, in
/// order. Math functions take their libm names (abs -> fabs, min -> fmin, max -> fmax).
kir::ExprPtr lower_operation(const ir::Expr& e, std::vector<kir::ExprPtr> args);

} // namespace nnc::passes
