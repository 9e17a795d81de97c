// Lowering of a projection's expressions of the pair geometry (`0.2 * exp(-d / 150 um)`,
// `0.5 ms + d / 0.5 m/s`) into scalar functions of the kernel IR, which a backend compiles
// into `double f(const double* args)` for the runtime. Sema has folded their constants
// already; what is left refers only to the pair variables (ir::pair_variable).
#pragma once

#include "ir/expr.h"
#include "ir/kernel.h"

#include <string>

namespace nnc::passes {

/// `e` as a scalar function named `name`; Input(k) of `e` becomes args[k]. Throws
/// std::logic_error for a reference that is not a pair variable.
kir::ScalarFunction lower_pair_function(const ir::Expr& e, std::string name);

} // namespace nnc::passes
