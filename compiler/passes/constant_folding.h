// Constant folding on kernel IR: every operation whose operands are all known
// before the run becomes its value. After specialisation every parameter of a
// population is a number, so this is where a model's constant arithmetic
// (1/tau, C_m·R, exp(-dt/tau), the threshold's right side) is computed once
// instead of per neuron per step: it is the propagator hoisting of the
// architecture, and every backend, not just the one behind LLVM, emits the
// short form.
//
// Exact by construction: each fold is the IEEE operation the kernel would
// have done, with the same function (math calls go through
// ir::call_math_function, i.e. glibc's exp, log, pow..., which is what the LLVM
// backend's kernels call at run time). It also
// - picks the arm of a Select whose condition is a constant (the other arm
//   has no effect),
// - inlines or drops an `if` whose condition is a constant, and drops a loop
//   whose condition is false,
// - replaces the reads of a local that is set once, at the top level, to a
//   constant by that constant (reads before the assignment still read 0).
// Identities such as x·1 belong to algebraic simplification.
#pragma once

#include "ir/kernel.h"

namespace nnc::passes {

kir::ExprPtr fold_constants(const kir::ExprPtr& e);
void fold_constants(kir::PopulationKernel& kernel);

} // namespace nnc::passes
