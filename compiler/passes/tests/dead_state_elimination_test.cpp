#include "passes/dead_state_elimination.h"

#include "kernel_from_text.h"
#include "kernel_interpreter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using nnc::kir::Expr;
using nnc::kir::Op;
using nnc::kir::Stmt;

// A LIF that keeps a spike count and a firing-rate trace for plots: nothing in the model
// reads either, nor does the network record them.
const char* text = R"(
neuron lif_with_diagnostics {
    parameters {
        tau_m = 10 ms; C_m = 250 pF; tau_syn = 2 ms; tau_rate = 100 ms
        V_th = -55 mV; V_reset = -70 mV; t_ref = 2 ms
    }
    state { count = 0; rate = 0 Hz; V_m = -70 mV; I_syn = 0 pA }
    equations {
        V_m' = -(V_m + 70 mV) / tau_m + (I_syn + I_stim) / C_m
        I_syn' = -I_syn / tau_syn
        rate' = -rate / tau_rate
    }
    input I_stim : pA
    on spike exc(w: pA) { I_syn += w }
    on V_m >= V_th {
        emit spike
        V_m = V_reset
        count += 1
        rate += 1 / tau_rate
        refractory t_ref clamp V_m
    }
}
network net {
    population P = lif_with_diagnostics[2]
    simulate { dt = 0.1 ms; duration = 1 ms }
}
)";

TEST(DeadStateElimination, StatesNothingReadsAreDropped) {
    const auto before = nnc::test::kernel_before(text, "dead-state-elimination");
    auto after = before;
    nnc::passes::eliminate_dead_states(after);
    EXPECT_EQ(before.state_names,
              (std::vector<std::string>{"count", "rate", "V_m", "I_syn", "refractory_steps_left"}));
    // I_syn feeds V_m, V_m the threshold, the counter the clamp and the threshold.
    EXPECT_EQ(after.state_names,
              (std::vector<std::string>{"V_m", "I_syn", "refractory_steps_left"}));
    const auto listing = nnc::kir::to_string(after);
    EXPECT_EQ(listing.find("state.count"), std::string::npos) << listing;
    EXPECT_EQ(listing.find("state.rate"), std::string::npos) << listing;
    // The propagator row of `rate` was a local: it goes too, and the locals are renumbered.
    EXPECT_LT(after.local_count, before.local_count);
    EXPECT_EQ(nnc::test::first_difference(before, after), "");
}

TEST(DeadStateElimination, ObservedStatesAreKept) {
    auto k = nnc::test::kernel_before(text, "dead-state-elimination");
    nnc::passes::eliminate_dead_states(k, {"rate"});
    EXPECT_EQ(k.state_names,
              (std::vector<std::string>{"rate", "V_m", "I_syn", "refractory_steps_left"}));
}

TEST(DeadStateElimination, ABranchOrLoopLeftWithNothingToDoGoes) {
    nnc::kir::PopulationKernel k;
    k.name = "k";
    k.state_names = {"x", "y", "trace"};
    k.local_count = 3;
    auto s = [](int j) { return Expr::ref(Op::State, j); };
    auto l = [](int j) { return Expr::ref(Op::Local, j); };
    auto lt = [](auto a, double b) { return Expr::make(Op::Lt, {a, Expr::constant(b)}); };
    auto add = [](auto a, auto b) { return Expr::make(Op::Add, {a, b}); };
    Stmt loop{Stmt::Kind::While,
              -1,
              lt(l(0), 3),
              {Stmt{Stmt::Kind::SetLocal, 0, add(l(0), Expr::constant(1)), {}, {}},
               Stmt{Stmt::Kind::SetState, 2, add(s(2), l(0)), {}, {}}},
              {}};
    Stmt dead_if{
        Stmt::Kind::If, -1, s(1), {Stmt{Stmt::Kind::SetState, 2, Expr::constant(0), {}, {}}}, {}};
    Stmt live_if{Stmt::Kind::If,
                 -1,
                 lt(l(2), 0),
                 {Stmt{Stmt::Kind::EmitSpike, -1, nullptr, {}, {}},
                  Stmt{Stmt::Kind::SetState, 2, Expr::constant(1), {}, {}}},
                 {}};
    k.body = {loop, dead_if, Stmt{Stmt::Kind::SetLocal, 1, s(0), {}, {}},
              Stmt{Stmt::Kind::SetLocal, 2, add(s(0), s(1)), {}, {}}, live_if};
    const auto before = k;
    nnc::passes::eliminate_dead_states(k);
    EXPECT_EQ(nnc::kir::to_string(k), R"(kernel k
    state: x, y
    input:
    receptor:
    locals: 1
    for each neuron:
        local[0] = state.x + state.y
        if (local[0] < 0) {
            emit spike
        }
)");
    EXPECT_EQ(nnc::test::first_difference(before, k), "");
}

} // namespace
