// The `nnc` subcommands. Each returns an exit code (exit_codes.h).
#pragma once

#include "compile_session.h"
#include "network_run.h"

#include <string>
#include <vector>

namespace nnc::driver {

int check_command(const CompileOptions& options);

/// run_network with the kernels compiled by the LLVM JIT.
int run_command(const RunOptions& options);

struct DumpIrOptions {
    CompileOptions compile;
    std::string after; ///< pass name; empty: after the last pass
    bool llvm = false; ///< print the optimised LLVM IR of the kernels instead
};
int dump_ir_command(const DumpIrOptions& options);

/// `nnc list-models`: every neuron and synapse model of the standard library, with its
/// parameters and their defaults as written (aliases with the model they rename).
struct ListModelsOptions {
    std::vector<std::string> include_dirs; ///< the library is the first stdlib/ on the path
};
int list_models_command(const ListModelsOptions& options);

} // namespace nnc::driver
