#include "sema/alias_sema.h"

#include "sema/expr_builder.h"
#include "sema/names.h"

#include <fmt/format.h>

#include <map>
#include <memory>

namespace nnc::sema {

namespace {

/// The alias's own parameters, all of them visible to every mapping.
class AliasScope final : public NameScope {
public:
    AliasScope(const ir::NeuronModel& own, const ir::NeuronModel& target)
        : own_(own), target_(target) {}

    Resolution resolve(const std::string& name) const override {
        int i = own_.find_parameter(name);
        if (i >= 0) {
            if (!own_.parameters[size_t(i)].default_value) return Resolution::poisoned();
            return Resolution::found(
                ir::Expr::ref(ir::Op::Param, i, own_.parameters[size_t(i)].dim));
        }
        if (target_.find_parameter(name) >= 0 || target_.find_state(name) >= 0 ||
            target_.find_input(name) >= 0)
            return Resolution::forbidden(
                fmt::format("'{}' belongs to neuron model '{}', not to the alias '{}'", name,
                            target_.name, own_.name),
                "a mapping computes a parameter of the target from the alias's own parameters");
        return {};
    }

    std::vector<std::string> visible_names() const override { return own_.parameter_names(); }

private:
    const ir::NeuronModel& own_;
    const ir::NeuronModel& target_;
};

/// `e` with every parameter index moved up by `offset` (the target's parameters come after
/// the alias's own in the alias's model).
ir::ExprPtr shift_parameters(const ir::ExprPtr& e, int offset) {
    if (!e) return e;
    auto copy = std::make_shared<ir::Expr>(*e);
    if (copy->op == ir::Op::Param) copy->index += offset;
    for (auto& a : copy->args)
        a = shift_parameters(a, offset);
    return copy;
}

} // namespace

ModelResult analyse_alias(const ast::NeuronAlias& alias, const ir::NeuronModel* target,
                          bool target_ok, const SourceManager& sources, DiagnosticEngine& diags) {
    const unsigned errors = diags.error_count();
    ModelResult own = analyse_neuron(alias.own, sources, diags);
    ModelResult result;
    result.model.name = alias.name;
    result.model.range = alias.range;
    if (!target) {
        diags.error(alias.target_range, fmt::format("unknown neuron model '{}'", alias.target),
                    "an alias renames a neuron model of this file or of an imported one");
        result.ok = false;
        return result;
    }
    if (!target_ok) {
        result.ok = false;
        return result;
    }
    // The alias's parameters share the neuron's namespace with the target's states and
    // inputs, which the alias keeps.
    for (const auto& b : alias.own.parameters) {
        const char* kind = target->find_state(b.name) >= 0   ? "a state variable"
                           : target->find_input(b.name) >= 0 ? "an input"
                                                             : nullptr;
        if (kind)
            diags.error(b.name_range,
                        fmt::format("parameter '{}' of alias '{}' has the name of {} of '{}'",
                                    b.name, alias.name, kind, target->name),
                        "give the alias's parameter another name");
    }

    const int offset = int(own.model.parameters.size());
    std::vector<ir::ExprPtr> mapped(target->parameters.size());
    std::vector<const ast::Binding*> mapped_by(target->parameters.size(), nullptr);
    for (const auto& m : alias.mappings) {
        const int j = target->find_parameter(m.name);
        if (j < 0) {
            diags.error(
                m.name_range,
                fmt::format("'{}' is not a parameter of neuron model '{}'", m.name, target->name),
                [&] {
                    std::string hint = did_you_mean(m.name, target->parameter_names());
                    if (!hint.empty()) return hint;
                    return fmt::format("its parameters are {}",
                                       join_names(target->parameter_names()));
                }());
            continue;
        }
        if (const ast::Binding* first = mapped_by[size_t(j)]) {
            diags.error(m.name_range,
                        fmt::format("parameter '{}' of '{}' is given twice", m.name, target->name),
                        "keep one of the two");
            diags.note(first->name_range, "it is first given here");
            continue;
        }
        mapped_by[size_t(j)] = &m;
        std::vector<Problem> problems;
        AliasScope scope(own.model, *target);
        auto value = ExprBuilder(scope, problems).build(*m.value);
        for (const auto& p : problems)
            diags.error(p.at, p.message, p.hint);
        if (!value) continue;
        const Dimension& wanted = target->parameters[size_t(j)].dim;
        if (value->dim != wanted) {
            diags.error(m.value->range,
                        fmt::format("parameter '{}' of '{}' is {}, but this is {}", m.name,
                                    target->name, dimension_text(wanted),
                                    dimension_text(value->dim)),
                        literal_hint(*m.value, wanted));
            continue;
        }
        mapped[size_t(j)] = value;
    }
    if (diags.error_count() != errors || !own.ok) {
        result.ok = false;
        return result;
    }

    // The target's model, its parameter references moved past the alias's own parameters.
    ir::NeuronModel& out = result.model;
    out = *target;
    out.name = alias.name;
    out.range = alias.range;
    out.alias_of = target->name;
    out.alias_parameters = own.model.parameters.size();
    out.parameters = own.model.parameters;
    for (size_t j = 0; j < target->parameters.size(); ++j) {
        ir::Parameter p = target->parameters[j];
        p.name = target->name + "." + p.name;
        p.default_value = mapped[j] ? mapped[j] : shift_parameters(p.default_value, offset);
        out.parameters.push_back(std::move(p));
    }
    for (auto& s : out.states)
        s.initial = shift_parameters(s.initial, offset);
    for (auto& ode : out.odes)
        ode.rhs = shift_parameters(ode.rhs, offset);
    for (auto& r : out.receptors)
        for (auto& a : r.actions)
            a.value = shift_parameters(a.value, offset);
    if (out.threshold) {
        out.threshold->condition = shift_parameters(out.threshold->condition, offset);
        for (auto& a : out.threshold->reset)
            a.value = shift_parameters(a.value, offset);
        out.threshold->refractory_period =
            shift_parameters(out.threshold->refractory_period, offset);
    }
    return result;
}

} // namespace nnc::sema
