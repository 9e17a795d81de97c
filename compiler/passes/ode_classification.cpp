#include "passes/ode_classification.h"

namespace nnc::passes {

using ir::Op;

bool is_constant_in_time(const ir::Expr& e) {
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

bool is_affine(const ir::Expr& e) {
    if (is_constant_in_time(e)) return true;
    switch (e.op) {
    case Op::State:
    case Op::Input:
        return true;
    case Op::Add:
    case Op::Sub:
        return is_affine(*e.args[0]) && is_affine(*e.args[1]);
    case Op::Neg:
        return is_affine(*e.args[0]);
    case Op::Mul:
        return (is_constant_in_time(*e.args[0]) && is_affine(*e.args[1])) ||
               (is_constant_in_time(*e.args[1]) && is_affine(*e.args[0]));
    case Op::Div:
        return is_constant_in_time(*e.args[1]) && is_affine(*e.args[0]);
    default:
        return false;
    }
}

void classify_odes(ir::Program& program) {
    for (auto& model : program.models) {
        bool linear = true;
        for (const auto& ode : model.odes)
            linear = linear && is_affine(*ode.rhs);
        model.solver = linear ? ir::SolverKind::ExactLinear : ir::SolverKind::RungeKutta4;
    }
}

} // namespace nnc::passes
