// The event kernels of a plastic projection: what the lowering makes of a synapse model
// (state advanced exactly over the time since the synapse's last event, then the handler in
// order, `deliver` into its own state), checked by running them in the reference
// interpreter against the closed form.
#include "kernel_interpreter.h"
#include "passes/pipeline.h"
#include "passes/synapse_lowering.h"
#include "program_from_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace {

const char* network = R"(
neuron lif {
    parameters { tau_m = 10 ms; V_th = -55 mV }
    state { V_m = -70 mV; I = 0 pA }
    equations { V_m' = -(V_m + 70 mV) / tau_m + I / 250 pF; I' = -I / 2 ms }
    on spike exc(w: pA) { I += w }
    on V_m >= V_th { emit spike; V_m = -70 mV }
}
synapse facilitating {
    parameters { tau = 20 ms; tau_r = 100 ms; A = 0.5 }
    state { w = 10 pA; x = 0; r = 1 }
    equations { x' = -x / tau; r' = (1 - r) / tau_r }
    on pre { x += A; deliver w * (1 + x); r -= 0.25 * r }
    on post { w += 1 pA * x }
}
network net {
    population P = lif[2]
    project P -> P { connect = all_to_all(); synapse = facilitating(tau = 40 ms); receptor = exc }
    simulate { dt = 0.1 ms; duration = 1 ms }
}
)";

int index_of(const std::vector<std::string>& names, const std::string& name) {
    return int(std::find(names.begin(), names.end(), name) - names.begin());
}

TEST(SynapseLowering, EventKernelsAdvanceExactlyThenRunTheHandlerInOrder) {
    auto lowered = nnc::passes::run_pipeline(nnc::test::program_from_text(network));
    ASSERT_EQ(lowered.plastic.size(), 1u);
    const auto& entry = lowered.plastic[0];
    ASSERT_TRUE(entry.on_post.has_value());
    const auto& on_pre = lowered.synapse_kernels.at(entry.on_pre);
    const auto& advance = lowered.synapse_kernels.at(entry.advance);
    const auto& on_post = lowered.synapse_kernels.at(*entry.on_post);
    for (const auto* k : {&on_pre, &advance, &on_post}) {
        EXPECT_EQ(k->kind, nnc::kir::KernelKind::SynapseEvent);
        EXPECT_EQ(k->input_names, std::vector<std::string>{"t"});
        EXPECT_TRUE(k->receptor_names.empty());
        EXPECT_TRUE(k->parameter_names.empty()); // specialised: tau = 40 ms is a number
    }
    const auto& names = on_pre.state_names;
    const int w = index_of(names, "w"), x = index_of(names, "x"), r = index_of(names, "r");
    const int last = index_of(names, nnc::passes::synapse_last_event_name);
    const int sent = index_of(names, nnc::passes::synapse_delivered_name);
    ASSERT_EQ(names.size(), 5u);

    // A synapse last touched at 3 ms, reached by a presynaptic spike at 13 ms.
    nnc::test::NeuronValues v;
    v.state.assign(5, 0.0);
    v.state[size_t(w)] = 10.0;
    v.state[size_t(x)] = 0.8;
    v.state[size_t(r)] = 0.4;
    v.state[size_t(last)] = 3.0;
    v.input = {13.0};
    const auto after = nnc::test::KernelInterpreter(on_pre).step(v);
    const double x_at = 0.8 * std::exp(-10.0 / 40.0) + 0.5;
    const double r_at = 1.0 + (0.4 - 1.0) * std::exp(-10.0 / 100.0);
    EXPECT_NEAR(after.state[size_t(x)], x_at, 1e-14);
    EXPECT_NEAR(after.state[size_t(sent)], 10.0 * (1.0 + x_at), 1e-12); // after `x += A`
    EXPECT_NEAR(after.state[size_t(r)], 0.75 * r_at, 1e-14);            // after deliver
    EXPECT_EQ(after.state[size_t(last)], 13.0);
    EXPECT_EQ(after.state[size_t(w)], 10.0);

    // The advance-only kernel moves the traces and nothing else.
    const auto moved = nnc::test::KernelInterpreter(advance).step(after);
    EXPECT_EQ(moved.state[size_t(sent)], after.state[size_t(sent)]);
    EXPECT_EQ(moved.state[size_t(last)], 13.0); // no time has passed: t = 13 ms again
    EXPECT_EQ(moved.state[size_t(x)], after.state[size_t(x)]);

    // on post at 33 ms: w += 1 pA * x(33 ms).
    auto post_in = after;
    post_in.input = {33.0};
    const auto post = nnc::test::KernelInterpreter(on_post).step(post_in);
    EXPECT_NEAR(post.state[size_t(w)], 10.0 + x_at * std::exp(-20.0 / 40.0), 1e-12);
}

TEST(SynapseLowering, DeadStateEliminationLeavesSynapseKernelsAlone) {
    // `r` is read by no handler's delivered value, but the runtime owns the synapse state
    // that the kernels share: it must stay.
    auto lowered = nnc::passes::run_pipeline(nnc::test::program_from_text(network));
    for (const auto& k : lowered.synapse_kernels)
        EXPECT_NE(std::find(k.state_names.begin(), k.state_names.end(), "r"), k.state_names.end())
            << k.name;
}

} // namespace
