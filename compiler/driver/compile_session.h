// One compilation as the commands see it: read the file and its imports,
// apply `-D` overrides, check, and run the pass pipeline, timing each phase
// and reporting through one diagnostics engine. `check`, `run` and `dump-ir`
// differ only in how far they go and what they print.
#pragma once

#include "frontend/diagnostics.h"
#include "passes/pipeline.h"
#include "phase_timer.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace nnc::driver {

struct CompileOptions {
    std::string file;
    std::vector<std::string> defines;      ///< "name=value"
    std::vector<std::string> include_dirs; ///< searched for imports before the defaults
    std::string duration; ///< replaces the `simulate` block's duration; a bare number is ms
    bool optimise = true; ///< false: skip the optimisation passes (`--no-optimise`)
};

class CompileSession {
public:
    CompileSession(std::ostream& diagnostics_out, bool colour);

    /// Parse and check; nullopt after reporting errors.
    std::optional<ir::Program> analyse(const CompileOptions& options);
    /// analyse() and the pass pipeline.
    std::optional<passes::LoweredProgram> lower(const CompileOptions& options,
                                                const passes::PassObserver& after_each = {});

    DiagnosticEngine& diagnostics() { return diags_; }
    /// Every file read so far (the model, its imports, connection lists), and the `-D` texts.
    const SourceManager& sources() const { return sources_; }
    PhaseTimer& timer() { return timer_; }

    /// Directories searched for imports: -I dirs, then $NNC_PATH, then the directory that
    /// holds the installed (or source tree's) stdlib/.
    static std::vector<std::string> search_path(const std::vector<std::string>& include_dirs);

private:
    SourceManager sources_;
    DiagnosticEngine diags_;
    PhaseTimer timer_;
};

} // namespace nnc::driver
