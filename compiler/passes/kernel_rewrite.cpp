#include "passes/kernel_rewrite.h"

#include <bit>
#include <memory>

namespace nnc::passes {

kir::ExprPtr rewrite_bottom_up(const kir::ExprPtr& e, const NodeRewrite& f) {
    if (e->args.empty()) return f(e);
    std::vector<kir::ExprPtr> args;
    args.reserve(e->args.size());
    bool changed = false;
    for (const auto& a : e->args) {
        args.push_back(rewrite_bottom_up(a, f));
        changed = changed || args.back() != a;
    }
    if (!changed) return f(e);
    // A copy keeps every field (function name, index) but the operands.
    auto copy = std::make_shared<kir::Expr>(*e);
    copy->args = std::move(args);
    return f(copy);
}

void rewrite_expressions(std::vector<kir::Stmt>& body, const NodeRewrite& f) {
    for (kir::Stmt& s : body) {
        switch (s.kind) {
        case kir::Stmt::Kind::SetLocal:
        case kir::Stmt::Kind::SetState:
            s.value = rewrite_bottom_up(s.value, f);
            break;
        case kir::Stmt::Kind::If:
        case kir::Stmt::Kind::While:
            s.value = rewrite_bottom_up(s.value, f);
            rewrite_expressions(s.body, f);
            break;
        case kir::Stmt::Kind::EmitSpike:
            break;
        }
    }
}

namespace {

void visit(const kir::Expr& e, const std::function<void(const kir::Expr&)>& f) {
    f(e);
    for (const auto& a : e.args)
        visit(*a, f);
}

} // namespace

void for_each_node(const std::vector<kir::Stmt>& body,
                   const std::function<void(const kir::Expr&)>& f) {
    for (const kir::Stmt& s : body) {
        switch (s.kind) {
        case kir::Stmt::Kind::SetLocal:
        case kir::Stmt::Kind::SetState:
            visit(*s.value, f);
            break;
        case kir::Stmt::Kind::If:
        case kir::Stmt::Kind::While:
            visit(*s.value, f);
            for_each_node(s.body, f);
            break;
        case kir::Stmt::Kind::EmitSpike:
            break;
        }
    }
}

uint64_t bits_of(double v) {
    return std::bit_cast<uint64_t>(v);
}

bool is_constant(const kir::ExprPtr& e, double v) {
    return e->op == kir::Op::Const && bits_of(e->value) == bits_of(v);
}

bool structurally_equal(const kir::Expr& a, const kir::Expr& b) {
    if (&a == &b) return true;
    if (a.op != b.op || a.index != b.index || a.fn != b.fn || a.args.size() != b.args.size())
        return false;
    if (a.op == kir::Op::Const && bits_of(a.value) != bits_of(b.value)) return false;
    for (size_t i = 0; i < a.args.size(); ++i)
        if (!structurally_equal(*a.args[i], *b.args[i])) return false;
    return true;
}

bool is_truth_value(const kir::Expr& e) {
    switch (e.op) {
    case kir::Op::Lt:
    case kir::Op::Le:
    case kir::Op::Gt:
    case kir::Op::Ge:
    case kir::Op::Eq:
    case kir::Op::Ne:
    case kir::Op::And:
    case kir::Op::Or:
    case kir::Op::Not:
        return true;
    default:
        return false;
    }
}

} // namespace nnc::passes
