// Numeric evaluation of IR expressions, for everything that is known before a
// simulation starts: parameter defaults, initial values, refractory periods,
// the coefficients of a linear ODE system.
#pragma once

#include "ir/expr.h"

#include <optional>
#include <span>
#include <string>

namespace nnc::ir {

/// Values for the references an expression may contain. A reference whose span is too
/// short (or empty) cannot be evaluated.
struct Bindings {
    std::span<const double> params;
    std::span<const double> states;
    std::span<const double> inputs;
    std::optional<double> weight;
};

/// Evaluates `e`; nullopt if it refers to something not bound. Comparisons and logic give
/// 1 or 0. Follows IEEE arithmetic (a division by zero gives an infinity).
std::optional<double> evaluate(const Expr& e, const Bindings& values);

/// The value of a math-library function of the language; nullopt for an unknown name or a
/// wrong number of arguments. Shared by every stage that folds constants.
std::optional<double> call_math_function(const std::string& fn, std::span<const double> args);

} // namespace nnc::ir
