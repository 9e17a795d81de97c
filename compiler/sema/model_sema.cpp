#include "sema/model_sema.h"

#include "ir/linearity.h"
#include "sema/expr_builder.h"
#include "sema/names.h"
#include "sema/solver_sema.h"
#include "sema/units.h"

#include <fmt/format.h>

#include <climits>
#include <functional>
#include <map>
#include <set>

namespace nnc::sema {

namespace {

enum class SymbolKind { Parameter, State, Input };

const char* kind_name(SymbolKind k) {
    switch (k) {
    case SymbolKind::Parameter:
        return "parameter";
    case SymbolKind::State:
        return "state variable";
    case SymbolKind::Input:
        return "input";
    }
    return "";
}

struct Symbol {
    SymbolKind kind;
    int index; ///< into the IR vector of its kind
    SourceRange range;
};

/// What an expression may refer to where it is written.
struct Visibility {
    int params = INT_MAX; ///< parameters with a smaller index
    bool states = false;
    bool inputs = false;
    const ast::Receptor* receptor = nullptr; ///< its weight is visible
    Dimension weight_dim;
    std::string context; ///< "the default of parameter 'x'", for messages
};

/// How a spike weight enters an expression.
enum class Linearity { Free, Linear, Nonlinear };

Linearity linearity(const ir::Expr& e) {
    using ir::Op;
    switch (e.op) {
    case Op::Weight:
        return Linearity::Linear;
    case Op::Const:
    case Op::Param:
    case Op::State:
    case Op::Input:
        return Linearity::Free;
    default:
        break;
    }
    std::vector<Linearity> a;
    for (const auto& arg : e.args)
        a.push_back(linearity(*arg));
    auto all_free = [&] {
        for (auto l : a)
            if (l != Linearity::Free) return false;
        return true;
    };
    switch (e.op) {
    case Op::Neg:
        return a[0];
    case Op::Add:
    case Op::Sub:
        if (a[0] == a[1]) return a[0];
        return Linearity::Nonlinear; // a term without the weight, or a nonlinear one
    case Op::Mul:
        if (a[0] == Linearity::Free) return a[1];
        if (a[1] == Linearity::Free) return a[0];
        return Linearity::Nonlinear;
    case Op::Div:
        if (a[1] == Linearity::Free) return a[0];
        return Linearity::Nonlinear;
    default:
        return all_free() ? Linearity::Free : Linearity::Nonlinear;
    }
}

void names_in(const ast::Expr& e, std::vector<std::string>& out) {
    if (e.kind == ast::ExprKind::Name) out.push_back(e.name);
    for (const auto& a : e.args)
        names_in(*a, out);
}

constexpr Dimension charge = dims::current * dims::time;

// Dimensions a parameter written without a unit most likely lacks, most common first.
const Dimension unit_candidates[] = {
    dims::time,
    dims::voltage,
    dims::current,
    dims::capacitance,
    dims::conductance,
    dims::voltage / dims::current,
    dims::rate,
    dims::voltage / dims::time,
    dims::current / dims::time,
    charge,
    dims::conductance / dims::time,
    dims::length,
    Dimension::none() / dims::voltage,
};

class Analyser;

/// The parts of a neuron or a synapse declaration that are analysed alike.
struct ModelDecl {
    const char* kind; ///< "neuron", "synapse"
    const std::string& name;
    SourceRange range;
    const std::vector<ast::Binding>& parameters;
    const std::vector<ast::Binding>& state;
    const std::vector<ast::Ode>& equations;
};

class ModelScope final : public NameScope {
public:
    ModelScope(const Analyser& a, const Visibility& vis, int override_param = -1,
               Dimension override_dim = {})
        : a_(a), vis_(vis), override_param_(override_param), override_dim_(override_dim) {}
    Resolution resolve(const std::string& name) const override;
    std::vector<std::string> visible_names() const override;

private:
    const Analyser& a_;
    const Visibility& vis_;
    int override_param_;
    Dimension override_dim_;
};

class Analyser {
public:
    Analyser(const ast::Neuron& n, const SourceManager& sources, DiagnosticEngine& diags,
             const char* kind = "neuron")
        : Analyser(ModelDecl{kind, n.name, n.range, n.parameters, n.state, n.equations}, sources,
                   diags) {
        neuron_ = &n;
        for (const auto& in : n.inputs)
            declared_.try_emplace(in.name, SymbolKind::Input);
    }

