// Lowering: model IR + one population -> that population's kernel IR.
//
// This is where a model's meaning becomes a step of code. Parameters stay
// references to the population's values (the specialise pass makes them
// numbers; the exact propagator and the refractory period in steps are
// computed here from the values), the ODE system gets its solver (the exact
// propagator here, the numerical methods from ode_step_lowering), and the
// step is fused in the order NEST's models use:
// propagate the state (clamped variables held while refractory), count the
// refractory period down, add the spikes arriving at each receptor port, then
// test the threshold and apply the reset. The refractory counter is one more
// state array, `refractory_steps_left`; RKF45's step size another.
//
// Around a threshold whose handler resets what it tests (`on V_m >= V_peak
// { V_m = V_reset ... }`), the numerical solvers read that variable as
// min(V_m, V_peak) in the right sides, and RKF45 stops sub-stepping a neuron
// as soon as the condition holds: the rest of its dt is not integrated, and
// the handler fires at the end of the step as usual. A model like AdEx,
// whose exponential term would overflow past the peak, thus never sees a
// state beyond it while integrating.
#pragma once

#include "ir/kernel.h"
#include "ir/model.h"

#include <string>

namespace nnc::passes {

/// Name of the extra state array holding the refractory counter (in steps).
inline const std::string refractory_counter_name = "refractory_steps_left";

/// Name of the extra state array holding RKF45's step size (ms), carried from one dt to the
/// next; 0 (its initial value) means "try dt".
inline const std::string rkf45_step_size_name = "rkf45_step_size";

/// Kernel of population `population_index` of the program's network.
kir::PopulationKernel lower_population(const ir::Program& program, size_t population_index,
                                       double dt_ms);

/// Number of time steps a refractory period of `period_ms` lasts (NEST rounds).
long refractory_steps(double period_ms, double dt_ms);

} // namespace nnc::passes
