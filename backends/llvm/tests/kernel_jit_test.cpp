// The JIT end to end: kernels written in kernel IR by hand, compiled, and run on arrays the
// test owns, against the same statements written in C++.
#include "kernel_jit.h"
#include "kir_helpers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <regex>

namespace nnc::llvmjit::test {
namespace {

PopulationKernel leaky_integrator(std::string name) {
    PopulationKernel k;
    k.name = std::move(name);
    k.state_names = {"V"};
    k.input_names = {"I"};
    k.receptor_names = {"ex"};
    // V = 0.9 * V + 0.1 * I + ex
    k.body.push_back(
        set_state(0, add(add(mul(num(0.9), state(0)), mul(num(0.1), input(0))), receptor(0))));
    return k;
}

TEST(KernelJit, LeakyIntegratorMatchesCppBitForBit) {
    KernelJit jit;
    auto fns = jit.compile({leaky_integrator("leaky")});
    ASSERT_EQ(fns.size(), 1u);
    ASSERT_NE(fns[0], nullptr);

    const size_t n = 1000;
    Population pop(n, 1, 1, 1);
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> dist(-100.0, 100.0);
    for (size_t i = 0; i < n; ++i) {
        pop.state[0][i] = dist(rng);
        pop.input[0][i] = dist(rng);
        pop.receptor[0][i] = dist(rng);
    }
    std::vector<double> expected = pop.state[0];
    for (int step = 0; step < 3; ++step) {
        for (size_t i = 0; i < n; ++i)
            expected[i] = 0.9 * expected[i] + 0.1 * pop.input[0][i] + pop.receptor[0][i];
        pop.step(fns[0]);
        EXPECT_EQ(pop.n_spiked, 0u);
        for (size_t i = 0; i < n; ++i)
            ASSERT_EQ(bits(pop.state[0][i]), bits(expected[i])) << "neuron " << i;
    }
}

TEST(KernelJit, EmptyAndOddSizedPopulations) {
    KernelJit jit;
    auto fn = jit.compile({leaky_integrator("leaky")})[0];
    for (size_t n : {0u, 1u, 3u, 7u, 17u}) {
        Population pop(n, 1, 1, 1);
        for (size_t i = 0; i < n; ++i) {
            pop.state[0][i] = double(i);
            pop.input[0][i] = 10.0;
            pop.receptor[0][i] = 1.0;
        }
        pop.step(fn);
        EXPECT_EQ(pop.n_spiked, 0u);
        for (size_t i = 0; i < n; ++i)
            EXPECT_EQ(pop.state[0][i], 0.9 * double(i) + 0.1 * 10.0 + 1.0);
    }
}

// V integrates unless refractory; on crossing 1.0 the neuron spikes, resets and stays
// refractory for two steps.
PopulationKernel threshold_kernel(std::string name) {
    PopulationKernel k;
    k.name = std::move(name);
    k.state_names = {"V", "refr"};
    k.input_names = {"I"};
    k.body.push_back(if_(op(Op::Le, state(1), num(0.0)),
                         {set_state(0, add(mul(state(0), num(0.95)), input(0)))}));
    k.body.push_back(if_(op(Op::Gt, state(1), num(0.0)), {set_state(1, sub(state(1), num(1.0)))}));
    k.body.push_back(if_(op(Op::Ge, state(0), num(1.0)),
                         {emit_spike(), set_state(0, num(0.0)), set_state(1, num(2.0))}));
    return k;
}

TEST(KernelJit, ThresholdEmitResetRefractory) {
    KernelJit jit;
    auto fn = jit.compile({threshold_kernel("lif")})[0];

    const size_t n = 500;
    Population pop(n, 2, 1);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> v0(0.0, 1.2), drive(0.0, 0.2);
    for (size_t i = 0; i < n; ++i) {
        pop.state[0][i] = v0(rng);
        pop.input[0][i] = drive(rng);
    }
    std::vector<double> V = pop.state[0], refr = pop.state[1];

    size_t total = 0;
    for (int step = 0; step < 20; ++step) {
        std::vector<uint32_t> expected;
        for (size_t i = 0; i < n; ++i) {
            if (refr[i] <= 0.0) V[i] = V[i] * 0.95 + pop.input[0][i];
            if (refr[i] > 0.0) refr[i] = refr[i] - 1.0;
            if (V[i] >= 1.0) {
                expected.push_back(uint32_t(i));
                V[i] = 0.0;
                refr[i] = 2.0;
            }
        }
        pop.n_spiked = 0xdeadbeef;
        pop.step(fn);
        ASSERT_EQ(pop.n_spiked, expected.size()) << "step " << step;
        EXPECT_EQ(pop.spikes(), expected) << "step " << step;
        // Increasing order, and every spiking neuron was reset and made refractory.
        for (size_t s = 1; s < expected.size(); ++s)
            EXPECT_LT(pop.spiked[s - 1], pop.spiked[s]);
        for (uint32_t i : pop.spikes()) {
            EXPECT_EQ(pop.state[0][i], 0.0);
            EXPECT_EQ(pop.state[1][i], 2.0);
        }
        for (size_t i = 0; i < n; ++i) {
            ASSERT_EQ(bits(pop.state[0][i]), bits(V[i])) << "step " << step << " neuron " << i;
            ASSERT_EQ(bits(pop.state[1][i]), bits(refr[i])) << "step " << step << " neuron " << i;
        }
        total += expected.size();
    }
    EXPECT_GT(total, 100u); // the test exercised spiking, not only integration
}

TEST(KernelJit, NoSpikeSetsCountToZero) {
    KernelJit jit;
    auto fn = jit.compile({threshold_kernel("lif")})[0];
    Population pop(64, 2, 1); // V = 0, no input: nothing crosses
    pop.step(fn);
    EXPECT_EQ(pop.n_spiked, 0u);
    EXPECT_EQ(pop.spiked[0], 0xffffffffu); // nothing written
}

TEST(KernelJit, LocalsAndNestedIf) {
    PopulationKernel k;
    k.name = "nested";
    k.state_names = {"out", "out2", "out3"};
    k.input_names = {"a", "b", "c"};
    k.local_count = 2;
    k.body = {
        set_local(0, mul(input(0), num(2.0))),
        set_local(1, num(0.0)),
        if_(op(Op::Gt, input(0), num(0.0)),
            {
                set_local(1, add(local(0), num(1.0))),
                if_(op(Op::Gt, input(1), num(0.0)), {set_state(0, mul(local(1), input(1)))}),
                if_(op(Op::Le, input(1), num(0.0)),
                    {set_local(0, num(-1.0)),
                     if_(op(Op::Gt, input(2), num(0.0)), {set_state(0, add(local(0), input(2)))})}),
            }),
        set_state(1, add(local(0), local(1))),
        // A local set only on some path must not carry the previous neuron's value.
        if_(op(Op::Lt, input(2), num(0.0)), {set_local(1, input(2))}),
        if_(op(Op::Ge, input(2), num(0.0)), {set_state(2, local(1))}),
    };
    KernelJit jit;
    auto fn = jit.compile({k})[0];

    const double values[] = {-1.5, 0.0, 0.75, 2.0};
    Population pop(64, 3, 3);
    size_t i = 0;
    for (double a : values)
        for (double b : values)
            for (double c : values) {
                pop.input[0][i] = a;
                pop.input[1][i] = b;
                pop.input[2][i] = c;
                pop.state[0][i] = 42.0;
                pop.state[2][i] = 43.0;
                ++i;
            }
    pop.step(fn);
    for (i = 0; i < pop.size(); ++i) {
        double a = pop.input[0][i], b = pop.input[1][i], c = pop.input[2][i];
        double l0 = a * 2.0, l1 = 0.0, out = 42.0, out3 = 43.0;
        if (a > 0.0) {
            l1 = l0 + 1.0;
            if (b > 0.0) out = l1 * b;
            if (b <= 0.0) {
                l0 = -1.0;
                if (c > 0.0) out = l0 + c;
            }
        }
        double out2 = l0 + l1;
        if (c < 0.0) l1 = c;
        if (c >= 0.0) out3 = l1;
        EXPECT_EQ(bits(pop.state[0][i]), bits(out)) << a << " " << b << " " << c;
        EXPECT_EQ(bits(pop.state[1][i]), bits(out2)) << a << " " << b << " " << c;
        EXPECT_EQ(bits(pop.state[2][i]), bits(out3)) << a << " " << b << " " << c;
    }

    PopulationKernel leak;
    leak.name = "leak";
    leak.state_names = {"out"};
    leak.input_names = {"a"};
    leak.local_count = 1;
    leak.body = {if_(op(Op::Gt, input(0), num(0.0)), {set_local(0, input(0))}),
                 set_state(0, local(0))};
    auto leak_fn = jit.compile({leak})[0];
    Population p(8, 1, 1);
    for (size_t j = 0; j < 8; ++j)
        p.input[0][j] = (j % 2) ? -1.0 : double(j + 1);
    p.step(leak_fn);
    for (size_t j = 0; j < 8; ++j)
        EXPECT_EQ(p.state[0][j], (j % 2) ? 0.0 : double(j + 1)) << j;
}

TEST(KernelJit, SeveralKernelsAndSeveralCalls) {
    KernelJit jit;
    PopulationKernel doubler;
    doubler.name = "doubler";
    doubler.state_names = {"x"};
    doubler.body = {set_state(0, mul(state(0), num(2.0)))};

    auto first = jit.compile({leaky_integrator("leaky_a"), doubler});
    ASSERT_EQ(first.size(), 2u);
    auto second = jit.compile({threshold_kernel("lif_b")});
    ASSERT_EQ(second.size(), 1u);
    EXPECT_NE(first[0], first[1]);

    Population a(10, 1, 1, 1);
    a.state[0].assign(10, 1.0);
    a.step(first[0]);
    EXPECT_EQ(a.state[0][3], 0.9 * 1.0 + 0.1 * 0.0 + 0.0);

    Population d(10, 1);
    d.state[0].assign(10, 1.5);
    d.step(first[1]);
    d.step(first[1]);
    EXPECT_EQ(d.state[0][9], 6.0);

    Population t(10, 2, 1);
    t.input[0].assign(10, 0.0);
    t.state[0][4] = 1.5;
    t.step(second[0]);
    EXPECT_EQ(t.spikes(), std::vector<uint32_t>{4});

    // Names are unique across calls and within one call; a rejected call changes nothing.
    EXPECT_THROW(jit.compile({leaky_integrator("leaky_a")}), BackendError);
    EXPECT_THROW(jit.compile({leaky_integrator("dup"), leaky_integrator("dup")}), BackendError);
    auto third = jit.compile({leaky_integrator("dup")});
    ASSERT_EQ(third.size(), 1u);
    a.step(third[0]);
    EXPECT_EQ(a.state[0][3], 0.9 * (0.9 * 1.0) + 0.1 * 0.0 + 0.0);
    EXPECT_TRUE(jit.compile({}).empty());
}

TEST(KernelJit, MalformedKernelIrThrows) {
    KernelJit jit;
    auto bad_state = leaky_integrator("bad_state");
    bad_state.body.push_back(set_state(1, num(0.0)));
    EXPECT_THROW(jit.compile({bad_state}), BackendError);

    auto bad_fn = leaky_integrator("bad_fn");
    bad_fn.body.push_back(set_state(0, call("erf", {state(0)})));
    EXPECT_THROW(jit.compile({bad_fn}), BackendError);

    auto bad_arity = leaky_integrator("bad_arity");
    bad_arity.body.push_back(set_state(0, call("pow", {state(0)})));
    EXPECT_THROW(jit.compile({bad_arity}), BackendError);

    auto bad_local = leaky_integrator("bad_local");
    bad_local.body.push_back(set_state(0, local(0)));
    EXPECT_THROW(jit.compile({bad_local}), BackendError);

    auto bad_name = leaky_integrator("not an identifier");
    EXPECT_THROW(jit.compile({bad_name}), BackendError);
    EXPECT_THROW(jit.compile({leaky_integrator("tanh")}), BackendError);

    // The rejected names were not taken.
    EXPECT_EQ(jit.compile({leaky_integrator("bad_state")}).size(), 1u);
}

TEST(KernelJit, StraightLineKernelIsVectorised) {
    PopulationKernel k;
    k.name = "coupled";
    k.state_names = {"x", "y"};
    k.body = {set_state(0, add(mul(num(0.5), state(0)), mul(num(0.25), state(1)))),
              set_state(1, sub(mul(state(1), num(0.9)), mul(state(0), num(0.1))))};
    KernelJit jit;
    auto fn = jit.compile({k})[0];
    const std::string& ir = jit.last_module_ir();
    EXPECT_TRUE(std::regex_search(ir, std::regex(R"(<[0-9]+ x double>)"))) << ir;
    EXPECT_NE(ir.find("define void @coupled(ptr noalias"), std::string::npos) << ir;

    Population pop(1001, 2);
    for (size_t i = 0; i < pop.size(); ++i) {
        pop.state[0][i] = double(i) * 0.5;
        pop.state[1][i] = 3.0 - double(i);
    }
    auto x = pop.state[0], y = pop.state[1];
    pop.step(fn);
    for (size_t i = 0; i < pop.size(); ++i) {
        x[i] = 0.5 * x[i] + 0.25 * y[i];
        y[i] = y[i] * 0.9 - x[i] * 0.1;
        ASSERT_EQ(bits(pop.state[0][i]), bits(x[i])) << i;
        ASSERT_EQ(bits(pop.state[1][i]), bits(y[i])) << i;
    }
}

TEST(KernelJit, ConditionalResetWithoutSpikeIsVectorised) {
    // Assigned states are written back unconditionally, so an If becomes a select.
    PopulationKernel k;
    k.name = "reset_only";
    k.state_names = {"V", "refr"};
    k.input_names = {"I"};
    k.body = {
        set_state(0, add(mul(num(0.9), state(0)), input(0))),
        if_(op(Op::Gt, state(1), num(0.0)), {set_state(1, sub(state(1), num(1.0)))}),
        if_(op(Op::Ge, state(0), num(1.0)), {set_state(0, num(0.0)), set_state(1, num(3.0))})};
    KernelJit jit;
    auto fn = jit.compile({k})[0];
    EXPECT_TRUE(std::regex_search(jit.last_module_ir(), std::regex(R"(<[0-9]+ x double>)")))
        << jit.last_module_ir();

    Population pop(99, 2, 1);
    for (size_t i = 0; i < pop.size(); ++i) {
        pop.state[0][i] = double(i % 11) / 10.0;
        pop.state[1][i] = double(i % 3);
        pop.input[0][i] = 0.15;
    }
    auto V = pop.state[0], refr = pop.state[1];
    pop.step(fn);
    for (size_t i = 0; i < pop.size(); ++i) {
        V[i] = 0.9 * V[i] + 0.15;
        if (refr[i] > 0.0) refr[i] = refr[i] - 1.0;
        if (V[i] >= 1.0) {
            V[i] = 0.0;
            refr[i] = 3.0;
        }
        ASSERT_EQ(bits(pop.state[0][i]), bits(V[i])) << i;
        ASSERT_EQ(bits(pop.state[1][i]), bits(refr[i])) << i;
    }
}

TEST(KernelJit, NoFusedMultiplyAdd) {
    // a * b + c rounds twice in C++; an FMA would give the exact -2^-60 instead of 0.
    PopulationKernel k;
    k.name = "muladd";
    k.state_names = {"out"};
    k.input_names = {"a", "b", "c"};
    k.body = {set_state(0, add(mul(input(0), input(1)), input(2)))};
    KernelJit jit;
    auto fn = jit.compile({k})[0];
    const std::string& ir = jit.last_module_ir();
    EXPECT_EQ(ir.find("fmuladd"), std::string::npos);
    EXPECT_EQ(ir.find("llvm.fma"), std::string::npos);
    EXPECT_EQ(ir.find(" contract "), std::string::npos);
    EXPECT_EQ(ir.find(" fast "), std::string::npos);

    Population pop(16, 1, 3);
    const double eps = std::ldexp(1.0, -30);
    pop.input[0].assign(16, 1.0 + eps);
    pop.input[1].assign(16, 1.0 - eps);
    pop.input[2].assign(16, -1.0);
    pop.step(fn);
    volatile double a = 1.0 + eps, b = 1.0 - eps; // volatile: no folding, no contraction
    double product = a * b;
    for (double out : pop.state[0])
        EXPECT_EQ(bits(out), bits(product + -1.0));
    EXPECT_EQ(pop.state[0][0], 0.0);
}

TEST(KernelJit, CompileTimeOfTenStatements) {
    PopulationKernel k;
    k.name = "ten";
    k.state_names = {"a", "b", "c", "d"};
    k.input_names = {"I"};
    k.local_count = 2;
    k.body = {
        set_local(0, call("exp", {mul(num(-0.1), num(1.0))})),
        set_local(1, sub(num(1.0), local(0))),
        set_state(0, add(mul(local(0), state(0)), mul(local(1), input(0)))),
        set_state(1, add(mul(num(0.99), state(1)), mul(num(0.01), state(0)))),
        set_state(2, call("fmax", {num(0.0), sub(state(2), num(1.0))})),
        set_state(3, add(state(3), mul(num(0.5), state(1)))),
        if_(op(Op::Gt, state(2), num(0.0)), {set_state(0, num(-70.0))}),
        if_(op(Op::Ge, state(0), num(-50.0)),
            {emit_spike(), set_state(0, num(-70.0)), set_state(2, num(20.0))}),
    };
    KernelJit jit;
    auto start = std::chrono::steady_clock::now();
    auto fns = jit.compile({k});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(fns.size(), 1u);
    std::printf("[ timing   ] compile of a 10-statement kernel (IR, O3, codegen, link): %.1f ms\n",
                seconds * 1e3);
    EXPECT_LT(seconds, 1.0);
}

// A synapse event kernel touches only the listed synapses, in their own slots, with the
// event's time as Input(0): x = x * exp(-(t - t_last) / 10) + 1; t_last = t.
TEST(KernelJit, SynapseEventKernelUpdatesTheListedSynapsesOnly) {
    PopulationKernel k;
    k.kind = kir::KernelKind::SynapseEvent;
    k.name = "on_pre";
    k.state_names = {"x", "t_last"};
    k.input_names = {"t"};
    k.local_count = 1;
    k.body.push_back(set_local(0, sub(input(0), state(1))));
    k.body.push_back(
        set_state(0, add(mul(state(0), Expr::call("exp", {mul(num(-0.1), local(0))})), num(1.0))));
    k.body.push_back(set_state(1, input(0)));
    KernelJit jit;
    auto compiled = jit.compile({}, {k});
    ASSERT_EQ(compiled.synapse_events.size(), 1u);
    std::vector<double> x = {1, 2, 3, 4, 5}, t_last = {0, 1, 2, 3, 4};
    double* state_ptrs[] = {x.data(), t_last.data()};
    const std::vector<uint64_t> listed = {3, 0};
    const nncrt_synapse_event_args args{listed.size(), listed.data(), state_ptrs, 10.0};
    compiled.synapse_events[0](&args);
    EXPECT_EQ(bits(x[3]), bits(4.0 * std::exp(-0.1 * (10.0 - 3.0)) + 1.0));
    EXPECT_EQ(bits(x[0]), bits(1.0 * std::exp(-0.1 * (10.0 - 0.0)) + 1.0));
    EXPECT_EQ(t_last[3], 10.0);
    EXPECT_EQ(t_last[0], 10.0);
    for (size_t s : {1u, 2u, 4u}) { // not listed: untouched
        EXPECT_EQ(x[s], double(s + 1));
        EXPECT_EQ(t_last[s], double(s));
    }
    // Population and event kernels are not interchangeable.
    EXPECT_THROW(jit.compile({k}), BackendError);
    PopulationKernel emits = k;
    emits.name = "emits";
    emits.body.push_back(Stmt{Stmt::Kind::EmitSpike, -1, nullptr, {}, {}});
    EXPECT_THROW(jit.compile({}, {emits}), BackendError);
}

} // namespace
} // namespace nnc::llvmjit::test
