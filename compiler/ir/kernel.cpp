#include "ir/kernel.h"

#include <fmt/format.h>

#include <string_view>
#include <utility>

namespace nnc::kir {

ExprPtr Expr::constant(double v) {
    auto e = std::make_shared<Expr>();
    e->op = Op::Const;
    e->value = v;
    return e;
}

ExprPtr Expr::ref(Op op, int index) {
    auto e = std::make_shared<Expr>();
    e->op = op;
    e->index = index;
    return e;
}

ExprPtr Expr::make(Op op, std::vector<ExprPtr> args) {
    auto e = std::make_shared<Expr>();
    e->op = op;
    e->args = std::move(args);
    return e;
}

ExprPtr Expr::call(std::string fn, std::vector<ExprPtr> args) {
    auto e = std::make_shared<Expr>();
    e->op = Op::Call;
    e->fn = std::move(fn);
    e->args = std::move(args);
    return e;
}

namespace {

// Binding strength, loosest first, so that only the parentheses the reader needs are printed.
enum Prec { SelectPrec, OrPrec, AndPrec, EqPrec, RelPrec, AddPrec, MulPrec, UnaryPrec, AtomPrec };

int precedence(Op op) {
    switch (op) {
    case Op::Select:
        return SelectPrec;
    case Op::Or:
        return OrPrec;
    case Op::And:
        return AndPrec;
    case Op::Eq:
    case Op::Ne:
        return EqPrec;
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
        return RelPrec;
    case Op::Add:
    case Op::Sub:
        return AddPrec;
    case Op::Mul:
    case Op::Div:
        return MulPrec;
    case Op::Neg:
    case Op::Not:
        return UnaryPrec;
    default:
        return AtomPrec;
    }
}

std::string_view symbol(Op op) {
    switch (op) {
    case Op::Add:
        return "+";
    case Op::Sub:
        return "-";
    case Op::Mul:
        return "*";
    case Op::Div:
        return "/";
    case Op::Lt:
        return "<";
    case Op::Le:
        return "<=";
    case Op::Gt:
        return ">";
    case Op::Ge:
        return ">=";
    case Op::Eq:
        return "==";
    case Op::Ne:
        return "!=";
    case Op::And:
        return "&&";
    case Op::Or:
        return "||";
    default:
        return "?";
    }
}

class Printer {
public:
    explicit Printer(const PopulationKernel& k) : k_(k) {}

    std::string expr(const ExprPtr& e) const { return e ? expr(*e) : std::string("<null>"); }

    void stmts(const std::vector<Stmt>& body, int depth, std::string& out) const {
        for (const Stmt& s : body)
            stmt(s, depth, out);
    }

private:
    const PopulationKernel& k_;

    static std::string named(std::string_view space, const std::vector<std::string>& names,
                             int index) {
        if (index >= 0 && size_t(index) < names.size() && !names[size_t(index)].empty())
            return fmt::format("{}.{}", space, names[size_t(index)]);
        return fmt::format("{}[{}]", space, index);
    }

    std::string arg(const Expr& e, size_t i) const {
        return i < e.args.size() ? expr(e.args[i]) : std::string("<missing>");
    }

    // Renders `child` as an operand of an operator of precedence `outer`; `strict` asks for
    // parentheses on equal precedence too (the right operand of a left-associative operator).
    std::string operand(const Expr& e, size_t i, int outer, bool strict) const {
        if (i >= e.args.size() || !e.args[i]) return "<missing>";
        int inner = precedence(e.args[i]->op);
        std::string s = expr(*e.args[i]);
        if (inner < outer || (strict && inner == outer)) return "(" + s + ")";
        return s;
    }

