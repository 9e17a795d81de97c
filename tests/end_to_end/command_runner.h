// Runs the `nnc` binary as a user would and captures what it prints.
#pragma once

#include <string>

namespace nnc::test {

struct CommandResult {
    int exit_code = -1;
    std::string out; ///< standard output
    std::string err; ///< standard error
};

/// Runs a shell command line from the source directory.
CommandResult run_command(const std::string& command);

/// Runs `nnc ARGS` (ARGS is passed to the shell as written) from the source directory.
CommandResult run_nnc(const std::string& args);

/// A python3 that can import h5py, or "" if there is none. Debian's python3-h5py lives with
/// /usr/bin/python3, which a python3 earlier on PATH (pyenv, a virtualenv) may hide.
std::string h5py_python();

/// A fresh, empty directory for one test's files.
std::string scratch_dir(const std::string& name);

} // namespace nnc::test
