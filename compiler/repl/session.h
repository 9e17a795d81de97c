// An interactive session on the JIT (`nnc repl`): what a modeller has typed so far, the
// kernels compiled from it and the simulation they run in.
//
// Declarations (`neuron`, `synapse`, `import`) are typed as in a file. Network statements
// (`population`, `project`, `stimulate`, `record`, `let`, `simulate`, `for`) typed at the
// prompt belong to the session's one implicit network; a `network NAME { ... }` block typed
// or loaded adds its statements to it. Every entry is checked at once, with the whole
// session, by the same front end and sema as `nnc check`; an entry with errors is dropped
// and the session goes on as it was. Each entry is its own virtual file, `<repl:N>`, so
// that diagnostics point into the typed text.
//
// Commands start with a colon (`:run 200 ms`, `:set E.tau_m = 15 ms`, ...; `:help` lists
// them). The simulation is built at the first `:run` and then continued; `:set` of a
// parameter recompiles that population's kernel and swaps it into the running simulation,
// `:set SRC -> TGT.weight *= F` scales the stored weights, `:reset` goes back to t = 0.
// A model typed again replaces the earlier one; the kernels that change are recompiled and
// swapped in. Network statements typed after a run make the network grow: a simulation of the grown
// network, with only the new kernels compiled, takes over from the running one.
#pragma once

#include "frontend/diagnostics.h"
#include "kernel_jit.h"
#include "network_builder.h"
#include "passes/pipeline.h"
#include "phase_timer.h"
#include "scalar_function_jit.h"

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nnc::repl {

struct SessionOptions {
    std::vector<std::string> include_dirs; ///< searched for imports before the defaults
    bool colour = false;                   ///< colour in diagnostics
};

class Session {
public:
    /// Results go to `out`, diagnostics to `diagnostics_out` (the same stream is fine).
    Session(std::ostream& out, std::ostream& diagnostics_out, SessionOptions options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Runs one complete entry (a command, or declarations and network statements, possibly
    /// over several lines). Returns false if it failed; the session is then as it was.
    bool execute(const std::string& entry);

    /// `:load FILE`: the file's models, and its network's statements into the session's.
    bool load(const std::string& path);

    /// Set by `:quit`.
    bool finished() const { return finished_; }

    /// Words that tab completion offers where `prefix` is being typed: commands, keywords,
    /// models, populations and, after `POP.`, the variables and parameters of its model.
    std::vector<std::string> completions(const std::string& prefix) const;

    /// Model time reached, in ms (0 before the first run and after `:reset`).
    double time_ms() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool finished_ = false;
};

/// Whether `text` is a complete entry: brackets, braces and parentheses balanced outside
/// strings and comments. The prompt continues until it is (a pasted model over many lines).
bool is_complete_entry(const std::string& text);

} // namespace nnc::repl