    std::string expr(const Expr& e) const {
        switch (e.op) {
        // Shortest text that reads back as the same double: exact, and 0.99 stays 0.99.
        case Op::Const:
            return fmt::format("{}", e.value);
        case Op::State:
            return named("state", k_.state_names, e.index);
        case Op::Input:
            return named("input", k_.input_names, e.index);
        case Op::Receptor:
            return named("receptor", k_.receptor_names, e.index);
        case Op::Local:
            return fmt::format("local[{}]", e.index);
        case Op::Param:
            return named("param", k_.parameter_names, e.index);
        case Op::Neg:
            return "-" + operand(e, 0, UnaryPrec, false);
        case Op::Not:
            return "!" + operand(e, 0, UnaryPrec, false);
        case Op::Call: {
            std::string s = e.fn + "(";
            for (size_t i = 0; i < e.args.size(); ++i) {
                if (i) s += ", ";
                s += expr(e.args[i]);
            }
            return s + ")";
        }
        case Op::Select:
            return operand(e, 0, SelectPrec, true) + " ? " + operand(e, 1, SelectPrec, true) +
                   " : " + operand(e, 2, SelectPrec, false);
        default: {
            int p = precedence(e.op);
            return operand(e, 0, p, false) + " " + std::string(symbol(e.op)) + " " +
                   operand(e, 1, p, true);
        }
        }
    }

    void stmt(const Stmt& s, int depth, std::string& out) const {
        std::string indent(size_t(depth) * 4, ' ');
        if (!s.comment.empty()) {
            size_t start = 0;
            while (start <= s.comment.size()) {
                size_t end = s.comment.find('\n', start);
                if (end == std::string::npos) end = s.comment.size();
                out += fmt::format("{}# {}\n", indent, s.comment.substr(start, end - start));
                start = end + 1;
            }
        }
        switch (s.kind) {
        case Stmt::Kind::SetLocal:
            out += fmt::format("{}local[{}] = {}\n", indent, s.index, expr(s.value));
            break;
        case Stmt::Kind::SetState:
            out += fmt::format("{}{} = {}\n", indent, named("state", k_.state_names, s.index),
                               expr(s.value));
            break;
        case Stmt::Kind::If:
            out += fmt::format("{}if ({}) {{\n", indent, expr(s.value));
            stmts(s.body, depth + 1, out);
            out += indent + "}\n";
            break;
        case Stmt::Kind::EmitSpike:
            out += indent + "emit spike\n";
            break;
        case Stmt::Kind::While:
            out += fmt::format("{}while ({}) {{\n", indent, expr(s.value));
            stmts(s.body, depth + 1, out);
            out += indent + "}\n";
            break;
        }
    }
};

// "    label: a, b\n", without a trailing blank when the list is empty.
std::string header_line(std::string_view label, const std::vector<std::string>& names) {
    std::string s = fmt::format("    {}:", label);
    for (size_t i = 0; i < names.size(); ++i)
        s += (i ? ", " : " ") + names[i];
    return s + "\n";
}

} // namespace

std::string to_string(const PopulationKernel& kernel) {
    const bool event = kernel.kind == KernelKind::SynapseEvent;
    std::string out = fmt::format("{}kernel {}\n", event ? "synapse event " : "", kernel.name);
    out += header_line("state", kernel.state_names);
    out += header_line("input", kernel.input_names);
    out += header_line("receptor", kernel.receptor_names);
    out += fmt::format("    locals: {}\n", kernel.local_count);
    if (!kernel.parameter_names.empty()) {
        out += "    parameters:";
        for (size_t i = 0; i < kernel.parameter_names.size(); ++i)
            out +=
                fmt::format("{}{} = {}", i ? ", " : " ", kernel.parameter_names[i],
                            i < kernel.parameter_values.size() ? kernel.parameter_values[i] : 0.0);
        out += "\n";
    }
    out += event ? "    for each synapse the event reaches:\n" : "    for each neuron:\n";
    Printer(kernel).stmts(kernel.body, 2, out);
    return out;
}

bool is_c_identifier(std::string_view name) {
    auto alpha = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    if (name.empty() || !alpha(name[0])) return false;
    for (char c : name)
        if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
    return true;
}

} // namespace nnc::kir
