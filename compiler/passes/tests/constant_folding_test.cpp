#include "passes/constant_folding.h"

#include "kernel_from_text.h"
#include "kernel_interpreter.h"
#include "passes/kernel_rewrite.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using nnc::kir::Expr;
using nnc::kir::Op;
using nnc::kir::Stmt;
using nnc::passes::fold_constants;

TEST(ConstantFolding, FoldsArithmeticOnNumbers) {
    auto x = Expr::ref(Op::State, 0);
    auto e = Expr::make(Op::Add, {Expr::make(Op::Mul, {Expr::constant(2), Expr::constant(3)}), x});
    auto f = fold_constants(e);
    ASSERT_EQ(f->op, Op::Add);
    ASSERT_EQ(f->args[0]->op, Op::Const);
    EXPECT_EQ(f->args[0]->value, 6.0);
    EXPECT_EQ(f->args[1], x);
}

// The propagator hoisting: exp(-dt/tau) and the like are computed once, by the same libm
// functions the kernels call at run time, so a folded constant has the bits the kernel
// would have computed (the LLVM backend's math tests compare its kernels with these same
// functions).
TEST(ConstantFolding, EvaluatesMathFunctionsAsTheKernelWould) {
    auto fold = [](const char* fn, std::vector<double> args) {
        std::vector<nnc::kir::ExprPtr> a;
        for (double v : args)
            a.push_back(Expr::constant(v));
        auto f = fold_constants(Expr::call(fn, std::move(a)));
        EXPECT_EQ(f->op, Op::Const) << fn;
        return f->value;
    };
    const double x = -0.1 / 3.0;
    EXPECT_TRUE(nnc::test::same_double(fold("exp", {x}), std::exp(x)));
    EXPECT_TRUE(nnc::test::same_double(fold("log", {3.0}), std::log(3.0)));
    EXPECT_TRUE(nnc::test::same_double(fold("sqrt", {2.0}), std::sqrt(2.0)));
    EXPECT_TRUE(nnc::test::same_double(fold("pow", {2.5, 1.0 / 3.0}), std::pow(2.5, 1.0 / 3.0)));
    EXPECT_TRUE(nnc::test::same_double(fold("tanh", {0.3}), std::tanh(0.3)));
    EXPECT_TRUE(nnc::test::same_double(fold("sin", {1e5}), std::sin(1e5)));
    EXPECT_TRUE(nnc::test::same_double(fold("cos", {-2.0}), std::cos(-2.0)));
    // The kernel IR's fmin and fmax return the second operand on equality, as the backend
    // does (glibc's libm fmin returns the first; tests/end_to_end/optimisation_test.cpp
    // compares the folder with compiled kernels).
    EXPECT_TRUE(nnc::test::same_double(fold("fmin", {-0.0, 0.0}), 0.0));
    EXPECT_TRUE(nnc::test::same_double(fold("fmax", {0.0, -0.0}), -0.0));
    EXPECT_EQ(fold("fmin", {NAN, 2.0}), 2.0);
    EXPECT_TRUE(nnc::test::same_double(fold("round", {-2.5}), -3.0));
    EXPECT_TRUE(std::isnan(fold("log", {-1.0})));
}

TEST(ConstantFolding, LeavesIdentitiesToAlgebraicSimplification) {
    auto x = Expr::ref(Op::State, 0);
    EXPECT_EQ(fold_constants(Expr::make(Op::Mul, {Expr::constant(1), x}))->op, Op::Mul);
    // 0·x is not 0 when x is NaN or infinite: no pass folds it.
    EXPECT_EQ(fold_constants(Expr::make(Op::Mul, {Expr::constant(0), x}))->op, Op::Mul);
}

TEST(ConstantFolding, PicksTheArmOfASelectOnAConstant) {
    auto x = Expr::ref(Op::State, 0);
    auto y = Expr::ref(Op::State, 1);
    auto cond = Expr::make(Op::Lt, {Expr::constant(1), Expr::constant(2)});
    EXPECT_EQ(fold_constants(Expr::make(Op::Select, {cond, x, y})), x);
}

