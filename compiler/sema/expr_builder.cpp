#include "sema/expr_builder.h"

#include "ir/evaluate.h"
#include "sema/names.h"
#include "sema/units.h"

#include <fmt/format.h>

#include <numbers>

#include <cctype>
#include <cmath>

namespace nnc::sema {

namespace {

enum class FnRule { Dimensionless, Sqrt, Keep, SameTwo, SameThree };

struct MathFunction {
    const char* name;
    FnRule rule;
};

const MathFunction math_functions[] = {
    {"exp", FnRule::Dimensionless}, {"log", FnRule::Dimensionless},  {"sin", FnRule::Dimensionless},
    {"cos", FnRule::Dimensionless}, {"tanh", FnRule::Dimensionless}, {"sqrt", FnRule::Sqrt},
    {"abs", FnRule::Keep},          {"floor", FnRule::Keep},         {"ceil", FnRule::Keep},
    {"round", FnRule::Keep},        {"min", FnRule::SameTwo},        {"max", FnRule::SameTwo},
    {"clip", FnRule::SameThree}, // clip(x, low, high) = min(max(x, low), high)
};

const MathFunction* find_function(const std::string& name) {
    for (const auto& f : math_functions)
        if (name == f.name) return &f;
    return nullptr;
}

// Calls that mean something only as a whole value in the network layer.
std::string misplaced_call(const std::string& callee) {
    if (callee == "uniform" || callee == "normal" || callee == "lognormal" ||
        callee == "exponential")
        return fmt::format("`{}(...)` draws a value per neuron or connection; it can only be "
                           "the whole value of a population's state variable, or of a "
                           "projection's weight or delay",
                           callee);
    if (callee == "all_to_all" || callee == "one_to_one" || callee == "fixed_probability" ||
        callee == "fixed_indegree")
        return fmt::format("`{}(...)` is a connection rule; it can only be the value of "
                           "`connect = ...` in a projection",
                           callee);
    if (callee == "poisson" || callee == "dc")
        return fmt::format("`{}(...)` is a generator; it can only follow `stimulate POPULATION "
                           "with`",
                           callee);
    return {};
}

bool is_integer(double v) {
    return std::isfinite(v) && v == std::floor(v);
}

// Sets the source range on a shared node built elsewhere (a resolved name).
ir::ExprPtr with_range(const ir::ExprPtr& e, SourceRange range) {
    auto copy = std::make_shared<ir::Expr>(*e);
    copy->range = range;
    return copy;
}

} // namespace

Resolution NameScope::resolve_table(const ast::Expr& e) const {
    const char* what = e.kind == ast::ExprKind::String ? "strings" : "arrays";
    return Resolution::forbidden(fmt::format("{} exist only in a network's constants", what),
                                 "a neuron's parameters and states are single numbers");
}

const std::vector<std::string>& math_function_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& f : math_functions)
            v.emplace_back(f.name);
        return v;
    }();
    return names;
}

std::optional<double> bare_literal(const ast::Expr& e) {
    if (e.kind == ast::ExprKind::Number && e.unit.empty()) return e.number;
    if (e.kind == ast::ExprKind::Unary && e.args.size() == 1 && (e.op == "-" || e.op == "+")) {
        auto v = bare_literal(*e.args[0]);
        if (v) return e.op == "-" ? -*v : *v;
    }
    return std::nullopt;
}

std::string literal_hint(const ast::Expr& literal, const Dimension& wanted) {
    if (wanted.dimensionless()) return {};
    if (auto v = bare_literal(literal))
        return fmt::format("write `{}`: a number without a unit is dimensionless",
                           quantity_text(*v, wanted));
    // `5 mS` for `5 ms`, `1 MV` for `1 mV`: a unit that differs from a wanted one by case.
    const ast::Expr* e = &literal;
    while (e->kind == ast::ExprKind::Unary && e->args.size() == 1)
        e = e->args[0].get();
    if (e->kind != ast::ExprKind::Number || e->unit.empty()) return {};
    auto written = lookup_unit(e->unit);
    if (!written || written->dim == wanted) return {};
    for (const auto& name : units_in_other_case(e->unit)) {
        auto unit = lookup_unit(name);
        if (unit && unit->dim == wanted)
            return fmt::format("`{}` is a unit of {}; did you mean `{}`?", e->unit,
                               written->dim.describe(), name);
    }
    return {};
}

void ExprBuilder::problem(SourceRange at, std::string message, std::string hint, bool dim) {
    problems_.push_back(Problem{at, std::move(message), std::move(hint), dim});
}