    Analyser(const ast::Synapse& s, const SourceManager& sources, DiagnosticEngine& diags)
        : Analyser(ModelDecl{"synapse", s.name, s.range, s.parameters, s.state, s.equations},
                   sources, diags) {
        synapse_ = &s;
    }

    ModelResult run() {
        unsigned errors = diags_.error_count();
        parameters();
        states();
        inputs();
        equations();
        receptors();
        threshold();
        analyse_solver(*neuron_, m_, diags_);
        return ModelResult{std::move(m_), diags_.error_count() == errors};
    }

    SynapseResult run_synapse() {
        unsigned errors = diags_.error_count();
        parameters();
        states();
        equations();
        synapse_equations_solvable();
        ir::SynapseModel out;
        synapse_handlers(out);
        out.name = m_.name;
        out.range = m_.range;
        out.parameters = std::move(m_.parameters);
        out.states = std::move(m_.states);
        out.odes = std::move(m_.odes);
        return SynapseResult{std::move(out), diags_.error_count() == errors};
    }

private:
    friend class ModelScope;

    Analyser(const ModelDecl& decl, const SourceManager& sources, DiagnosticEngine& diags)
        : decl_(decl), sources_(sources), diags_(diags) {
        m_.name = decl.name;
        m_.range = decl.range;
        for (const auto& b : decl.parameters)
            declared_.try_emplace(b.name, SymbolKind::Parameter);
        for (const auto& b : decl.state)
            declared_.try_emplace(b.name, SymbolKind::State);
    }

    using Check = std::function<std::optional<Problem>(const ir::Expr&)>;

    // Registers a name; reports a duplicate (with a note at the first) and returns false.
    bool declare(const std::string& name, SourceRange range, SymbolKind kind, int index) {
        auto [it, inserted] = symbols_.try_emplace(name, Symbol{kind, index, range});
        if (inserted) return true;
        diags_.error(
            range, fmt::format("duplicate name '{}' in {} '{}'", name, decl_.kind, decl_.name),
            fmt::format("'{}' is already declared as a {}", name, kind_name(it->second.kind)));
        diags_.note(it->second.range, fmt::format("'{}' is first declared here", name));
        return false;
    }

    const Symbol* symbol(const std::string& name) const {
        auto it = symbols_.find(name);
        return it == symbols_.end() ? nullptr : &it->second;
    }

    void report(const Problem& p) { diags_.error(p.at, p.message, p.hint); }

    // Builds `e`, runs the statement's own check on the result, and reports every problem;
    // a dimension problem that a parameter declared without a unit may explain gets a hint
    // naming that parameter (and, where one unit would fix everything, that unit).
    ir::ExprPtr build(const ast::Expr& e, const Visibility& vis, const Check& check = {}) {
        std::vector<Problem> problems;
        ModelScope scope(*this, vis);
        ExprBuilder builder(scope, problems);
        auto result = builder.build(e);
        if (result && check)
            if (auto p = check(*result)) problems.push_back(std::move(*p));
        if (problems.empty()) return result;
        bool needs_hint = false;
        for (const auto& p : problems)
            needs_hint = needs_hint || (p.dimension && p.hint.empty());
        std::string hint = needs_hint ? missing_unit_hint(e, vis, check) : std::string{};
        for (auto& p : problems) {
            if (p.dimension && p.hint.empty()) p.hint = hint;
            report(p);
        }
        return nullptr;
    }

