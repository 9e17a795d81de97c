#include "passes/pipeline.h"

#include "passes/constant_folding.h"
#include "passes/kernel_lowering.h"
#include "passes/ode_classification.h"

namespace nnc::passes {

const std::vector<PassInfo>& pass_list() {
    static const std::vector<PassInfo> passes = {
        {"classify-odes", "choose each model's solver: exact propagator for affine systems, RK4 "
                          "otherwise"},
        {"lower-kernels", "one fused update kernel per population: parameters folded in, "
                          "propagator computed, receptor input, threshold, reset, refractoriness"},
        {"constant-folding", "fold arithmetic on numbers known before the run"},
    };
    return passes;
}

LoweredProgram run_pipeline(ir::Program program, const PassObserver& after_each) {
    LoweredProgram out{std::move(program), {}};
    auto done = [&](const char* name) {
        if (after_each) after_each(name, out);
    };

    classify_odes(out.program);
    done("classify-odes");

    if (out.program.network) {
        const double dt = out.program.network->simulation.dt_ms;
        for (size_t p = 0; p < out.program.network->populations.size(); ++p)
            out.kernels.push_back(lower_population(out.program, p, dt));
    }
    done("lower-kernels");

    for (auto& k : out.kernels)
        fold_constants(k);
    done("constant-folding");
    return out;
}

} // namespace nnc::passes
