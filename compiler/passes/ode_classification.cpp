#include "passes/ode_classification.h"

namespace nnc::passes {

void classify_odes(ir::Program& program) {
    for (auto& model : program.models)
        model.solver = model.requested_solver != ir::SolverKind::Auto
                           ? model.requested_solver
                           : ir::default_solver(ir::ode_class(model.odes));
}

} // namespace nnc::passes
