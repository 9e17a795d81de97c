// The JIT half of network_builder.h: the network's pair functions, compiled in process.
#include "network_builder.h"
#include "scalar_function_jit.h"

#include <fmt/format.h>

namespace nnc::driver {

std::vector<ProjectionFunctions> compile_pair_functions(const ir::Network& network,
                                                        llvmjit::ScalarFunctionJit& jit) {
    // Function names are unique per JIT; a JIT may serve several networks (the REPL).
    static unsigned generation = 0;
    const PairFunctionSet set =
        lower_pair_functions(network, fmt::format("nnc_pair_{}", generation++));
    const std::vector<llvmjit::ScalarFunctionPtr> compiled = jit.compile(set.functions);
    return place_pair_functions(network, set, {compiled.begin(), compiled.end()});
}

} // namespace nnc::driver
