#include "passes/strength_reduction.h"

#include "kernel_interpreter.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using nnc::kir::Expr;
using nnc::kir::Op;
using nnc::kir::Stmt;
using nnc::passes::exact_reciprocal;

TEST(StrengthReduction, OnlyPowersOfTwoHaveAnExactReciprocal) {
    EXPECT_EQ(exact_reciprocal(2.0), 0.5);
    EXPECT_EQ(exact_reciprocal(0.25), 4.0);
    EXPECT_EQ(exact_reciprocal(-8.0), -0.125);
    EXPECT_EQ(exact_reciprocal(std::ldexp(1.0, 1023)), std::ldexp(1.0, -1023)); // subnormal
    EXPECT_FALSE(exact_reciprocal(10.0));
    EXPECT_FALSE(exact_reciprocal(3.0));
    EXPECT_FALSE(exact_reciprocal(std::ldexp(1.0, -1074))); // 2^1074 overflows
    EXPECT_FALSE(exact_reciprocal(0.0));
    EXPECT_FALSE(exact_reciprocal(INFINITY));
    EXPECT_FALSE(exact_reciprocal(NAN));
}

TEST(StrengthReduction, DividesByAPowerOfTwoByMultiplying) {
    nnc::kir::PopulationKernel k;
    k.name = "k";
    k.state_names = {"x", "y", "z"};
    auto div = [](int j, double c) {
        return Expr::make(Op::Div, {Expr::ref(Op::State, j), Expr::constant(c)});
    };
    k.body = {Stmt{Stmt::Kind::SetState, 0, div(0, 4), {}, {}},
              Stmt{Stmt::Kind::SetState, 1, div(1, -0.5), {}, {}},
              Stmt{Stmt::Kind::SetState, 2, div(2, 10), {}, {}}};
    const auto before = k;
    nnc::passes::reduce_strength(k);
    EXPECT_EQ(nnc::kir::to_string(k), R"(kernel k
    state: x, y, z
    input:
    receptor:
    locals: 0
    for each neuron:
        state.x = state.x * 0.25
        state.y = state.y * -2
        state.z = state.z / 10
)");
    // x/4 and x·0.25 are the same bits for ±0, ±inf, NaN, subnormals and the rest.
    EXPECT_EQ(nnc::test::first_difference(before, k), "");
}

} // namespace
