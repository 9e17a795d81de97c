// `nnc run` without a backend: elaborate a network (front end, sema, passes), take its
// kernels' entry points from a KernelProvider, build it, simulate it, write the output and
// print the report. The JIT (`nnc run`) and a program compiled ahead of time
// (`nnc compile --target cpp`) are two providers of the same run; this library links no
// LLVM, so that the compiled program does not either.
#pragma once

#include "compile_session.h"
#include "network_builder.h"
#include "nncrt/parallel.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace nnc::driver {

struct RunOptions {
    CompileOptions compile;
    std::string output;  ///< HDF5 spike file; empty: none
    long long seed = -1; ///< overrides the model's seed if >= 0
    bool quiet = false;
    std::string report_file; ///< the file the summary names; empty: compile.file
    /// The processes to run on (under mpirun); null: this one alone.
    const nncrt::ParallelContext* parallel = nullptr;
};

/// The entry points of a lowered program's kernels, in the order of its kernels.
struct KernelEntryPoints {
    std::vector<nncrt_update_fn> updates;               ///< one per population kernel
    std::vector<nncrt_synapse_event_fn> synapse_events; ///< one per synapse event kernel
    std::vector<ProjectionFunctions> pair_functions;    ///< one per projection
};

/// Compiles (or looks up) the kernels of a lowered program whose network is to run; the
/// entry points must stay valid until run_network returns. nullopt after reporting why
/// through the session's diagnostics.
using KernelProvider = std::function<std::optional<KernelEntryPoints>(
    const passes::LoweredProgram& lowered, CompileSession& session)>;

/// Everything `nnc run` does after reading its command line; returns an exit code
/// (exit_codes.h).
int run_network(const RunOptions& options, const KernelProvider& kernels);

/// The options `nnc run` and a compiled program share: -o, --duration, --seed, -q.
void add_run_options(CLI::App& command, RunOptions& run);

/// Under mpirun every process runs the same command; only process 0 prints (diagnostics,
/// progress, the summary): the others' std::cout and std::cerr are shut.
void print_on_root_only(const nncrt::ParallelContext& parallel);

/// `word` as a POSIX shell reads it back.
std::string shell_word(const std::string& word);

/// Runs a command and returns its exit code, or that of what escaped it: a runtime fault or
/// running out of memory (3, the message after `prefix`), anything else a bug in nnc (4).
int exit_code_of(const std::function<int()>& command, const std::string& prefix);

} // namespace nnc::driver
