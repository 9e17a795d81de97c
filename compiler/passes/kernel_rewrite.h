// What the kernel passes share: rewriting expressions bottom-up, visiting
// every expression of a kernel, comparing expressions structurally. A pass
// whose rewrite of one expression does not depend on where the expression
// stands (specialise, algebraic simplification, strength reduction) is one
// call of rewrite_expressions; it is the one place that knows how to reach
// the expressions of every kind of statement.
#pragma once

#include "ir/kernel.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace nnc::passes {

/// Rewrites a node whose operands have already been rewritten; returns the node itself when
/// it has nothing to change.
using NodeRewrite = std::function<kir::ExprPtr(const kir::ExprPtr&)>;

/// Rewrites `e` from the leaves up with `f`. Subtrees that do not change keep their nodes,
/// so an expression nothing changes comes back as the same pointer.
kir::ExprPtr rewrite_bottom_up(const kir::ExprPtr& e, const NodeRewrite& f);

/// rewrite_bottom_up on every expression of `body`, nested statements included.
void rewrite_expressions(std::vector<kir::Stmt>& body, const NodeRewrite& f);

/// Calls `f` on every node of every expression of `body` (conditions included), nested
/// statements too.
void for_each_node(const std::vector<kir::Stmt>& body,
                   const std::function<void(const kir::Expr&)>& f);

/// Same operator, function, reference and operands; constants compare by bit pattern, so
/// 0 and -0 differ and a NaN equals itself.
bool structurally_equal(const kir::Expr& a, const kir::Expr& b);

/// The bits of a double, to compare constants exactly.
uint64_t bits_of(double v);

/// True for a constant with exactly the value `v` (bit for bit: -0 is not 0).
bool is_constant(const kir::ExprPtr& e, double v);

/// Expressions whose value is always exactly 0 or 1: comparisons and logic.
bool is_truth_value(const kir::Expr& e);

} // namespace nnc::passes
