// The kernel IR's loop (Stmt::Kind::While), which adaptive solvers use for their
// sub-steps: every neuron runs its own number of iterations, from none up, and the
// values a loop leaves behind are those of its last iteration.
#include "kernel_jit.h"
#include "kir_helpers.h"

#include <gtest/gtest.h>

#include <cmath>

namespace nnc::llvmjit::test {
namespace {

// Halves x until it is at most 1, counting the halvings (and, with an If inside the loop,
// the odd counts); neurons with x <= 1 never enter the loop. Then a loop inside an If.
PopulationKernel halvings() {
    // count - 2·floor(count / 2) != 0: the count is odd (kir has no fmod).
    auto odd =
        op(Op::Ne, sub(local(0), mul(num(2.0), call("floor", {op(Op::Div, local(0), num(2.0))}))),
           num(0.0));
    PopulationKernel k;
    k.name = "halvings";
    k.state_names = {"x", "count", "odd_steps"};
    k.input_names = {"gate"};
    k.local_count = 2;
    k.body = {
        set_local(0, num(0.0)),
        set_local(1, num(0.0)),
        while_(op(Op::Gt, state(0), num(1.0)),
               {
                   set_state(0, mul(state(0), num(0.5))),
                   set_local(0, add(local(0), num(1.0))),
                   if_(odd, {set_state(2, add(state(2), num(1.0)))}),
               }),
        set_state(1, local(0)),
        if_(op(Op::Gt, input(0), num(0.0)),
            {while_(op(Op::Lt, local(1), local(0)), {set_local(1, add(local(1), num(2.0)))}),
             set_state(2, local(1))}),
    };
    return k;
}

TEST(KernelLoop, EachNeuronIteratesAsOftenAsItsStateSays) {
    KernelJit jit;
    auto fn = jit.compile({halvings()})[0];
    const double xs[] = {0.5, 1.0, 1.5, 2.0, 3.0, 1024.0, 1e300, 7.25, -4.0};
    const size_t n = std::size(xs);
    Population pop(n, 3, 1);
    for (size_t i = 0; i < n; ++i) {
        pop.state[0][i] = xs[i];
        pop.state[2][i] = 0.0;
        pop.input[0][i] = (i % 2) ? 1.0 : -1.0;
    }
    pop.step(fn);
    for (size_t i = 0; i < n; ++i) {
        double x = xs[i], count = 0, odd = 0;
        while (x > 1.0) {
            x *= 0.5;
            count += 1;
            if (count - 2 * std::floor(count / 2) != 0) odd += 1;
        }
        if (i % 2) {
            double up = 0;
            while (up < count)
                up += 2;
            odd = up; // the second loop's result overwrites state 2
        }
        EXPECT_EQ(bits(pop.state[0][i]), bits(x)) << "x0 = " << xs[i];
        EXPECT_EQ(pop.state[1][i], count) << "x0 = " << xs[i];
        EXPECT_EQ(pop.state[2][i], odd) << "x0 = " << xs[i];
    }
    EXPECT_EQ(pop.state[1][5], 10.0); // 1024 = 2^10
    EXPECT_EQ(pop.state[1][0], 0.0);  // never entered
}

// A loop that runs zero times leaves every value as it was, and a condition that is false
// from the start is evaluated once.
TEST(KernelLoop, AFalseConditionSkipsTheBody) {
    PopulationKernel k;
    k.name = "never";
    k.state_names = {"x"};
    k.body = {while_(num(0.0), {set_state(0, num(99.0))})};
    KernelJit jit;
    auto fn = jit.compile({k})[0];
    Population pop(3, 1);
    pop.state[0] = {1.0, 2.0, 3.0};
    pop.step(fn);
    EXPECT_EQ(pop.state[0], (std::vector<double>{1.0, 2.0, 3.0}));
}

TEST(KernelLoop, ListingShowsTheLoop) {
    PopulationKernel k;
    k.name = "p";
    k.state_names = {"x"};
    k.local_count = 1;
    k.body = {while_(op(Op::Lt, local(0), num(3.0)), {set_local(0, add(local(0), num(1.0)))})};
    EXPECT_NE(kir::to_string(k).find("        while (local[0] < 3) {\n"
                                     "            local[0] = local[0] + 1\n"
                                     "        }\n"),
              std::string::npos)
        << kir::to_string(k);
}

TEST(KernelLoop, MalformedLoopThrows) {
    PopulationKernel k;
    k.name = "bad_loop";
    k.state_names = {"x"};
    k.body = {while_(op(Op::Lt, state(0), num(3.0)), {set_state(1, num(0.0))})};
    KernelJit jit;
    EXPECT_THROW(jit.compile({k}), BackendError);
}

} // namespace
} // namespace nnc::llvmjit::test