ir::ExprPtr ExprBuilder::build(const ast::Expr& e) {
    switch (e.kind) {
    case ast::ExprKind::Number:
        return number(e);
    case ast::ExprKind::Bool: {
        auto c = ir::Expr::constant(e.number);
        return with_range(c, e.range);
    }
    case ast::ExprKind::Name:
        return name(e);
    case ast::ExprKind::Unary:
        return unary(e);
    case ast::ExprKind::Binary:
        return binary(e);
    case ast::ExprKind::Compare:
        return compare(e);
    case ast::ExprKind::Logical:
        return logical(e);
    case ast::ExprKind::Call:
        return call(e);
    case ast::ExprKind::Index:
    case ast::ExprKind::Array:
    case ast::ExprKind::String:
        return table(e);
    }
    problem(e.range, "unsupported expression");
    return nullptr;
}

ir::ExprPtr ExprBuilder::number(const ast::Expr& e) {
    if (e.unit.empty()) return with_range(ir::Expr::constant(e.number), e.range);
    auto unit = lookup_unit(e.unit);
    if (!unit) {
        problem(e.unit_range.valid() ? e.unit_range : e.range,
                fmt::format("unknown unit '{}'", e.unit),
                did_you_mean(e.unit, common_unit_names()));
        return nullptr;
    }
    return with_range(ir::Expr::constant(unit->to_canonical(e.number), unit->dim), e.range);
}

ir::ExprPtr ExprBuilder::name(const ast::Expr& e) {
    Resolution r = scope_.resolve(e.name);
    switch (r.kind) {
    case Resolution::Kind::Found:
        return with_range(r.expr, e.range);
    case Resolution::Kind::Forbidden:
        problem(e.range, r.message, r.hint);
        return nullptr;
    case Resolution::Kind::Poisoned:
        return nullptr;
    case Resolution::Kind::NotFound:
        break;
    }
    // π, unless the model or network names something `pi` itself.
    if (e.name == "pi" && !unit_context_)
        return with_range(ir::Expr::constant(std::numbers::pi), e.range);
    if (auto unit = lookup_unit(e.name))
        return with_range(ir::Expr::constant(unit->factor, unit->dim), e.range);
    if (unit_context_) {
        problem(e.range, fmt::format("unknown unit '{}'", e.name),
                did_you_mean(e.name, common_unit_names()));
        return nullptr;
    }
    auto candidates = scope_.visible_names();
    std::string hint = did_you_mean(e.name, candidates);
    if (hint.empty()) hint = did_you_mean(e.name, common_unit_names());
    problem(e.range, fmt::format("unknown name '{}'", e.name), hint);
    return nullptr;
}

ir::ExprPtr ExprBuilder::unary(const ast::Expr& e) {
    auto a = build(*e.args.at(0));
    if (!a) return nullptr;
    if (e.op == "+") return with_range(a, e.range);
    if (e.op == "-") return finish(ir::Op::Neg, {a}, a->dim, e);
    // not
    if (!a->dim.dimensionless()) {
        problem(
            e.range,
            fmt::format("'not' needs a truth value, but its operand is {}", dimension_text(a->dim)),
            "compare it with something, e.g. `not (V_m > V_th)`", true);
        return nullptr;
    }
    return finish(ir::Op::Not, {a}, Dimension::none(), e);
}

void ExprBuilder::mismatch(const ast::Expr& at, const std::string& what,
                           const std::string& left_label, const std::string& right_label,
                           const ast::Expr& left, const ast::Expr& right, const ir::Expr& l,
                           const ir::Expr& r) {
    std::string hint;
    if (l.dim.dimensionless()) hint = literal_hint(left, r.dim);
    if (hint.empty() && r.dim.dimensionless()) hint = literal_hint(right, l.dim);
    problem(at.range,
            fmt::format("dimension mismatch{}: {} is {}, {} is {}", what, left_label,
                        dimension_text(l.dim), right_label, dimension_text(r.dim)),
            hint, true);
}

