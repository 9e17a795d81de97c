// The host target and the O3 pipeline. Both the optimiser and the JIT's code
// generator must see the same CPU, features and floating-point options, or the
// vectoriser would cost vectors the code generator cannot use (or miss AVX-512
// where it can); so the host description is computed once, here.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class Module;
class TargetMachine;
class TargetOptions;
} // namespace llvm

namespace nnc::llvmjit {

/// The machine this process runs on, as LLVM names it.
struct HostTarget {
    std::string triple;
    std::string cpu;                    ///< llvm::sys::getHostCPUName()
    std::vector<std::string> features;  ///< "+avx2", "-avx512f", ... sorted
    std::string feature_string() const; ///< the features joined by commas
};

/// Initialises LLVM's native target (once per process) and describes the host.
const HostTarget& host_target();

/// Strict IEEE: no fast-math assumption and no FMA contraction, so JIT results are bit for
/// bit those of plain C++ arithmetic.
llvm::TargetOptions strict_fp_target_options();

/// A TargetMachine for the host with strict_fp_target_options(), at -O3. Throws BackendError.
std::unique_ptr<llvm::TargetMachine> create_host_target_machine();

/// Runs the new pass manager's default O3 pipeline (loop and SLP vectorisation on) for `tm`
/// over `module`, after stamping every function with tm's CPU and features.
void optimise(llvm::Module& module, llvm::TargetMachine& tm);

} // namespace nnc::llvmjit
