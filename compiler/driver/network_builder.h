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

/// One kernel and entry point per population, in population order.
std::unique_ptr<nncrt::Simulation>
make_simulation(const ir::Network& network, const std::vector<kir::PopulationKernel>& kernels,
                const std::vector<nncrt_update_fn>& updates);

} // namespace nnc::driver
