#include "passes/propagator.h"

#include "ir/evaluate.h"
#include "passes/ode_classification.h"

#include <Eigen/Dense>
#include <unsupported/Eigen/MatrixFunctions>

#include <stdexcept>

namespace nnc::passes {

using ir::Op;

std::optional<AffineForm> affine_form(const ir::Expr& e, size_t n_states, size_t n_inputs,
                                      const std::vector<double>& params) {
    const size_t n = n_states + n_inputs;
    if (is_constant_in_time(e)) {
        auto v = ir::evaluate(e, ir::Bindings{params, {}, {}, {}});
        if (!v) return std::nullopt;
        return AffineForm{std::vector<double>(n, 0.0), *v};
    }
    auto scaled = [](AffineForm f, double s) {
        for (auto& c : f.coef)
            c *= s;
        f.constant *= s;
        return f;
    };
    auto constant_of = [&](const ir::Expr& c) {
        return ir::evaluate(c, ir::Bindings{params, {}, {}, {}});
    };
    switch (e.op) {
    case Op::State:
    case Op::Input: {
        size_t at = e.op == Op::State ? size_t(e.index) : n_states + size_t(e.index);
        if (at >= n) return std::nullopt;
        AffineForm f{std::vector<double>(n, 0.0), 0.0};
        f.coef[at] = 1.0;
        return f;
    }
    case Op::Add:
    case Op::Sub: {
        auto a = affine_form(*e.args[0], n_states, n_inputs, params);
        auto b = affine_form(*e.args[1], n_states, n_inputs, params);
        if (!a || !b) return std::nullopt;
        double sign = e.op == Op::Add ? 1.0 : -1.0;
        for (size_t i = 0; i < n; ++i)
            a->coef[i] += sign * b->coef[i];
        a->constant += sign * b->constant;
        return a;
    }
    case Op::Neg: {
        auto a = affine_form(*e.args[0], n_states, n_inputs, params);
        if (!a) return std::nullopt;
        return scaled(*a, -1.0);
    }
    case Op::Mul: {
        int c = is_constant_in_time(*e.args[0]) ? 0 : is_constant_in_time(*e.args[1]) ? 1 : -1;
        if (c < 0) return std::nullopt;
        auto s = constant_of(*e.args[size_t(c)]);
        auto f = affine_form(*e.args[size_t(1 - c)], n_states, n_inputs, params);
        if (!s || !f) return std::nullopt;
        return scaled(*f, *s);
    }
    case Op::Div: {
        if (!is_constant_in_time(*e.args[1])) return std::nullopt;
        auto s = constant_of(*e.args[1]);
        auto f = affine_form(*e.args[0], n_states, n_inputs, params);
        if (!s || !f) return std::nullopt;
        return scaled(*f, 1.0 / *s);
    }
    default:
        return std::nullopt;
    }
}

Propagator compute_propagator(const ir::NeuronModel& model, const std::vector<double>& params,
                              double dt_ms) {
    const size_t ns = model.states.size();
    const size_t nu = model.inputs.size();
    const size_t m = ns + nu + 1;
    Eigen::MatrixXd M = Eigen::MatrixXd::Zero(Eigen::Index(m), Eigen::Index(m));
    for (const auto& ode : model.odes) {
        auto f = affine_form(*ode.rhs, ns, nu, params);
        if (!f) throw std::logic_error("propagator requested for a non-affine equation");
        auto row = Eigen::Index(ode.state);
        for (size_t l = 0; l < ns + nu; ++l)
            M(row, Eigen::Index(l)) = f->coef[l];
        M(row, Eigen::Index(m - 1)) = f->constant;
    }

    // Which entries of exp(M·dt) can be non-zero: the transitive closure of M's pattern
    // (plus the diagonal). Others are set to an exact 0 rather than rounding noise, so
    // that an uncoupled variable stays exactly uncoupled.
    std::vector<std::vector<bool>> reach(m, std::vector<bool>(m, false));
    for (size_t i = 0; i < m; ++i) {
        reach[i][i] = true;
        for (size_t j = 0; j < m; ++j)
            if (M(Eigen::Index(i), Eigen::Index(j)) != 0.0) reach[i][j] = true;
    }
    for (size_t k = 0; k < m; ++k)
        for (size_t i = 0; i < m; ++i)
            if (reach[i][k])
                for (size_t j = 0; j < m; ++j)
                    if (reach[k][j]) reach[i][j] = true;

    Eigen::MatrixXd P = (M * dt_ms).exp();

    Propagator prop;
    prop.n_states = ns;
    prop.n_inputs = nu;
    prop.rows.resize(ns);
    for (size_t j = 0; j < ns; ++j) {
        auto& row = prop.rows[j];
        row.coef.assign(ns + nu, 0.0);
        for (size_t l = 0; l < ns + nu; ++l)
            if (reach[j][l]) row.coef[l] = P(Eigen::Index(j), Eigen::Index(l));
        row.constant = reach[j][m - 1] ? P(Eigen::Index(j), Eigen::Index(m - 1)) : 0.0;
    }
    return prop;
}

} // namespace nnc::passes
