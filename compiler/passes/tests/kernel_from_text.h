// The kernels of a network written as .nml text, as a given pass leaves them,
// or as the pass under test receives them: so that a test shows what one pass
// does to what the passes before it made.
#pragma once

#include "passes/pipeline.h"
#include "program_from_text.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace nnc::test {

inline std::vector<kir::PopulationKernel> kernels_after(const std::string& text,
                                                        const std::string& pass) {
    passes::PipelineOptions options;
    options.stop_after = pass;
    return passes::run_pipeline(program_from_text(text), {}, options).kernels;
}

inline kir::PopulationKernel kernel_after(const std::string& text, const std::string& pass) {
    return kernels_after(text, pass).at(0);
}

/// The first kernel as the passes before `pass` leave it: the input of `pass`.
inline kir::PopulationKernel kernel_before(const std::string& text, const std::string& pass) {
    const auto& list = passes::pass_list();
    for (size_t i = 1; i < list.size(); ++i)
        if (list[i].name == pass) return kernel_after(text, list[i - 1].name);
    throw std::logic_error("no pass '" + pass + "' after the first");
}

} // namespace nnc::test
