#include "passes/algebraic_simplification.h"

#include "passes/kernel_rewrite.h"

#include <cmath>

namespace nnc::passes {

using kir::Expr;
using kir::ExprPtr;
using kir::Op;

namespace {

ExprPtr make(Op op, std::vector<ExprPtr> args) {
    return Expr::make(op, std::move(args));
}

bool is_const(const ExprPtr& e) {
    return e->op == Op::Const;
}

/// A constant below zero (not -0, not NaN).
bool is_negative_constant(const ExprPtr& e) {
    return is_const(e) && e->value < 0;
}

/// True where `e` can never be -0: then e + 0 is e.
bool never_negative_zero(const ExprPtr& e) {
    if (is_truth_value(*e)) return true; // +0 or 1
    if (e->op == Op::Call && (e->fn == "fabs" || e->fn == "exp")) return true;
    return is_const(e) && !is_constant(e, -0.0);
}

ExprPtr negate(const ExprPtr& e) {
    if (is_const(e)) return Expr::constant(-e->value);
    if (e->op == Op::Neg) return e->args[0];
    return make(Op::Neg, {e});
}

/// For c·x, x·c, c/x or x/c with a constant c below zero, the same with -c (which is
/// exactly minus the original: rounding is symmetric); null otherwise.
ExprPtr with_negated_constant(const ExprPtr& e) {
    if (e->op != Op::Mul && e->op != Op::Div) return nullptr;
    if (is_negative_constant(e->args[0])) return make(e->op, {negate(e->args[0]), e->args[1]});
    if (is_negative_constant(e->args[1])) return make(e->op, {e->args[0], negate(e->args[1])});
    return nullptr;
}

ExprPtr simplify_add(const ExprPtr& e) {
    const ExprPtr& a = e->args[0];
    const ExprPtr& b = e->args[1];
    if (is_constant(b, -0.0)) return a;
    if (is_constant(a, -0.0)) return b;
    if (is_constant(b, 0.0) && never_negative_zero(a)) return a;
    if (is_constant(a, 0.0) && never_negative_zero(b)) return b;
    if (b->op == Op::Neg || is_negative_constant(b)) return make(Op::Sub, {a, negate(b)});
    if (a->op == Op::Neg || is_negative_constant(a)) return make(Op::Sub, {b, negate(a)});
    if (auto p = with_negated_constant(b)) return make(Op::Sub, {a, p});
    if (auto p = with_negated_constant(a)) return make(Op::Sub, {b, p});
    return e;
}

ExprPtr simplify_sub(const ExprPtr& e) {
    const ExprPtr& a = e->args[0];
    const ExprPtr& b = e->args[1];
    if (is_constant(b, 0.0)) return a;
    if (is_constant(b, -0.0) && never_negative_zero(a)) return a;
    if (is_constant(a, -0.0)) return negate(b);
    if (b->op == Op::Neg || is_negative_constant(b)) return make(Op::Add, {a, negate(b)});
    if (auto p = with_negated_constant(b)) return make(Op::Add, {a, p});
    return e;
}

/// Mul and Div share their sign rules.
ExprPtr simplify_product(const ExprPtr& e) {
    const ExprPtr& a = e->args[0];
    const ExprPtr& b = e->args[1];
    const bool mul = e->op == Op::Mul;
    if (is_constant(b, 1.0)) return a;
    if (is_constant(b, -1.0)) return negate(a);
    if (mul && is_constant(a, 1.0)) return b;
    if (mul && is_constant(a, -1.0)) return negate(b);
    if (a->op == Op::Neg && b->op == Op::Neg) return make(e->op, {a->args[0], b->args[0]});
    if (a->op == Op::Neg && is_const(b)) return make(e->op, {a->args[0], negate(b)});
    if (is_const(a) && b->op == Op::Neg) return make(e->op, {negate(a), b->args[0]});
    return e;
}

ExprPtr simplify_logic(const ExprPtr& e) {
    const ExprPtr& a = e->args[0];
    const ExprPtr& b = e->args[1];
    const bool is_and = e->op == Op::And;
    for (auto [x, c] : {std::pair{a, b}, std::pair{b, a}}) {
        if (!is_const(c)) continue;
        const bool truth = c->value != 0; // NaN is true, as in the backends
        if (is_and && !truth) return Expr::constant(0.0);
        if (!is_and && truth) return Expr::constant(1.0);
        if (is_truth_value(*x)) return x; // b && 1, b || 0
    }
    return e;
}

/// b == 0, b != 0, b == 1, b != 1 for a truth value b.
ExprPtr simplify_equality(const ExprPtr& e) {
    for (auto [x, c] : {std::pair{e->args[0], e->args[1]}, std::pair{e->args[1], e->args[0]}}) {
        if (!is_const(c) || !is_truth_value(*x)) continue;
        const bool eq = e->op == Op::Eq;
        if (c->value == 0) return eq ? make(Op::Not, {x}) : x;
        if (c->value == 1) return eq ? x : make(Op::Not, {x});
    }
    return e;
}

ExprPtr simplify_select(const ExprPtr& e) {
    const ExprPtr& c = e->args[0];
    const ExprPtr& x = e->args[1];
    const ExprPtr& y = e->args[2];
    if (structurally_equal(*x, *y)) return x;
    if (c->op == Op::Not) return make(Op::Select, {c->args[0], y, x});
    if (is_truth_value(*c)) {
        if (is_constant(x, 1.0) && is_constant(y, 0.0)) return c;
        if (is_constant(x, 0.0) && is_constant(y, 1.0)) return make(Op::Not, {c});
    }
    return e;
}

ExprPtr simplify_once(const ExprPtr& e) {
    switch (e->op) {
    case Op::Add:
        return simplify_add(e);
    case Op::Sub:
        return simplify_sub(e);
    case Op::Mul:
    case Op::Div:
        return simplify_product(e);
    case Op::Neg:
        if (is_const(e->args[0]) || e->args[0]->op == Op::Neg) return negate(e->args[0]);
        return e;
    case Op::Not:
        if (e->args[0]->op == Op::Not && is_truth_value(*e->args[0]->args[0]))
            return e->args[0]->args[0];
        return e;
    case Op::And:
    case Op::Or:
        return simplify_logic(e);
    case Op::Eq:
    case Op::Ne:
        return simplify_equality(e);
    case Op::Select:
        return simplify_select(e);
    default:
        return e;
    }
}

} // namespace

ExprPtr simplify_node(const ExprPtr& e) {
    // A rewrite may leave a node another identity applies to (-x · -1 -> -(-x) -> x); every
    // rewrite removes an operation, a negation or a constant's minus sign, so this ends.
    ExprPtr current = e;
    for (;;) {
        ExprPtr next = simplify_once(current);
        if (next == current) return current;
        current = next;
    }
}

ExprPtr simplify(const ExprPtr& e) {
    return rewrite_bottom_up(e, simplify_node);
}

void simplify_algebra(kir::PopulationKernel& kernel) {
    rewrite_expressions(kernel.body, simplify_node);
}

} // namespace nnc::passes
