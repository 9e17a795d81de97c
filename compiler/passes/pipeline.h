// The pass manager and the list of passes, in order. Reading pipeline.cpp is
// reading the list of what the compiler does between sema and a backend; each
// entry is a pass with its own file and tests, and `nnc dump-ir --after=NAME`
// shows the IR it leaves.
//
// Two kinds of pass: the ones that make a kernel a backend can compile
// (classify-odes, lower-kernels, specialise) always run; the optimisations
// after them can be turned off (`nnc run --no-optimise`) to compare. Every
// optimisation is exact in IEEE arithmetic, so turning them off changes the
// speed, never the spikes.
#pragma once

#include "ir/kernel.h"
#include "ir/model.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nnc::passes {

/// The event kernels of one plastic projection: indices into LoweredProgram::synapse_kernels.
struct PlasticProjectionKernels {
    size_t projection = 0;
    size_t on_pre = 0;
    size_t advance = 0; ///< advances the state only
    std::optional<size_t> on_post;
};

/// The program after the passes, one kernel per population of its network, and the event
/// kernels of its plastic projections.
struct LoweredProgram {
    ir::Program program;
    std::vector<kir::PopulationKernel> kernels;
    std::vector<kir::PopulationKernel> synapse_kernels;
    std::vector<PlasticProjectionKernels> plastic;
};

struct PassInfo {
    std::string name;
    std::string description;
    bool optimisation = false; ///< skipped when optimisation is off
    std::function<void(LoweredProgram&)> run;
};

/// Every pass, in the order run_pipeline runs them.
const std::vector<PassInfo>& pass_list();

/// The pass named `name`, or null.
const PassInfo* find_pass(const std::string& name);

struct PipelineOptions {
    bool optimise = true;   ///< false: only the passes that are not optimisations
    std::string stop_after; ///< a pass name: stop once it has run (for tests); empty: run all
};

/// Called after each pass that runs, with its name and the IR as it stands.
using PassObserver = std::function<void(const std::string& pass, const LoweredProgram&)>;

LoweredProgram run_pipeline(ir::Program program, const PassObserver& after_each = {},
                            const PipelineOptions& options = {});

} // namespace nnc::passes
