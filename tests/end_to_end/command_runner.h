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

/// Whether nnc was built with MPI (NNC_MPI), so that it can run under mpirun.
bool mpi_built();

/// The command line that starts `processes` copies of what follows under mpirun, with the
/// settings OpenMPI needs here: to run as root (in a container), to start more processes
/// than there are cores, and without the shared-memory single-copy mechanism (CMA), which a
/// container's default seccomp profile forbids. The one place the tests keep them.
std::string mpirun(int processes);

/// A fresh, empty directory for one test's files.
std::string scratch_dir(const std::string& name);

} // namespace nnc::test
