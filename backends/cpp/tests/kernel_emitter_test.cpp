// The C++ emitter: the text it writes, and that the text, compiled by the system C++
// compiler as a generated project compiles it, computes the JIT's bits.
#include "kernel_emitter.h"
#include "kernel_jit.h"
#include "scalar_function_jit.h"

#include "../../llvm/tests/kir_helpers.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>

namespace nnc::cppgen {
namespace {

using namespace nnc::llvmjit::test;

/// Compiles `source` (after the prelude) into a shared library with the flags of a generated
/// project, warnings as errors, and returns its handle; fails the test if it does not build.
void* compile_shared(const std::string& name, const std::string& source) {
    const std::string dir = NNC_TEST_WORK_DIR;
    const std::string cpp = dir + "/" + name + ".cpp", so = dir + "/" + name + ".so";
    std::ofstream(cpp) << kernel_file_prelude() << "\n" << source;
    const std::string command = std::string(NNC_TEST_CXX) +
                                " -std=c++20 -O2 -fPIC -shared -ffp-contract=off -fno-builtin "
                                "-Wall -Wextra -Werror -I" NNC_TEST_ABI_INCLUDE " -o " +
                                so + " " + cpp;
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    void* handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    EXPECT_NE(handle, nullptr) << dlerror();
    return handle;
}

template <class F>
F symbol(void* handle, const std::string& name) {
    void* p = handle ? dlsym(handle, name.c_str()) : nullptr;
    EXPECT_NE(p, nullptr) << name;
    return reinterpret_cast<F>(p);
}

PopulationKernel small_kernel() {
    PopulationKernel k;
    k.name = "pop_E";
    k.state_names = {"V_m", "refr"};
    k.input_names = {"I_e"};
    k.receptor_names = {"ex"};
    k.local_count = 1;
    k.body = {
        set_state(0, add(add(mul(num(0.99), state(0)), mul(num(0.01), input(0))), receptor(0)),
                  "V_m' = -V_m / tau_m (brunel.nml:12)"),
        set_local(0, op(Op::Neg, num(-70.0))),
        if_(op(Op::Ge, state(0), num(-50.0)),
            {emit_spike(), set_state(0, local(0)), set_state(1, num(2.0))}),
    };
    return k;
}

TEST(CppKernelEmitter, WritesAReadableFunctionWithTheAbi) {
    const std::string expected = R"(// population E of model iaf (brunel.nml:30)
extern "C" void pop_E(const nncrt_kernel_args* args) {
    const uint64_t n = args->n;
    double* const state_V_m = args->state[0];
    double* const state_refr = args->state[1];
    const double* const input_I_e = args->input[0];
    const double* const receptor_ex = args->receptor[0];
    uint32_t* const spiked = args->spiked;
    uint64_t n_spiked = 0;
    for (uint64_t i = 0; i < n; ++i) {
        double s_V_m = state_V_m[i];
        double s_refr = state_refr[i];
        const double in_I_e = input_I_e[i];
        const double r_ex = receptor_ex[i];
        double local_0 = 0.0;
        // V_m' = -V_m / tau_m (brunel.nml:12)
        s_V_m = (((0.99 * s_V_m) + (0.01 * in_I_e)) + r_ex);
        local_0 = (-(-70.0));
        if (s_V_m >= (-50.0)) {
            spiked[n_spiked] = static_cast<uint32_t>(i);
            ++n_spiked;
            s_V_m = local_0;
            s_refr = 2.0;
        }
        state_V_m[i] = s_V_m;
        state_refr[i] = s_refr;
    }
    *args->n_spiked = n_spiked;
}
)";
    EXPECT_EQ(emit_kernel(small_kernel(), "population E of model iaf (brunel.nml:30)"), expected);
}

TEST(CppKernelEmitter, ConstantsReadBackExactly) {
    EXPECT_EQ(double_literal(0.1), "0.1");
    EXPECT_EQ(double_literal(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(double_literal(100.0), "100.0");
    EXPECT_EQ(double_literal(-0.0), "-0.0");
    EXPECT_EQ(double_literal(1e300), "1e+300");
    EXPECT_EQ(double_literal(std::numeric_limits<double>::infinity()),
              "nnc_double_from_bits(0x7ff0000000000000ULL)");
    for (double v : {0.1, 1.0 / 3.0, 5e-324, 1.7976931348623157e308, -2.5e-10})
        EXPECT_EQ(std::strtod(double_literal(v).c_str(), nullptr), v) << double_literal(v);
}

TEST(CppKernelEmitter, MalformedKernelsAreRefusedWithWhatIsWrong) {
    PopulationKernel k = small_kernel();
    k.body.push_back(set_state(5, num(1.0)));
    EXPECT_THROW(
        {
            try {
                emit_kernel(k, "");
            } catch (const EmitError& e) {
                EXPECT_NE(std::string(e.what()).find("state index 5"), std::string::npos)
                    << e.what();
                throw;
            }
        },
        EmitError);
    PopulationKernel bad_call = small_kernel();
    bad_call.body.push_back(set_state(0, call("erf", {state(0)})));
    EXPECT_THROW(emit_kernel(bad_call, ""), EmitError);
    PopulationKernel bad_name = small_kernel();
    bad_name.name = "pop-E";
    EXPECT_THROW(emit_kernel(bad_name, ""), EmitError);
}

/// A kernel that uses every operator and math function, on values that probe the corners
/// (signed zeros, NaN, infinities, ties of fmin/fmax).
PopulationKernel every_operator_kernel() {
    PopulationKernel k;
    k.name = "every_operator";
    k.state_names = {"x", "y", "a", "b", "c", "d", "e", "f", "g"};
    k.input_names = {"u"};
    k.receptor_names = {"r"};
    k.local_count = 2;
    auto x = [] { return state(0); };
    auto y = [] { return state(1); };
    k.body = {
        set_local(0, add(mul(x(), num(0.1)), op(Op::Div, y(), num(3.0)))),
        set_state(2, add(call("exp", {x()}), call("log", {call("fabs", {y()})}))),
        set_state(3,
                  add(call("pow", {call("fabs", {x()}), num(0.5)}), call("pow", {num(2.0), y()}))),
        set_state(4, add(add(call("sin", {x()}), call("cos", {y()})), call("tanh", {local(0)}))),
        set_state(5, add(call("fmin", {x(), y()}), mul(num(3.0), call("fmax", {y(), x()})))),
        set_state(6, add(add(call("floor", {x()}), call("ceil", {y()})),
                         add(call("round", {local(0)}), call("sqrt", {call("fabs", {y()})})))),
        set_state(
            7, add(add(op(Op::Lt, x(), y()), mul(num(2.0), op(Op::Le, x(), y()))),
                   add(mul(num(4.0), op(Op::Ne, x(), y())), mul(num(8.0), op(Op::Eq, x(), y()))))),
        set_local(1, op(Op::Select,
                        op(Op::And, op(Op::Gt, x(), num(0.0)), op(Op::Not, op(Op::Ge, y(), x()))),
                        sub(input(0), receptor(0)), op(Op::Or, x(), y()))),
        // Halves until at most 1 (an infinity stops after a few steps: inf - inf is NaN).
        while_(op(Op::Gt, local(1), num(1.0)),
               {set_local(1, sub(mul(local(1), num(0.5)), op(Op::Div, local(1), num(1e300))))}),
        set_state(8, add(local(1), op(Op::Neg, call("fmin", {num(-0.0), num(0.0)})))),
        if_(op(Op::Gt, state(2), num(1.5)), {emit_spike()}),
    };
    return k;
}

TEST(CppKernelEmitter, CompiledCodeGivesTheJitsBits) {
    const PopulationKernel k = every_operator_kernel();
    void* lib = compile_shared("every_operator", emit_kernel(k, "every operator"));
    auto compiled = symbol<nncrt_update_fn>(lib, "every_operator");
    ASSERT_NE(compiled, nullptr);
    llvmjit::KernelJit jit;
    nncrt_update_fn jitted = jit.compile({k}).at(0);

    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> values = {0.0,    -0.0, 0.1,  -0.7,   1.5,
                                        2.5,    -2.5, 3.0,  1e-310, 700.0,
                                        -745.5, inf,  -inf, nan,    0.30000000000000004};
    const size_t n = values.size() * values.size();
    Population a(n, k.state_names.size(), 1, 1), b(n, k.state_names.size(), 1, 1);
    for (size_t i = 0; i < n; ++i)
        for (Population* p : {&a, &b}) {
            p->state[0][i] = values[i / values.size()];
            p->state[1][i] = values[i % values.size()];
            p->input[0][i] = 0.25 * double(i);
            p->receptor[0][i] = values[(i * 7) % values.size()];
        }
    a.step(compiled);
    b.step(jitted);
    for (size_t j = 0; j < k.state_names.size(); ++j)
        for (size_t i = 0; i < n; ++i)
            EXPECT_EQ(bits(a.state[j][i]), bits(b.state[j][i]))
                << k.state_names[j] << " of neuron " << i << ": " << a.state[j][i] << " vs "
                << b.state[j][i];
    EXPECT_EQ(a.spikes(), b.spikes());
    EXPECT_FALSE(a.spikes().empty());
}

TEST(CppKernelEmitter, SynapseEventKernelsAndPairFunctionsGiveTheJitsBits) {
    PopulationKernel event;
    event.kind = kir::KernelKind::SynapseEvent;
    event.name = "stdp_pre";
    event.state_names = {"w", "t_last"};
    event.input_names = {"t"};
    event.body = {
        set_state(0, add(state(0), mul(num(0.01), call("exp", {op(Op::Div, sub(state(1), input(0)),
                                                                  num(20.0))})))),
        set_state(1, input(0))};
    kir::ScalarFunction pair{
        "pair_weight",
        {"distance", "dx"},
        mul(num(0.3), call("exp", {op(Op::Neg, op(Op::Div, input(0), num(0.17)))}))};
    kir::ScalarFunction constant{"pair_constant", {}, num(0.125)};
    const std::string source = emit_kernel(event, "synapse stdp, on pre") + "\n" +
                               emit_scalar_function(pair, "projection E -> I, weight") + "\n" +
                               emit_scalar_function(constant, "");
    void* lib = compile_shared("event_and_pair", source);
    auto compiled_event = symbol<nncrt_synapse_event_fn>(lib, "stdp_pre");
    auto compiled_pair = symbol<double (*)(const double*)>(lib, "pair_weight");
    auto compiled_constant = symbol<double (*)(const double*)>(lib, "pair_constant");
    ASSERT_TRUE(compiled_event && compiled_pair && compiled_constant);

    llvmjit::KernelJit jit;
    auto jitted = jit.compile({}, {event});
    llvmjit::ScalarFunctionJit pair_jit;
    auto jitted_pair = pair_jit.compile({pair}).at(0);

    std::vector<double> w1 = {0.5, 1.0, 1.5, 2.0}, t1 = {0.0, 3.0, 7.5, 9.9};
    std::vector<double> w2 = w1, t2 = t1;
    const std::vector<uint64_t> synapses = {3, 1};
    double* s1[] = {w1.data(), t1.data()};
    double* s2[] = {w2.data(), t2.data()};
    nncrt_synapse_event_args e1{synapses.size(), synapses.data(), s1, 12.25};
    nncrt_synapse_event_args e2{synapses.size(), synapses.data(), s2, 12.25};
    compiled_event(&e1);
    jitted.synapse_events.at(0)(&e2);
    for (size_t s = 0; s < w1.size(); ++s) {
        EXPECT_EQ(bits(w1[s]), bits(w2[s])) << s;
        EXPECT_EQ(bits(t1[s]), bits(t2[s])) << s;
    }
    EXPECT_EQ(w1[0], 0.5); // not listed: untouched
    for (double d : {0.0, 0.05, 0.1234, 1.0, 3.5}) {
        const double args[] = {d, -d};
        EXPECT_EQ(bits(compiled_pair(args)), bits(jitted_pair(args))) << d;
    }
    EXPECT_EQ(compiled_constant(nullptr), 0.125);
}

} // namespace
} // namespace nnc::cppgen
