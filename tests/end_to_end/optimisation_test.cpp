// The optimisation passes change the speed, never the numbers: every network of the
// test models and the Brunel example gives bit-identical spikes and final states with
// the passes on and off (`nnc run --no-optimise`), and a math function the constant
// folder computes has the bits the JIT-compiled kernel computes at run time.
#include "command_runner.h"
#include "kernel_jit.h"
#include "passes/constant_folding.h"
#include "pipeline_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

using nnc::test::CompiledNetwork;

/// Everything a run leaves: spikes of every population, and each state array the
/// optimised kernel kept, by name; or the fault that stopped it.
struct Outcome {
    std::vector<nncrt::SpikeRecord> spikes;
    std::vector<std::vector<std::pair<std::string, std::vector<double>>>> states;
    std::string fault;
};

Outcome run(const std::string& path,
            const std::vector<std::pair<std::string, std::string>>& defines, bool optimise,
            const std::vector<std::vector<std::string>>& keep) {
    auto net = CompiledNetwork::from_file(path, defines, optimise);
    auto& sim = net.simulation();
    const auto& network = *net.lowered().program.network;
    Outcome out;
    try {
        sim.run(network.simulation.duration_ms);
    } catch (const nncrt::Error& e) {
        out.fault = e.what();
    }
    for (size_t p = 0; p < sim.population_count(); ++p) {
        out.spikes.push_back(sim.recorded_spikes(nncrt::PopulationId(p)));
        const auto& names = net.lowered().kernels[p].state_names;
        out.states.emplace_back();
        for (const auto& name : keep.empty() ? names : keep[p])
            for (size_t j = 0; j < names.size(); ++j)
                if (names[j] == name)
                    out.states.back().emplace_back(name,
                                                   sim.state(nncrt::PopulationId(p), uint32_t(j)));
    }
    return out;
}

std::vector<uint64_t> bits(const std::vector<double>& v) {
    std::vector<uint64_t> b;
    for (double x : v)
        b.push_back(std::bit_cast<uint64_t>(x));
    return b;
}

/// Compares a run with the passes and one without; returns the number of spikes compared.
size_t expect_same_with_and_without_passes(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& defines = {}) {
    SCOPED_TRACE(path);
    const auto on = run(path, defines, true, {});
    std::vector<std::vector<std::string>> kept;
    for (const auto& pop : on.states) {
        kept.emplace_back();
        for (const auto& [name, values] : pop)
            kept.back().push_back(name);
    }
    const auto off = run(path, defines, false, kept);
    EXPECT_EQ(on.fault, off.fault);
    EXPECT_EQ(on.spikes.size(), off.spikes.size());
    if (on.spikes.size() != off.spikes.size()) return 0;
    size_t spikes = 0;
    for (size_t p = 0; p < on.spikes.size(); ++p) {
        SCOPED_TRACE("population " + std::to_string(p));
        EXPECT_EQ(bits(on.spikes[p].times_ms), bits(off.spikes[p].times_ms));
        EXPECT_EQ(on.spikes[p].node_ids, off.spikes[p].node_ids);
        spikes += on.spikes[p].times_ms.size();
        EXPECT_EQ(on.states[p].size(), off.states[p].size());
        for (size_t j = 0; j < std::min(on.states[p].size(), off.states[p].size()); ++j) {
            EXPECT_EQ(on.states[p][j].first, off.states[p][j].first);
            EXPECT_EQ(bits(on.states[p][j].second), bits(off.states[p][j].second))
                << "state " << on.states[p][j].first;
        }
    }
    return spikes;
}

TEST(Optimisation, BrunelSpikesAreBitIdenticalWithPassesOnAndOff) {
    EXPECT_GT(expect_same_with_and_without_passes(NNC_SOURCE_DIR "/examples/brunel2000.nml",
                                                  {{"scale", "0.1"}}),
              10000u);
}

TEST(Optimisation, EveryTestNetworkGivesTheSameNumbersWithPassesOnAndOff) {
    for (const auto& entry : std::filesystem::directory_iterator(NNC_TEST_MODELS)) {
        const auto path = entry.path();
        if (path.extension() != ".nml" || path.filename().string().starts_with("bad_")) continue;
        std::ifstream in(path);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        if (text.find("\nnetwork ") == std::string::npos) continue;
        expect_same_with_and_without_passes(path.string()); // spikes or final states
    }
}

// Dead-state elimination drops `count` and `rate`, which come before V_m in the model:
// V_m is the kernel's state 0 when optimised and state 2 when not, yet its random initial
// values (and so the spikes) are the same, since they are drawn by the model's numbering.
TEST(Optimisation, DroppedStatesDoNotMoveTheInitialValuesOfTheOthers) {
    const auto dir = nnc::test::scratch_dir("optimisation");
    const auto path = dir + "/diagnostics.nml";
    std::ofstream(path) << R"(
neuron lif_with_diagnostics {
    parameters { tau_m = 10 ms; C_m = 250 pF; V_th = -55 mV; V_reset = -70 mV; I_e = 400 pA }
    state { count = 0; rate = 0 Hz; V_m = -70 mV }
    equations {
        V_m' = -(V_m + 70 mV) / tau_m + I_e / C_m
        rate' = -rate / (100 ms)
    }
    on V_m >= V_th { emit spike; V_m = V_reset; count += 1; rate += 1 / (100 ms) }
}
network net {
    population P = lif_with_diagnostics[50] { V_m = uniform(-70 mV, -55 mV) }
    record spikes of P
    simulate { dt = 0.1 ms; duration = 50 ms; seed = 3 }
}
)";
    auto optimised = CompiledNetwork::from_file(path, {}, true);
    EXPECT_EQ(optimised.lowered().kernels[0].state_names, std::vector<std::string>{"V_m"});
    EXPECT_GT(expect_same_with_and_without_passes(path), 50u);
}

