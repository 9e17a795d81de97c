// Exit codes scripts can rely on (documented in docs/cli.md).
#pragma once

namespace nnc::driver {

enum ExitCode : int {
    exit_ok = 0,
    exit_model_error = 1,   ///< the model has errors (diagnostics were printed)
    exit_usage_error = 2,   ///< bad command line
    exit_runtime_error = 3, ///< the simulation or its output failed (e.g. unwritable file)
    exit_internal_error = 4 ///< a bug in nnc: please report it
};

} // namespace nnc::driver
