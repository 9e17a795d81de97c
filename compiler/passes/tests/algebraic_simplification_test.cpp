#include "passes/algebraic_simplification.h"

#include "kernel_from_text.h"
#include "kernel_interpreter.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using nnc::kir::Expr;
using nnc::kir::ExprPtr;
using nnc::kir::Op;
using nnc::kir::Stmt;

ExprPtr x() {
    return Expr::ref(Op::State, 0);
}
ExprPtr y() {
    return Expr::ref(Op::State, 1);
}
ExprPtr c(double v) {
    return Expr::constant(v);
}
ExprPtr op(Op o, ExprPtr a) {
    return Expr::make(o, {std::move(a)});
}
ExprPtr op(Op o, ExprPtr a, ExprPtr b) {
    return Expr::make(o, {std::move(a), std::move(b)});
}
ExprPtr op(Op o, ExprPtr a, ExprPtr b, ExprPtr d) {
    return Expr::make(o, {std::move(a), std::move(b), std::move(d)});
}

/// A kernel `state.x = e` over states x and y.
nnc::kir::PopulationKernel assign(ExprPtr e) {
    nnc::kir::PopulationKernel k;
    k.name = "k";
    k.state_names = {"x", "y"};
    k.body = {Stmt{Stmt::Kind::SetState, 0, std::move(e), {}, {}}};
    return k;
}

/// What `e` becomes, as dump-ir prints it; and a check, on every pair of special values
/// (±0, ±inf, NaN, subnormals...), that the rewrite computes the same bits.
std::string simplified(ExprPtr e) {
    auto before = assign(e);
    auto after = before;
    nnc::passes::simplify_algebra(after);
    EXPECT_EQ(nnc::test::first_difference(before, after), "") << nnc::kir::to_string(before);
    std::string text = nnc::kir::to_string(after);
    auto at = text.find("state.x = ");
    return text.substr(at + 10, text.find('\n', at) - at - 10);
}

TEST(AlgebraicSimplification, AdditionOfZero) {
    EXPECT_EQ(simplified(op(Op::Add, x(), c(-0.0))), "state.x");
    EXPECT_EQ(simplified(op(Op::Add, c(-0.0), x())), "state.x");
    EXPECT_EQ(simplified(op(Op::Sub, x(), c(0.0))), "state.x");
    EXPECT_EQ(simplified(op(Op::Sub, c(-0.0), x())), "-state.x");
    // -0 + 0 is +0: x + 0 stays unless x cannot be -0.
    EXPECT_EQ(simplified(op(Op::Add, x(), c(0.0))), "state.x + 0");
    EXPECT_EQ(simplified(op(Op::Add, op(Op::Gt, x(), y()), c(0.0))), "state.x > state.y");
    EXPECT_EQ(simplified(op(Op::Sub, x(), c(-0.0))), "state.x - -0");
    EXPECT_EQ(simplified(op(Op::Sub, c(0.0), x())), "0 - state.x");
}

TEST(AlgebraicSimplification, SignsMoveIntoOperatorsAndConstants) {
    EXPECT_EQ(simplified(op(Op::Add, x(), c(-0.5))), "state.x - 0.5");
    EXPECT_EQ(simplified(op(Op::Add, c(-0.5), x())), "state.x - 0.5");
    EXPECT_EQ(simplified(op(Op::Add, x(), op(Op::Neg, y()))), "state.x - state.y");
    EXPECT_EQ(simplified(op(Op::Sub, x(), op(Op::Neg, y()))), "state.x + state.y");
    EXPECT_EQ(simplified(op(Op::Sub, x(), c(-2))), "state.x + 2");
    EXPECT_EQ(simplified(op(Op::Add, x(), op(Op::Mul, c(-3), y()))), "state.x - 3 * state.y");
    EXPECT_EQ(simplified(op(Op::Add, op(Op::Div, y(), c(-3)), x())), "state.x - state.y / 3");
    EXPECT_EQ(simplified(op(Op::Sub, x(), op(Op::Mul, y(), c(-0.5)))), "state.x + state.y * 0.5");
    EXPECT_EQ(simplified(op(Op::Neg, op(Op::Neg, x()))), "state.x");
    EXPECT_EQ(simplified(op(Op::Mul, op(Op::Neg, x()), op(Op::Neg, y()))), "state.x * state.y");
    EXPECT_EQ(simplified(op(Op::Div, op(Op::Neg, x()), op(Op::Neg, y()))), "state.x / state.y");
    EXPECT_EQ(simplified(op(Op::Mul, op(Op::Neg, x()), c(3))), "state.x * -3");
    EXPECT_EQ(simplified(op(Op::Mul, c(3), op(Op::Neg, x()))), "-3 * state.x");
    EXPECT_EQ(simplified(op(Op::Div, op(Op::Neg, x()), c(4))), "state.x / -4");
}

