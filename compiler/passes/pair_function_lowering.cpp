#include "passes/pair_function_lowering.h"

#include "ir/model.h"
#include "passes/expr_lowering.h"

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
    return lower_operation(e, std::move(args));
}

} // namespace

kir::ScalarFunction lower_pair_function(const ir::Expr& e, std::string name) {
    return {std::move(name), ir::pair_variable::names, lower(e)};
}

} // namespace nnc::passes
