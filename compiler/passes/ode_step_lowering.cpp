#include "passes/ode_step_lowering.h"

#include "ir/linearity.h"
#include "passes/kernel_builder.h"

#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace nnc::passes {

namespace {

using namespace kernel_builder;

/// Emits `local = value` into `out` and returns the local.
int emit_local(const OdeStepContext& c, std::vector<Stmt>& out, kir::ExprPtr value,
               std::string comment = {}) {
    int l = c.new_local();
    out.push_back(set_local(l, std::move(value), std::move(comment)));
    return l;
}

const std::string& state_name(const OdeStepContext& c, const ir::Ode& ode) {
    return c.model.states[size_t(ode.state)].name;
}

/// `at` with every ODE state read from the given locals (one per entry of model.odes).
StateLocals reading(const OdeStepContext& c, const std::vector<int>& locals) {
    StateLocals at(c.model.states.size(), -1);
    for (size_t i = 0; i < c.model.odes.size(); ++i)
        at[size_t(c.model.odes[i].state)] = locals[i];
    return at;
}

/// y + h·Σ w[j]·k[j], leaving out zero weights.
kir::ExprPtr combination(kir::ExprPtr y, const kir::ExprPtr& h, const std::vector<double>& w,
                         const std::vector<kir::ExprPtr>& k) {
    kir::ExprPtr sum;
    for (size_t j = 0; j < w.size(); ++j) {
        if (w[j] == 0.0) continue;
        auto term = mul(cnst(w[j]), k[j]);
        sum = sum ? add(sum, term) : term;
    }
    if (!sum) return y;
    auto step = mul(h, sum);
    return y ? add(std::move(y), step) : step;
}

} // namespace

std::vector<int> forward_euler_step(const OdeStepContext& c, std::vector<Stmt>& out) {
    std::vector<int> slope, next;
    for (const auto& ode : c.model.odes)
        slope.push_back(emit_local(c, out, c.derivative(ode, {}), state_name(c, ode) + "'"));
    for (size_t i = 0; i < c.model.odes.size(); ++i) {
        const auto& ode = c.model.odes[i];
        next.push_back(emit_local(
            c, out, add(kir::Expr::ref(K::State, ode.state), mul(cnst(c.dt), loc(slope[i]))),
            state_name(c, ode) + "(t + dt), forward Euler"));
    }
    return next;
}

std::vector<int> exponential_euler_step(const OdeStepContext& c, std::vector<Stmt>& out) {
    // x' = a + b·x with a and b evaluated at the start of the step (they depend on the other
    // variables only): x relaxes towards x_inf = -a/b with time constant -1/b,
    //   x(t + dt) = x_inf + (x - x_inf)·exp(b·dt) = x + dt·x'·φ(b·dt),  φ(z) = (e^z - 1)/z,
    // exactly while a and b hold still. The second form is the one computed: it needs no
    // case for b = 0 (φ(0) = 1: x' = a is constant) and loses nothing when b is tiny, where
    // -a/b would be huge. Every variable starts from the same state, so the order of the
    // equations does not matter.
    std::vector<int> next;
    for (const auto& ode : c.model.odes) {
        auto parts = ir::affine_in_state(ode.rhs, ode.state);
        if (!parts)
            throw std::logic_error("exponential Euler for an equation not linear in its "
                                   "own variable");
        const std::string& x_name = state_name(c, ode);
        auto x = kir::Expr::ref(K::State, ode.state);
        int a = emit_local(c, out, parts->offset ? c.lower(*parts->offset, {}) : cnst(0),
                           x_name + "' = a + b·" + x_name + ": a");
        if (!parts->slope) { // b = 0 whatever the state: x moves linearly over the step
            next.push_back(
                emit_local(c, out, add(x, mul(cnst(c.dt), loc(a))),
                           x_name + "(t + dt), exponential Euler (no " + x_name + " term)"));
            continue;
        }
        int b = emit_local(c, out, c.lower(*parts->slope, {}), "b = -1/time constant");
        int z = emit_local(c, out, mul(loc(b), cnst(c.dt)));
        // φ(z) by its Taylor series near 0, where e^z - 1 would cancel (truncation error
        // below z^5/720, 2e-18 at |z| = 1e-3).
        auto series =
            add(cnst(1),
                mul(loc(z), add(cnst(1.0 / 2),
                                mul(loc(z), add(cnst(1.0 / 6),
                                                mul(loc(z), add(cnst(1.0 / 24),
                                                                mul(loc(z), cnst(1.0 / 120)))))))));
        auto closed = make(K::Div, {make(K::Sub, {call("exp", {loc(z)}), cnst(1)}), loc(z)});
        int phi = emit_local(
            c, out,
            make(K::Select, {make(K::Lt, {call("fabs", {loc(z)}), cnst(1e-3)}), series, closed}),
            "(exp(z) - 1) / z");
        auto slope = add(loc(a), mul(loc(b), x));
        next.push_back(emit_local(c, out, add(x, mul(mul(cnst(c.dt), slope), loc(phi))),
                                  x_name + "(t + dt), exponential Euler"));
    }
    return next;
}

