#include "ir/evaluate.h"

#include <cmath>
#include <vector>

namespace nnc::ir {

std::optional<double> call_math_function(const std::string& fn, std::span<const double> a) {
    if (a.size() == 1) {
        double x = a[0];
        if (fn == "exp") return std::exp(x);
        if (fn == "log") return std::log(x);
        if (fn == "sqrt") return std::sqrt(x);
        if (fn == "abs" || fn == "fabs") return std::fabs(x);
        if (fn == "sin") return std::sin(x);
        if (fn == "cos") return std::cos(x);
        if (fn == "tanh") return std::tanh(x);
        if (fn == "floor") return std::floor(x);
        if (fn == "ceil") return std::ceil(x);
        if (fn == "round") return std::round(x);
    } else if (a.size() == 2) {
        // Written out rather than std::fmin: libm's fmin(-0, +0) is -0 with glibc 2.36 but
        // GCC's inline expansion and the LLVM backend give +0 (the second operand on
        // equality; the other one if exactly one is NaN). Folding must give the kernel's bits.
        if (fn == "min" || fn == "fmin") return std::isnan(a[1]) || a[0] < a[1] ? a[0] : a[1];
        if (fn == "max" || fn == "fmax") return std::isnan(a[1]) || a[0] > a[1] ? a[0] : a[1];
        if (fn == "pow") return std::pow(a[0], a[1]);
    }
    return std::nullopt;
}

namespace {

std::optional<double> ref(std::span<const double> values, int index) {
    if (index < 0 || size_t(index) >= values.size()) return std::nullopt;
    return values[size_t(index)];
}

} // namespace

std::optional<double> evaluate(const Expr& e, const Bindings& b) {
    switch (e.op) {
    case Op::Const:
        return e.value;
    case Op::Param:
        return ref(b.params, e.index);
    case Op::State:
        return ref(b.states, e.index);
    case Op::Input:
        return ref(b.inputs, e.index);
    case Op::Weight:
        return b.weight;
    default:
        break;
    }
    std::vector<double> a;
    a.reserve(e.args.size());
    for (const auto& arg : e.args) {
        auto v = evaluate(*arg, b);
        if (!v) return std::nullopt;
        a.push_back(*v);
    }
    auto need = [&](size_t n) { return a.size() == n; };
    switch (e.op) {
    case Op::Add:
        if (need(2)) return a[0] + a[1];
        break;
    case Op::Sub:
        if (need(2)) return a[0] - a[1];
        break;
    case Op::Mul:
        if (need(2)) return a[0] * a[1];
        break;
    case Op::Div:
        if (need(2)) return a[0] / a[1];
        break;
    case Op::Neg:
        if (need(1)) return -a[0];
        break;
    case Op::Pow:
        if (need(2)) return std::pow(a[0], a[1]);
        break;
    case Op::Call:
        return call_math_function(e.fn, a);
    case Op::Lt:
        if (need(2)) return double(a[0] < a[1]);
        break;
    case Op::Le:
        if (need(2)) return double(a[0] <= a[1]);
        break;
    case Op::Gt:
        if (need(2)) return double(a[0] > a[1]);
        break;
    case Op::Ge:
        if (need(2)) return double(a[0] >= a[1]);
        break;
    case Op::Eq:
        if (need(2)) return double(a[0] == a[1]);
        break;
    case Op::Ne:
        if (need(2)) return double(a[0] != a[1]);
        break;
    case Op::And:
        if (need(2)) return double(a[0] != 0 && a[1] != 0);
        break;
    case Op::Or:
        if (need(2)) return double(a[0] != 0 || a[1] != 0);
        break;
    case Op::Not:
        if (need(1)) return double(a[0] == 0);
        break;
    case Op::Select:
        if (need(3)) return a[0] != 0 ? a[1] : a[2];
        break;
    default:
        break;
    }
    return std::nullopt;
}

} // namespace nnc::ir
