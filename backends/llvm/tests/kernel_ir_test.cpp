// kir::to_string: the listing that `nnc dump-ir` prints.
#include "kir_helpers.h"

#include <gtest/gtest.h>

namespace nnc::llvmjit::test {
namespace {

PopulationKernel example() {
    PopulationKernel k;
    k.name = "pop_exc";
    k.state_names = {"V_m", "refr"};
    k.input_names = {"I_e"};
    k.receptor_names = {"ex", "in"};
    k.local_count = 1;
    k.body = {
        set_state(0, add(add(mul(num(0.99), state(0)), mul(num(0.01), input(0))), receptor(0)),
                  "propagate V_m"),
        set_local(0, mul(sub(state(0), num(-70.0)), op(Op::Neg, add(receptor(1), num(1.0))))),
        if_(op(Op::And, op(Op::Ge, state(0), num(-50.0)), op(Op::Not, state(1))),
            {emit_spike(), set_state(0, num(-70.0)), set_state(1, num(20.0))}),
        set_state(1, call("fmax", {num(0.0), sub(state(1), num(1.0))})),
        set_state(0, op(Op::Select, op(Op::Lt, local(0), num(0.0)), local(0), num(1e-300))),
    };
    return k;
}

TEST(KernelIr, ToStringListsStatementsInOrder) {
    const std::string expected =
        "kernel pop_exc\n"
        "    state: V_m, refr\n"
        "    input: I_e\n"
        "    receptor: ex, in\n"
        "    locals: 1\n"
        "    for each neuron:\n"
        "        # propagate V_m\n"
        "        state.V_m = 0.99 * state.V_m + 0.01 * input.I_e + receptor.ex\n"
        "        local[0] = (state.V_m - -70) * -(receptor.in + 1)\n"
        "        if (state.V_m >= -50 && !state.refr) {\n"
        "            emit spike\n"
        "            state.V_m = -70\n"
        "            state.refr = 20\n"
        "        }\n"
        "        state.refr = fmax(0, state.refr - 1)\n"
        "        state.V_m = local[0] < 0 ? local[0] : 1e-300\n";
    EXPECT_EQ(kir::to_string(example()), expected);
    EXPECT_EQ(kir::to_string(example()), kir::to_string(example())); // deterministic
}

TEST(KernelIr, ParenthesesOnlyWhereNeeded) {
    PopulationKernel k;
    k.name = "p";
    k.state_names = {"x"};
    k.body = {set_state(0, sub(state(0), sub(num(1.0), state(0)))),
              set_state(0, op(Op::Div, mul(state(0), num(2.0)), mul(num(3.0), state(0)))),
              set_state(0, op(Op::Or, op(Op::And, state(0), state(0)),
                              op(Op::Not, op(Op::Lt, state(0), num(0.1))))),
              set_state(0, num(0.1 + 0.2))};
    std::string s = kir::to_string(k);
    EXPECT_NE(s.find("state.x = state.x - (1 - state.x)\n"), std::string::npos) << s;
    EXPECT_NE(s.find("state.x = state.x * 2 / (3 * state.x)\n"), std::string::npos) << s;
    EXPECT_NE(s.find("state.x = state.x && state.x || !(state.x < 0.1)\n"), std::string::npos) << s;
    // Constants print exactly: 0.1 + 0.2 is not 0.3.
    EXPECT_NE(s.find("state.x = 0.30000000000000004\n"), std::string::npos) << s;
}

TEST(KernelIr, ExprFactories) {
    auto c = Expr::constant(2.5);
    EXPECT_EQ(c->op, Op::Const);
    EXPECT_EQ(c->value, 2.5);
    auto r = Expr::ref(Op::Receptor, 3);
    EXPECT_EQ(r->op, Op::Receptor);
    EXPECT_EQ(r->index, 3);
    auto m = Expr::make(Op::Add, {c, r});
    EXPECT_EQ(m->op, Op::Add);
    ASSERT_EQ(m->args.size(), 2u);
    EXPECT_EQ(m->args[1], r);
    auto f = Expr::call("tanh", {c});
    EXPECT_EQ(f->op, Op::Call);
    EXPECT_EQ(f->fn, "tanh");
    EXPECT_EQ(f->args.size(), 1u);
}

} // namespace
} // namespace nnc::llvmjit::test
