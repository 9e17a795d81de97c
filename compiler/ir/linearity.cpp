#include "ir/linearity.h"

#include <optional>

namespace nnc::ir {

namespace {

bool reads_state(const Expr& e, int state) {
    if (e.op == Op::State && e.index == state) return true;
    for (const auto& a : e.args)
        if (reads_state(*a, state)) return true;
    return false;
}

/// The smallest subexpression of `e` that is not affine in the variables `fixed` calls
/// time-varying (everything else counts as a coefficient); null if `e` is affine in them.
template <typename IsFixed>
const Expr* offending(const Expr& e, const IsFixed& fixed) {
    if (fixed(e)) return nullptr;
    switch (e.op) {
    case Op::State:
    case Op::Input:
    case Op::Weight:
        return nullptr;
    case Op::Add:
    case Op::Sub:
        if (const Expr* a = offending(*e.args[0], fixed)) return a;
        return offending(*e.args[1], fixed);
    case Op::Neg:
        return offending(*e.args[0], fixed);
    case Op::Mul:
        if (fixed(*e.args[0])) return offending(*e.args[1], fixed);
        if (fixed(*e.args[1])) return offending(*e.args[0], fixed);
        return &e; // both factors vary
    case Op::Div:
        if (fixed(*e.args[1])) return offending(*e.args[0], fixed);
        return &e; // a varying denominator
    default:
        return &e; // a function, power, comparison or select of something that varies
    }
}

ExprPtr scaled(const ExprPtr& a, Op op, const ExprPtr& factor, Dimension dim) {
    if (!a) return nullptr;
    return Expr::make(op, {a, factor}, dim);
}

ExprPtr combine(const ExprPtr& a, const ExprPtr& b, Op op, Dimension dim) {
    if (!b) return a;
    if (!a) return op == Op::Add ? b : Expr::make(Op::Neg, {b}, dim);
    return Expr::make(op, {a, b}, dim);
}

} // namespace

bool is_constant_in_time(const Expr& e) {
    switch (e.op) {
    case Op::State:
    case Op::Input:
    case Op::Weight:
        return false;
    default:
        break;
    }
    for (const auto& a : e.args)
        if (!is_constant_in_time(*a)) return false;
    return true;
}

bool is_affine(const Expr& e) {
    return nonaffine_term(e) == nullptr;
}

bool is_free_of_state(const Expr& e, int state) {
    return !reads_state(e, state);
}

const Expr* nonaffine_term(const Expr& e) {
    return offending(e, [](const Expr& x) { return is_constant_in_time(x); });
}

const Expr* nonaffine_term_in_state(const Expr& e, int state) {
    return offending(e, [state](const Expr& x) { return !reads_state(x, state); });
}

std::optional<AffineInState> affine_in_state(const ExprPtr& e, int state) {
    if (!reads_state(*e, state)) return AffineInState{e, nullptr};
    // The dimension of x, from its reference; a slope's is its node's over it.
    std::optional<Dimension> x_dim;
    auto find = [&](auto&& self, const Expr& n) -> void {
        if (x_dim) return;
        if (n.op == Op::State && n.index == state) x_dim = n.dim;
        for (const auto& a : n.args)
            self(self, *a);
    };
    find(find, *e);
    auto decompose = [&](auto&& self, const ExprPtr& n) -> std::optional<AffineInState> {
        if (!reads_state(*n, state)) return AffineInState{n, nullptr};
        const Dimension slope_dim = n->dim / x_dim.value_or(Dimension{});
        switch (n->op) {
        case Op::State:
            return AffineInState{nullptr, Expr::constant(1.0)};
        case Op::Add:
        case Op::Sub: {
            auto a = self(self, n->args[0]);
            auto b = self(self, n->args[1]);
            if (!a || !b) return std::nullopt;
            return AffineInState{combine(a->offset, b->offset, n->op, n->dim),
                                 combine(a->slope, b->slope, n->op, slope_dim)};
        }
        case Op::Neg: {
            auto a = self(self, n->args[0]);
            if (!a) return std::nullopt;
            return AffineInState{a->offset ? Expr::make(Op::Neg, {a->offset}, n->dim) : nullptr,
                                 a->slope ? Expr::make(Op::Neg, {a->slope}, slope_dim) : nullptr};
        }
        case Op::Mul: {
            int fixed = !reads_state(*n->args[0], state)   ? 0
                        : !reads_state(*n->args[1], state) ? 1
                                                           : -1;
            if (fixed < 0) return std::nullopt;
            const ExprPtr& c = n->args[size_t(fixed)];
            auto a = self(self, n->args[size_t(1 - fixed)]);
            if (!a) return std::nullopt;
            // Keep the factor on the side it was written, so printed forms read naturally.
            auto mul = [&](const ExprPtr& p, Dimension d) -> ExprPtr {
                if (!p) return nullptr;
                return fixed == 0 ? Expr::make(Op::Mul, {c, p}, d) : Expr::make(Op::Mul, {p, c}, d);
            };
            return AffineInState{mul(a->offset, n->dim), mul(a->slope, slope_dim)};
        }
        case Op::Div: {
            if (reads_state(*n->args[1], state)) return std::nullopt;
            auto a = self(self, n->args[0]);
            if (!a) return std::nullopt;
            return AffineInState{scaled(a->offset, Op::Div, n->args[1], n->dim),
                                 scaled(a->slope, Op::Div, n->args[1], slope_dim)};
        }
        default:
            return std::nullopt;
        }
    };
    return decompose(decompose, e);
}

OdeClass ode_class(const std::vector<Ode>& odes) {
    bool linear = true, conditionally = true;
    for (const auto& ode : odes) {
        linear = linear && is_affine(*ode.rhs);
        conditionally = conditionally && !nonaffine_term_in_state(*ode.rhs, ode.state);
    }
    if (linear) return OdeClass::Linear;
    return conditionally ? OdeClass::ConditionallyLinear : OdeClass::Nonlinear;
}

SolverKind default_solver(OdeClass c) {
    switch (c) {
    case OdeClass::Linear:
        return SolverKind::ExactLinear;
    case OdeClass::ConditionallyLinear:
        return SolverKind::ExponentialEuler;
    case OdeClass::Nonlinear:
        return SolverKind::RungeKuttaFehlberg45;
    }
    return SolverKind::RungeKuttaFehlberg45;
}

} // namespace nnc::ir
