// The optimisation pipeline, in order. Reading pipeline.cpp is reading the
// list of what the compiler does between sema and a backend; each entry is a
// pass with its own file and tests, and `nnc dump-ir --after=NAME` shows the
// IR it leaves.
#pragma once

#include "ir/kernel.h"
#include "ir/model.h"

#include <functional>
#include <string>
#include <vector>

namespace nnc::passes {

struct PassInfo {
    std::string name;
    std::string description;
};

/// Every pass, in the order run_pipeline runs them.
const std::vector<PassInfo>& pass_list();

/// The program after the passes, and one kernel per population of its network.
struct LoweredProgram {
    ir::Program program;
    std::vector<kir::PopulationKernel> kernels;
};

/// Called after each pass with its name and the IR as it stands.
using PassObserver = std::function<void(const std::string& pass, const LoweredProgram&)>;

LoweredProgram run_pipeline(ir::Program program, const PassObserver& after_each = {});

} // namespace nnc::passes
