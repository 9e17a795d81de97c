// `nnc compile --target cpp`: writes a network as a small C++ project that builds into a
// standalone program (see compiled_program.h for what the program does at start-up, and
// docs/cli.md). The project holds the kernels as C++ (backends/cpp), a short main(), a copy
// of every source file the model read, and a CMakeLists.txt that finds nnc's CMake package.
#pragma once

#include "compile_session.h"

#include <string>

namespace nnc::driver {

struct CompileTargetOptions {
    CompileOptions compile;
    std::string target = "cpp";
    std::string output_dir;
    std::string command_line; ///< as typed, written into the program for its messages
};

/// Returns an exit code (exit_codes.h).
int compile_command(const CompileTargetOptions& options);

} // namespace nnc::driver
