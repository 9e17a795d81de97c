#include "ir/expr.h"

#include <fmt/format.h>

#include <utility>

namespace nnc::ir {

ExprPtr Expr::constant(double v, Dimension d) {
    auto e = std::make_shared<Expr>();
    e->op = Op::Const;
    e->value = v;
    e->dim = d;
    return e;
}

ExprPtr Expr::ref(Op op, int index, Dimension d) {
    auto e = std::make_shared<Expr>();
    e->op = op;
    e->index = index;
    e->dim = d;
    return e;
}

ExprPtr Expr::make(Op op, std::vector<ExprPtr> args, Dimension d) {
    auto e = std::make_shared<Expr>();
    e->op = op;
    e->args = std::move(args);
    e->dim = d;
    return e;
}

ExprPtr Expr::call(std::string fn, std::vector<ExprPtr> args, Dimension d) {
    auto e = std::make_shared<Expr>();
    e->op = Op::Call;
    e->fn = std::move(fn);
    e->args = std::move(args);
    e->dim = d;
    return e;
}

namespace {

// Binding strength, loosest first; a child binding more loosely than its context needs
// parentheses.
enum Prec : int { Or = 1, And, NotP, Cmp, Sum, Product, Unary, Power, Atom };

struct Printer {
    const std::vector<std::string>& params;
    const std::vector<std::string>& states;
    const std::vector<std::string>& inputs;

    static std::string name(const std::vector<std::string>& names, int index, const char* kind) {
        if (index >= 0 && size_t(index) < names.size()) return names[size_t(index)];
        return fmt::format("{}#{}", kind, index);
    }

    // The text of `e` and how tightly it binds.
    std::pair<std::string, int> print(const Expr& e) const {
        auto bin = [&](const char* op, int prec, int left_min, int right_min) {
            std::string right = sub(*e.args.at(1), right_min);
            if (right.front() == '-') right = "(" + right + ")"; // not `a - -b`
            return std::pair{fmt::format("{} {} {}", sub(*e.args.at(0), left_min), op, right),
                             prec};
        };
        switch (e.op) {
        case Op::Const:
            return constant(e);
        case Op::Param:
            return {name(params, e.index, "param"), Atom};
        case Op::State:
            return {name(states, e.index, "state"), Atom};
        case Op::Input:
            return {name(inputs, e.index, "input"), Atom};
        case Op::Weight:
            return {"w", Atom};
        case Op::Add:
            return bin("+", Sum, Sum, Sum + 1);
        case Op::Sub:
            return bin("-", Sum, Sum, Sum + 1);
        case Op::Mul:
            return bin("*", Product, Product, Product + 1);
        case Op::Div:
            return bin("/", Product, Product, Product + 1);
        case Op::Pow:
            return bin("^", Power, Power + 1, Power + 1);
        case Op::Neg:
            return {"-" + sub(*e.args.at(0), Power), Unary};
        case Op::Lt:
            return bin("<", Cmp, Cmp + 1, Cmp + 1);
        case Op::Le:
            return bin("<=", Cmp, Cmp + 1, Cmp + 1);
        case Op::Gt:
            return bin(">", Cmp, Cmp + 1, Cmp + 1);
        case Op::Ge:
            return bin(">=", Cmp, Cmp + 1, Cmp + 1);
        case Op::Eq:
            return bin("==", Cmp, Cmp + 1, Cmp + 1);
        case Op::Ne:
            return bin("!=", Cmp, Cmp + 1, Cmp + 1);
        case Op::And:
            return bin("and", And, And, And + 1);
        case Op::Or:
            return bin("or", Or, Or, Or + 1);
        case Op::Not:
            return {"not " + sub(*e.args.at(0), Atom), NotP};
        case Op::Call:
            return {call(e.fn, e), Atom};
        case Op::Select:
            return {call("select", e), Atom};
        }
        return {"?", Atom};
    }

    std::string call(const std::string& fn, const Expr& e) const {
        std::string s = fn + "(";
        for (size_t i = 0; i < e.args.size(); ++i) {
            if (i) s += ", ";
            s += print(*e.args[i]).first;
        }
        return s + ")";
    }

    std::string sub(const Expr& e, int min_prec) const {
        auto [text, prec] = print(e);
        return prec >= min_prec ? text : "(" + text + ")";
    }

    static std::pair<std::string, int> constant(const Expr& e) {
        std::string number = fmt::format("{}", e.value);
        int prec = e.value < 0 || number.front() == '-' ? Unary : Atom;
        if (e.dim.dimensionless()) return {number, prec};
        std::string unit = e.dim.unit_name();
        if (unit.starts_with("1/")) return {"(" + number + " / " + unit.substr(2) + ")", Atom};
        if (unit.find_first_of("*/^()") != std::string::npos)
            return {"(" + number + " " + unit + ")", Atom};
        return {number + " " + unit, prec};
    }
};

} // namespace

std::string to_string(const Expr& e, const std::vector<std::string>& param_names,
                      const std::vector<std::string>& state_names,
                      const std::vector<std::string>& input_names) {
    return Printer{param_names, state_names, input_names}.print(e).first;
}

} // namespace nnc::ir
