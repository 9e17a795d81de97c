// The pass manager: the passes in order, the optimisations skipped on request, and the
// whole pipeline exact: a kernel computes the same bits after every optimisation as
// before them, for each of the solvers.
#include "passes/pipeline.h"

#include "kernel_from_text.h"
#include "kernel_interpreter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using nnc::passes::pass_list;
using nnc::passes::PipelineOptions;
using nnc::passes::run_pipeline;

// Three populations, one per solver: exact propagator (LIF with an exponential current),
// exponential Euler (conductance LIF), RKF45 (quadratic integrate-and-fire).
const char* text = R"(
neuron lif {
    parameters { tau_m = 10 ms; C_m = 250 pF; tau_syn = 2 ms; t_ref = 2 ms }
    state { V_m = -70 mV; I_syn = 0 pA }
    equations {
        V_m' = -(V_m + 70 mV) / tau_m + (I_syn + I_stim) / C_m
        I_syn' = -I_syn / tau_syn
    }
    input I_stim : pA
    on spike exc(w: pA) { I_syn += w }
    on V_m >= -55 mV { emit spike; V_m = -70 mV; refractory t_ref clamp V_m }
}
neuron cond_lif {
    parameters { tau_m = 20 ms; C_m = 200 pF; E_ex = 0 mV; tau_g = 5 ms }
    state { V_m = -65 mV; g = 0 nS }
    equations {
        V_m' = -(V_m + 65 mV) / tau_m + g * (E_ex - V_m) / C_m
        g' = -g / tau_g
    }
    on spike exc(w: nS) { g += w }
    on V_m >= -50 mV { emit spike; V_m = -65 mV }
}
neuron qif {
    parameters { tau = 10 ms; V_c = -50 mV; V_r = -60 mV; k = 1 / mV }
    state { V = -60 mV }
    equations { V' = k * (V - V_r) * (V - V_c) / tau + I_stim / (100 pF) }
    input I_stim : pA
    on V >= -30 mV { emit spike; V = -60 mV }
}
network net {
    population A = lif[2]
    population B = cond_lif[2]
    population C = qif[2]
    simulate { dt = 0.1 ms; duration = 1 ms }
}
)";

TEST(Pipeline, PassesRunInOrderAndOptimisationsCanBeSkipped) {
    std::vector<std::string> names;
    for (const auto& p : pass_list())
        names.push_back(p.name);
    EXPECT_EQ(names,
              (std::vector<std::string>{"classify-odes", "lower-kernels", "specialise",
                                        "constant-folding", "algebraic-simplification",
                                        "strength-reduction", "cse", "dead-state-elimination"}));

    auto ran = [](bool optimise) {
        std::vector<std::string> seen;
        PipelineOptions options;
        options.optimise = optimise;
        run_pipeline(
            nnc::test::program_from_text(text),
            [&](const std::string& pass, const nnc::passes::LoweredProgram&) {
                seen.push_back(pass);
            },
            options);
        return seen;
    };
    EXPECT_EQ(ran(true), names);
    EXPECT_EQ(ran(false),
              (std::vector<std::string>{"classify-odes", "lower-kernels", "specialise"}));
}

TEST(Pipeline, TheOptimisationsChangeNoNumberOfAnySolver) {
    const auto unoptimised = nnc::test::kernels_after(text, "specialise");
    const auto optimised = run_pipeline(nnc::test::program_from_text(text)).kernels;
    ASSERT_EQ(unoptimised.size(), 3u);
    for (size_t p = 0; p < unoptimised.size(); ++p) {
        SCOPED_TRACE(unoptimised[p].name);
        EXPECT_EQ(nnc::test::first_difference(unoptimised[p], optimised[p]), "")
            << nnc::kir::to_string(unoptimised[p]) << "\n"
            << nnc::kir::to_string(optimised[p]);
    }
}

} // namespace
