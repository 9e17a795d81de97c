// One engine reports every problem the compiler finds, in one format:
//
//   net.nml:12:5: error: dimension mismatch in the equation of V_m: ...
//      12 |     V_m' = I_syn
//         |     ^~~~~~~~~~~~
//   hint: ...
//
// Errors are values with a source range; stages report and carry on where they
// can, so that one run shows several problems. Colour only on a terminal.
#pragma once

#include "frontend/source_manager.h"

#include <iosfwd>
#include <string>

namespace nnc {

enum class Severity { Error, Warning, Note };

class DiagnosticEngine {
public:
    DiagnosticEngine(const SourceManager& sources, std::ostream& out, bool colour);

    void error(SourceRange at, const std::string& message, const std::string& hint = {});
    void warning(SourceRange at, const std::string& message, const std::string& hint = {});
    /// A note attached to the previous error or warning (e.g. "declared here").
    void note(SourceRange at, const std::string& message);
    /// An error with no source location (a file that cannot be opened, a bad option).
    void error(const std::string& message, const std::string& hint = {});

    unsigned error_count() const { return errors_; }
    unsigned warning_count() const { return warnings_; }
    bool has_errors() const { return errors_ != 0; }

private:
    void report(Severity severity, SourceRange at, const std::string& message,
                const std::string& hint);

    const SourceManager& sources_;
    std::ostream& out_;
    bool colour_;
    unsigned errors_ = 0;
    unsigned warnings_ = 0;
};

} // namespace nnc
