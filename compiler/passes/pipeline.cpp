#include "passes/pipeline.h"

#include "passes/algebraic_simplification.h"
#include "passes/common_subexpression_elimination.h"
#include "passes/constant_folding.h"
#include "passes/dead_state_elimination.h"
#include "passes/kernel_lowering.h"
#include "passes/ode_classification.h"
#include "passes/specialisation.h"
#include "passes/strength_reduction.h"
#include "passes/synapse_lowering.h"

namespace nnc::passes {

namespace {

/// A pass that transforms each kernel on its own.
std::function<void(LoweredProgram&)> per_kernel(void (*pass)(kir::PopulationKernel&)) {
    return [pass](LoweredProgram& p) {
        for (auto& k : p.kernels)
            pass(k);
        for (auto& k : p.synapse_kernels)
            pass(k);
    };
}

void lower_kernels(LoweredProgram& p) {
    if (!p.program.network) return;
    const double dt = p.program.network->simulation.dt_ms;
    for (size_t i = 0; i < p.program.network->populations.size(); ++i)
        p.kernels.push_back(lower_population(p.program, i, dt));
    const auto& projections = p.program.network->projections;
    for (size_t i = 0; i < projections.size(); ++i) {
        if (projections[i].synapse < 0) continue;
        auto events = lower_synapse_events(p.program, i);
        PlasticProjectionKernels entry{i, p.synapse_kernels.size(), p.synapse_kernels.size() + 1,
                                       std::nullopt};
        if (events.size() > 2) entry.on_post = entry.on_pre + 2;
        for (auto& k : events)
            p.synapse_kernels.push_back(std::move(k));
        p.plastic.push_back(entry);
    }
}

/// States the caller reads besides the kernel: a state recorder's variables must survive
/// dead-state elimination.
std::vector<std::string> observed_states(const ir::Program& program, size_t population) {
    std::vector<std::string> names;
    if (!program.network) return names;
    const auto& net = *program.network;
    const auto& model = program.models[size_t(net.populations[population].model)];
    for (const auto& rec : net.state_recorders)
        if (size_t(rec.population) == population)
            for (int j : rec.states)
                names.push_back(model.states[size_t(j)].name);
    return names;
}

void eliminate_dead_states_of(LoweredProgram& p) {
    for (size_t i = 0; i < p.kernels.size(); ++i)
        eliminate_dead_states(p.kernels[i], observed_states(p.program, i));
}

} // namespace

const std::vector<PassInfo>& pass_list() {
    static const std::vector<PassInfo> passes = {
        {"classify-odes",
         "choose each model's solver: exact propagator for affine systems, exponential Euler "
         "for conditionally linear ones, RKF45 otherwise, unless the model names one",
         false, [](LoweredProgram& p) { classify_odes(p.program); }},
        {"lower-kernels",
         "one fused update kernel per population: solver step (exact propagator computed), "
         "receptor input, threshold, reset, refractoriness; one event kernel per handler of a "
         "plastic projection's synapse model; parameters as references",
         false, lower_kernels},
        {"specialise",
         "parameters homogeneous in a population become numbers (all of them today: no backend "
         "takes per-neuron parameters yet, so this pass always runs)",
         false, per_kernel(specialise)},
        {"constant-folding",
         "compute once what is known before the run: arithmetic and math functions of constants "
         "(exp(-dt/tau)), selects and ifs on constant conditions, locals set to a constant",
         true, per_kernel(fold_constants)},
        {"algebraic-simplification",
         "identities exact for every double: x*1, x+(-0), -(-x), x+(-c) -> x-c, !c ? a : b -> "
         "c ? b : a ...",
         true, per_kernel(simplify_algebra)},
        {"strength-reduction",
         "x / c -> x * (1/c) where 1/c is exact (c a power of two); no inexact rewrite", true,
         per_kernel(reduce_strength)},
        {"cse",
         "common-subexpression elimination: a value computed more than once in a step is "
         "computed once into a local (state assignments and if bodies respected)",
         true, per_kernel(eliminate_common_subexpressions)},
        {"dead-state-elimination",
         "drop state variables and locals whose value reaches no spike, no recorded state and "
         "no other used value, with their assignments",
         true, eliminate_dead_states_of},
    };
    return passes;
}

const PassInfo* find_pass(const std::string& name) {
    for (const auto& p : pass_list())
        if (p.name == name) return &p;
    return nullptr;
}

LoweredProgram run_pipeline(ir::Program program, const PassObserver& after_each,
                            const PipelineOptions& options) {
    LoweredProgram out;
    out.program = std::move(program);
    for (const auto& pass : pass_list()) {
        if (pass.optimisation && !options.optimise) continue;
        pass.run(out);
        if (after_each) after_each(pass.name, out);
        if (pass.name == options.stop_after) break;
    }
    return out;
}

} // namespace nnc::passes