    std::string missing_unit_hint(const ast::Expr& e, const Visibility& vis, const Check& check) {
        std::vector<std::string> names;
        names_in(e, names);
        std::set<std::string> seen;
        const Symbol* first_bare = nullptr;
        for (const auto& name : names) {
            if (!seen.insert(name).second) continue;
            const Symbol* s = symbol(name);
            if (!s || s->kind != SymbolKind::Parameter || s->index >= vis.params) continue;
            const auto& info = param_info_[size_t(s->index)];
            if (info.poisoned) continue;
            // `tau = 10 mS` where `10 ms` was meant: a unit in the wrong case.
            for (const auto& meant : info.other_case_units) {
                std::vector<Problem> problems;
                ModelScope scope(*this, vis, s->index, lookup_unit(meant)->dim);
                auto r = ExprBuilder(scope, problems).build(e);
                if (!r || !problems.empty() || (check && check(*r))) continue;
                const auto written = lookup_unit(info.unit);
                return fmt::format("parameter '{}' is in `{}`, a unit of {} (declared at {}); "
                                   "did you mean `{}`?",
                                   name, info.unit, written->dim.describe(),
                                   location_text(sources_, s->range.begin), meant);
            }
            if (!info.bare) continue;
            if (!first_bare) first_bare = s;
            for (const auto& candidate : unit_candidates) {
                std::vector<Problem> problems;
                ModelScope scope(*this, vis, s->index, candidate);
                auto r = ExprBuilder(scope, problems).build(e);
                if (!r || !problems.empty() || (check && check(*r))) continue;
                return fmt::format("parameter '{}' has no unit (declared at {}); did you mean "
                                   "`{}`?",
                                   name, location_text(sources_, s->range.begin),
                                   quantity_text(*info.bare, candidate));
            }
        }
        if (!first_bare) return {};
        const auto& p = m_.parameters[size_t(first_bare->index)];
        return fmt::format("parameter '{}' has no unit (declared at {}), so it is "
                           "dimensionless; write its unit after the number",
                           p.name, location_text(sources_, first_bare->range.begin));
    }

    void parameters() {
        for (const auto& b : decl_.parameters) {
            int index = int(m_.parameters.size());
            if (!declare(b.name, b.name_range, SymbolKind::Parameter, index)) continue;
            Visibility vis;
            vis.params = index;
            vis.context = fmt::format("the default of parameter '{}'", b.name);
            ParamInfo info;
            auto value = build(*b.value, vis);
            ir::Parameter p{b.name, {}, value, b.range};
            if (value) {
                p.dim = value->dim;
                if (p.dim.dimensionless()) info.bare = bare_literal(*b.value);
                const ast::Expr* literal = b.value.get();
                while (literal->kind == ast::ExprKind::Unary && literal->args.size() == 1)
                    literal = literal->args[0].get();
                if (literal->kind == ast::ExprKind::Number && !literal->unit.empty()) {
                    info.unit = literal->unit;
                    info.other_case_units = units_in_other_case(literal->unit);
                }
            } else {
                info.poisoned = true;
            }
            m_.parameters.push_back(std::move(p));
            param_info_.push_back(info);
        }
    }

    void states() {
        for (const auto& b : decl_.state) {
            int index = int(m_.states.size());
            if (!declare(b.name, b.name_range, SymbolKind::State, index)) continue;
            Visibility vis;
            vis.context = fmt::format("the initial value of '{}'", b.name);
            auto value = build(*b.value, vis);
            ir::StateVar s{b.name, {}, value, b.range};
            if (value) s.dim = value->dim;
            state_poisoned_.push_back(!value);
            m_.states.push_back(std::move(s));
        }
    }

    void inputs() {
        for (const auto& in : neuron_->inputs) {
            int index = int(m_.inputs.size());
            if (!declare(in.name, in.name_range, SymbolKind::Input, index)) continue;
            auto dim = unit_dimension(*in.unit, diags_);
            input_poisoned_.push_back(!dim);
            m_.inputs.push_back(ir::InputVar{in.name, dim.value_or(Dimension{}), in.range});
        }
    }

