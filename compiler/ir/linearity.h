// How a right-hand side depends on the state: the structural facts that decide a
// model's solver. Sema needs them to refuse a solver the user asks for that
// cannot integrate the equations (with the term to blame), and the ODE
// classification pass needs them to choose one, so they live here, below both.
// Everything is structural: parameter values are never looked at, so a verdict
// holds for every population of a model.
#pragma once

#include "ir/model.h"

#include <optional>

namespace nnc::ir {

/// True if `e` depends on no state variable, input or spike weight.
bool is_constant_in_time(const Expr& e);

/// True if `e` is affine in the state variables and inputs with coefficients constant in
/// time: sums of them, each multiplied or divided by constant-in-time expressions.
bool is_affine(const Expr& e);

/// True if `e` does not read state variable `state`.
bool is_free_of_state(const Expr& e, int state);

/// The smallest subexpression of `e` that keeps it from being affine (a product of two
/// time-varying factors, a division by one, a function of one); null if `e` is affine.
const Expr* nonaffine_term(const Expr& e);

/// `e` written as offset + slope·x for state variable x. Both are free of x (they may read
/// other states and inputs); a null pointer stands for zero.
struct AffineInState {
    ExprPtr offset;
    ExprPtr slope;
};

/// The decomposition of `e` in state `state`, or nullopt if `e` is not affine in it.
std::optional<AffineInState> affine_in_state(const ExprPtr& e, int state);

/// The smallest subexpression of `e` that keeps it from being affine in state `state`;
/// null if it is.
const Expr* nonaffine_term_in_state(const Expr& e, int state);

/// The structural classes of an ODE system, from the most to the least special.
enum class OdeClass {
    Linear,              ///< every right side affine with constant coefficients
    ConditionallyLinear, ///< every x' affine in x, with coefficients over the other variables
    Nonlinear,           ///< anything else
};

OdeClass ode_class(const std::vector<Ode>& odes);

/// The solver the compiler picks for a class when the model names none: the exact
/// propagator, exponential Euler, or adaptive RKF45.
SolverKind default_solver(OdeClass c);

} // namespace nnc::ir
