#include "ir/expr.h"
#include "ir/model.h"

#include <gtest/gtest.h>

using namespace nnc;
using namespace nnc::ir;

namespace {

ExprPtr param(int i, Dimension d = {}) {
    return Expr::ref(Op::Param, i, d);
}
ExprPtr state(int i, Dimension d = {}) {
    return Expr::ref(Op::State, i, d);
}

const std::vector<std::string> params = {"E_L", "tau_m", "C_m"};
const std::vector<std::string> states = {"V_m"};
const std::vector<std::string> inputs = {"I_stim"};

std::string show(const ExprPtr& e) {
    return to_string(*e, params, states, inputs);
}

} // namespace

TEST(Expr, FactoriesFillTheNode) {
    auto c = Expr::constant(2.5, dims::voltage);
    EXPECT_EQ(c->op, Op::Const);
    EXPECT_EQ(c->value, 2.5);
    EXPECT_EQ(c->dim, dims::voltage);
    auto r = Expr::ref(Op::State, 3, dims::current);
    EXPECT_EQ(r->op, Op::State);
    EXPECT_EQ(r->index, 3);
    auto m = Expr::make(Op::Add, {c, c}, dims::voltage);
    EXPECT_EQ(m->op, Op::Add);
    ASSERT_EQ(m->args.size(), 2u);
    auto f = Expr::call("exp", {Expr::constant(1)}, {});
    EXPECT_EQ(f->op, Op::Call);
    EXPECT_EQ(f->fn, "exp");
}

TEST(Expr, ToStringUsesTheLanguageSyntax) {
    // -(V_m - E_L) / tau_m + I_stim / C_m
    auto v = state(0, dims::voltage);
    auto e = Expr::make(
        Op::Add,
        {Expr::make(Op::Div,
                    {Expr::make(Op::Neg, {Expr::make(Op::Sub, {v, param(0)}, {})}, {}), param(1)},
                    {}),
         Expr::make(Op::Div, {Expr::ref(Op::Input, 0, {}), param(2)}, {})},
        {});
    EXPECT_EQ(show(e), "-(V_m - E_L) / tau_m + I_stim / C_m");
}

TEST(Expr, ToStringParenthesisesWhereNeeded) {
    auto a = param(0), b = param(1), c = param(2);
    EXPECT_EQ(show(Expr::make(Op::Sub, {a, Expr::make(Op::Sub, {b, c}, {})}, {})),
              "E_L - (tau_m - C_m)");
    EXPECT_EQ(show(Expr::make(Op::Sub, {Expr::make(Op::Sub, {a, b}, {}), c}, {})),
              "E_L - tau_m - C_m");
    EXPECT_EQ(show(Expr::make(Op::Mul, {Expr::make(Op::Add, {a, b}, {}), c}, {})),
              "(E_L + tau_m) * C_m");
    EXPECT_EQ(show(Expr::make(Op::Pow, {a, Expr::constant(2)}, {})), "E_L ^ 2");
    EXPECT_EQ(show(Expr::make(Op::And,
                              {Expr::make(Op::Ge, {state(0), a}, {}),
                               Expr::make(Op::Not, {Expr::make(Op::Lt, {b, c}, {})}, {})},
                              {})),
              "V_m >= E_L and not (tau_m < C_m)");
    EXPECT_EQ(show(Expr::call("max", {a, b}, {})), "max(E_L, tau_m)");
    EXPECT_EQ(show(Expr::make(Op::Mul, {Expr::ref(Op::Weight, -1, {}), a}, {})), "w * E_L");
}

TEST(Expr, ToStringWritesConstantsWithTheirCanonicalUnit) {
    EXPECT_EQ(show(Expr::constant(-70, dims::voltage)), "-70 mV");
    EXPECT_EQ(show(Expr::constant(250, dims::capacitance)), "250 pF");
    EXPECT_EQ(show(Expr::constant(0.5, dims::rate)), "(0.5 / ms)");
    EXPECT_EQ(show(Expr::constant(2, dims::voltage / dims::time)), "(2 mV/ms)");
    EXPECT_EQ(show(Expr::constant(3)), "3");
    EXPECT_EQ(show(Expr::make(Op::Sub, {param(0), Expr::constant(-70, dims::voltage)}, {})),
              "E_L - (-70 mV)");
}

TEST(Model, FindsByName) {
    NeuronModel m;
    m.parameters = {{"C_m", dims::capacitance, nullptr, {}}, {"tau_m", dims::time, nullptr, {}}};
    m.states = {{"V_m", dims::voltage, nullptr, {}}};
    m.inputs = {{"I_stim", dims::current, {}}};
    m.receptors = {{"exc", dims::voltage, {}, {}}, {"inh", dims::voltage, {}, {}}};
    EXPECT_EQ(m.parameter_names(), (std::vector<std::string>{"C_m", "tau_m"}));
    EXPECT_EQ(m.state_names(), (std::vector<std::string>{"V_m"}));
    EXPECT_EQ(m.input_names(), (std::vector<std::string>{"I_stim"}));
    EXPECT_EQ(m.find_parameter("tau_m"), 1);
    EXPECT_EQ(m.find_parameter("V_m"), -1);
    EXPECT_EQ(m.find_state("V_m"), 0);
    EXPECT_EQ(m.find_input("I_stim"), 0);
    EXPECT_EQ(m.find_receptor("inh"), 1);
    EXPECT_EQ(m.find_receptor("gaba"), -1);

    Network n;
    n.populations.resize(2);
    n.populations[0].name = "E";
    n.populations[1].name = "I";
    EXPECT_EQ(n.find_population("I"), 1);
    EXPECT_EQ(n.find_population("X"), -1);
}
