// Specialisation: a parameter that has the same value for every neuron of a
// population becomes that number in the population's kernel, so that the
// passes after it (constant folding above all) and the backend's compiler see
// constants, not loads. Lowering leaves parameters as references (`param.tau_m`
// in dump-ir) so that this decision is one named, visible step.
//
// Today every parameter is homogeneous (a population's parameters are one
// value each, see ir::Population), so every reference is substituted and the
// kernel's parameter table is emptied; the pass always runs, because no
// backend takes per-neuron parameter arrays yet. What lowering cannot leave as
// a reference is computed from the values there: the exact propagator (a
// matrix exponential, not an expression) and the refractory period in steps.
#pragma once

#include "ir/kernel.h"

namespace nnc::passes {

void specialise(kir::PopulationKernel& kernel);

} // namespace nnc::passes
