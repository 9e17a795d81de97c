// The kernel IR's math functions and operators as LLVM IR, shared by the emitter of
// population and synapse kernels and the emitter of scalar functions, so that both compute
// the same bits as the constant folder and C++ (strict IEEE, glibc's libm).
#pragma once

#include "ir/kernel.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>

#include <string_view>
#include <vector>

namespace nnc::llvmjit {

struct MathFunction {
    std::string_view name;
    int arity;
    llvm::Intrinsic::ID intrinsic; ///< not_intrinsic: not lowered to an intrinsic
};

/// The kernel IR's function `name`, or null.
const MathFunction* find_math_function(std::string_view name);

/// 1 bit: v != 0 (NaN is true).
llvm::Value* truth(llvm::IRBuilder<>& b, llvm::Value* v);
/// A bit as the double 1.0 or 0.0.
llvm::Value* as_double(llvm::IRBuilder<>& b, llvm::Value* bit);

/// f(args...) for a function of find_math_function with its number of arguments: an
/// intrinsic where LLVM treats it exactly; fmin/fmax as compare-and-select with the kernel
/// IR's choice on equality; libm otherwise, as a pure `nobuiltin` call.
llvm::Value* emit_math_call(llvm::Module& m, llvm::IRBuilder<>& b, const MathFunction& f,
                            const std::vector<llvm::Value*>& args);

/// a OP c for the kernel IR's binary operators (arithmetic, comparisons, and, or); null for
/// any other operator.
llvm::Value* emit_binary(llvm::IRBuilder<>& b, kir::Op op, llvm::Value* a, llvm::Value* c);

} // namespace nnc::llvmjit