    std::string not_a_state_hint(const std::string& name) const {
        const Symbol* s = symbol(name);
        if (s && s->kind == SymbolKind::Parameter)
            return fmt::format("'{}' is a parameter, which is constant; declare it in "
                               "`state {{ ... }}` instead if it should change",
                               name);
        if (s && s->kind == SymbolKind::Input)
            return fmt::format("'{}' is an input: its value comes from current sources", name);
        std::string hint = did_you_mean(name, m_.state_names());
        if (!hint.empty()) return hint;
        return fmt::format("declare it with its initial value in the {}'s state block, "
                           "e.g. `state {{ {} = 0 mV }}`",
                           decl_.kind, name);
    }

    void equations() {
        std::map<int, SourceRange> seen;
        for (const auto& ode : decl_.equations) {
            const Symbol* s = symbol(ode.var);
            if (!s || s->kind != SymbolKind::State) {
                diags_.error(ode.var_range, fmt::format("'{}' is not a state variable", ode.var),
                             not_a_state_hint(ode.var));
                continue;
            }
            if (auto [it, inserted] = seen.try_emplace(s->index, ode.range); !inserted) {
                diags_.error(ode.var_range,
                             fmt::format("'{}' has more than one equation", ode.var));
                diags_.note(it->second, "the first equation is here");
                continue;
            }
            if (state_poisoned_[size_t(s->index)]) continue;
            const auto& state = m_.states[size_t(s->index)];
            Dimension want = state.dim / dims::time;
            Visibility vis;
            vis.params = INT_MAX;
            vis.states = vis.inputs = true;
            auto check = [&](const ir::Expr& rhs) -> std::optional<Problem> {
                if (rhs.dim == want) return std::nullopt;
                return Problem{ode.rhs->range,
                               fmt::format("dimension mismatch in the equation of {}: the left "
                                           "side {}' is {}, the right side is {}",
                                           ode.var, ode.var, dimension_text(want),
                                           dimension_text(rhs.dim)),
                               literal_hint(*ode.rhs, want), true};
            };
            auto rhs = build(*ode.rhs, vis, check);
            if (rhs) m_.odes.push_back(ir::Ode{s->index, rhs, ode.range});
        }
    }

    // `x = e`, `x += e`, `x -= e`, `x *= e` as x = (x op e); nullopt after reporting.
    std::optional<ir::Assignment> assignment(const ast::Statement& st, const Visibility& vis) {
        const Symbol* s = symbol(st.target);
        if (!s || s->kind != SymbolKind::State) {
            diags_.error(
                st.target_range,
                fmt::format("cannot assign to '{}': it is not a state variable", st.target),
                not_a_state_hint(st.target));
            return std::nullopt;
        }
        if (state_poisoned_[size_t(s->index)]) return std::nullopt;
        const auto& state = m_.states[size_t(s->index)];
        bool scale = st.kind == ast::Statement::Kind::Multiply;
        Dimension want = scale ? Dimension::none() : state.dim;
        auto check = [&](const ir::Expr& v) -> std::optional<Problem> {
            if (v.dim == want) return std::nullopt;
            std::string message =
                scale ? fmt::format("`*=` needs a dimensionless factor, but the right side is {}",
                                    dimension_text(v.dim))
                      : fmt::format("dimension mismatch in the assignment to {}: {} is {}, the "
                                    "right side is {}",
                                    st.target, st.target, dimension_text(state.dim),
                                    dimension_text(v.dim));
            return Problem{st.value->range, message, literal_hint(*st.value, want), true};
        };
        auto value = build(*st.value, vis, check);
        if (!value) return std::nullopt;
        auto x = ir::Expr::ref(ir::Op::State, s->index, state.dim);
        auto make = [&](ir::Op op) {
            auto e = std::make_shared<ir::Expr>();
            e->op = op;
            e->args = {x, value};
            e->dim = state.dim;
            e->range = st.range;
            return ir::ExprPtr(e);
        };
        switch (st.kind) {
        case ast::Statement::Kind::Add:
            value = make(ir::Op::Add);
            break;
        case ast::Statement::Kind::Subtract:
            value = make(ir::Op::Sub);
            break;
        case ast::Statement::Kind::Multiply:
            value = make(ir::Op::Mul);
            break;
        default:
            break;
        }
        return ir::Assignment{s->index, value, st.range};
    }

