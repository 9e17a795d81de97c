#include "passes/common_subexpression_elimination.h"

#include "kernel_from_text.h"
#include "kernel_interpreter.h"
#include "passes/kernel_rewrite.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using nnc::kir::Expr;
using nnc::kir::ExprPtr;
using nnc::kir::Op;
using nnc::kir::Stmt;

ExprPtr s(int j) {
    return Expr::ref(Op::State, j);
}
ExprPtr l(int j) {
    return Expr::ref(Op::Local, j);
}
ExprPtr c(double v) {
    return Expr::constant(v);
}
ExprPtr add(ExprPtr a, ExprPtr b) {
    return Expr::make(Op::Add, {std::move(a), std::move(b)});
}
ExprPtr mul(ExprPtr a, ExprPtr b) {
    return Expr::make(Op::Mul, {std::move(a), std::move(b)});
}
Stmt set_state(int j, ExprPtr v) {
    return Stmt{Stmt::Kind::SetState, j, std::move(v), {}, {}};
}
Stmt set_local(int j, ExprPtr v) {
    return Stmt{Stmt::Kind::SetLocal, j, std::move(v), {}, {}};
}
Stmt block(Stmt::Kind kind, ExprPtr cond, std::vector<Stmt> body) {
    return Stmt{kind, -1, std::move(cond), std::move(body), {}};
}

/// The statements of `body` after CSE, as dump-ir lists them (without the header), and a
/// check that the kernel computes the same bits as before.
std::string cse(std::vector<Stmt> body, int locals = 0) {
    nnc::kir::PopulationKernel k;
    k.name = "k";
    k.state_names = {"x", "y", "z", "w"};
    k.local_count = locals;
    k.body = std::move(body);
    const auto before = k;
    nnc::passes::eliminate_common_subexpressions(k);
    EXPECT_EQ(nnc::test::first_difference(before, k), "");
    auto text = nnc::kir::to_string(k);
    return text.substr(text.find("for each neuron:\n") + 17);
}

TEST(CommonSubexpressions, RepeatedValueIsComputedOnce) {
    EXPECT_EQ(cse({set_state(2, add(mul(s(0), s(1)), c(1))), set_state(3, mul(s(0), s(1)))}),
              "        # common subexpression, used 2 times\n"
              "        local[0] = state.x * state.y\n"
              "        state.z = local[0] + 1\n"
              "        state.w = local[0]\n");
}

TEST(CommonSubexpressions, AnExistingLocalIsReused) {
    EXPECT_EQ(cse({set_local(0, mul(s(0), s(1))), set_state(2, add(mul(s(0), s(1)), c(1)))}, 1),
              "        local[0] = state.x * state.y\n"
              "        state.z = local[0] + 1\n");
}

TEST(CommonSubexpressions, TheLargestSharedValueIsTakenNotItsParts) {
    auto v = [] { return add(mul(s(0), s(1)), c(1)); };
    EXPECT_EQ(cse({set_state(2, mul(v(), c(2))), set_state(3, mul(v(), c(3)))}),
              "        # common subexpression, used 2 times\n"
              "        local[0] = state.x * state.y + 1\n"
              "        state.z = local[0] * 2\n"
              "        state.w = local[0] * 3\n");
}

TEST(CommonSubexpressions, AStateAssignmentMakesANewValue) {
    // z = x + 1; x = 2; w = x + 1: the second x + 1 reads the new x.
    EXPECT_EQ(
        cse({set_state(2, add(s(0), c(1))), set_state(0, c(2)), set_state(3, add(s(0), c(1)))}),
        "        state.z = state.x + 1\n"
        "        state.x = 2\n"
        "        state.w = state.x + 1\n");
}

