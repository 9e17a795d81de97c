// The start-up of a program written by `nnc compile --target cpp`: the generated main()
// describes the model it was compiled from and its ahead-of-time kernels, and hands over
// to compiled_program_main, which is `nnc run` with those kernels in place of the JIT. The
// model is elaborated again at start-up (so that `-D scale=0.2` works as in `nnc run`), and
// every kernel the pipeline now produces must be the one compiled in: a `-D` that changes
// a kernel (a neuron parameter the specialise pass folded into it) is refused.
#pragma once

#include "ir/kernel.h"
#include "nncrt/abi.h"
#include "nncrt/parallel.h"
#include "nncrt/simulation.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nnc::driver {

/// One compiled function: its name, the fingerprint of the kernel it was compiled from
/// (kernel_fingerprint) and its entry point.
template <class Entry>
struct CompiledFunction {
    const char* name;
    uint64_t fingerprint;
    Entry entry;
};

struct CompiledProgram {
    std::string command;     ///< the `nnc compile` command that wrote the program, for messages
    std::string source_file; ///< the model as `nnc compile` was given it, for the report
    std::string model_dir;   ///< where the model's sources were copied
    std::string root_file;   ///< the model, relative to model_dir
    std::vector<std::string> include_dirs; ///< import search path, relative to model_dir
    std::vector<std::string> defines;      ///< the -D options it was compiled with
    std::vector<CompiledFunction<nncrt_update_fn>> updates; ///< in population order
    std::vector<CompiledFunction<nncrt_synapse_event_fn>> synapse_events;
    std::vector<CompiledFunction<nncrt::PairFunction>> pair_functions;
};

/// The prefix of the names of a compiled program's pair functions.
inline constexpr const char* kPairFunctionPrefix = "nnc_pair";

/// An FNV-1a hash of the kernel's generated C++ (which says exactly what it computes).
uint64_t kernel_fingerprint(const kir::PopulationKernel& kernel);
uint64_t kernel_fingerprint(const kir::ScalarFunction& function);

/// Reads the command line (the options of `nnc run`, without the file), runs the network
/// with the compiled kernels on the processes of `parallel` (under mpirun: each its share,
/// only process 0 printing) and returns the exit code (exit_codes.h).
int compiled_program_main(int argc, char** argv, const CompiledProgram& program,
                          const nncrt::ParallelContext& parallel);

} // namespace nnc::driver
