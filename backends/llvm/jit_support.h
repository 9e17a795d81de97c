// What the two JITs of this backend (population/synapse kernels, scalar functions) share:
// an ORC LLJIT for the host with the optimiser's CPU, features and strict FP options, libm
// from the process, and LLVM errors turned into BackendError.
#pragma once

#include "kernel_jit.h"

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>

#include <memory>
#include <string>
#include <utility>

namespace nnc::llvmjit {

/// The value of `value`, or BackendError("what: reason").
template <typename T>
T take(llvm::Expected<T> value, const std::string& what) {
    if (!value) throw BackendError(what + ": " + llvm::toString(value.takeError()));
    return std::move(*value);
}

/// BackendError("what: reason") if `error` is set.
void check(llvm::Error error, const std::string& what);

/// BackendError("invalid LLVM IR <stage>: ...") if the module does not verify.
void verify(const llvm::Module& module, const std::string& stage);

/// An LLJIT for the host: the same CPU, features and FP options as the optimiser's
/// TargetMachine (so the code generator implements what the vectoriser costed), and libm
/// (tanh, and what the math intrinsics lower to) from this process.
std::unique_ptr<llvm::orc::LLJIT> create_host_jit();

} // namespace nnc::llvmjit
