// `nnc repl [file.nml]`: the read-eval-print loop around a Session (session.h).
//
// On a terminal: a prompt with line editing, history across sessions ($NNC_HISTORY, or
// ~/.nnc_history) and tab completion, all from libedit; an entry continues over lines
// until its braces balance; errors are reported and the session goes on. Otherwise (a pipe,
// a script): plain lines, no prompt, and the first error ends the session with exit code 1,
// so that a session can be replayed and tested.
#pragma once

#include <string>
#include <vector>

namespace nnc::repl {

struct ReplOptions {
    std::string file;                      ///< loaded first if not empty
    std::vector<std::string> include_dirs; ///< searched for imports before the defaults
};

/// Runs the loop on stdin and stdout (diagnostics on stderr). Returns the exit code.
int run_repl(const ReplOptions& options);

/// The history file: $NNC_HISTORY if set, else ~/.nnc_history (empty if there is no home).
std::string history_path();

} // namespace nnc::repl