    // The increment e of x = x + e / x = e + x / x = x - e; null if it is not of that form.
    static const ir::Expr* increment(const ir::Expr& v, int state) {
        auto is_x = [&](const ir::ExprPtr& e) {
            return e->op == ir::Op::State && e->index == state;
        };
        if (v.op == ir::Op::Add && v.args.size() == 2) {
            if (is_x(v.args[0])) return v.args[1].get();
            if (is_x(v.args[1])) return v.args[0].get();
        }
        if (v.op == ir::Op::Sub && v.args.size() == 2 && is_x(v.args[0])) return v.args[1].get();
        return nullptr;
    }

    void receptors() {
        std::map<std::string, SourceRange> seen;
        const ast::Neuron& n_ = *neuron_;
        for (const auto& r : n_.receptors) {
            if (auto [it, inserted] = seen.try_emplace(r.name, r.name_range); !inserted) {
                diags_.error(r.name_range, fmt::format("duplicate receptor '{}' in neuron '{}'",
                                                       r.name, n_.name));
                diags_.note(it->second, fmt::format("'{}' is first declared here", r.name));
                continue;
            }
            ir::Receptor out{r.name, {}, {}, r.range};
            bool ok = true;
            if (auto d = r.weight_unit ? unit_dimension(*r.weight_unit, diags_)
                                       : std::optional<Dimension>{}) {
                out.weight_dim = *d;
            } else {
                ok = false;
                if (!r.weight_unit)
                    diags_.error(r.weight_range, "the spike weight needs a unit, e.g. `w: pA`");
            }
            if (const Symbol* s = symbol(r.weight)) {
                // Suggest a name that is free, not the one that clashes.
                std::string free_name = "w";
                for (int n = 2; symbol(free_name); ++n)
                    free_name = "w" + std::to_string(n);
                diags_.error(r.weight_range,
                             fmt::format("the weight '{}' of receptor '{}' has the name of a {}",
                                         r.weight, r.name, kind_name(s->kind)),
                             fmt::format("give the weight another name, e.g. `{}({}: ...)`", r.name,
                                         free_name));
                diags_.note(s->range, fmt::format("'{}' is declared here", r.weight));
                ok = false;
            }
            Visibility vis;
            vis.states = vis.inputs = true;
            vis.receptor = &r;
            vis.weight_dim = out.weight_dim;
            for (const auto& st : r.body) {
                using K = ast::Statement::Kind;
                if (st.kind == K::Emit || st.kind == K::Refractory) {
                    diags_.error(st.range,
                                 fmt::format("`{}` is not allowed in a receptor handler",
                                             st.kind == K::Emit ? "emit" : "refractory"),
                                 "it belongs in the threshold handler, e.g. `on V_m >= V_th { "
                                 "emit spike ... }`");
                    continue;
                }
                if (!ok) continue;
                auto not_linear = [&](const std::string& why) {
                    diags_.error(st.range,
                                 "a receptor handler must add a multiple of the spike weight to "
                                 "a state variable",
                                 fmt::format("{}; write `{} += {}` or `{} += c * {}` (spikes "
                                             "arriving in the same step are summed before the "
                                             "handler runs)",
                                             why, st.target, r.weight, st.target, r.weight));
                };
                if (st.kind == K::Multiply) { // whatever its factor's dimension
                    not_linear("`*=` scales the variable instead");
                    continue;
                }
                auto a = assignment(st, vis);
                if (!a) continue;
                const ir::Expr* inc = increment(*a->value, a->state);
                Linearity lin = inc ? linearity(*inc) : Linearity::Nonlinear;
                if (lin != Linearity::Linear) {
                    not_linear(
                        !inc ? "this assignment does not add to the variable"
                        : lin == Linearity::Free
                            ? fmt::format("the increment does not depend on the weight '{}'",
                                          r.weight)
                            : fmt::format("the increment is not proportional to the weight '{}'",
                                          r.weight));
                    continue;
                }
                out.actions.push_back(std::move(*a));
            }
            m_.receptors.push_back(std::move(out));
        }
    }

