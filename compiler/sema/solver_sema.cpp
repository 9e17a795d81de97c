#include "sema/solver_sema.h"

#include "ir/linearity.h"
#include "sema/expr_builder.h"
#include "sema/names.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

namespace nnc::sema {

namespace {

using ir::SolverKind;

constexpr SolverKind kSolvers[] = {SolverKind::ExactLinear, SolverKind::ExponentialEuler,
                                   SolverKind::ForwardEuler, SolverKind::RungeKutta4,
                                   SolverKind::RungeKuttaFehlberg45};

std::vector<std::string> solver_names() {
    std::vector<std::string> names;
    for (auto k : kSolvers)
        names.push_back(ir::solver_keyword(k));
    return names;
}

const std::vector<std::string> kToleranceNames = {"atol", "rtol"};

/// Names in an option's value: the model's own names are refused with a reason (a
/// tolerance is one number for the whole model), anything else is a unit or unknown.
class OptionScope final : public NameScope {
public:
    explicit OptionScope(const ir::NeuronModel& m) : m_(m) {}

    Resolution resolve(const std::string& name) const override {
        const char* kind = m_.find_parameter(name) >= 0 ? "a parameter"
                           : m_.find_state(name) >= 0   ? "a state variable"
                           : m_.find_input(name) >= 0   ? "an input"
                                                        : nullptr;
        if (!kind) return {};
        return Resolution::forbidden(
            fmt::format("a solver option is a plain number, but '{}' is {}", name, kind),
            "a tolerance holds for every population of the model; write the number");
    }
    std::vector<std::string> visible_names() const override { return {}; }

private:
    const ir::NeuronModel& m_;
};

/// What makes `term` nonlinear: `one` is what varies ("a quantity that changes in time"),
/// `two` the same for a product ("two quantities that change in time").
std::string why_not_linear(const ir::Expr& term, const std::string& one, const std::string& two) {
    switch (term.op) {
    case ir::Op::Mul:
        return "it multiplies " + two;
    case ir::Op::Div:
        return "it divides by " + one;
    case ir::Op::Pow:
        return "it raises " + one + " to a power";
    case ir::Op::Call:
        return fmt::format("it is {}() of {}", term.fn, one);
    case ir::Op::Select:
        return "it selects a value by " + one;
    default:
        return "it compares " + one;
    }
}

std::string class_reason(ir::OdeClass c) {
    switch (c) {
    case ir::OdeClass::Linear:
        return "the equations are linear";
    case ir::OdeClass::ConditionallyLinear:
        return "each equation is linear in its own variable";
    case ir::OdeClass::Nonlinear:
        return "the equations are nonlinear";
    }
    return {};
}

class SolverAnalyser {
public:
    SolverAnalyser(const ast::Neuron& n, ir::NeuronModel& m, DiagnosticEngine& diags)
        : n_(n), m_(m), diags_(diags) {}

    void run() {
        if (n_.solvers.empty()) return;
        for (size_t i = 1; i < n_.solvers.size(); ++i) {
            diags_.error(n_.solvers[i].range, "a neuron can have only one solver",
                         "remove one of the `solver` items");
            diags_.note(n_.solvers[0].range, "the first solver is here");
        }
        const ast::Solver& s = n_.solvers[0];
        SolverKind kind = SolverKind::Auto;
        for (auto k : kSolvers)
            if (s.name == ir::solver_keyword(k)) kind = k;
        if (kind == SolverKind::Auto) {
            std::string hint = did_you_mean(s.name, solver_names());
            diags_.error(s.name_range, fmt::format("unknown solver '{}'", s.name),
                         (hint.empty() ? std::string() : hint + " ") + "the solvers are " +
                             join_names(solver_names(), true));
            return;
        }
        m_.requested_solver = kind;
        m_.solver_range = s.range;
        options(s, kind);
        check_structure(s, kind);
    }

private:
    void options(const ast::Solver& s, SolverKind kind) {
        if (s.options.empty()) return;
        if (kind != SolverKind::RungeKuttaFehlberg45) {
            diags_.error(s.options[0].range, fmt::format("solver '{}' takes no options", s.name),
                         "only rkf45 has options: its tolerances, as in `solver rkf45(atol = "
                         "1e-6, rtol = 1e-6)`");
            return;
        }
        std::map<std::string, SourceRange> seen;
        for (const auto& option : s.options) {
            if (option.name.empty()) {
                diags_.error(option.range, "the options of rkf45 are named",
                             "write `rkf45(atol = 1e-6)` or `rkf45(rtol = 1e-6)`");
                continue;
            }
            if (option.name != "atol" && option.name != "rtol") {
                std::string hint = did_you_mean(option.name, kToleranceNames);
                diags_.error(option.name_range,
                             fmt::format("unknown option '{}' of solver rkf45", option.name),
                             (hint.empty() ? std::string() : hint + " ") +
                                 "rkf45 takes 'atol' (absolute tolerance) and 'rtol' (relative "
                                 "tolerance)");
                continue;
            }
            if (auto [it, inserted] = seen.try_emplace(option.name, option.range); !inserted) {
                diags_.error(option.name_range,
                             fmt::format("option '{}' is given twice", option.name));
                diags_.note(it->second, "the first value is here");
                continue;
            }
            if (auto v = tolerance(option)) {
                if (option.name == "atol")
                    m_.tolerance.atol = *v;
                else
                    m_.tolerance.rtol = *v;
            }
        }
        if (m_.tolerance.atol == 0 && m_.tolerance.rtol == 0)
            diags_.error(s.range, "rkf45 needs a tolerance above zero",
                         "with atol = 0 and rtol = 0 no step could ever be accepted");
    }

