#include "passes/kernel_lowering.h"

#include "ir/evaluate.h"
#include "ir/linearity.h"
#include "passes/expr_lowering.h"
#include "passes/kernel_builder.h"
#include "passes/ode_step_lowering.h"
#include "passes/propagator.h"

#include <cctype>
#include <cmath>
#include <stdexcept>

namespace nnc::passes {

namespace {

using namespace kernel_builder;

std::string c_identifier(const std::string& s) {
    std::string out;
    for (char c : s)
        out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
}

/// Builds one population's kernel.
class Lowering {
public:
    Lowering(const ir::NeuronModel& model, const ir::Population& pop, double dt)
        : model_(model), params_(pop.parameters), dt_(dt) {}

    kir::PopulationKernel run(size_t population_index, const std::string& population_name) {
        kernel_.name =
            "nnc_update_" + c_identifier(population_name) + "_" + std::to_string(population_index);
        kernel_.state_names = model_.state_names();
        kernel_.input_names = model_.input_names();
        for (const auto& r : model_.receptors)
            kernel_.receptor_names.push_back(r.name);
        kernel_.parameter_names = model_.parameter_names();
        kernel_.parameter_values = params_;

        clamped_.assign(model_.states.size(), false);
        const auto& th = model_.threshold;
        if (th && th->refractory_period) {
            counter_ = int(kernel_.state_names.size());
            kernel_.state_names.push_back(refractory_counter_name);
            counter_local_ = new_local();
            emit(set_local(counter_local_, kir::Expr::ref(K::State, counter_),
                           "steps of refractoriness left at the start of this step"));
            for (int s : th->clamped)
                clamped_[size_t(s)] = true;
        }
        if (model_.solver == ir::SolverKind::RungeKuttaFehlberg45 && !model_.odes.empty()) {
            step_size_ = int(kernel_.state_names.size());
            kernel_.state_names.push_back(rkf45_step_size_name);
        }
        find_threshold_bounds();

        propagate();
        if (counter_ >= 0) {
            auto left = kir::Expr::ref(K::Local, counter_local_);
            emit(set_state(counter_,
                           make(K::Select, {refractory(), make(K::Sub, {left, cnst(1)}), left}),
                           "count the refractory period down"));
        }
        receive_spikes();
        threshold();
        return std::move(kernel_);
    }

private:
    int new_local() { return kernel_.local_count++; }
    void emit(Stmt s) { kernel_.body.push_back(std::move(s)); }

    /// True (1.0) while the neuron is refractory in this step.
    kir::ExprPtr refractory() const {
        return make(K::Gt, {kir::Expr::ref(K::Local, counter_local_), cnst(0)});
    }
    bool is_clamped(int state) const { return counter_ >= 0 && clamped_[size_t(state)]; }

    /// `value` for state j, or its current value while clamped.
    kir::ExprPtr held_if_clamped(int state, kir::ExprPtr value) const {
        if (!is_clamped(state)) return value;
        return make(K::Select, {refractory(), kir::Expr::ref(K::State, state), std::move(value)});
    }

    /// ir -> kir; `state_locals[j] >= 0` reads state j from that local instead, and with
    /// `bounded`, a state with a threshold bound reads as fmin(state, bound).
    kir::ExprPtr lower(const ir::Expr& e, const std::vector<int>& state_locals = {},
                       int receptor = -1, bool bounded = false) const {
        switch (e.op) {
        case ir::Op::Const:
            return cnst(e.value);
        case ir::Op::Param: // the specialise pass makes it a number
            return kir::Expr::ref(K::Param, e.index);
        case ir::Op::State: {
            kir::ExprPtr x = kir::Expr::ref(K::State, e.index);
            if (size_t(e.index) < state_locals.size() && state_locals[size_t(e.index)] >= 0)
                x = kir::Expr::ref(K::Local, state_locals[size_t(e.index)]);
            if (bounded && bounds_[size_t(e.index)])
                return kir::Expr::call("fmin", {x, bounds_[size_t(e.index)]});
            return x;
        }
        case ir::Op::Input:
            return kir::Expr::ref(K::Input, e.index);
        case ir::Op::Weight:
            if (receptor < 0) throw std::logic_error("spike weight outside a receptor handler");
            return kir::Expr::ref(K::Receptor, receptor);
        default:
            break;
        }
        std::vector<kir::ExprPtr> args;
        for (const auto& a : e.args)
            args.push_back(lower(*a, state_locals, receptor, bounded));
        return lower_operation(e, std::move(args));
    }

