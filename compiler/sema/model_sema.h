// Sema for one `neuron` or `synapse` block: resolves its names, checks the dimensions of its
// equations, handlers and threshold, and produces the unit-checked
// ir::NeuronModel that the passes transform. Kept apart from the network layer
// because a model is checked once, whatever populations use it.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "ir/model.h"

namespace nnc::sema {

struct ModelResult {
    ir::NeuronModel model; ///< as complete as the errors allowed
    bool ok = true;        ///< false if an error was reported
};

/// `kind` names the declaration in diagnostics ("channel" for a channel's gates, which
/// sema checks as a model of their own).
ModelResult analyse_neuron(const ast::Neuron& neuron, const SourceManager& sources,
                           DiagnosticEngine& diags, const char* kind = "neuron");

struct SynapseResult {
    ir::SynapseModel model; ///< as complete as the errors allowed
    bool ok = true;         ///< false if an error was reported
};

/// Sema for one `synapse` block: as for a neuron (parameters, state, equations), plus its
/// `on pre` / `on post` handlers; its equations must be solvable exactly between events.
SynapseResult analyse_synapse(const ast::Synapse& synapse, const SourceManager& sources,
                              DiagnosticEngine& diags);

/// The dimension a unit expression (`pA`, `mV/ms`, `1/ms`) stands for; reports and returns
/// nullopt if it is not one.
std::optional<Dimension> unit_dimension(const ast::Expr& e, DiagnosticEngine& diags);

} // namespace nnc::sema
