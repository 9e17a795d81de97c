#include "sema/channel_sema.h"

#include "sema/expr_builder.h"
#include "sema/names.h"

#include <fmt/format.h>

#include <functional>
#include <set>

namespace nnc::sema {

namespace {

/// What a name is replaced by where it is used: a fresh tree, given the use (for its range).
using Substitutions = std::map<std::string, std::function<ast::ExprPtr(const ast::Expr&)>>;

ast::ExprPtr clone(const ast::Expr* e, const Substitutions& subs = {}) {
    if (!e) return nullptr;
    if (e->kind == ast::ExprKind::Name) {
        auto it = subs.find(e->name);
        if (it != subs.end()) return it->second(*e);
    }
    auto out = std::make_unique<ast::Expr>();
    out->kind = e->kind;
    out->range = e->range;
    out->number = e->number;
    out->unit = e->unit;
    out->unit_range = e->unit_range;
    out->name = e->name;
    out->op = e->op;
    out->arg_names = e->arg_names;
    for (const auto& a : e->args)
        out->args.push_back(clone(a.get(), subs));
    return out;
}

ast::Binding clone(const ast::Binding& b, const Substitutions& subs = {}) {
    return ast::Binding{b.name, b.name_range, clone(b.value.get(), subs), b.range};
}

std::vector<ast::Binding> clone(const std::vector<ast::Binding>& bs,
                                const Substitutions& subs = {}) {
    std::vector<ast::Binding> out;
    for (const auto& b : bs)
        out.push_back(clone(b, subs));
    return out;
}

ast::Ode clone(const ast::Ode& o, const Substitutions& subs) {
    return ast::Ode{o.var, o.var_range, clone(o.rhs.get(), subs), o.range};
}

std::vector<ast::Statement> clone(const std::vector<ast::Statement>& body,
                                  const Substitutions& subs) {
    std::vector<ast::Statement> out;
    for (const auto& s : body)
        out.push_back(ast::Statement{s.kind, s.target, s.target_range, clone(s.value.get(), subs),
                                     clone(s.clamped, subs), s.range});
    return out;
}

/// `V` renamed to the neuron's membrane state, keeping where `V` was written.
Substitutions membrane_binding(const std::string& membrane) {
    Substitutions subs;
    subs[channel_membrane_name] = [membrane](const ast::Expr& use) {
        auto out = clone(&use);
        out->name = membrane;
        return out;
    };
    return subs;
}

/// Resolves the names of a model sema has built: its parameters, states and inputs.
class BuiltModelScope final : public NameScope {
public:
    explicit BuiltModelScope(const ir::NeuronModel& m) : m_(m) {}
    Resolution resolve(const std::string& name) const override {
        if (int i = m_.find_parameter(name); i >= 0)
            return Resolution::found(ir::Expr::ref(ir::Op::Param, i, m_.parameters[size_t(i)].dim));
        if (int i = m_.find_state(name); i >= 0)
            return Resolution::found(ir::Expr::ref(ir::Op::State, i, m_.states[size_t(i)].dim));
        if (int i = m_.find_input(name); i >= 0)
            return Resolution::found(ir::Expr::ref(ir::Op::Input, i, m_.inputs[size_t(i)].dim));
        return {};
    }
    std::vector<std::string> visible_names() const override {
        auto names = m_.parameter_names();
        for (auto& s : m_.state_names())
            names.push_back(s);
        for (auto& s : m_.input_names())
            names.push_back(s);
        return names;
    }

private:
    const ir::NeuronModel& m_;
};

ir::ExprPtr build_in(const ir::NeuronModel& m, const ast::Expr& e, DiagnosticEngine& diags) {
    BuiltModelScope scope(m);
    std::vector<Problem> problems;
    auto built = ExprBuilder(scope, problems).build(e);
    for (const auto& p : problems)
        diags.error(p.at, p.message, p.hint);
    return problems.empty() ? built : nullptr;
}

/// The channel as a model of its own: its parameters, gates and equations, with `V` an
/// input of dimension voltage.
ast::Neuron gates_model(const ast::Channel& channel) {
    ast::Neuron n;
    n.name = channel.name;
    n.name_range = channel.name_range;
    n.range = channel.range;
    n.parameters = clone(channel.parameters);
    n.state = clone(channel.state);
    for (const auto& o : channel.equations)
        n.equations.push_back(clone(o, {}));
    ast::Input v;
    v.name = channel_membrane_name;
    v.name_range = channel.name_range;
    v.range = channel.name_range;
    v.unit = std::make_unique<ast::Expr>();
    v.unit->kind = ast::ExprKind::Name;
    v.unit->name = "mV";
    v.unit->range = channel.name_range;
    n.inputs.push_back(std::move(v));
    return n;
}

} // namespace

bool check_channel(const ast::Channel& channel, const SourceManager& sources,
                   DiagnosticEngine& diags) {
    unsigned errors = diags.error_count();
    auto refuse_membrane_name = [&](const std::vector<ast::Binding>& bs, const char* what) {
        for (const auto& b : bs)
            if (b.name == channel_membrane_name)
                diags.error(b.name_range,
                            fmt::format("a channel cannot declare a {} named '{}'", what,
                                        channel_membrane_name),
                            fmt::format("'{}' is the membrane potential the channel sees; the "
                                        "neuron binds it with `channels(V_m) {{ ... }}`",
                                        channel_membrane_name));
    };
    refuse_membrane_name(channel.parameters, "parameter");
    refuse_membrane_name(channel.state, "state variable");
    if (channel.currents.empty())
        diags.error(channel.name_range, fmt::format("channel '{}' has no current", channel.name),
                    "add what it adds to the membrane, e.g. `current I_Na = g_Na * m^3 * h * "
                    "(E_Na - V)`");
    for (size_t i = 1; i < channel.currents.size(); ++i) {
        diags.error(channel.currents[i].range,
                    fmt::format("channel '{}' has more than one current", channel.name),
                    "a channel adds one current to the membrane; write two channels, or one "
                    "current that sums them");
        diags.note(channel.currents[0].range, "the first current is here");
    }
    if (diags.error_count() != errors) return false;

    ast::Neuron gates = gates_model(channel);
    auto result = analyse_neuron(gates, sources, diags, "channel");
    if (!result.ok) return false;

    const ast::Binding& current = channel.currents[0];
    if (result.model.find_parameter(current.name) >= 0 ||
        result.model.find_state(current.name) >= 0 || current.name == channel_membrane_name) {
        diags.error(current.name_range,
                    fmt::format("the current '{}' of channel '{}' has the name of one of its "
                                "parameters or state variables",
                                current.name, channel.name),
                    "give the current a name of its own, e.g. I_Na");
        return false;
    }
    auto built = build_in(result.model, *current.value, diags);
    if (!built) return false;
    if (built->dim != dims::current) {
        diags.error(current.value->range,
                    fmt::format("the current '{}' of channel '{}' is {}, not a current",
                                current.name, channel.name, dimension_text(built->dim)),
                    "a channel's current is a conductance times a driving force, e.g. `g_Na * "
                    "m^3 * h * (E_Na - V)` with g_Na in nS (nS * mV is pA)");
        return false;
    }
    return true;
}

ModelResult analyse_neuron_with_channels(const ast::Neuron& neuron, const ChannelTable& table,
                                         const SourceManager& sources, DiagnosticEngine& diags) {
    if (neuron.channels_blocks == 0) return analyse_neuron(neuron, sources, diags);
    unsigned errors = diags.error_count();
    ModelResult failed;
    failed.model.name = neuron.name;
    failed.model.range = neuron.range;
    failed.ok = false;

    // The names the neuron declares, and where, for clashes with the channels' names.
    std::map<std::string, SourceRange> declared;
    for (const auto& b : neuron.parameters)
        declared.try_emplace(b.name, b.name_range);
    for (const auto& b : neuron.state)
        declared.try_emplace(b.name, b.name_range);
    for (const auto& in : neuron.inputs)
        declared.try_emplace(in.name, in.name_range);

    bool membrane_is_state = false;
    for (const auto& b : neuron.state)
        membrane_is_state = membrane_is_state || b.name == neuron.membrane;
    if (!membrane_is_state) {
        std::vector<std::string> states;
        for (const auto& b : neuron.state)
            states.push_back(b.name);
        std::string close = did_you_mean(neuron.membrane, states);
        diags.error(neuron.membrane_range,
                    fmt::format("'{}' is not a state variable of neuron '{}'", neuron.membrane,
                                neuron.name),
                    close.empty() ? "the channels see the neuron's membrane potential, a state "
                                    "variable such as V_m"
                                  : close);
    }
    if (auto it = declared.find(channels_current_name); it != declared.end())
        diags.error(
            it->second,
            fmt::format("a neuron with channels cannot declare '{}'", channels_current_name),
            fmt::format("'{}' is the sum of the channels' currents; rename this one",
                        channels_current_name));

    std::vector<const ast::Channel*> used;
    std::map<std::string, SourceRange> seen;
    // A channel's name -> the channel bringing it, and where that channel is named.
    std::map<std::string, std::pair<std::string, SourceRange>> owner;
    for (const auto& use : neuron.channels) {
        auto it = table.channels.find(use.name);
        if (it == table.channels.end()) {
            std::vector<std::string> names;
            for (const auto& [name, _] : table.channels)
                names.push_back(name);
            std::string close = did_you_mean(use.name, names);
            diags.error(use.range, fmt::format("unknown channel '{}'", use.name),
                        !close.empty() ? close
                        : names.empty()
                            ? std::string("no channel is declared; import one, e.g. `import "
                                          "\"channels/na_hh.nml\"`")
                            : "the channels declared are " + join_names(names, true));
            continue;
        }
        if (auto [first, inserted] = seen.try_emplace(use.name, use.range); !inserted) {
            diags.error(
                use.range,
                fmt::format("channel '{}' is named twice in neuron '{}'", use.name, neuron.name),
                "a channel is composed once; change its conductance instead");
            diags.note(first->second, "the first time is here");
            continue;
        }
        if (!table.ok.at(use.name)) continue; // reported where the channel is declared
        const ast::Channel& channel = *it->second;
        std::vector<std::pair<std::string, SourceRange>> names;
        for (const auto& b : channel.parameters)
            names.emplace_back(b.name, b.name_range);
        for (const auto& b : channel.state)
            names.emplace_back(b.name, b.name_range);
        names.emplace_back(channel.currents[0].name, channel.currents[0].name_range);
        bool clash = false;
        for (const auto& [name, at] : names) {
            if (auto d = declared.find(name); d != declared.end()) {
                diags.error(use.range,
                            fmt::format("channel '{}' brings '{}' into neuron '{}', which "
                                        "declares '{}' itself",
                                        use.name, name, neuron.name, name),
                            "a channel's parameters, gates and current join the neuron's "
                            "names; rename the neuron's");
                diags.note(d->second, "the neuron's is here");
                clash = true;
            } else if (auto o = owner.find(name); o != owner.end()) {
                diags.error(use.range,
                            fmt::format("channels '{}' and '{}' both bring '{}' into neuron '{}'",
                                        o->second.first, use.name, name, neuron.name),
                            "a channel's parameters, gates and current join the neuron's "
                            "names; rename one channel's");
                diags.note(o->second.second,
                           fmt::format("'{}' comes first from '{}' here", name, o->second.first));
                clash = true;
            } else if (name == channels_current_name) {
                diags.error(at, fmt::format("a channel cannot name anything '{}'", name),
                            "that is the sum of a neuron's channel currents");
                clash = true;
            }
        }
        if (clash) continue;
        for (const auto& [name, _] : names)
            owner.emplace(name, std::make_pair(use.name, use.range));
        used.push_back(&channel);
    }
    if (diags.error_count() != errors) return failed;

    // The composed neuron: each channel current, and their sum, replaced by its expression.
    Substitutions in_neuron;
    Substitutions bind_v = membrane_binding(neuron.membrane);
    for (const ast::Channel* channel : used) {
        const ast::Expr* current = channel->currents[0].value.get();
        in_neuron[channel->currents[0].name] = [current, &bind_v](const ast::Expr&) {
            return clone(current, bind_v);
        };
    }
    in_neuron[channels_current_name] = [&used, &bind_v](const ast::Expr& use) {
        ast::ExprPtr sum;
        for (const ast::Channel* channel : used) {
            ast::ExprPtr term = clone(channel->currents[0].value.get(), bind_v);
            if (!sum) {
                sum = std::move(term);
                continue;
            }
            auto add = std::make_unique<ast::Expr>();
            add->kind = ast::ExprKind::Binary;
            add->op = "+";
            add->range = use.range;
            add->args.push_back(std::move(sum));
            add->args.push_back(std::move(term));
            sum = std::move(add);
        }
        if (!sum) { // no channel: no current
            sum = std::make_unique<ast::Expr>();
            sum->number = 0;
            sum->unit = "pA";
            sum->range = use.range;
        }
        return sum;
    };

    ast::Neuron composed;
    composed.name = neuron.name;
    composed.name_range = neuron.name_range;
    composed.range = neuron.range;
    composed.parameters = clone(neuron.parameters, in_neuron);
    composed.state = clone(neuron.state, in_neuron);
    for (const auto& o : neuron.equations)
        composed.equations.push_back(clone(o, in_neuron));
    for (const auto& in : neuron.inputs)
        composed.inputs.push_back(
            ast::Input{in.name, in.name_range, clone(in.unit.get()), in.range});
    for (const auto& r : neuron.receptors)
        composed.receptors.push_back(ast::Receptor{r.name, r.name_range, r.weight, r.weight_range,
                                                   clone(r.weight_unit.get()),
                                                   clone(r.body, in_neuron), r.range});
    for (const auto& t : neuron.thresholds)
        composed.thresholds.push_back(
            ast::Threshold{clone(t.condition.get(), in_neuron), clone(t.body, in_neuron), t.range});
    for (const auto& s : neuron.solvers)
        composed.solvers.push_back(ast::Solver{s.name, s.name_range, clone(s.options), s.range});
    for (const ast::Channel* channel : used) {
        for (const auto& b : channel->parameters)
            composed.parameters.push_back(clone(b));
        for (const auto& b : channel->state)
            composed.state.push_back(clone(b));
        for (const auto& o : channel->equations)
            composed.equations.push_back(clone(o, bind_v));
    }

    auto result = analyse_neuron(composed, sources, diags);
    if (!result.ok) return result;
    ir::NeuronModel& m = result.model;
    for (const ast::Channel* channel : used) {
        ir::ChannelInstance instance;
        instance.channel = channel->name;
        instance.membrane = neuron.membrane;
        instance.range = channel->range;
        for (const auto& b : channel->parameters)
            instance.parameters.push_back(b.name);
        for (const auto& b : channel->state)
            instance.states.push_back(b.name);
        instance.current_name = channel->currents[0].name;
        auto current = clone(channel->currents[0].value.get(), bind_v);
        instance.current = build_in(m, *current, diags);
        if (!instance.current) result.ok = false;
        m.channels.push_back(std::move(instance));
    }
    return result;
}

} // namespace nnc::sema