ir::ExprPtr ExprBuilder::binary(const ast::Expr& e) {
    const ast::Expr& left = *e.args.at(0);
    const ast::Expr& right = *e.args.at(1);
    auto l = build(left);
    auto r = build(right);
    if (!l || !r) return nullptr;
    if (e.op == "+" || e.op == "-") {
        if (l->dim != r->dim) {
            mismatch(e, "", "left side", "right side", left, right, *l, *r);
            return nullptr;
        }
        return finish(e.op == "+" ? ir::Op::Add : ir::Op::Sub, {l, r}, l->dim, e);
    }
    if (e.op == "*") return finish(ir::Op::Mul, {l, r}, l->dim * r->dim, e);
    if (e.op == "/") return finish(ir::Op::Div, {l, r}, l->dim / r->dim, e);
    if (e.op == "^") {
        if (!r->dim.dimensionless()) {
            problem(right.range,
                    fmt::format("an exponent must be dimensionless, but this one is {}",
                                dimension_text(r->dim)),
                    {}, true);
            return nullptr;
        }
        if (l->dim.dimensionless()) return finish(ir::Op::Pow, {l, r}, Dimension::none(), e);
        if (r->op != ir::Op::Const || !is_integer(r->value) || std::fabs(r->value) > 32) {
            problem(right.range,
                    fmt::format("the exponent of a quantity with a dimension ({}) must be a "
                                "constant whole number",
                                dimension_text(l->dim)),
                    "divide the base by its unit first, e.g. `(x / 1 ms) ^ 1.5`", true);
            return nullptr;
        }
        return finish(ir::Op::Pow, {l, r}, l->dim.pow(int(r->value)), e);
    }
    problem(e.range, fmt::format("unknown operator '{}'", e.op));
    return nullptr;
}

ir::ExprPtr ExprBuilder::compare(const ast::Expr& e) {
    const ast::Expr& left = *e.args.at(0);
    const ast::Expr& right = *e.args.at(1);
    auto l = build(left);
    auto r = build(right);
    if (!l || !r) return nullptr;
    if (l->dim != r->dim) {
        mismatch(e, "", "left side", "right side", left, right, *l, *r);
        return nullptr;
    }
    ir::Op op = ir::Op::Lt;
    if (e.op == "<")
        op = ir::Op::Lt;
    else if (e.op == "<=")
        op = ir::Op::Le;
    else if (e.op == ">")
        op = ir::Op::Gt;
    else if (e.op == ">=")
        op = ir::Op::Ge;
    else if (e.op == "==")
        op = ir::Op::Eq;
    else if (e.op == "!=")
        op = ir::Op::Ne;
    else {
        problem(e.range, fmt::format("unknown comparison '{}'", e.op));
        return nullptr;
    }
    return finish(op, {l, r}, Dimension::none(), e);
}

ir::ExprPtr ExprBuilder::logical(const ast::Expr& e) {
    auto l = build(*e.args.at(0));
    auto r = build(*e.args.at(1));
    if (!l || !r) return nullptr;
    for (const auto& [side, x] : {std::pair{"left", l}, std::pair{"right", r}}) {
        if (!x->dim.dimensionless()) {
            problem(e.range,
                    fmt::format("'{}' needs truth values, but its {} side is {}", e.op, side,
                                dimension_text(x->dim)),
                    "compare it with something, e.g. `V_m > V_th`", true);
            return nullptr;
        }
    }
    return finish(e.op == "and" ? ir::Op::And : ir::Op::Or, {l, r}, Dimension::none(), e);
}

ir::ExprPtr ExprBuilder::table(const ast::Expr& e) {
    Resolution r = scope_.resolve_table(e);
    switch (r.kind) {
    case Resolution::Kind::Found:
        return with_range(r.expr, e.range);
    case Resolution::Kind::Forbidden:
        problem(e.range, r.message, r.hint);
        return nullptr;
    case Resolution::Kind::Poisoned:
        return nullptr;
    case Resolution::Kind::NotFound:
        break;
    }
    problem(e.range, "a table cannot be used here");
    return nullptr;
}

