#include "passes/specialisation.h"

#include "passes/kernel_rewrite.h"

#include <stdexcept>

namespace nnc::passes {

void specialise(kir::PopulationKernel& kernel) {
    rewrite_expressions(kernel.body, [&](const kir::ExprPtr& e) {
        if (e->op != kir::Op::Param) return e;
        if (e->index < 0 || size_t(e->index) >= kernel.parameter_values.size())
            throw std::logic_error("kernel '" + kernel.name + "' refers to parameter " +
                                   std::to_string(e->index) + ", which it has no value for");
        return kir::Expr::constant(kernel.parameter_values[size_t(e->index)]);
    });
    kernel.parameter_names.clear();
    kernel.parameter_values.clear();
}

} // namespace nnc::passes
