// Compiles the kernel IR's scalar functions (kir::ScalarFunction) into native functions
// `double f(const double* args)`, in process. The runtime calls them per pair of neurons
// (a distance-dependent connection probability) or per synapse (a weight or delay of the
// distance), so they are compiled with the same strict IEEE arithmetic and math library
// as the population kernels rather than interpreted. The functions live as long as the
// ScalarFunctionJit.
#pragma once

#include "ir/kernel.h"

#include <memory>
#include <vector>

namespace nnc::llvmjit {

using ScalarFunctionPtr = double (*)(const double* args);

class ScalarFunctionJit {
public:
    ScalarFunctionJit();
    ~ScalarFunctionJit();
    ScalarFunctionJit(const ScalarFunctionJit&) = delete;
    ScalarFunctionJit& operator=(const ScalarFunctionJit&) = delete;

    /// Compiles the functions (names unique across all calls) and returns their entry
    /// points in the same order. Throws BackendError (kernel_jit.h) for a malformed one:
    /// a reference other than Input, an unknown math function, a missing operand.
    std::vector<ScalarFunctionPtr> compile(const std::vector<kir::ScalarFunction>& functions);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace nnc::llvmjit
