// A state that nothing in the kernel reads is dropped by dead-state elimination, unless the
// network records it: the pipeline hands recorded states to the pass as observed.
#include "passes/pipeline.h"

#include "program_from_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace {

std::string model_with(const std::string& record) {
    return R"(
neuron traced_lif {
    parameters { tau_m = 10 ms; C_m = 250 pF; tau_r = 50 ms }
    state { V_m = -70 mV; rate = 0 / ms }
    equations {
        V_m' = -(V_m + 70 mV) / tau_m + I_stim / C_m
        rate' = -rate / tau_r
    }
    input I_stim : pA
    on V_m >= -55 mV { emit spike; V_m = -70 mV; rate += 1 / tau_r }
}
network net {
    population P = traced_lif[2]
    )" + record +
           R"(
    simulate { dt = 0.1 ms; duration = 1 ms }
}
)";
}

bool kernel_has(const std::string& record, const std::string& state) {
    auto lowered = nnc::passes::run_pipeline(nnc::test::program_from_text(model_with(record)));
    const auto& names = lowered.kernels.at(0).state_names;
    return std::find(names.begin(), names.end(), state) != names.end();
}

TEST(RecordedStateLiveness, AnUnreadStateIsDroppedUnlessRecorded) {
    EXPECT_FALSE(kernel_has("record spikes of P", "rate"));
    EXPECT_TRUE(kernel_has("record rate of P", "rate"));
    EXPECT_TRUE(kernel_has("record rate of P[0:1] every 0.5 ms", "rate"));
    EXPECT_TRUE(kernel_has("record rate of P", "V_m"));
}

} // namespace
