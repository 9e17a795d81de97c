#include "passes/constant_folding.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using nnc::kir::Expr;
using nnc::kir::Op;
using nnc::passes::fold_constants;

TEST(ConstantFolding, FoldsArithmeticOnNumbers) {
    auto x = Expr::ref(Op::State, 0);
    auto e = Expr::make(Op::Add, {Expr::make(Op::Mul, {Expr::constant(2), Expr::constant(3)}), x});
    auto f = fold_constants(e);
    ASSERT_EQ(f->op, Op::Add);
    ASSERT_EQ(f->args[0]->op, Op::Const);
    EXPECT_EQ(f->args[0]->value, 6.0);
    EXPECT_EQ(f->args[1], x);
    auto c = fold_constants(Expr::call("exp", {Expr::constant(1.0)}));
    ASSERT_EQ(c->op, Op::Const);
    EXPECT_EQ(c->value, std::exp(1.0));
}

TEST(ConstantFolding, KeepsOnlyExactIdentities) {
    auto x = Expr::ref(Op::State, 0);
    EXPECT_EQ(fold_constants(Expr::make(Op::Mul, {Expr::constant(1), x})), x);
    EXPECT_EQ(fold_constants(Expr::make(Op::Add, {x, Expr::constant(0)})), x);
    // 0·x is not 0 when x is NaN or infinite: kept.
    auto zero_times = fold_constants(Expr::make(Op::Mul, {Expr::constant(0), x}));
    EXPECT_EQ(zero_times->op, Op::Mul);
}

TEST(ConstantFolding, InlinesIfWithKnownCondition) {
    nnc::kir::PopulationKernel k;
    using nnc::kir::Stmt;
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

} // namespace
