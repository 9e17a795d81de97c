// Constant folding on kernel IR. After lowering, every parameter of a
// population is a number, so much of a model's arithmetic (1/tau, C_m·R, the
// threshold's right side) is known before the simulation starts. Folding it
// here means every backend, not just the one behind LLVM, emits the short form.
// Only rewrites that are exact in IEEE arithmetic are made (x·1, x+0, x/1, and
// operations whose operands are all constants); 0·x is kept since x may be NaN.
#pragma once

#include "ir/kernel.h"

namespace nnc::passes {

kir::ExprPtr fold_constants(const kir::ExprPtr& e);
void fold_constants(kir::PopulationKernel& kernel);

} // namespace nnc::passes
