// Algebraic simplification: identities that hold for every double, so that a
// kernel computes exactly what it computed before, in fewer operations.
// Lowering and sema leave such forms behind (a propagator row with a negative
// constant, `x·1` from a unit factor, a double negation, a refractory test
// written as !c), and backends other than LLVM would compute them as written.
//
// Each rewrite and why it is exact (x any double: ±0, ±inf and NaN included;
// "NaN stays NaN": IEEE leaves the sign and payload of a NaN result open, and
// the kernels only ever test a NaN for being NaN):
//   x + (-0) -> x, x - 0 -> x    x + (-0) is x for every x, -0 + -0 included
//   x + 0 -> x                   only where x is never -0 (-0 + 0 is +0): a
//                                comparison, logic, fabs or exp
//   (-0) - x -> -x               -0 - x is -0 + (-x), which is -x
//   x + (-y) -> x - y            IEEE defines x - y as x + (-y); so are
//   x - (-y) -> x + y            x + c -> x - |c| for a negative constant c
//                                and x + c·y -> x - |c|·y (also c/y, y/c):
//                                (-c)·y is exactly -(c·y), rounding being
//                                symmetric
//   -(-x) -> x                   negation only flips the sign bit
//   x·1, x/1 -> x                exact; NaN stays NaN
//   x·(-1), x/(-1) -> -x         exact; NaN stays NaN (LLVM makes this one too)
//   (-x)·(-y) -> x·y, (-x)/(-y) -> x/y, (-x)·c -> x·(-c), (-x)/c -> x/(-c)
//                                the sign of a product or quotient is the
//                                exclusive or of the operands' signs; the
//                                magnitude does not depend on them
//   !!b -> b, b && 1 -> b, b || 0 -> b, b != 0 -> b, b == 0 -> !b,
//   b ? 1 : 0 -> b, b ? 0 : 1 -> !b
//                                b a comparison or logic (exactly 0 or 1)
//   x && 0 -> 0, x || c -> 1 (c != 0)
//                                operands have no side effects
//   c ? x : x -> x               both arms the same expression
//   !c ? x : y -> c ? y : x      !c is (c == 0) and a Select tests c != 0; for
//                                NaN both pick y
// Not made, because they are not exact:
//   x - x -> 0 and 0·x -> 0      (inf and NaN give NaN)
//   0 - x -> -x                  (0 - 0 is +0, -0 is -0)
//   !(a < b) -> a >= b           (false when a or b is NaN)
//   c1·(c2·x) -> (c1·c2)·x and other reassociation: each grouping rounds
//                                differently and may overflow where the other
//                                does not; the compiler keeps the order the
//                                model was written in (as LLVM does without
//                                fast-math), so that a run is reproducible from
//                                the equations alone.
#pragma once

#include "ir/kernel.h"

namespace nnc::passes {

/// One node, operands already simplified; returns `e` itself if no identity applies.
kir::ExprPtr simplify_node(const kir::ExprPtr& e);
/// Every node of `e`, from the leaves up.
kir::ExprPtr simplify(const kir::ExprPtr& e);
void simplify_algebra(kir::PopulationKernel& kernel);

} // namespace nnc::passes
