// Every operator and math function of the kernel IR against its C++ equivalent, on a
// grid that includes zeros of both signs, infinities, NaN and halfway cases.
#include "kernel_jit.h"
#include "kir_helpers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

namespace nnc::llvmjit::test {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> sample_values() {
    std::vector<double> v = {0.0,   -0.0,   1.0,  -1.0,  0.5,  -0.5,    1.5,     -1.5,
                             2.5,   -2.5,   3.0,  0.1,   -0.1, 1e-310,  -1e300,  1e300,
                             709.0, -745.0, kInf, -kInf, kNaN, 3.14159, -2.71828};
    std::mt19937_64 rng(1234);
    std::uniform_real_distribution<double> dist(-20.0, 20.0);
    // The largest double below 0.5, odd integers near 2^52, and 2^53: the traps of round().
    for (double x : {std::nextafter(0.5, 0.0), 4503599627370497.0, -4503599627370497.0,
                     4503599627370495.5, 9007199254740992.0})
        v.push_back(x);
    for (int i = 0; i < 40; ++i)
        v.push_back(dist(rng));
    return v;
}

// Same bits, or both NaN (the payload of a NaN result is not specified by either side).
::testing::AssertionResult same(double got, double want) {
    if (bits(got) == bits(want) || (std::isnan(got) && std::isnan(want)))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "got " << got << " (0x" << std::hex << bits(got)
                                         << "), want " << want << " (0x" << bits(want) << ")";
}

// Compiles `out = e(a, b, c)`, runs it over all (a, b) pairs of the sample (c = a * b), and
// compares with `ref`.
void check(const std::string& name, const ExprPtr& e,
           const std::function<double(double, double, double)>& ref) {
    PopulationKernel k;
    k.name = name;
    k.state_names = {"out"};
    k.input_names = {"a", "b", "c"};
    k.body = {set_state(0, e)};
    KernelJit jit;
    auto fn = jit.compile({k})[0];

    auto values = sample_values();
    Population pop(values.size() * values.size(), 1, 3);
    size_t i = 0;
    for (double a : values)
        for (double b : values) {
            pop.input[0][i] = a;
            pop.input[1][i] = b;
            pop.input[2][i] = a * b;
            ++i;
        }
    pop.step(fn);
    EXPECT_EQ(pop.n_spiked, 0u);
    for (i = 0; i < pop.size(); ++i) {
        double a = pop.input[0][i], b = pop.input[1][i], c = pop.input[2][i];
        EXPECT_TRUE(same(pop.state[0][i], ref(a, b, c)))
            << name << "(a=" << a << ", b=" << b << ", c=" << c << ")";
    }
}

// Hides the value's origin from the C++ compiler, which could otherwise apply the very
// rewrite (sin(-x) = -sin(x), ...) that the test is about to the reference too.
double opaque(double x) {
    volatile double v = x;
    return v;
}

double truth(double x) {
    return x != 0.0 ? 1.0 : 0.0;
}

TEST(KernelOps, Arithmetic) {
    check("add", op(Op::Add, input(0), input(1)), [](double a, double b, double) { return a + b; });
    check("sub", op(Op::Sub, input(0), input(1)), [](double a, double b, double) { return a - b; });
    check("mul", op(Op::Mul, input(0), input(1)), [](double a, double b, double) { return a * b; });
    check("div", op(Op::Div, input(0), input(1)), [](double a, double b, double) { return a / b; });
    check("neg", op(Op::Neg, input(0)), [](double a, double, double) { return -a; });
    check("konst", num(0.1), [](double, double, double) { return 0.1; });
    check("nested", op(Op::Div, op(Op::Sub, input(2), num(0.3)), op(Op::Add, input(0), num(7.0))),
          [](double a, double, double c) { return (c - 0.3) / (a + 7.0); });
}

TEST(KernelOps, Comparisons) {
    check("lt", op(Op::Lt, input(0), input(1)),
          [](double a, double b, double) { return double(a < b); });
    check("le", op(Op::Le, input(0), input(1)),
          [](double a, double b, double) { return double(a <= b); });
    check("gt", op(Op::Gt, input(0), input(1)),
          [](double a, double b, double) { return double(a > b); });
    check("ge", op(Op::Ge, input(0), input(1)),
          [](double a, double b, double) { return double(a >= b); });
    check("eq", op(Op::Eq, input(0), input(1)),
          [](double a, double b, double) { return double(a == b); });
    check("ne", op(Op::Ne, input(0), input(1)),
          [](double a, double b, double) { return double(a != b); });
}

TEST(KernelOps, LogicTruthTables) {
    // The sample has 0, -0, NaN (true: NaN != 0) and other non-zeros in both operands.
    check("and_", op(Op::And, input(0), input(1)),
          [](double a, double b, double) { return double(a != 0.0 && b != 0.0); });
    check("or_", op(Op::Or, input(0), input(1)),
          [](double a, double b, double) { return double(a != 0.0 || b != 0.0); });
    check("not_", op(Op::Not, input(0)),
          [](double a, double, double) { return double(!(a != 0.0)); });
    check("select", op(Op::Select, input(0), input(1), input(2)),
          [](double a, double b, double c) { return a != 0.0 ? b : c; });
    check("select_cmp", op(Op::Select, op(Op::Lt, input(0), input(1)), num(1.5), num(-2.5)),
          [](double a, double b, double) { return a < b ? 1.5 : -2.5; });
    check("logic_mix",
          op(Op::Or, op(Op::And, op(Op::Gt, input(0), num(0.0)), op(Op::Not, input(1))),
             op(Op::Eq, input(2), num(1.0))),
          [](double a, double b, double c) {
              return double((truth(double(a > 0.0)) != 0.0 && !(b != 0.0)) || c == 1.0);
          });
}

TEST(KernelOps, UnaryMathFunctions) {
    struct Case {
        const char* fn;
        double (*ref)(double);
    };
    const Case cases[] = {
        {"exp", [](double x) { return std::exp(x); }},
        {"log", [](double x) { return std::log(x); }},
        {"sqrt", [](double x) { return std::sqrt(x); }},
        {"fabs", [](double x) { return std::fabs(x); }},
        {"sin", [](double x) { return std::sin(x); }},
        {"cos", [](double x) { return std::cos(x); }},
        {"tanh", [](double x) { return std::tanh(x); }},
        {"floor", [](double x) { return std::floor(x); }},
        {"ceil", [](double x) { return std::ceil(x); }},
        {"round", [](double x) { return std::round(x); }},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.fn);
        auto ref = c.ref;
        check(std::string("k_") + c.fn, call(c.fn, {input(0)}),
              [ref](double a, double, double) { return ref(a); });
        // Also on products, which are not exactly representable sample points.
        check(std::string("k2_") + c.fn, call(c.fn, {input(2)}),
              [ref](double, double, double x) { return ref(x); });
    }
}