TEST(ConstantFolding, InlinesIfWithKnownCondition) {
    nnc::kir::PopulationKernel k;
    Stmt always{
        Stmt::Kind::If, -1, Expr::make(Op::Lt, {Expr::constant(1), Expr::constant(2)}), {}, {}};
    always.body.push_back(Stmt{Stmt::Kind::EmitSpike, -1, nullptr, {}, {}});
    Stmt never{
        Stmt::Kind::If, -1, Expr::make(Op::Gt, {Expr::constant(1), Expr::constant(2)}), {}, {}};
    never.body.push_back(Stmt{Stmt::Kind::SetState, 0, Expr::constant(5), {}, {}});
    k.body = {always, never};
    nnc::passes::fold_constants(k);
    ASSERT_EQ(k.body.size(), 1u);
    EXPECT_EQ(k.body[0].kind, Stmt::Kind::EmitSpike);
}

TEST(ConstantFolding, PropagatesALocalSetOnceToAConstant) {
    nnc::kir::PopulationKernel k;
    k.name = "k";
    k.state_names = {"a", "b", "c", "d"};
    k.local_count = 3;
    auto local = [](int l) { return Expr::ref(Op::Local, l); };
    auto state = [](int j) { return Expr::ref(Op::State, j); };
    auto mul = [](auto a, auto b) { return Expr::make(Op::Mul, {a, b}); };
    Stmt in_if{Stmt::Kind::If, -1, state(3), {}, {}};
    in_if.body.push_back(Stmt{Stmt::Kind::SetLocal, 2, Expr::constant(4), {}, {}});
    k.body = {
        Stmt{Stmt::Kind::SetState, 0, mul(local(0), state(0)), {}, {}}, // reads 0: kept
        Stmt{Stmt::Kind::SetLocal,
             0,
             Expr::make(Op::Mul, {Expr::constant(2), Expr::constant(3)}),
             {},
             {}},
        Stmt{Stmt::Kind::SetLocal, 1, Expr::constant(5), {}, {}},
        Stmt{Stmt::Kind::SetLocal, 1, Expr::constant(7), {}, {}}, // set twice: kept
        in_if,                                                    // set in an if: kept
        Stmt{Stmt::Kind::SetState, 1, mul(local(0), state(1)), {}, {}},
        Stmt{Stmt::Kind::SetState, 2, mul(local(1), local(2)), {}, {}},
    };
    const auto before = k;
    fold_constants(k);
    EXPECT_EQ(nnc::kir::to_string(k), R"(kernel k
    state: a, b, c, d
    input:
    receptor:
    locals: 3
    for each neuron:
        state.a = local[0] * state.a
        local[0] = 6
        local[1] = 5
        local[1] = 7
        if (state.d) {
            local[2] = 4
        }
        state.b = 6 * state.b
        state.c = local[1] * local[2]
)");
    EXPECT_EQ(nnc::test::first_difference(before, k), "");
}

// A model whose equation multiplies by a factor of parameters only: after folding, the
// kernel calls exp no more, and computes the same numbers.
TEST(ConstantFolding, HoistsMathOfParametersOutOfTheStep) {
    const char* text = R"(
neuron leaky_clock {
    parameters { tau = 20 ms; delay = 3 ms; V_th = 1 mV }
    state { V = 0 mV }
    equations { V' = (2 mV - V) / tau * exp(-delay / tau) + V * V / (tau * 1 mV) * 0.001 }
    on V >= V_th { emit spike; V = 0 mV }
}
network net {
    population P = leaky_clock[2]
    simulate { dt = 0.1 ms; duration = 1 ms }
}
)";
    const auto before = nnc::test::kernel_before(text, "constant-folding");
    auto after = before;
    fold_constants(after);
    auto exp_calls = [](const nnc::kir::PopulationKernel& k) {
        int n = 0;
        nnc::passes::for_each_node(
            k.body, [&](const nnc::kir::Expr& e) { n += e.op == Op::Call && e.fn == "exp"; });
        return n;
    };
    EXPECT_GE(exp_calls(before), 1) << nnc::kir::to_string(before); // once per solver stage
    EXPECT_EQ(exp_calls(after), 0) << nnc::kir::to_string(after);
    EXPECT_NE(nnc::kir::to_string(after).find("0.8607079764250578"), std::string::npos)
        << "exp(-3/20) " << nnc::kir::to_string(after);
    EXPECT_EQ(nnc::test::first_difference(before, after), "");
}

} // namespace
