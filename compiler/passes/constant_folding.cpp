#include "passes/constant_folding.h"

#include "ir/evaluate.h"
#include "passes/kernel_rewrite.h"

#include <map>
#include <optional>
#include <vector>

namespace nnc::passes {

using kir::Op;

namespace {

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
    // A condition is true when it is not 0, NaN included, as in the backends.
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

/// Folds one node whose operands are already folded.
kir::ExprPtr fold_node(const kir::ExprPtr& e) {
    if (e->args.empty()) return e;
    bool all_const = true;
    for (const auto& a : e->args)
        all_const = all_const && a->op == Op::Const;
    if (all_const) {
        std::vector<double> values;
        for (const auto& a : e->args)
            values.push_back(a->value);
        auto v = e->op == Op::Call ? ir::call_math_function(e->fn, values) : fold_op(e->op, values);
        if (v) return kir::Expr::constant(*v);
    }
    if (e->op == Op::Select && e->args[0]->op == Op::Const)
        return e->args[0]->value != 0 ? e->args[1] : e->args[2];
    return e;
}

/// Locals with exactly one assignment, and that one in the kernel's top-level statements.
std::vector<bool> set_once_at_top_level(const kir::PopulationKernel& k) {
    std::vector<int> top(size_t(k.local_count)), nested(size_t(k.local_count));
    for (const auto& s : k.body)
        if (s.kind == kir::Stmt::Kind::SetLocal) ++top[size_t(s.index)];
    std::function<void(const std::vector<kir::Stmt>&)> count_nested =
        [&](const std::vector<kir::Stmt>& body) {
            for (const auto& s : body) {
                switch (s.kind) {
                case kir::Stmt::Kind::SetLocal:
                    ++nested[size_t(s.index)];
                    break;
                case kir::Stmt::Kind::If:
                case kir::Stmt::Kind::While:
                    count_nested(s.body);
                    break;
                case kir::Stmt::Kind::SetState:
                case kir::Stmt::Kind::EmitSpike:
                    break;
                }
            }
        };
    for (const auto& s : k.body)
        if (s.kind == kir::Stmt::Kind::If || s.kind == kir::Stmt::Kind::While) count_nested(s.body);
    std::vector<bool> once(size_t(k.local_count));
    for (size_t l = 0; l < once.size(); ++l)
        once[l] = top[l] == 1 && nested[l] == 0;
    return once;
}

class Folder {
public:
    explicit Folder(const kir::PopulationKernel& k) : propagatable_(set_once_at_top_level(k)) {}

    void body(std::vector<kir::Stmt>& stmts, bool top_level) {
        std::vector<kir::Stmt> out;
        out.reserve(stmts.size());
        for (auto& s : stmts) {
            switch (s.kind) {
            case kir::Stmt::Kind::SetLocal:
                s.value = expr(s.value);
                if (top_level && s.value->op == Op::Const && propagatable_[size_t(s.index)])
                    known_[s.index] = s.value->value;
                break;
            case kir::Stmt::Kind::SetState:
                s.value = expr(s.value);
                break;
            case kir::Stmt::Kind::If:
                s.value = expr(s.value);
                body(s.body, false);
                if (s.value->op == Op::Const) { // a condition known before the run
                    if (s.value->value != 0)
                        for (auto& inner : s.body)
                            out.push_back(std::move(inner));
                    continue;
                }
                break;
            case kir::Stmt::Kind::While:
                s.value = expr(s.value);
                body(s.body, false);
                if (s.value->op == Op::Const && s.value->value == 0) continue; // never runs
                break;
            case kir::Stmt::Kind::EmitSpike:
                break;
            }
            out.push_back(std::move(s));
        }
        stmts = std::move(out);
    }

private:
    std::vector<bool> propagatable_;
    std::map<int, double> known_; ///< locals whose one assignment, already passed, is a constant

    kir::ExprPtr expr(const kir::ExprPtr& e) {
        return rewrite_bottom_up(e, [&](const kir::ExprPtr& n) {
            if (n->op == Op::Local)
                if (auto it = known_.find(n->index); it != known_.end())
                    return kir::Expr::constant(it->second);
            return fold_node(n);
        });
    }
};

} // namespace

kir::ExprPtr fold_constants(const kir::ExprPtr& e) {
    return rewrite_bottom_up(e, fold_node);
}

void fold_constants(kir::PopulationKernel& kernel) {
    Folder(kernel).body(kernel.body, true);
}

} // namespace nnc::passes
