// Runs the whole compiler on a file, as `nnc run` does, and keeps what a test
// wants to look at: the lowered program, the JIT and the built simulation.
#pragma once

#include "frontend/diagnostics.h"
#include "frontend/parser.h"
#include "kernel_jit.h"
#include "nncrt/simulation.h"
#include "passes/pipeline.h"
#include "scalar_function_jit.h"
#include "sema/sema.h"

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnc::test {

class CompiledNetwork {
public:
    /// `optimise`: false runs only the passes that are not optimisations (--no-optimise).
    static CompiledNetwork
    from_file(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& defines = {},
              bool optimise = true);

    nncrt::Simulation& simulation() { return *sim_; }
    const passes::LoweredProgram& lowered() const { return *lowered_; }
    /// The kernel's array for state `name` of a population (optimised kernels drop states
    /// nothing reads, so kernel and model numberings may differ).
    uint32_t state_index(uint32_t population, const std::string& name) const;

private:
    std::unique_ptr<passes::LoweredProgram> lowered_;
    std::unique_ptr<llvmjit::KernelJit> jit_;
    std::unique_ptr<llvmjit::ScalarFunctionJit> pair_jit_;
    std::unique_ptr<nncrt::Simulation> sim_;
};

} // namespace nnc::test
