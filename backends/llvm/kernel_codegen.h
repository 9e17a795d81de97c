// Kernel IR -> LLVM IR. Each population kernel becomes one function with the
// nncrt ABI: a loop over the neurons whose body is the kernel's statements,
// written so that LLVM's O3 pipeline can keep the neuron's values in
// registers and vectorise the loop whenever no spike is emitted in it.
#pragma once

#include "ir/kernel.h"

namespace llvm {
class Module;
} // namespace llvm

namespace nnc::llvmjit {

/// Checks that `kernel` is well formed (indices in range, known functions with the right
/// number of arguments, no missing operand) and throws BackendError saying what is wrong.
void validate_kernel(const kir::PopulationKernel& kernel);

/// Adds `void <kernel.name>(const nncrt_kernel_args*)` to `module` (whose data layout and
/// triple are already set). Validates the kernel first; throws BackendError.
void emit_kernel(llvm::Module& module, const kir::PopulationKernel& kernel);

} // namespace nnc::llvmjit
