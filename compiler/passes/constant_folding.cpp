#include "passes/constant_folding.h"

#include "ir/evaluate.h"

#include <vector>

namespace nnc::passes {

using kir::Op;

namespace {

bool is_const(const kir::ExprPtr& e, double v) {
    return e->op == Op::Const && e->value == v;
}

std::optional<double> fold_op(Op op, const std::vector<double>& a) {
    switch (op) {
    case Op::Add:
        return a[0] + a[1];
    case Op::Sub:
        return a[0] - a[1];
    case Op::Mul:
        return a[0] * a[1];
    case Op::Div:
        return a[0] / a[1];
    case Op::Neg:
        return -a[0];
    case Op::Lt:
        return double(a[0] < a[1]);
    case Op::Le:
        return double(a[0] <= a[1]);
    case Op::Gt:
        return double(a[0] > a[1]);
    case Op::Ge:
        return double(a[0] >= a[1]);
    case Op::Eq:
        return double(a[0] == a[1]);
    case Op::Ne:
        return double(a[0] != a[1]);
    case Op::And:
        return double(a[0] != 0 && a[1] != 0);
    case Op::Or:
        return double(a[0] != 0 || a[1] != 0);
    case Op::Not:
        return double(a[0] == 0);
    case Op::Select:
        return a[0] != 0 ? a[1] : a[2];
    default:
        return std::nullopt;
    }
}

} // namespace

kir::ExprPtr fold_constants(const kir::ExprPtr& e) {
    if (e->args.empty()) return e;
    std::vector<kir::ExprPtr> args;
    args.reserve(e->args.size());
    bool changed = false;
    bool all_const = true;
    for (const auto& a : e->args) {
        auto f = fold_constants(a);
        changed = changed || f != a;
        all_const = all_const && f->op == Op::Const;
        args.push_back(std::move(f));
    }
    if (all_const) {
        std::vector<double> values;
        for (const auto& a : args)
            values.push_back(a->value);
        auto v = e->op == Op::Call ? ir::call_math_function(e->fn, values) : fold_op(e->op, values);
        if (v) return kir::Expr::constant(*v);
    }
    // Identities that are exact for every double.
    switch (e->op) {
    case Op::Add:
        if (is_const(args[1], 0.0)) return args[0];
        if (is_const(args[0], 0.0)) return args[1];
        break;
    case Op::Sub:
        if (is_const(args[1], 0.0)) return args[0];
        break;
    case Op::Mul:
        if (is_const(args[1], 1.0)) return args[0];
        if (is_const(args[0], 1.0)) return args[1];
        break;
    case Op::Div:
        if (is_const(args[1], 1.0)) return args[0];
        break;
    case Op::Select:
        if (args[0]->op == Op::Const) return args[0]->value != 0 ? args[1] : args[2];
        break;
    default:
        break;
    }
    if (!changed) return e;
    if (e->op == Op::Call) return kir::Expr::call(e->fn, std::move(args));
    return kir::Expr::make(e->op, std::move(args));
}

namespace {

void fold_body(std::vector<kir::Stmt>& body) {
    std::vector<kir::Stmt> out;
    out.reserve(body.size());
    for (auto& s : body) {
        if (s.value) s.value = fold_constants(s.value);
        if (s.kind == kir::Stmt::Kind::If) {
            fold_body(s.body);
            if (s.value->op == kir::Op::Const) { // a condition known before the run
                if (s.value->value != 0)
                    for (auto& inner : s.body)
                        out.push_back(std::move(inner));
                continue;
            }
        }
        out.push_back(std::move(s));
    }
    body = std::move(out);
}

} // namespace

void fold_constants(kir::PopulationKernel& kernel) {
    fold_body(kernel.body);
}

} // namespace nnc::passes
