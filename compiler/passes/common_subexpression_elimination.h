// Common-subexpression elimination: a value the step computes more than once
// is computed once, into a local, and read from there. Lowering repeats itself
// by construction (the refractory test `counter > 0` guards every clamped
// state and every receptor; RK4 stages share terms), and a backend without
// LLVM's GVN (generated C++, CUDA, NMODL) would compute every copy.
//
// Value numbering over the step, in order. Two occurrences are the same value
// when they are the same expression over the same versions of what they read:
// every assignment to a state or a local gives it a new version, so
// `x + 1` before and after `x = ...` are different values. Control flow is
// respected conservatively: a value computed before an `if` or a loop may be
// reused inside it, but a value first computed inside a body is reused only
// further inside that body, never after it or in another body; whatever a body
// assigns gets a new version after it, and for a loop also on entry (the next
// iteration sees it). A loop's condition, evaluated before every iteration,
// is left alone. Rewriting only moves where a value is computed, never how, so
// the numbers are unchanged.
#pragma once

#include "ir/kernel.h"

namespace nnc::passes {

void eliminate_common_subexpressions(kir::PopulationKernel& kernel);

} // namespace nnc::passes
