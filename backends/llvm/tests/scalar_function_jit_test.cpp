// Scalar functions of the kernel IR compiled to `double f(const double* args)`, checked
// against the same arithmetic in C++ (bit for bit: strict IEEE, glibc's libm).
#include "kernel_jit.h"
#include "scalar_function_jit.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace nnc;
using K = kir::Op;

namespace {

kir::ExprPtr arg(int k) {
    return kir::Expr::ref(K::Input, k);
}
kir::ExprPtr c(double v) {
    return kir::Expr::constant(v);
}
kir::ExprPtr op(K o, std::vector<kir::ExprPtr> args) {
    return kir::Expr::make(o, std::move(args));
}
kir::ExprPtr call(const char* fn, std::vector<kir::ExprPtr> args) {
    return kir::Expr::call(fn, std::move(args));
}

kir::ScalarFunction function(const char* name, kir::ExprPtr value) {
    return {name, {"d", "pre_depth", "post_depth"}, std::move(value)};
}

} // namespace

TEST(ScalarFunctionJit, ComputesWhatCppComputes) {
    llvmjit::ScalarFunctionJit jit;
    const auto fns = jit.compile({
        // 0.2 * exp(-d / 150)
        function("gaussian",
                 op(K::Mul, {c(0.2), call("exp", {op(K::Div, {op(K::Neg, {arg(0)}), c(150.0)})})})),
        // 0.5 + d / 500
        function("delay", op(K::Add, {c(0.5), op(K::Div, {arg(0), c(500.0)})})),
        // post_depth > pre_depth ? pow(d, 1.5) : fmin(d, 3)
        function("choice",
                 op(K::Select, {op(K::Gt, {arg(2), arg(1)}), call("pow", {arg(0), c(1.5)}),
                                call("fmin", {arg(0), c(3.0)})})),
        function("tanh_of_d", call("tanh", {arg(0)})),
    });
    ASSERT_EQ(fns.size(), 4u);
    for (double d : {0.0, 1.0, 2.5, 149.9, 1234.5}) {
        const double args[3] = {d, 0.2, 0.7};
        EXPECT_EQ(fns[0](args), 0.2 * std::exp(-d / 150.0)) << d;
        EXPECT_EQ(fns[1](args), 0.5 + d / 500.0) << d;
        EXPECT_EQ(fns[2](args), std::pow(d, 1.5)) << d;
        const double swapped[3] = {d, 0.7, 0.2};
        EXPECT_EQ(fns[2](swapped), std::fmin(d, 3.0)) << d;
        EXPECT_EQ(fns[3](args), std::tanh(d)) << d;
    }
}

TEST(ScalarFunctionJit, RefusesWhatIsNotAFunctionOfItsArguments) {
    llvmjit::ScalarFunctionJit jit;
    EXPECT_THROW(jit.compile({function("reads_state", kir::Expr::ref(K::State, 0))}),
                 llvmjit::BackendError);
    EXPECT_THROW(jit.compile({function("beyond", arg(3))}), llvmjit::BackendError);
    EXPECT_THROW(jit.compile({function("unknown", call("erf", {arg(0)}))}), llvmjit::BackendError);
    EXPECT_THROW(jit.compile({function("arity", call("exp", {arg(0), arg(1)}))}),
                 llvmjit::BackendError);
    jit.compile({function("once", arg(0))});
    EXPECT_THROW(jit.compile({function("once", arg(0))}), llvmjit::BackendError);
}