    std::optional<double> tolerance(const ast::Binding& option) {
        std::vector<Problem> problems;
        OptionScope scope(m_);
        auto value = ExprBuilder(scope, problems).build(*option.value);
        for (const auto& p : problems)
            diags_.error(p.at, p.message, p.hint);
        if (!value) return std::nullopt;
        const SourceRange at = option.value->range;
        if (value->op != ir::Op::Const) {
            diags_.error(at, fmt::format("option '{}' must be a number", option.name));
            return std::nullopt;
        }
        if (!value->dim.dimensionless()) {
            diags_.error(at,
                         fmt::format("option '{}' must be a plain number, but this is {}",
                                     option.name, dimension_text(value->dim)),
                         "a tolerance applies to every state variable in its canonical unit "
                         "(mV, pA, nS, ...), so it has no unit of its own");
            return std::nullopt;
        }
        if (!(value->value >= 0) || !std::isfinite(value->value)) {
            diags_.error(at,
                         fmt::format("option '{}' must be zero or positive, not {}", option.name,
                                     number_text(value->value)),
                         "a tolerance bounds the size of the error estimate");
            return std::nullopt;
        }
        return value->value;
    }

    // Refuses a method that cannot integrate the equations, naming the term to blame.
    void check_structure(const ast::Solver& s, SolverKind kind) {
        if (kind != SolverKind::ExactLinear && kind != SolverKind::ExponentialEuler) return;
        const auto names = m_.state_names();
        const ir::OdeClass cls = ir::ode_class(m_.odes);
        const std::string instead =
            fmt::format("leave out the `solver` item and nnc uses {} ({})",
                        ir::solver_keyword(ir::default_solver(cls)), class_reason(cls));
        for (const auto& ode : m_.odes) {
            const std::string& x = names[size_t(ode.state)];
            if (kind == SolverKind::ExactLinear) {
                const ir::Expr* term = ir::nonaffine_term(*ode.rhs);
                if (!term) continue;
                diags_.error(s.name_range,
                             fmt::format("solver 'exact' needs linear equations with constant "
                                         "coefficients, but the equation of {} is not linear",
                                         x),
                             instead);
                diags_.note(term->range.valid() ? term->range : ode.range,
                            "this term is not linear: " +
                                why_not_linear(*term, "a quantity that changes in time",
                                               "two quantities that change in time"));
                return;
            }
            const ir::Expr* term = ir::nonaffine_term_in_state(*ode.rhs, ode.state);
            if (!term) continue;
            diags_.error(s.name_range,
                         fmt::format("solver 'exponential_euler' needs every equation to be "
                                     "linear in its own variable, but the equation of {} is "
                                     "not linear in {}",
                                     x, x),
                         instead);
            diags_.note(term->range.valid() ? term->range : ode.range,
                        fmt::format("this term is not linear in {}: {}", x,
                                    why_not_linear(*term, "a quantity that depends on " + x,
                                                   "two factors that depend on " + x)));
            return;
        }
    }

    const ast::Neuron& n_;
    ir::NeuronModel& m_;
    DiagnosticEngine& diags_;
};

} // namespace

void analyse_solver(const ast::Neuron& neuron, ir::NeuronModel& model, DiagnosticEngine& diags) {
    SolverAnalyser(neuron, model, diags).run();
}

} // namespace nnc::sema
