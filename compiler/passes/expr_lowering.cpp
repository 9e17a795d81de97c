#include "passes/expr_lowering.h"

#include <stdexcept>
#include <utility>

namespace nnc::passes {

kir::ExprPtr lower_operation(const ir::Expr& e, std::vector<kir::ExprPtr> args) {
    using K = kir::Op;
    auto make = [&](K op) { return kir::Expr::make(op, std::move(args)); };
    switch (e.op) {
    case ir::Op::Add:
        return make(K::Add);
    case ir::Op::Sub:
        return make(K::Sub);
    case ir::Op::Mul:
        return make(K::Mul);
    case ir::Op::Div:
        return make(K::Div);
    case ir::Op::Neg:
        return make(K::Neg);
    case ir::Op::Pow:
        return kir::Expr::call("pow", std::move(args));
    case ir::Op::Call: {
        std::string fn = e.fn;
        if (fn == "abs") fn = "fabs";
        if (fn == "min") fn = "fmin";
        if (fn == "max") fn = "fmax";
        return kir::Expr::call(fn, std::move(args));
    }
    case ir::Op::Lt:
        return make(K::Lt);
    case ir::Op::Le:
        return make(K::Le);
    case ir::Op::Gt:
        return make(K::Gt);
    case ir::Op::Ge:
        return make(K::Ge);
    case ir::Op::Eq:
        return make(K::Eq);
    case ir::Op::Ne:
        return make(K::Ne);
    case ir::Op::And:
        return make(K::And);
    case ir::Op::Or:
        return make(K::Or);
    case ir::Op::Not:
        return make(K::Not);
    case ir::Op::Select:
        return make(K::Select);
    default:
        throw std::logic_error("unexpected expression in kernel lowering");
    }
}

} // namespace nnc::passes