    void propagate() {
        if (model_.odes.empty()) return;
        if (model_.solver == ir::SolverKind::ExactLinear) {
            propagate_exactly();
            return;
        }
        OdeStepContext c{
            model_,
            dt_,
            [this] { return new_local(); },
            [this](const ir::Ode& ode, const StateLocals& at) { return derivative(ode, at); },
            [this](const ir::Expr& e, const StateLocals& at) { return lower(e, at, -1, true); },
            {},
            step_size_};
        if (resets_what_it_tests())
            c.stop = [this](const StateLocals& at) { return threshold_reached(at); };
        std::vector<int> next;
        switch (model_.solver) {
        case ir::SolverKind::ForwardEuler:
            next = forward_euler_step(c, kernel_.body);
            break;
        case ir::SolverKind::ExponentialEuler:
            next = exponential_euler_step(c, kernel_.body);
            break;
        case ir::SolverKind::RungeKutta4:
            next = rk4_step(c, kernel_.body);
            break;
        case ir::SolverKind::RungeKuttaFehlberg45:
            next = rkf45_step(c, kernel_.body);
            break;
        default:
            throw std::logic_error("no solver chosen for model '" + model_.name + "'");
        }
        for (size_t i = 0; i < model_.odes.size(); ++i) {
            int state = model_.odes[i].state;
            emit(set_state(state, held_if_clamped(state, kir::Expr::ref(K::Local, next[i]))));
        }
    }

    /// The right side of `ode` at `at`; zero for a clamped variable while refractory, so
    /// that every stage of a solver sees it held.
    kir::ExprPtr derivative(const ir::Ode& ode, const StateLocals& at) const {
        auto f = lower(*ode.rhs, at, -1, true);
        if (!is_clamped(ode.state)) return f;
        return make(K::Select, {refractory(), cnst(0), f});
    }

    // A threshold `x >= b` (or `x > b`, or such comparisons joined by `or`) whose handler
    // resets x: above b the neuron is reset at the end of the step anyway, so the right
    // sides read x as min(x, b), as NEST's aeif models do. An exponential or quadratic
    // term then cannot overflow between the crossing and the reset.
    void find_threshold_bounds() {
        bounds_.assign(model_.states.size(), nullptr);
        const auto& th = model_.threshold;
        if (!th || !th->condition) return;
        std::vector<bool> reset(model_.states.size(), false);
        for (const auto& a : th->reset)
            reset[size_t(a.state)] = true;
        auto visit = [&](auto&& self, const ir::Expr& e) -> void {
            if (e.op == ir::Op::Or) {
                for (const auto& a : e.args)
                    self(self, *a);
                return;
            }
            int side = -1; // the argument that is the state
            if (e.op == ir::Op::Ge || e.op == ir::Op::Gt) side = 0;
            if (e.op == ir::Op::Le || e.op == ir::Op::Lt) side = 1;
            if (side < 0) return;
            const ir::Expr& x = *e.args[size_t(side)];
            const ir::Expr& b = *e.args[size_t(1 - side)];
            if (x.op != ir::Op::State || !reset[size_t(x.index)] || !ir::is_constant_in_time(b))
                return;
            // Under `or`, the condition holds from the smallest of the bounds on.
            auto bound = lower(b);
            auto& slot = bounds_[size_t(x.index)];
            slot = slot ? kir::Expr::call("fmin", {slot, bound}) : bound;
        };
        visit(visit, *th->condition);
    }

