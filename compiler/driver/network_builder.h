// Hands an elaborated network and its compiled kernels to the runtime. This is
// the one place where the compiler's view of a network (ir::Network) meets the
// runtime's (nncrt::Simulation); generated standalone programs do the same
// from generated code.
#pragma once

#include "ir/kernel.h"
#include "ir/model.h"
#include "nncrt/simulation.h"

#include <memory>
#include <vector>

namespace nnc::driver {

/// The program's network, with one kernel and entry point per population, in population
/// order.
std::unique_ptr<nncrt::Simulation>
make_simulation(const ir::Program& program, const std::vector<kir::PopulationKernel>& kernels,
                const std::vector<nncrt_update_fn>& updates);

/// The model state that state array `kernel_state` of a kernel holds; -1 for an array the
/// compiler added (the refractory counter, a solver's step size). Kernels may drop unused
/// states (dead-state elimination), so the two numberings differ.
int model_state(const ir::NeuronModel& model, const kir::PopulationKernel& kernel,
                size_t kernel_state);

} // namespace nnc::driver
