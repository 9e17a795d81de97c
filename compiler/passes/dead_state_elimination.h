// Dead-state elimination: a state variable whose value nothing uses is
// dropped from the kernel, with every assignment to it; so is every local
// nothing uses (left behind by constant propagation and CSE) and every `if`
// or loop whose body is left with nothing to do. A dropped state costs no
// array, no load, no store and no per-step work: a model may keep variables
// for plots only (a spike counter, a rate trace), and a network that does not
// record them should not pay for them.
//
// A value is used when it reaches an effect: a spike (an `if` that emits one
// needs its condition), a state the caller observes (`observed`: the states a
// `record` names, see pipeline.cpp), or another used value. Liveness
// is computed over the whole kernel at once, ignoring order (a variable is
// live if any statement that assigns a live variable reads it), which never
// drops anything needed. A state that only feeds itself (x' = -x/tau and
// nothing reading x) is dead. Loops are assumed to end (the solvers' loops
// are bounded).
//
// What the runtime sees changes: the kernel's state list is shorter, so the
// driver looks states up by name and keys their random initial values by the
// model's state index, not the kernel's (see network_builder.cpp); spikes are
// the same with and without this pass. A dropped state that would have become
// infinite no longer stops the run.
#pragma once

#include "ir/kernel.h"

#include <string>
#include <vector>

namespace nnc::passes {

void eliminate_dead_states(kir::PopulationKernel& kernel,
                           const std::vector<std::string>& observed = {});

} // namespace nnc::passes
