#include "pipeline_fixture.h"

#include "compile_session.h"
#include "network_builder.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace nnc::test {

CompiledNetwork
CompiledNetwork::from_file(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& defines,
                           bool optimise) {
    std::ostringstream errors;
    driver::CompileSession session(errors, false);
    driver::CompileOptions options;
    options.file = path;
    options.optimise = optimise;
    for (const auto& [name, value] : defines)
        options.defines.push_back(name + "=" + value);
    auto lowered = session.lower(options);
    if (!lowered) throw std::runtime_error("compilation failed:\n" + errors.str());
    if (!lowered->program.network) throw std::runtime_error(path + " has no network");

    CompiledNetwork net;
    net.lowered_ = std::make_unique<passes::LoweredProgram>(std::move(*lowered));
    net.jit_ = std::make_unique<llvmjit::KernelJit>();
    const auto& lowered_program = *net.lowered_;
    auto compiled = net.jit_->compile(lowered_program.kernels, lowered_program.synapse_kernels);
    const driver::SynapseEventKernels synapses{lowered_program.synapse_kernels,
                                               compiled.synapse_events, lowered_program.plastic};
    net.pair_jit_ = std::make_unique<llvmjit::ScalarFunctionJit>();
    const auto pair_functions =
        driver::compile_pair_functions(*lowered_program.program.network, *net.pair_jit_);
    net.sim_ = driver::make_simulation(lowered_program.program, lowered_program.kernels,
                                       compiled.updates, &synapses, pair_functions);
    net.sim_->build();
    return net;
}

uint32_t CompiledNetwork::state_index(uint32_t population, const std::string& name) const {
    const auto& names = lowered_->kernels.at(population).state_names;
    auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << name;
    return uint32_t(it - names.begin());
}

} // namespace nnc::test