    /// Whether the threshold handler assigns a variable its condition reads: then the
    /// adaptive solver stops at the crossing (what follows is replaced by the reset).
    bool resets_what_it_tests() const {
        const auto& th = model_.threshold;
        if (!th || !th->condition) return false;
        for (const auto& a : th->reset)
            if (!ir::is_free_of_state(*th->condition, a.state)) return true;
        return false;
    }

    /// 1.0 when the threshold handler will fire at the end of this step for the state `at`.
    kir::ExprPtr threshold_reached(const StateLocals& at) const {
        auto cond = lower(*model_.threshold->condition, at);
        if (counter_ >= 0) cond = make(K::And, {make(K::Not, {refractory()}), cond});
        return cond;
    }

    void propagate_exactly() {
        const auto prop = compute_propagator(model_, params_, dt_);
        const size_t ns = model_.states.size();
        std::vector<std::pair<int, int>> updated; // (state, local)
        for (const auto& ode : model_.odes) {
            const auto& row = prop.rows[size_t(ode.state)];
            kir::ExprPtr sum;
            auto add = [&](kir::ExprPtr term) {
                sum = sum ? make(K::Add, {sum, std::move(term)}) : std::move(term);
            };
            for (size_t l = 0; l < row.coef.size(); ++l) {
                if (row.coef[l] == 0.0) continue;
                auto var = l < ns ? kir::Expr::ref(K::State, int(l))
                                  : kir::Expr::ref(K::Input, int(l - ns));
                add(make(K::Mul, {cnst(row.coef[l]), var}));
            }
            if (row.constant != 0.0 || !sum) add(cnst(row.constant));
            int local = new_local();
            emit(set_local(local, sum,
                           model_.states[size_t(ode.state)].name + "(t + dt), exact propagator"));
            updated.emplace_back(ode.state, local);
        }
        for (auto [state, local] : updated)
            emit(set_state(state, held_if_clamped(state, kir::Expr::ref(K::Local, local))));
    }

    void receive_spikes() {
        for (size_t r = 0; r < model_.receptors.size(); ++r) {
            const auto& receptor = model_.receptors[r];
            for (const auto& action : receptor.actions) {
                auto value = lower(*action.value, {}, int(r));
                emit(set_state(action.state, held_if_clamped(action.state, value),
                               "on spike " + receptor.name));
            }
        }
    }

    void threshold() {
        const auto& th = model_.threshold;
        if (!th) return;
        auto cond = lower(*th->condition);
        if (counter_ >= 0) cond = make(K::And, {make(K::Not, {refractory()}), cond});
        Stmt fire{Stmt::Kind::If, -1, cond, {}, "threshold"};
        if (th->emits_spike) fire.body.push_back(Stmt{Stmt::Kind::EmitSpike, -1, nullptr, {}, {}});
        for (const auto& a : th->reset)
            fire.body.push_back(set_state(a.state, lower(*a.value)));
        if (counter_ >= 0) {
            auto period = ir::evaluate(*th->refractory_period, ir::Bindings{params_, {}, {}, {}});
            if (!period) throw std::logic_error("refractory period is not a constant");
            fire.body.push_back(set_state(counter_, cnst(double(refractory_steps(*period, dt_))),
                                          "refractory period in steps"));
        }
        emit(std::move(fire));
    }

    const ir::NeuronModel& model_;
    const std::vector<double>& params_;
    double dt_;
    kir::PopulationKernel kernel_;
    std::vector<bool> clamped_;
    std::vector<kir::ExprPtr> bounds_; // per state: what its reads in right sides are capped at
    int step_size_ = -1;               // state index of RKF45's step size
    int counter_ = -1;                 // state index of the refractory counter
    int counter_local_ = -1;           // its value at the start of the step
};

} // namespace

long refractory_steps(double period_ms, double dt_ms) {
    return std::lround(period_ms / dt_ms);
}

kir::PopulationKernel lower_population(const ir::Program& program, size_t population_index,
                                       double dt_ms) {
    const auto& pop = program.network.value().populations.at(population_index);
    const auto& model = program.models.at(size_t(pop.model));
    return Lowering(model, pop, dt_ms).run(population_index, pop.name);
}

} // namespace nnc::passes