ir::ExprPtr ExprBuilder::call(const ast::Expr& e) {
    if (e.name == "len" || e.name == "sum") return table(e);
    const MathFunction* fn = find_function(e.name);
    if (!fn) {
        std::string misplaced = misplaced_call(e.name);
        if (!misplaced.empty()) {
            problem(e.range, misplaced);
        } else {
            std::string hint = did_you_mean(e.name, math_function_names());
            if (hint.empty()) hint = "the functions are: " + join_names(math_function_names());
            problem(e.range, fmt::format("unknown function '{}'", e.name), hint);
        }
        return nullptr;
    }
    for (size_t i = 0; i < e.arg_names.size(); ++i) {
        if (!e.arg_names[i].empty()) {
            problem(e.args[i]->range, fmt::format("'{}' takes no named arguments", e.name));
            return nullptr;
        }
    }
    size_t arity = fn->rule == FnRule::SameThree ? 3 : fn->rule == FnRule::SameTwo ? 2 : 1;
    if (e.args.size() != arity) {
        problem(e.range, fmt::format("'{}' takes {} argument{}, not {}", e.name, arity,
                                     arity == 1 ? "" : "s", e.args.size()));
        return nullptr;
    }
    std::vector<ir::ExprPtr> args;
    bool ok = true;
    for (const auto& a : e.args) {
        args.push_back(build(*a));
        ok = ok && args.back();
    }
    if (!ok) return nullptr;
    const Dimension& d = args[0]->dim;
    switch (fn->rule) {
    case FnRule::Dimensionless:
        if (!d.dimensionless()) {
            problem(e.args[0]->range,
                    fmt::format("the argument of {} must be dimensionless, but it is {}", e.name,
                                dimension_text(d)),
                    fmt::format("divide it by a quantity of the same dimension, e.g. `{}(x / "
                                "1 {})`",
                                e.name, d.unit_name()),
                    true);
            return nullptr;
        }
        return finish(ir::Op::Call, std::move(args), Dimension::none(), e, e.name);
    case FnRule::Sqrt: {
        Dimension half;
        for (int b = 0; b < Dimension::Count; ++b) {
            int x = d[Dimension::Base(b)];
            if (x % 2 != 0) {
                problem(e.args[0]->range,
                        fmt::format("the square root of {} has no physical dimension",
                                    dimension_text(d)),
                        "every exponent of the argument's unit must be even, e.g. mV^2", true);
                return nullptr;
            }
            half = half * Dimension::of(Dimension::Base(b), int8_t(x / 2));
        }
        return finish(ir::Op::Call, std::move(args), half, e, e.name);
    }
    case FnRule::Keep:
        return finish(ir::Op::Call, std::move(args), d, e, e.name);
    case FnRule::SameTwo:
        if (args[0]->dim != args[1]->dim) {
            mismatch(e, " in " + e.name, "the first argument", "the second", *e.args[0], *e.args[1],
                     *args[0], *args[1]);
            return nullptr;
        }
        return finish(ir::Op::Call, std::move(args), d, e, e.name);
    case FnRule::SameThree: {
        const char* names[] = {"the value", "the lower bound", "the upper bound"};
        for (size_t i = 1; i < 3; ++i) {
            if (args[i]->dim == d) continue;
            mismatch(e, " in " + e.name, names[0], names[i], *e.args[0], *e.args[i], *args[0],
                     *args[i]);
            return nullptr;
        }
        auto above = finish(ir::Op::Call, {args[0], args[1]}, d, e, "max");
        if (!above) return nullptr;
        return finish(ir::Op::Call, {above, args[2]}, d, e, "min");
    }
    }
    return nullptr;
}

ir::ExprPtr ExprBuilder::finish(ir::Op op, std::vector<ir::ExprPtr> args, Dimension dim,
                                const ast::Expr& at, std::string fn) {
    auto node = std::make_shared<ir::Expr>();
    node->op = op;
    node->fn = std::move(fn);
    node->args = std::move(args);
    node->dim = dim;
    node->range = at.range;
    for (const auto& a : node->args)
        if (a->op != ir::Op::Const) return node;
    // Every operand is a number: fold, refusing what has no finite value.
    const auto& a = node->args;
    if (op == ir::Op::Div && a[1]->value == 0) {
        problem(at.range, "division by zero");
        return nullptr;
    }
    if (op == ir::Op::Call && node->fn == "log" && a[0]->value <= 0) {
        problem(at.range,
                fmt::format("log of {}: the argument must be positive", number_text(a[0]->value)));
        return nullptr;
    }
    if (op == ir::Op::Call && node->fn == "sqrt" && a[0]->value < 0) {
        problem(at.range,
                fmt::format("square root of the negative number {}", number_text(a[0]->value)));
        return nullptr;
    }
    auto value = ir::evaluate(*node, ir::Bindings{});
    if (!value || !std::isfinite(*value)) {
        problem(at.range, fmt::format("this evaluates to {}, not a finite number",
                                      value ? number_text(*value) : std::string("nothing")));
        return nullptr;
    }
    auto c = std::make_shared<ir::Expr>();
    c->op = ir::Op::Const;
    c->value = *value;
    c->dim = dim;
    c->range = at.range;
    return c;
}

} // namespace nnc::sema
