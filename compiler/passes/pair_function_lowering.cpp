#include "passes/pair_function_lowering.h"

#include "ir/model.h"

#include <stdexcept>

namespace nnc::passes {

namespace {

kir::ExprPtr lower(const ir::Expr& e) {
    using K = kir::Op;
    switch (e.op) {
    case ir::Op::Const:
        return kir::Expr::constant(e.value);
    case ir::Op::Input:
        return kir::Expr::ref(K::Input, e.index);
    case ir::Op::Param:
    case ir::Op::State:
    case ir::Op::Weight:
        throw std::logic_error("a pair expression refers to a model variable");
    default:
        break;
    }
    std::vector<kir::ExprPtr> args;
    for (const auto& a : e.args)
        args.push_back(lower(*a));
    switch (e.op) {
    case ir::Op::Add:
        return kir::Expr::make(K::Add, std::move(args));
    case ir::Op::Sub:
        return kir::Expr::make(K::Sub, std::move(args));
    case ir::Op::Mul:
        return kir::Expr::make(K::Mul, std::move(args));
    case ir::Op::Div:
        return kir::Expr::make(K::Div, std::move(args));
    case ir::Op::Neg:
        return kir::Expr::make(K::Neg, std::move(args));
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
        return kir::Expr::make(K::Lt, std::move(args));
    case ir::Op::Le:
        return kir::Expr::make(K::Le, std::move(args));
    case ir::Op::Gt:
        return kir::Expr::make(K::Gt, std::move(args));
    case ir::Op::Ge:
        return kir::Expr::make(K::Ge, std::move(args));
    case ir::Op::Eq:
        return kir::Expr::make(K::Eq, std::move(args));
    case ir::Op::Ne:
        return kir::Expr::make(K::Ne, std::move(args));
    case ir::Op::And:
        return kir::Expr::make(K::And, std::move(args));
    case ir::Op::Or:
        return kir::Expr::make(K::Or, std::move(args));
    case ir::Op::Not:
        return kir::Expr::make(K::Not, std::move(args));
    case ir::Op::Select:
        return kir::Expr::make(K::Select, std::move(args));
    default:
        break;
    }
    throw std::logic_error("unknown operator in a pair expression");
}

} // namespace

kir::ScalarFunction lower_pair_function(const ir::Expr& e, std::string name) {
    return {std::move(name), ir::pair_variable::names, lower(e)};
}

} // namespace nnc::passes
