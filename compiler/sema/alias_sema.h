// Sema for `neuron ALIAS = TARGET { parameters { ... } TARGET_PARAMETER = EXPR ... }`: the
// target model under parameters of its own (PyNN's names, units and defaults for NEST's
// models), without copying its equations. The alias's model is the target's with the
// alias's parameters first and the target's after them, each of those computed from the
// alias's parameters where a mapping gives it, and from its own default otherwise.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "ir/model.h"
#include "sema/model_sema.h"

namespace nnc::sema {

/// `target` is null when no model has that name; `target_ok` false when it had errors
/// (then the alias is not checked further, quietly).
ModelResult analyse_alias(const ast::NeuronAlias& alias, const ir::NeuronModel* target,
                          bool target_ok, const SourceManager& sources, DiagnosticEngine& diags);

} // namespace nnc::sema