TEST(CommonSubexpressions, ValuesFromBeforeAnIfAreUsedInsideButNotTheOtherWayRound) {
    auto yy = [] { return mul(s(1), s(1)); };
    EXPECT_EQ(cse({set_state(2, yy()), block(Stmt::Kind::If, s(3), {set_state(0, yy())})}),
              "        # common subexpression, used 2 times\n"
              "        local[0] = state.y * state.y\n"
              "        state.z = local[0]\n"
              "        if (state.w) {\n"
              "            state.x = local[0]\n"
              "        }\n");
    // Computed only inside the if: not available after it, nor in a sibling if.
    EXPECT_EQ(cse({block(Stmt::Kind::If, s(3), {set_state(0, yy())}),
                   block(Stmt::Kind::If, s(0), {set_state(3, yy())}), set_state(2, yy())}),
              "        if (state.w) {\n"
              "            state.x = state.y * state.y\n"
              "        }\n"
              "        if (state.x) {\n"
              "            state.w = state.y * state.y\n"
              "        }\n"
              "        state.z = state.y * state.y\n");
    // What an if body assigns is a new value after the if.
    EXPECT_EQ(cse({set_state(2, add(s(0), c(1))), block(Stmt::Kind::If, s(3), {set_state(0, c(5))}),
                   set_state(3, add(s(0), c(1)))}),
              "        state.z = state.x + 1\n"
              "        if (state.w) {\n"
              "            state.x = 5\n"
              "        }\n"
              "        state.w = state.x + 1\n");
}

TEST(CommonSubexpressions, LoopsSeeWhatTheirBodyAssigns) {
    // Three iterations of { x = x + y*y; z = z + (x + 1) + (x + 1) }, with y*y and x + 1
    // also computed before the loop: y*y does not change in the loop, x + 1 does.
    auto yy = [] { return mul(s(1), s(1)); };
    auto x1 = [] { return add(s(0), c(1)); };
    EXPECT_EQ(cse({set_state(3, add(yy(), x1())),
                   block(Stmt::Kind::While, Expr::make(Op::Lt, {l(0), c(3)}),
                         {set_local(0, add(l(0), c(1))), set_state(0, add(s(0), yy())),
                          set_state(2, add(add(s(2), x1()), x1()))}),
                   set_state(3, x1())},
                  1),
              "        # common subexpression, used 2 times\n"
              "        local[1] = state.y * state.y\n"
              "        state.w = local[1] + (state.x + 1)\n"
              "        while (local[0] < 3) {\n"
              "            local[0] = local[0] + 1\n"
              "            state.x = state.x + local[1]\n"
              "            # common subexpression, used 2 times\n"
              "            local[2] = state.x + 1\n"
              "            state.z = state.z + local[2] + local[2]\n"
              "        }\n"
              "        state.w = state.x + 1\n");
}

// The refractory test of a LIF with two receptors guards every clamped update: computed
// once after CSE instead of five times.
TEST(CommonSubexpressions, TheRefractoryTestIsComputedOnce) {
    const char* text = R"(
neuron lif {
    parameters { tau_m = 20 ms; C_m = 250 pF; V_th = 20 mV; V_reset = 10 mV; t_ref = 2 ms }
    state { V_m = 0 mV }
    equations { V_m' = -V_m / tau_m + I_stim / C_m }
    input I_stim : pA
    on spike exc(w: mV) { V_m += w }
    on spike inh(w: mV) { V_m += w }
    on V_m >= V_th { emit spike; V_m = V_reset; refractory t_ref clamp V_m }
}
network net {
    population P = lif[4]
    simulate { dt = 0.1 ms; duration = 1 ms }
}
)";
    const auto before = nnc::test::kernel_before(text, "cse");
    auto after = before;
    nnc::passes::eliminate_common_subexpressions(after);
    auto count_tests = [](const nnc::kir::PopulationKernel& k) {
        int n = 0;
        nnc::passes::for_each_node(k.body, [&](const nnc::kir::Expr& e) {
            n += e.op == Op::Gt && e.args[0]->op == Op::Local && e.args[1]->op == Op::Const;
        });
        return n;
    };
    EXPECT_EQ(count_tests(before), 5) << nnc::kir::to_string(before);
    EXPECT_EQ(count_tests(after), 1) << nnc::kir::to_string(after);
    EXPECT_NE(nnc::kir::to_string(after).find("common subexpression, used 5 times"),
              std::string::npos);
    EXPECT_EQ(nnc::test::first_difference(before, after), "");
}

} // namespace
