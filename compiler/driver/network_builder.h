// Hands an elaborated network and its compiled kernels to the runtime. This is
// the one place where the compiler's view of a network (ir::Network) meets the
// runtime's (nncrt::Simulation); generated standalone programs do the same
// from generated code.
#pragma once

#include "ir/kernel.h"
#include "ir/model.h"
#include "nncrt/simulation.h"
#include "passes/pipeline.h"

#include <memory>
#include <string>
#include <vector>

namespace nnc::llvmjit {
class ScalarFunctionJit;
} // namespace nnc::llvmjit

namespace nnc::driver {

/// The compiled expressions of the pair geometry of one projection (null where it has none).
struct ProjectionFunctions {
    nncrt::PairFunction probability = nullptr; ///< distance_probability(p)
    nncrt::PairFunction weight = nullptr;
    nncrt::PairFunction delay_ms = nullptr;
};

/// Every pair expression of the network (connection probabilities, weights and delays of
/// the distance or depth) as a scalar function named `<prefix>_<projection>_<what>`, and
/// the member of ProjectionFunctions each one fills.
struct PairFunctionSet {
    std::vector<kir::ScalarFunction> functions;
    struct Slot {
        size_t projection;
        nncrt::PairFunction ProjectionFunctions::*member;
    };
    std::vector<Slot> slots; ///< one per function, in the same order
};
PairFunctionSet lower_pair_functions(const ir::Network& network, const std::string& prefix);

/// One entry per projection of `network`, with the entry points of `set`'s functions (in
/// its order) in their places.
std::vector<ProjectionFunctions>
place_pair_functions(const ir::Network& network, const PairFunctionSet& set,
                     const std::vector<nncrt::PairFunction>& entries);

/// Lowers every pair expression of the network and compiles them with `jit`, which must
/// outlive the simulation; one entry per projection. (Defined in the `nnc_driver` library,
/// which has the JIT; the rest of this file is LLVM-free.)
std::vector<ProjectionFunctions> compile_pair_functions(const ir::Network& network,
                                                        llvmjit::ScalarFunctionJit& jit);

/// The event kernels of the program's plastic projections and their entry points, in the
/// order of LoweredProgram::synapse_kernels.
struct SynapseEventKernels {
    const std::vector<kir::PopulationKernel>& kernels;
    const std::vector<nncrt_synapse_event_fn>& entries;
    const std::vector<passes::PlasticProjectionKernels>& plastic;
};

/// The program's network, with one kernel and entry point per population, in population
/// order, the event kernels of its plastic projections (required when it has any), and the
/// compiled pair functions of its projections (compile_pair_functions; needed only when some
/// projection has pair expressions). `parallel`: the processes to spread it over (null: this
/// one alone).
std::unique_ptr<nncrt::Simulation>
make_simulation(const ir::Program& program, const std::vector<kir::PopulationKernel>& kernels,
                const std::vector<nncrt_update_fn>& updates,
                const SynapseEventKernels* synapses = nullptr,
                const std::vector<ProjectionFunctions>& pair_functions = {},
                const nncrt::ParallelContext* parallel = nullptr);

/// The plastic projections of the program's network, and the unit of each of their synapse
/// state arrays, for writing the synapses out.
struct PlasticProjections {
    std::vector<nncrt::ProjectionId> projections;
    std::vector<std::vector<std::string>> state_units;
};
PlasticProjections plastic_projections(const passes::LoweredProgram& lowered);

/// Whether `-o PATH` asks for CSV (PATH ends in .csv) rather than HDF5.
bool writes_csv(const std::string& spike_path);

/// The file of the synapses of plastic projections beside the spike file:
/// out.h5 -> out.synapses.h5.
std::string synapse_file_path(const std::string& spike_path);

/// One recorded variable, which goes to one report file: the recorders of the populations
/// it is recorded in, with the unit of each.
struct RecordedVariable {
    std::string name; ///< "V_m"
    std::vector<nncrt::ReportEntry> entries;
};

/// Adds the network's state recorders to `sim`, grouped by variable name in order of first
/// mention. Kernels may have renumbered their states; recorded states are never dropped.
std::vector<RecordedVariable> record_states(const ir::Program& program,
                                            const std::vector<kir::PopulationKernel>& kernels,
                                            nncrt::Simulation& sim);

/// The report file of one variable beside the spike file: out.h5 -> out.V_m.h5.
std::string state_report_path(const std::string& spike_path, const std::string& variable);

/// The model state that state array `kernel_state` of a kernel holds; -1 for an array the
/// compiler added (the refractory counter, a solver's step size). Kernels may drop unused
/// states (dead-state elimination), so the two numberings differ.
int model_state(const ir::NeuronModel& model, const kir::PopulationKernel& kernel,
                size_t kernel_state);

} // namespace nnc::driver
