// Sema for a neuron's `solver` item: the method's name, its options (the
// tolerances of rkf45), and whether the method can integrate the model's
// equations at all. The exact propagator needs a linear system and exponential
// Euler needs each equation linear in its own variable; asking for either on
// equations that are not is an error that points at the term to blame, rather
// than a silently wrong simulation.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "ir/model.h"

namespace nnc::sema {

/// Sets `model.requested_solver`, `solver_range` and `tolerance` from the neuron's solver
/// item, if it has one; reports every problem. Runs after the equations are in `model`.
void analyse_solver(const ast::Neuron& neuron, ir::NeuronModel& model, DiagnosticEngine& diags);

} // namespace nnc::sema
