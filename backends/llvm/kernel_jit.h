// The LLVM backend: turns population kernels (kernel IR) into native update
// functions, in process. Each kernel becomes one function with the nncrt ABI
// (nncrt/abi.h), a loop over the population's neurons with the whole step fused
// into its body, optimised with LLVM's O3 pipeline for the host CPU and
// compiled by ORC's LLJIT. The functions live as long as the KernelJit.
#pragma once

#include "ir/kernel.h"
#include "nncrt/abi.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnc::llvmjit {

/// A failure inside LLVM (should not happen for valid kernel IR); the message says what.
class BackendError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Entry points of one compile(), in the order of the kernels given.
struct CompiledKernels {
    std::vector<nncrt_update_fn> updates;               ///< population kernels
    std::vector<nncrt_synapse_event_fn> synapse_events; ///< synapse event kernels
};

class KernelJit {
public:
    KernelJit();
    ~KernelJit();
    KernelJit(const KernelJit&) = delete;
    KernelJit& operator=(const KernelJit&) = delete;

    /// Compiles the kernels (names must be unique across all calls) and returns their
    /// entry points, in the same order. Throws BackendError.
    std::vector<nncrt_update_fn> compile(const std::vector<kir::PopulationKernel>& kernels);

    /// Population kernels and synapse event kernels, compiled together (one module, one
    /// optimisation run).
    CompiledKernels compile(const std::vector<kir::PopulationKernel>& populations,
                            const std::vector<kir::PopulationKernel>& synapse_events);

    /// The optimised LLVM IR of the most recent compile() (for `nnc dump-ir --llvm`).
    const std::string& last_module_ir() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nnc::llvmjit