// The constant folder evaluates exp(-dt/tau) and friends before the run; the kernel would
// have called libm at run time. Same bits, for every function of the kernel IR, on
// arguments that are not round numbers.
TEST(Optimisation, FoldedMathFunctionsHaveTheBitsOfTheCompiledKernel) {
    using nnc::kir::Expr;
    using nnc::kir::Op;
    auto call = [](const std::string& fn, int arity, nnc::kir::ExprPtr x, nnc::kir::ExprPtr y) {
        return Expr::call(fn, arity == 2 ? std::vector{std::move(x), std::move(y)}
                                         : std::vector{std::move(x)});
    };
    const std::vector<std::pair<std::string, int>> functions = {
        {"exp", 1},   {"log", 1},  {"sqrt", 1},  {"fabs", 1}, {"sin", 1},  {"cos", 1}, {"tanh", 1},
        {"floor", 1}, {"ceil", 1}, {"round", 1}, {"pow", 2},  {"fmin", 2}, {"fmax", 2}};
    const std::vector<double> args = {-0.1 / 3, 0.7,   2.5,  -2.5, 1e-5,    123.456,
                                      -700.25,  1e300, -0.0, 0.0,  3.0 / 7, 1.0 / 3};
    nnc::kir::PopulationKernel k;
    k.name = "folded_math";
    k.input_names = {"a", "b"};
    for (const auto& [fn, arity] : functions) {
        k.state_names.push_back(fn);
        k.body.push_back(
            nnc::kir::Stmt{nnc::kir::Stmt::Kind::SetState,
                           int(k.state_names.size() - 1),
                           call(fn, arity, Expr::ref(Op::Input, 0), Expr::ref(Op::Input, 1)),
                           {},
                           {}});
    }
    nnc::llvmjit::KernelJit jit;
    const auto update = jit.compile({k})[0];

    const size_t n = args.size() * args.size();
    std::vector<std::vector<double>> state(k.state_names.size(), std::vector<double>(n));
    std::vector<double> a(n), b(n);
    for (size_t i = 0; i < n; ++i) {
        a[i] = args[i / args.size()];
        b[i] = args[i % args.size()];
    }
    std::vector<double*> state_ptrs;
    for (auto& s : state)
        state_ptrs.push_back(s.data());
    std::vector<double*> input_ptrs = {a.data(), b.data()};
    std::vector<uint32_t> spiked(n);
    uint64_t n_spiked = 0;
    nncrt_kernel_args kernel_args{n,       state_ptrs.data(), input_ptrs.data(),
                                  nullptr, spiked.data(),     &n_spiked};
    update(&kernel_args);

    for (size_t f = 0; f < functions.size(); ++f) {
        const auto& [fn, arity] = functions[f];
        for (size_t i = 0; i < n; ++i) {
            const auto folded = nnc::passes::fold_constants(
                call(fn, arity, Expr::constant(a[i]), Expr::constant(b[i])));
            ASSERT_EQ(folded->op, Op::Const) << fn;
            const double kernel = state[f][i];
            EXPECT_TRUE(std::bit_cast<uint64_t>(folded->value) == std::bit_cast<uint64_t>(kernel) ||
                        (std::isnan(folded->value) && std::isnan(kernel)))
                << fn << "(" << a[i] << (arity == 2 ? ", " + std::to_string(b[i]) : "")
                << "): folded " << folded->value << ", kernel " << kernel;
        }
    }
}

TEST(Optimisation, RunAndDumpIrTakeNoOptimise) {
    auto run = nnc::test::run_nnc("run -q tests/end_to_end/models/two_populations_small.nml "
                                  "--no-optimise --duration 20");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto dump = nnc::test::run_nnc("dump-ir examples/brunel2000.nml --no-optimise");
    EXPECT_EQ(dump.exit_code, 0) << dump.err;
    EXPECT_EQ(dump.out.find("common subexpression"), std::string::npos);
    EXPECT_NE(
        nnc::test::run_nnc("dump-ir examples/brunel2000.nml").out.find("common subexpression"),
        std::string::npos);
    auto skipped = nnc::test::run_nnc("dump-ir examples/brunel2000.nml --no-optimise --after cse");
    EXPECT_EQ(skipped.exit_code, 2);
    EXPECT_NE(skipped.err.find("--no-optimise turns off"), std::string::npos) << skipped.err;
    auto passes = nnc::test::run_nnc("dump-ir --print-passes");
    EXPECT_NE(passes.out.find("specialise\trequired\t"), std::string::npos) << passes.out;
    EXPECT_NE(passes.out.find("cse\toptimisation\t"), std::string::npos) << passes.out;
}

} // namespace
