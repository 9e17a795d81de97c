// Lowering: model IR + one population -> that population's kernel IR.
//
// This is where a model's meaning becomes a step of code. Parameters become
// numbers (they are homogeneous within a population), the ODE system gets its
// solver (the exact propagator, or RK4 stages), and the step is fused in the
// order NEST's models use: propagate the state (clamped variables held while
// refractory), count the refractory period down, add the spikes arriving at
// each receptor port, then test the threshold and apply the reset. The
// refractory counter is one more state array, `refractory_steps_left`.
#pragma once

#include "ir/kernel.h"
#include "ir/model.h"

#include <string>

namespace nnc::passes {

/// Name of the extra state array holding the refractory counter (in steps).
inline const std::string refractory_counter_name = "refractory_steps_left";

/// Kernel of population `population_index` of the program's network.
kir::PopulationKernel lower_population(const ir::Program& program, size_t population_index,
                                       double dt_ms);

/// Number of time steps a refractory period of `period_ms` lasts (NEST rounds).
long refractory_steps(double period_ms, double dt_ms);

} // namespace nnc::passes