    void threshold() {
        const ast::Neuron& n_ = *neuron_;
        if (n_.thresholds.empty()) return;
        for (size_t i = 1; i < n_.thresholds.size(); ++i) {
            diags_.error(n_.thresholds[i].range, "a neuron can have only one threshold handler",
                         "combine the conditions with `or`");
            diags_.note(n_.thresholds[0].range, "the first threshold handler is here");
        }
        const auto& th = n_.thresholds[0];
        ir::Threshold out;
        out.range = th.range;
        Visibility vis;
        vis.states = vis.inputs = true;
        const auto& c = *th.condition;
        bool is_condition = c.kind == ast::ExprKind::Compare || c.kind == ast::ExprKind::Logical ||
                            (c.kind == ast::ExprKind::Unary && c.op == "not");
        if (!is_condition)
            diags_.error(c.range, "the threshold condition must be a comparison",
                         "for example `on V_m >= V_th { ... }`");
        else
            out.condition = build(c, vis);
        const ast::Statement* refractory = nullptr;
        for (const auto& st : th.body) {
            using K = ast::Statement::Kind;
            if (st.kind == K::Emit) {
                out.emits_spike = true;
            } else if (st.kind == K::Refractory) {
                if (refractory) {
                    diags_.error(st.range, "more than one `refractory` in the threshold handler");
                    diags_.note(refractory->range, "the first `refractory` is here");
                    continue;
                }
                refractory = &st;
                refractory_period(st, out);
            } else if (auto a = assignment(st, vis)) {
                out.reset.push_back(std::move(*a));
            }
        }
        m_.threshold = std::move(out);
    }

    void refractory_period(const ast::Statement& st, ir::Threshold& out) {
        Visibility vis;
        vis.context = "a refractory period";
        auto check = [&](const ir::Expr& v) -> std::optional<Problem> {
            if (v.dim == dims::time) return std::nullopt;
            return Problem{
                st.value->range,
                fmt::format("a refractory period is a time, but this is {}", dimension_text(v.dim)),
                literal_hint(*st.value, dims::time), true};
        };
        if (st.value) out.refractory_period = build(*st.value, vis, check);
        for (const auto& b : st.clamped) {
            const Symbol* s = symbol(b.name);
            if (!s || s->kind != SymbolKind::State) {
                diags_.error(b.name_range,
                             fmt::format("cannot clamp '{}': it is not a state variable", b.name),
                             not_a_state_hint(b.name));
                continue;
            }
            bool dup = false;
            for (int c : out.clamped)
                dup = dup || c == s->index;
            if (!dup) out.clamped.push_back(s->index);
        }
    }

    // A synapse's state is advanced only when an event reaches it, over however long it has
    // been since the last one, by the exact solution of x' = a·x + b; so every right side
    // must be affine in its own variable, with coefficients constant in time.
    void synapse_equations_solvable() {
        for (const auto& ode : m_.odes) {
            const auto& x = m_.states[size_t(ode.state)];
            auto form = ir::affine_in_state(ode.rhs, ode.state);
            const ir::Expr* culprit = nullptr;
            if (!form) {
                culprit = ir::nonaffine_term_in_state(*ode.rhs, ode.state);
            } else {
                for (const auto& part : {form->offset, form->slope})
                    if (part && !ir::is_constant_in_time(*part)) culprit = part.get();
            }
            if (!form || culprit) {
                SourceRange at =
                    culprit && culprit->range.begin.line ? culprit->range : ode.rhs->range;
                diags_.error(at,
                             fmt::format("the equation of synapse state '{}' must be linear in "
                                         "'{}' alone, with constant coefficients",
                                         x.name, x.name),
                             fmt::format("a synapse's state is advanced exactly from one spike "
                                         "to the next, which needs {}' = a*{} + b with a and b "
                                         "made of parameters (e.g. `{}' = -{} / tau`)",
                                         x.name, x.name, x.name, x.name));
            }
        }
    }

