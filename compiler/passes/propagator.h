// The exact propagator of an affine ODE system over one time step.
//
// For x' = A·x + B·u + c with inputs u held constant over the step, the
// augmented matrix M = [[A, B, c], [0, 0, 0]] gives the whole update in one
// matrix exponential: exp(M·dt) = [[P, Q, q], [0, I, 0]] and
// x(t+dt) = P·x(t) + Q·u + q. Equal time constants, which make the closed
// forms of iaf_psc_exp and friends singular, are no special case here. It is
// computed once per population (parameters are homogeneous within one).
#pragma once

#include "ir/model.h"

#include <optional>
#include <vector>

namespace nnc::passes {

/// An affine expression evaluated for one parameter set:
/// value = Σ coef[l]·state[l] + Σ coef[n_states + k]·input[k] + constant.
struct AffineForm {
    std::vector<double> coef;
    double constant = 0.0;
};

/// Decomposes an affine expression (see is_affine) for the given parameter values;
/// nullopt if it is not affine.
std::optional<AffineForm> affine_form(const ir::Expr& e, size_t n_states, size_t n_inputs,
                                      const std::vector<double>& params);

struct Propagator {
    size_t n_states = 0;
    size_t n_inputs = 0;
    /// rows[j] is the update of state j: coef over states then inputs, plus a constant.
    /// Entries that are structurally zero (no path from that variable to state j) are
    /// exactly 0.
    std::vector<AffineForm> rows;
};

/// The propagator of a model whose solver is ExactLinear, for one parameter set and dt.
Propagator compute_propagator(const ir::NeuronModel& model, const std::vector<double>& params,
                              double dt_ms);

} // namespace nnc::passes
