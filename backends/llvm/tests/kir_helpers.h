// Shorthands for writing kernel IR by hand in the tests, and a population whose arrays
// the test owns, to call a compiled kernel on.
#pragma once

#include "ir/kernel.h"
#include "nncrt/abi.h"

#include <bit>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nnc::llvmjit::test {

using kir::Expr;
using kir::ExprPtr;
using kir::Op;
using kir::PopulationKernel;
using kir::Stmt;

inline ExprPtr num(double v) {
    return Expr::constant(v);
}
inline ExprPtr state(int j) {
    return Expr::ref(Op::State, j);
}
inline ExprPtr input(int k) {
    return Expr::ref(Op::Input, k);
}
inline ExprPtr receptor(int r) {
    return Expr::ref(Op::Receptor, r);
}
inline ExprPtr local(int l) {
    return Expr::ref(Op::Local, l);
}
inline ExprPtr op(Op o, ExprPtr a) {
    return Expr::make(o, {std::move(a)});
}
inline ExprPtr op(Op o, ExprPtr a, ExprPtr b) {
    return Expr::make(o, {std::move(a), std::move(b)});
}
inline ExprPtr op(Op o, ExprPtr a, ExprPtr b, ExprPtr c) {
    return Expr::make(o, {std::move(a), std::move(b), std::move(c)});
}
inline ExprPtr add(ExprPtr a, ExprPtr b) {
    return op(Op::Add, std::move(a), std::move(b));
}
inline ExprPtr sub(ExprPtr a, ExprPtr b) {
    return op(Op::Sub, std::move(a), std::move(b));
}
inline ExprPtr mul(ExprPtr a, ExprPtr b) {
    return op(Op::Mul, std::move(a), std::move(b));
}
inline ExprPtr call(std::string fn, std::vector<ExprPtr> args) {
    return Expr::call(std::move(fn), std::move(args));
}

inline Stmt set_state(int j, ExprPtr v, std::string comment = {}) {
    Stmt s;
    s.kind = Stmt::Kind::SetState;
    s.index = j;
    s.value = std::move(v);
    s.comment = std::move(comment);
    return s;
}
inline Stmt set_local(int l, ExprPtr v) {
    Stmt s;
    s.kind = Stmt::Kind::SetLocal;
    s.index = l;
    s.value = std::move(v);
    return s;
}
inline Stmt if_(ExprPtr c, std::vector<Stmt> body) {
    Stmt s;
    s.kind = Stmt::Kind::If;
    s.value = std::move(c);
    s.body = std::move(body);
    return s;
}
inline Stmt while_(ExprPtr c, std::vector<Stmt> body) {
    Stmt s;
    s.kind = Stmt::Kind::While;
    s.value = std::move(c);
    s.body = std::move(body);
    return s;
}
inline Stmt emit_spike() {
    Stmt s;
    s.kind = Stmt::Kind::EmitSpike;
    return s;
}

/// The arrays of one population, owned by the test, and the ABI view of them.
struct Population {
    std::vector<std::vector<double>> state, input, receptor;
    std::vector<uint32_t> spiked;
    uint64_t n_spiked = 0xdeadbeef; // the kernel must overwrite it

    Population(size_t n, size_t states, size_t inputs = 0, size_t receptors = 0)
        : state(states, std::vector<double>(n)), input(inputs, std::vector<double>(n)),
          receptor(receptors, std::vector<double>(n)), spiked(n, 0xffffffffu) {}

    size_t size() const { return spiked.size(); }

    void step(nncrt_update_fn fn) {
        std::vector<double*> s;
        for (auto& v : state)
            s.push_back(v.data());
        std::vector<const double*> in, rec;
        for (auto& v : input)
            in.push_back(v.data());
        for (auto& v : receptor)
            rec.push_back(v.data());
        nncrt_kernel_args args{size(), s.data(), in.data(), rec.data(), spiked.data(), &n_spiked};
        fn(&args);
    }

    std::vector<uint32_t> spikes() const {
        auto count = static_cast<std::ptrdiff_t>(n_spiked < size() ? n_spiked : size());
        return {spiked.begin(), spiked.begin() + count};
    }
};

inline uint64_t bits(double x) {
    return std::bit_cast<uint64_t>(x);
}

} // namespace nnc::llvmjit::test