    void synapse_handlers(ir::SynapseModel& out) {
        const ast::SynapseHandler* seen_pre = nullptr;
        const ast::SynapseHandler* seen_post = nullptr;
        Visibility vis;
        vis.states = true;
        for (const auto& h : synapse_->handlers) {
            const bool pre = h.event == "pre";
            if (!pre && h.event != "post") {
                diags_.error(h.event_range, fmt::format("unknown synapse event '{}'", h.event),
                             "a synapse handles `on pre` (a spike of the source neuron) and "
                             "`on post` (a spike of the target neuron)");
                continue;
            }
            const ast::SynapseHandler*& seen = pre ? seen_pre : seen_post;
            if (seen) {
                diags_.error(
                    h.event_range,
                    fmt::format("synapse '{}' has more than one `on {}`", decl_.name, h.event),
                    "put all the statements into one handler");
                diags_.note(seen->event_range, "the first one is here");
                continue;
            }
            seen = &h;
            ir::SynapseHandler handler;
            handler.range = h.range;
            const ast::Statement* deliver = nullptr;
            for (const auto& st : h.body) {
                using K = ast::Statement::Kind;
                if (st.kind == K::Emit || st.kind == K::Refractory) {
                    diags_.error(st.range,
                                 fmt::format("`{}` is not allowed in a synapse",
                                             st.kind == K::Emit ? "emit" : "refractory"),
                                 "neurons emit spikes and are refractory; a synapse delivers "
                                 "a weight with `deliver`");
                    continue;
                }
                if (st.kind == K::Deliver) {
                    if (!pre) {
                        diags_.error(st.range, "`deliver` is only allowed in `on pre`",
                                     "a synapse transmits when its source neuron fires; `on "
                                     "post` may only change the synapse's state");
                        continue;
                    }
                    if (deliver) {
                        diags_.error(st.range, "more than one `deliver` in `on pre`",
                                     "a spike is delivered once; compute the weight into one "
                                     "expression");
                        diags_.note(deliver->range, "the first `deliver` is here");
                        continue;
                    }
                    deliver = &st;
                    vis.context = "the delivered weight";
                    handler.deliver = build(*st.value, vis);
                    handler.deliver_after = handler.actions.size();
                    if (handler.deliver) out.weight_dim = handler.deliver->dim;
                    continue;
                }
                if (auto a = assignment(st, vis)) handler.actions.push_back(std::move(*a));
            }
            if (pre && !deliver)
                diags_.error(h.range, "`on pre` must deliver a weight",
                             "end it with `deliver w`, w being the synapse's weight");
            if (pre)
                out.on_pre = std::move(handler);
            else
                out.on_post = std::move(handler);
        }
        if (!seen_pre)
            diags_.error(synapse_->name_range,
                         fmt::format("synapse '{}' has no `on pre` handler", decl_.name),
                         "a synapse transmits a presynaptic spike with `on pre { deliver w }`");
    }

    struct ParamInfo {
        bool poisoned = false;
        std::optional<double> bare; ///< declared as a number without a unit
        std::string unit;           ///< the unit of a default that is one number with a unit
        std::vector<std::string> other_case_units; ///< that unit's name in other cases
    };

