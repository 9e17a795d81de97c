// A reference interpreter of the kernel IR, for the pass tests: it runs a
// kernel's step on one neuron's values, with the semantics of ir/kernel.h and
// the LLVM backend (IEEE doubles, truth is "!= 0" with NaN true, math through
// glibc as ir::call_math_function). A pass is exact when a kernel gives the same
// bits before and after it on every input, special values included; the tests
// check that here, without a JIT.
#pragma once

#include "ir/evaluate.h"
#include "ir/kernel.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnc::test {

/// One neuron's values, before and after a step.
struct NeuronValues {
    std::vector<double> state, input, receptor;
    bool spiked = false;
};

class KernelInterpreter {
public:
    explicit KernelInterpreter(const kir::PopulationKernel& k) : k_(k) {}

    NeuronValues step(NeuronValues v) const {
        std::vector<double> locals(size_t(k_.local_count), 0.0); // unset locals read 0
        run(k_.body, v, locals);
        return v;
    }

private:
    const kir::PopulationKernel& k_;

    static double truth(double x) { return x != 0 ? 1.0 : 0.0; }

    double eval(const kir::Expr& e, const NeuronValues& v, const std::vector<double>& l) const {
        using kir::Op;
        switch (e.op) {
        case Op::Const:
            return e.value;
        case Op::State:
            return v.state.at(size_t(e.index));
        case Op::Input:
            return v.input.at(size_t(e.index));
        case Op::Receptor:
            return v.receptor.at(size_t(e.index));
        case Op::Local:
            return l.at(size_t(e.index));
        case Op::Param:
            return k_.parameter_values.at(size_t(e.index));
        default:
            break;
        }
        std::vector<double> a;
        for (const auto& arg : e.args)
            a.push_back(eval(*arg, v, l));
        switch (e.op) {
        case Op::Add:
            return a[0] + a[1];
        case Op::Sub:
            return a[0] - a[1];
        case Op::Mul:
            return a[0] * a[1];
        case Op::Div:
            return a[0] / a[1];
        case Op::Neg:
            return -a[0];
        case Op::Call:
            return ir::call_math_function(e.fn, a).value();
        case Op::Lt:
            return double(a[0] < a[1]);
        case Op::Le:
            return double(a[0] <= a[1]);
        case Op::Gt:
            return double(a[0] > a[1]);
        case Op::Ge:
            return double(a[0] >= a[1]);
        case Op::Eq:
            return double(a[0] == a[1]);
        case Op::Ne:
            return double(a[0] != a[1]);
        case Op::And:
            return truth(a[0]) * truth(a[1]);
        case Op::Or:
            return double(a[0] != 0 || a[1] != 0);
        case Op::Not:
            return double(a[0] == 0);
        case Op::Select:
            return a[0] != 0 ? a[1] : a[2];
        default:
            throw std::logic_error("the interpreter does not know this operator");
        }
    }

    void run(const std::vector<kir::Stmt>& body, NeuronValues& v, std::vector<double>& l) const {
        for (const auto& s : body) {
            switch (s.kind) {
            case kir::Stmt::Kind::SetLocal:
                l.at(size_t(s.index)) = eval(*s.value, v, l);
                break;
            case kir::Stmt::Kind::SetState:
                v.state.at(size_t(s.index)) = eval(*s.value, v, l);
                break;
            case kir::Stmt::Kind::If:
                if (eval(*s.value, v, l) != 0) run(s.body, v, l);
                break;
            case kir::Stmt::Kind::While:
                for (int n = 0; eval(*s.value, v, l) != 0; ++n) {
                    if (n == 1000000) throw std::runtime_error("a kernel loop does not end");
                    run(s.body, v, l);
                }
                break;
            case kir::Stmt::Kind::EmitSpike:
                v.spiked = true;
                break;
            }
        }
    }
};

/// Same bits, or both NaN (IEEE leaves a NaN result's sign and payload open).
inline bool same_double(double a, double b) {
    return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b) ||
           (std::isnan(a) && std::isnan(b));
}

/// Values that catch inexact rewrites: both zeros, infinities, NaN, ones, halves,
/// subnormals, large and ordinary numbers. A prime count, so that first_difference's
/// cycling meets every pair of values in every pair of variables.
inline std::vector<double> special_values() {
    const double inf = std::numeric_limits<double>::infinity();
    return {0.0,    -0.0,  1.0,    -1.0,    0.5,
            -0.5,   2.0,   3.0,    -70.0,   -55.0,
            20.0,   0.1,   1e-310, -1e-310, 1e300,
            -1e300, 709.0, inf,    -inf,    std::numeric_limits<double>::quiet_NaN(),
            1.5,    -2.5,  1e-5};
}

/// Runs `before` and `after` (the same kernel before and after a pass) on every
/// combination of special values for each state, input and receptor, cycling through
/// them so that each variable meets each value; returns a description of the first
/// difference, or an empty string. States are compared by name, so that a pass may drop
/// or reorder them.
inline std::string first_difference(const kir::PopulationKernel& before,
                                    const kir::PopulationKernel& after) {
    const auto values = special_values();
    const size_t ns = before.state_names.size(), ni = before.input_names.size(),
                 nr = before.receptor_names.size();
    const size_t vars = ns + ni + nr;
    const size_t n = values.size();
    // Every pair of variables sees every pair of values: index = a + n·b over all (a, b).
    for (size_t a = 0; a < n; ++a)
        for (size_t b = 0; b < n; ++b) {
            NeuronValues in;
            for (size_t j = 0; j < vars; ++j) {
                double x = values[(a + b * (j + 1)) % n];
                if (j < ns)
                    in.state.push_back(x);
                else if (j < ns + ni)
                    in.input.push_back(x);
                else
                    in.receptor.push_back(x);
            }
            NeuronValues in_after = in;
            in_after.state.clear();
            for (const auto& name : after.state_names) {
                size_t j = 0;
                while (j < ns && before.state_names[j] != name)
                    ++j;
                if (j == ns) return "state '" + name + "' appeared";
                in_after.state.push_back(in.state[j]);
            }
            auto x = KernelInterpreter(before).step(in);
            auto y = KernelInterpreter(after).step(in_after);
            if (x.spiked != y.spiked) return "a spike differs";
            for (size_t k = 0; k < after.state_names.size(); ++k) {
                size_t j = 0;
                while (before.state_names[j] != after.state_names[k])
                    ++j;
                if (!same_double(x.state[j], y.state[k]))
                    return "state '" + after.state_names[k] + "': " + std::to_string(x.state[j]) +
                           " before, " + std::to_string(y.state[k]) + " after";
            }
        }
    return {};
}

} // namespace nnc::test