std::vector<int> rk4_step(const OdeStepContext& c, std::vector<Stmt>& out) {
    const auto& odes = c.model.odes;
    auto start = [&](size_t i) { return kir::Expr::ref(K::State, odes[i].state); };
    std::vector<std::vector<kir::ExprPtr>> k(odes.size());
    StateLocals at;
    const double h[3] = {c.dt / 2, c.dt / 2, c.dt};
    for (int stage = 0; stage < 4; ++stage) {
        for (size_t i = 0; i < odes.size(); ++i)
            k[i].push_back(loc(emit_local(c, out, c.derivative(odes[i], at),
                                          "RK4 stage " + std::to_string(stage + 1) + " of " +
                                              state_name(c, odes[i]) + "'")));
        if (stage == 3) break;
        std::vector<int> next;
        for (size_t i = 0; i < odes.size(); ++i)
            next.push_back(emit_local(c, out, add(start(i), mul(cnst(h[stage]), k[i].back()))));
        at = reading(c, next);
    }
    std::vector<int> result;
    for (size_t i = 0; i < odes.size(); ++i)
        result.push_back(emit_local(c, out,
                                    combination(start(i), cnst(c.dt / 6), {1, 2, 2, 1}, k[i]),
                                    state_name(c, odes[i]) + "(t + dt), RK4"));
    return result;
}

namespace {

// Fehlberg's 4(5) pair (the coefficients GSL's rkf45 uses). The fifth-order solution is
// propagated; the difference of the two orders estimates the local error.
constexpr std::array<std::array<double, 5>, 6> kA = {{
    {},
    {1.0 / 4},
    {3.0 / 32, 9.0 / 32},
    {1932.0 / 2197, -7200.0 / 2197, 7296.0 / 2197},
    {439.0 / 216, -8.0, 3680.0 / 513, -845.0 / 4104},
    {-8.0 / 27, 2.0, -3544.0 / 2565, 1859.0 / 4104, -11.0 / 40},
}};
const std::vector<double> kB5 = {16.0 / 135,      0.0,         6656.0 / 12825,
                                 28561.0 / 56430, -9.0 / 50.0, 2.0 / 55};
const std::vector<double> kB4 = {25.0 / 216, 0.0, 1408.0 / 2565, 2197.0 / 4104, -1.0 / 5, 0.0};

// An error ratio this large stands for "not finite": NaN and infinity compare false with
// everything, so they are mapped here before any max or comparison.
constexpr double kHugeError = 1e300;

} // namespace