TEST(KernelOps, SymmetryRewritesAreExact) {
    // InstCombine turns sin(-x) into -sin(x) and cos(-x) into cos(x); exact only if libm's
    // sin is odd and cos even to the bit, which these check against glibc on the negated
    // argument.
    check("k_sin_neg", call("sin", {op(Op::Neg, input(2))}),
          [](double, double, double c) { return std::sin(opaque(-c)); });
    check("k_cos_neg", call("cos", {op(Op::Neg, input(2))}),
          [](double, double, double c) { return std::cos(opaque(-c)); });
    check("k_cos_abs", call("cos", {call("fabs", {input(2)})}),
          [](double, double, double c) { return std::cos(opaque(std::fabs(c))); });
    check("k_exp_neg", call("exp", {op(Op::Neg, input(0))}),
          [](double a, double, double) { return std::exp(opaque(-a)); });
}

TEST(KernelOps, BinaryMathFunctions) {
    check("k_pow", call("pow", {input(0), input(1)}),
          [](double a, double b, double) { return std::pow(a, b); });
    check("k_pow_const", call("pow", {input(0), num(3.0)}),
          [](double a, double, double) { return std::pow(a, 3.0); });
    // LLVM would rewrite pow with a constant operand (exp2, sqrt, 1/x); glibc's pow differs
    // from those by an ulp on some arguments, and the kernel must give glibc's bits.
    for (double base : {2.0, 10.0, 0.5, -2.0}) {
        SCOPED_TRACE(base);
        check("k_pow_base", call("pow", {num(base), input(2)}),
              [base](double, double, double c) { return std::pow(base, c); });
    }
    for (double expo : {0.5, -0.5, -1.0, 2.0, 0.0, 1.0, 1.0 / 3.0}) {
        SCOPED_TRACE(expo);
        check("k_pow_expo", call("pow", {input(2), num(expo)}),
              [expo](double, double, double c) { return std::pow(c, expo); });
    }
    check("k_fmin", call("fmin", {input(0), input(1)}),
          [](double a, double b, double) { return std::fmin(a, b); });
    check("k_fmax", call("fmax", {input(0), input(1)}),
          [](double a, double b, double) { return std::fmax(a, b); });
}

TEST(KernelOps, ReceptorsAreSeparateFromInputs) {
    PopulationKernel k;
    k.name = "ports";
    k.state_names = {"g", "h"};
    k.input_names = {"I"};
    k.receptor_names = {"ex", "in"};
    k.body = {set_state(0, add(state(0), sub(receptor(0), receptor(1)))),
              set_state(1, add(input(0), state(0)))};
    KernelJit jit;
    auto fn = jit.compile({k})[0];
    Population pop(5, 2, 1, 2);
    for (size_t i = 0; i < 5; ++i) {
        pop.state[0][i] = 1.0;
        pop.input[0][i] = 100.0;
        pop.receptor[0][i] = double(i);
        pop.receptor[1][i] = 0.5;
    }
    pop.step(fn);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(pop.state[0][i], 1.0 + (double(i) - 0.5));
        EXPECT_EQ(pop.state[1][i], 100.0 + pop.state[0][i]);
    }
}

} // namespace
} // namespace nnc::llvmjit::test
