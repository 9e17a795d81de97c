// Short constructors for kernel IR, shared by the passes that generate it (population
// lowering and the ODE step methods), so that generated code reads like the formula.
#pragma once

#include "ir/kernel.h"

#include <string>
#include <utility>
#include <vector>

namespace nnc::passes::kernel_builder {

using kir::Stmt;
using K = kir::Op;

inline kir::ExprPtr cnst(double v) {
    return kir::Expr::constant(v);
}
inline kir::ExprPtr loc(int l) {
    return kir::Expr::ref(K::Local, l);
}
inline kir::ExprPtr make(K op, std::vector<kir::ExprPtr> args) {
    return kir::Expr::make(op, std::move(args));
}
inline kir::ExprPtr add(kir::ExprPtr a, kir::ExprPtr b) {
    return make(K::Add, {std::move(a), std::move(b)});
}
inline kir::ExprPtr mul(kir::ExprPtr a, kir::ExprPtr b) {
    return make(K::Mul, {std::move(a), std::move(b)});
}
inline kir::ExprPtr call(const char* fn, std::vector<kir::ExprPtr> args) {
    return kir::Expr::call(fn, std::move(args));
}
inline Stmt set_local(int index, kir::ExprPtr value, std::string comment = {}) {
    return Stmt{Stmt::Kind::SetLocal, index, std::move(value), {}, std::move(comment)};
}
inline Stmt set_state(int index, kir::ExprPtr value, std::string comment = {}) {
    return Stmt{Stmt::Kind::SetState, index, std::move(value), {}, std::move(comment)};
}

} // namespace nnc::passes::kernel_builder
