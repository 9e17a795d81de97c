#include "passes/strength_reduction.h"

#include "passes/kernel_rewrite.h"

#include <cmath>

namespace nnc::passes {

std::optional<double> exact_reciprocal(double c) {
    if (!std::isfinite(c) || c == 0) return std::nullopt;
    int exponent = 0;
    if (std::fabs(std::frexp(c, &exponent)) != 0.5) return std::nullopt; // not a power of two
    const double r = 1.0 / c;
    // 2^-k overflows for the smallest subnormals; a finite power of two is exact.
    if (!std::isfinite(r) || std::fabs(std::frexp(r, &exponent)) != 0.5) return std::nullopt;
    return r;
}

void reduce_strength(kir::PopulationKernel& kernel) {
    rewrite_expressions(kernel.body, [](const kir::ExprPtr& e) -> kir::ExprPtr {
        if (e->op != kir::Op::Div || e->args[1]->op != kir::Op::Const) return e;
        auto r = exact_reciprocal(e->args[1]->value);
        if (!r) return e;
        return kir::Expr::make(kir::Op::Mul, {e->args[0], kir::Expr::constant(*r)});
    });
}

} // namespace nnc::passes
