// Semantic analysis: from the ASTs of a loaded program to the model IR.
// Resolves every name (scopes: a model's parameters, states, inputs and the
// weight inside a receptor handler; the network's constants, populations and
// receptors; unit names last), infers and checks physical dimensions of every
// equation, assignment and comparison, converts every quantity into the
// canonical unit system, and evaluates the network layer into numbers.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"
#include "frontend/parser.h"
#include "ir/model.h"

#include <optional>
#include <string>
#include <vector>

namespace nnc {

/// `-D name=value` from the command line: replaces the value of a top-level `let` of the
/// root file's network.
struct ConstantOverride {
    std::string name;
    ast::ExprPtr value;
    SourceRange range; ///< of the value, in the SourceManager entry made for it
    /// `--duration` from the command line: `name` is a setting of the `simulate` block.
    bool simulate_setting = false;
};

/// Analyses every file of the program (models of all files, the network of the root
/// file, the last in `program.files`). Reports every error it can find; returns nullopt if
/// there was any.
std::optional<ir::Program> analyse(const LoadedProgram& program,
                                   const std::vector<ConstantOverride>& overrides,
                                   SourceManager& sources, DiagnosticEngine& diags);

} // namespace nnc