std::vector<int> rkf45_step(const OdeStepContext& c, std::vector<Stmt>& out) {
    const auto& odes = c.model.odes;
    const double dt = c.dt;
    const double h_min = dt * rkf45_min_step;
    const double atol = c.model.tolerance.atol, rtol = c.model.tolerance.rtol;
    if (c.step_size_state < 0) throw std::logic_error("RKF45 without a step-size state");
    auto h_state = kir::Expr::ref(K::State, c.step_size_state);

    int t = emit_local(c, out, cnst(0), "RKF45: time covered so far in this step");
    int h = emit_local(c, out,
                       make(K::Select, {make(K::Gt, {h_state, cnst(0)}),
                                        call("fmin", {h_state, cnst(dt)}), cnst(dt)}),
                       "step to try: the last one proposed, at most dt (dt at the start)");
    int tries = emit_local(c, out, cnst(0));
    int stuck = emit_local(c, out, cnst(0));
    std::vector<int> y;
    for (const auto& ode : odes)
        y.push_back(emit_local(c, out, kir::Expr::ref(K::State, ode.state)));
    const StateLocals at_y = reading(c, y);

    auto going = make(K::And, {make(K::And, {make(K::Lt, {loc(t), cnst(dt)}),
                                             make(K::Lt, {loc(tries), cnst(rkf45_max_substeps)})}),
                               make(K::Not, {loc(stuck)})});
    if (c.stop) going = make(K::And, {going, make(K::Not, {c.stop(at_y)})});
    Stmt loop{Stmt::Kind::While, -1, going, {}, "RKF45 sub-steps until dt is covered"};
    auto& body = loop.body;

    body.push_back(set_local(tries, add(loc(tries), cnst(1))));
    int remaining = emit_local(c, body, make(K::Sub, {cnst(dt), loc(t)}));
    // The last sub-step ends exactly at dt; a remainder under h_min is taken with it.
    int last = emit_local(c, body, make(K::Ge, {add(loc(h), cnst(h_min)), loc(remaining)}));
    int hh =
        emit_local(c, body, make(K::Select, {loc(last), loc(remaining), loc(h)}), "this sub-step");

    std::vector<std::vector<kir::ExprPtr>> k(odes.size());
    for (size_t stage = 0; stage < 6; ++stage) {
        StateLocals at = at_y;
        if (stage > 0) {
            std::vector<double> w(kA[stage].begin(), kA[stage].begin() + long(stage));
            std::vector<int> z;
            for (size_t i = 0; i < odes.size(); ++i)
                z.push_back(emit_local(c, body, combination(loc(y[i]), loc(hh), w, k[i])));
            at = reading(c, z);
        }
        for (size_t i = 0; i < odes.size(); ++i)
            k[i].push_back(loc(emit_local(c, body, c.derivative(odes[i], at),
                                          "stage " + std::to_string(stage + 1) + " of " +
                                              state_name(c, odes[i]) + "'")));
    }

    std::vector<double> e(6);
    for (size_t j = 0; j < 6; ++j)
        e[j] = kB5[j] - kB4[j];
    std::vector<int> y5;
    kir::ExprPtr worst;
    for (size_t i = 0; i < odes.size(); ++i) {
        y5.push_back(emit_local(c, body, combination(loc(y[i]), loc(hh), kB5, k[i]),
                                state_name(c, odes[i]) + " after the sub-step, 5th order"));
        int err = emit_local(c, body, combination(nullptr, loc(hh), e, k[i]), "its error estimate");
        auto scale =
            add(cnst(atol), mul(cnst(rtol), call("fmax", {call("fabs", {loc(y[i])}),
                                                          call("fabs", {loc(y5.back())})})));
        int ratio = emit_local(c, body, make(K::Div, {call("fabs", {loc(err)}), scale}));
        auto finite = make(
            K::Select, {make(K::Lt, {loc(ratio), cnst(kHugeError)}), loc(ratio), cnst(kHugeError)});
        worst = worst ? call("fmax", {worst, finite}) : finite;
    }
    int r = emit_local(c, body, worst, "error relative to the tolerance (> 1: reject)");
    auto at_min = make(K::Le, {loc(hh), cnst(h_min)});
    auto finite_estimate = make(K::Lt, {loc(r), cnst(kHugeError)});
    int accept = emit_local(
        c, body,
        make(K::Or, {make(K::Le, {loc(r), cnst(1)}), make(K::And, {at_min, finite_estimate})}),
        "accept; at the smallest step, any finite result");
    body.push_back(set_local(stuck, make(K::And, {at_min, make(K::Not, {finite_estimate})})));
    Stmt take{Stmt::Kind::If, -1, loc(accept), {}, {}};
    take.body.push_back(set_local(t, make(K::Select, {loc(last), cnst(dt), add(loc(t), loc(hh))})));
    for (size_t i = 0; i < odes.size(); ++i)
        take.body.push_back(set_local(y[i], loc(y5[i])));
    body.push_back(std::move(take));
    // The usual controller: h·0.9·r^(-1/5), changed by a factor between 0.2 and 5.
    auto factor = call(
        "fmin",
        {cnst(5), call("fmax", {cnst(0.2), mul(cnst(0.9), call("pow", {loc(r), cnst(-0.2)}))})});
    int proposed = emit_local(
        c, body, call("fmin", {cnst(dt), call("fmax", {cnst(h_min), mul(loc(hh), factor)})}),
        "next step");
    // A last sub-step shortened to end at dt says little about the step size: keep the
    // larger of it and the step tried before.
    body.push_back(
        set_local(h, make(K::Select, {make(K::And, {loc(accept), loc(last)}),
                                      call("fmax", {loc(h), loc(proposed)}), loc(proposed)})));
    out.push_back(std::move(loop));

    out.push_back(Stmt{Stmt::Kind::SetState,
                       c.step_size_state,
                       loc(h),
                       {},
                       "the step size carries over to the next dt"});
    auto unfinished = make(K::Lt, {loc(t), cnst(dt)});
    if (c.stop) unfinished = make(K::And, {unfinished, make(K::Not, {c.stop(at_y)})});
    Stmt fail{Stmt::Kind::If, -1, unfinished, {}, "RKF45 could not cover dt: make it visible"};
    fail.body.push_back(set_local(y.front(), cnst(std::numeric_limits<double>::quiet_NaN())));
    out.push_back(std::move(fail));
    return y;
}

} // namespace nnc::passes
