// Text to AST. The ANTLR4-generated parser is an implementation detail of this
// file's .cpp; syntax errors become diagnostics with a caret, and the parser
// recovers so that one run reports several of them.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

#include <optional>
#include <string>
#include <vector>

namespace nnc {

/// Parses one registered file. Reports syntax errors; returns nullopt if there were any.
std::optional<ast::File> parse_file(FileId file, const SourceManager& sources,
                                    DiagnosticEngine& diags);

/// Parses a whole registered file as one expression (used for `-D name=value`).
/// Reports syntax errors; returns null if there were any.
ast::ExprPtr parse_expression(FileId file, const SourceManager& sources, DiagnosticEngine& diags);

/// Parses one entry typed at `nnc repl`'s prompt: declarations and network items.
/// Reports syntax errors; returns nullopt if there were any.
std::optional<ast::SessionInput> parse_session_input(FileId file, const SourceManager& sources,
                                                     DiagnosticEngine& diags);

/// A root file and everything it imports, transitively, each file once.
struct LoadedProgram {
    std::vector<ast::File> files; ///< imported files before the files importing them; root last
};

/// Loads `root_path` and its imports. An import path is tried relative to the directory of
/// the importing file, then relative to each directory of `search_path` in order (the
/// standard library lives under a search-path directory as `stdlib/...`). A missing file,
/// an import cycle or a syntax error is reported (at the import statement where there is
/// one); returns nullopt if anything failed.
std::optional<LoadedProgram> load_program(const std::string& root_path,
                                          const std::vector<std::string>& search_path,
                                          SourceManager& sources, DiagnosticEngine& diags);

} // namespace nnc
