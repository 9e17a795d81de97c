// ODE classification: decides how each model's equations are integrated.
//
// A system whose right-hand sides are affine in the state variables and the
// continuous inputs, with coefficients made of parameters and constants only,
// is integrated exactly with the propagator exp(A·dt) (Rotter & Diesmann 1999):
// no step-size error, and equal time constants need no special case. Anything
// else gets the classical fourth-order Runge–Kutta method. The
// classification is structural (it never looks at parameter values), so it
// holds for every population of the model.
#pragma once

#include "ir/model.h"

namespace nnc::passes {

/// True if `e` depends on no state variable, input or spike weight.
bool is_constant_in_time(const ir::Expr& e);

/// True if `e` is affine in the state variables and inputs (coefficients constant in time).
bool is_affine(const ir::Expr& e);

/// Sets every model's solver: ExactLinear for affine systems, RungeKutta4 otherwise.
void classify_odes(ir::Program& program);

} // namespace nnc::passes
