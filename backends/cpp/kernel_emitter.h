// Kernel IR -> C++ source. The same kernels the LLVM JIT compiles in process
// (population kernels, synapse event kernels, the scalar pair functions) become
// `extern "C"` functions with the nncrt ABI (nncrt/abi.h), for a program that is
// compiled ahead of time (`nnc compile --target cpp`). The text is written to give
// the same bits as the JIT: every constant exactly, every operation in the kernel
// IR's order (fully parenthesised), the math library called as the JIT calls it,
// fmin/fmax as the same compare-and-select. The compiler of the generated code must
// not contract or reassociate (the generated CMakeLists passes -ffp-contract=off and
// -fno-builtin; no fast math).
#pragma once

#include "ir/kernel.h"

#include <stdexcept>
#include <string>

namespace nnc::cppgen {

/// A kernel that cannot be written as C++ (malformed kernel IR: an index out of range, an
/// unknown function, a missing operand, a name that is not a C identifier).
class EmitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// What every generated kernel file starts with: the includes and the helpers the kernels
/// call (fmin, fmax, doubles given by their bits).
std::string kernel_file_prelude();

/// `extern "C" void <kernel.name>(const nncrt_kernel_args*)` (or nncrt_synapse_event_args
/// for a synapse event kernel), preceded by `origin` as a comment (the model and source line
/// it came from). Throws EmitError.
std::string emit_kernel(const kir::PopulationKernel& kernel, const std::string& origin);

/// `extern "C" double <function.name>(const double* args)`, preceded by `origin` as a
/// comment. Throws EmitError.
std::string emit_scalar_function(const kir::ScalarFunction& function, const std::string& origin);

/// `value` as a C++ expression that reads back as exactly the same double (the shortest
/// such decimal; infinities and NaNs by their bits).
std::string double_literal(double value);

} // namespace nnc::cppgen