    ModelDecl decl_;
    const ast::Neuron* neuron_ = nullptr;   ///< when analysing a neuron
    const ast::Synapse* synapse_ = nullptr; ///< when analysing a synapse
    const SourceManager& sources_;
    DiagnosticEngine& diags_;
    ir::NeuronModel m_;
    std::map<std::string, Symbol> symbols_;
    std::map<std::string, SymbolKind> declared_; ///< every name the neuron declares
    std::vector<ParamInfo> param_info_;
    std::vector<bool> state_poisoned_;
    std::vector<bool> input_poisoned_;
};

Resolution ModelScope::resolve(const std::string& name) const {
    if (vis_.receptor && name == vis_.receptor->weight)
        return Resolution::found(ir::Expr::ref(ir::Op::Weight, -1, vis_.weight_dim));
    auto later_parameter = [&] {
        return Resolution::forbidden(
            fmt::format("{} may only use parameters declared before it, and '{}' comes later",
                        vis_.context, name),
            fmt::format("move '{}' up", name));
    };
    const Symbol* s = a_.symbol(name);
    if (!s) {
        // Declared, but not yet processed: a later parameter, or a state or input where
        // only parameters may be used.
        auto it = a_.declared_.find(name);
        if (it == a_.declared_.end()) return {};
        if (it->second == SymbolKind::Parameter && vis_.params != INT_MAX) return later_parameter();
        if (it->second == SymbolKind::State && !vis_.states)
            return Resolution::forbidden(fmt::format("{} may only use parameters and "
                                                     "constants, but '{}' is a state variable",
                                                     vis_.context, name));
        if (it->second == SymbolKind::Input && !vis_.inputs)
            return Resolution::forbidden(
                fmt::format("{} may only use parameters and constants, but '{}' is an input",
                            vis_.context, name));
        return {};
    }
    size_t i = size_t(s->index);
    switch (s->kind) {
    case SymbolKind::Parameter: {
        if (s->index >= vis_.params) return later_parameter();
        if (a_.param_info_[i].poisoned) return Resolution::poisoned();
        Dimension d = s->index == override_param_ ? override_dim_ : a_.m_.parameters[i].dim;
        return Resolution::found(ir::Expr::ref(ir::Op::Param, s->index, d));
    }
    case SymbolKind::State:
        if (!vis_.states)
            return Resolution::forbidden(fmt::format("{} may only use parameters and "
                                                     "constants, but '{}' is a state variable",
                                                     vis_.context, name));
        if (a_.state_poisoned_[i]) return Resolution::poisoned();
        return Resolution::found(ir::Expr::ref(ir::Op::State, s->index, a_.m_.states[i].dim));
    case SymbolKind::Input:
        if (!vis_.inputs)
            return Resolution::forbidden(
                fmt::format("{} may only use parameters and constants, but '{}' is an input",
                            vis_.context, name));
        if (a_.input_poisoned_[i]) return Resolution::poisoned();
        return Resolution::found(ir::Expr::ref(ir::Op::Input, s->index, a_.m_.inputs[i].dim));
    }
    return {};
}

std::vector<std::string> ModelScope::visible_names() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < a_.m_.parameters.size() && int(i) < vis_.params; ++i)
        names.push_back(a_.m_.parameters[i].name);
    if (vis_.states)
        for (const auto& s : a_.m_.states)
            names.push_back(s.name);
    if (vis_.inputs)
        for (const auto& in : a_.m_.inputs)
            names.push_back(in.name);
    if (vis_.receptor) names.push_back(vis_.receptor->weight);
    return names;
}

} // namespace

namespace {

/// A number other than 1 inside a unit (`2 pA`): the declaration would ignore it.
const ast::Expr* number_in_unit(const ast::Expr& e) {
    if (e.kind == ast::ExprKind::Number && e.number != 1.0) return &e;
    for (const auto& a : e.args)
        if (const ast::Expr* found = a ? number_in_unit(*a) : nullptr) return found;
    return nullptr;
}

} // namespace

std::optional<Dimension> unit_dimension(const ast::Expr& e, DiagnosticEngine& diags) {
    if (const ast::Expr* number = number_in_unit(e)) {
        diags.error(number->range, "expected a unit, not a quantity",
                    "a declaration takes only the unit, such as `pA` or `mV/ms`");
        return std::nullopt;
    }
    std::vector<Problem> problems;
    UnitScope scope;
    auto r = ExprBuilder(scope, problems, true).build(e);
    for (const auto& p : problems)
        diags.error(p.at, p.message, p.hint);
    if (!r) return std::nullopt;
    if (r->op != ir::Op::Const) {
        diags.error(e.range, "expected a unit, such as `pA` or `mV/ms`");
        return std::nullopt;
    }
    return r->dim;
}

ModelResult analyse_neuron(const ast::Neuron& neuron, const SourceManager& sources,
                           DiagnosticEngine& diags, const char* kind) {
    return Analyser(neuron, sources, diags, kind).run();
}

SynapseResult analyse_synapse(const ast::Synapse& synapse, const SourceManager& sources,
                              DiagnosticEngine& diags) {
    return Analyser(synapse, sources, diags).run_synapse();
}

} // namespace nnc::sema
