// Elaboration of the root file's `network` block: every `let` evaluated (with
// `-D` overrides applied), every population size, parameter, initial value,
// weight, delay and rate turned into a number (or a distribution) in canonical
// units. After this, nothing downstream evaluates source expressions again.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "ir/model.h"
#include "sema/sema.h"

#include <vector>

namespace nnc::sema {

/// Analysed models and whether each was free of errors: `ok[i]` is false for a model that
/// had errors of its own, so that its users are not blamed for them.
template <class Model>
struct AnalysedModels {
    const std::vector<Model>& models;
    const std::vector<bool>& ok;
};

/// The elaborated network; reports every problem it finds (the result is then incomplete
/// and the caller discards it).
ir::Network elaborate_network(const ast::Network& network, AnalysedModels<ir::NeuronModel> neurons,
                              AnalysedModels<ir::SynapseModel> synapses,
                              const std::vector<ConstantOverride>& overrides,
                              SourceManager& sources, DiagnosticEngine& diags);

} // namespace nnc::sema