TEST(AlgebraicSimplification, MultiplicationByOne) {
    EXPECT_EQ(simplified(op(Op::Mul, x(), c(1))), "state.x");
    EXPECT_EQ(simplified(op(Op::Mul, c(1), x())), "state.x");
    EXPECT_EQ(simplified(op(Op::Div, x(), c(1))), "state.x");
    EXPECT_EQ(simplified(op(Op::Mul, x(), c(-1))), "-state.x");
    EXPECT_EQ(simplified(op(Op::Div, x(), c(-1))), "-state.x");
    EXPECT_EQ(simplified(op(Op::Mul, op(Op::Neg, x()), c(-1))), "state.x");
    // 1/x is not x.
    EXPECT_EQ(simplified(op(Op::Div, c(1), x())), "1 / state.x");
}

TEST(AlgebraicSimplification, TruthValues) {
    auto b = op(Op::Lt, x(), y());
    EXPECT_EQ(simplified(op(Op::Not, op(Op::Not, b))), "state.x < state.y");
    EXPECT_EQ(simplified(op(Op::And, b, c(1))), "state.x < state.y");
    EXPECT_EQ(simplified(op(Op::And, x(), c(0))), "0");
    EXPECT_EQ(simplified(op(Op::Or, c(0), b)), "state.x < state.y");
    EXPECT_EQ(simplified(op(Op::Or, x(), c(2))), "1");
    EXPECT_EQ(simplified(op(Op::Ne, b, c(0))), "state.x < state.y");
    EXPECT_EQ(simplified(op(Op::Eq, b, c(0))), "!(state.x < state.y)");
    EXPECT_EQ(simplified(op(Op::Select, b, c(1), c(0))), "state.x < state.y");
    EXPECT_EQ(simplified(op(Op::Select, b, c(0), c(1))), "!(state.x < state.y)");
    // For a number that is not a truth value, !!x is (x != 0), not x; x && 1 likewise.
    EXPECT_EQ(simplified(op(Op::Not, op(Op::Not, x()))), "!!state.x");
    EXPECT_EQ(simplified(op(Op::And, x(), c(1))), "state.x && 1");
    // !(x < y) is true for NaN, x >= y is not.
    EXPECT_EQ(simplified(op(Op::Not, b)), "!(state.x < state.y)");
}

TEST(AlgebraicSimplification, Selects) {
    auto b = op(Op::Gt, x(), c(0));
    EXPECT_EQ(simplified(op(Op::Select, x(), op(Op::Add, y(), c(1)), op(Op::Add, y(), c(1)))),
              "state.y + 1");
    EXPECT_EQ(simplified(op(Op::Select, op(Op::Not, b), x(), y())),
              "state.x > 0 ? state.y : state.x");
    EXPECT_EQ(simplified(op(Op::Select, op(Op::Not, x()), x(), y())),
              "state.x ? state.y : state.x");
}

TEST(AlgebraicSimplification, InexactRewritesAreNotMade) {
    EXPECT_EQ(simplified(op(Op::Sub, x(), x())), "state.x - state.x"); // inf - inf is NaN
    EXPECT_EQ(simplified(op(Op::Mul, c(0), x())), "0 * state.x");      // 0 · inf is NaN
    EXPECT_EQ(simplified(op(Op::Mul, c(3), op(Op::Mul, c(5), x()))), "3 * (5 * state.x)");
    EXPECT_EQ(simplified(op(Op::Div, x(), c(3))), "state.x / 3"); // 1/3 is not exact
}

// Lowering's propagator rows add their constant term; with a negative resting potential
// that is `+ -0.69...`, which becomes one subtraction.
TEST(AlgebraicSimplification, PropagatorRowSubtractsItsConstant) {
    const char* text = R"(
neuron lif {
    parameters { tau_m = 10 ms; C_m = 250 pF; E_L = -70 mV }
    state { V_m = -70 mV }
    equations { V_m' = -(V_m - E_L) / tau_m + I_stim / C_m }
    input I_stim : pA
    on V_m >= -55 mV { emit spike; V_m = E_L }
}
network net {
    population P = lif[1]
    simulate { dt = 0.1 ms; duration = 1 ms }
}
)";
    const auto before = nnc::test::kernel_before(text, "algebraic-simplification");
    auto after = before;
    nnc::passes::simplify_algebra(after);
    const auto listing = nnc::kir::to_string(after);
    EXPECT_NE(nnc::kir::to_string(before).find("+ -0.6965"), std::string::npos)
        << nnc::kir::to_string(before);
    EXPECT_NE(listing.find("* input.I_stim - 0.6965"), std::string::npos) << listing;
    EXPECT_EQ(nnc::test::first_difference(before, after), "");
}

} // namespace
