#include "ir/model_printer.h"

#include <fmt/format.h>

#include <cmath>

namespace nnc::ir {

namespace {

// "exact propagator (linear system)" when the compiler chose, from the class of the
// equations; "RK4, requested by `solver rk4`" when the model did.
std::string solver_text(const NeuronModel& m) {
    const bool requested = m.requested_solver != SolverKind::Auto;
    std::string method, system;
    switch (m.solver) {
    case SolverKind::Auto:
        return "not chosen yet";
    case SolverKind::ExactLinear:
        method = "exact propagator";
        system = "linear";
        break;
    case SolverKind::ExponentialEuler:
        method = "exponential Euler";
        system = "conditionally linear";
        break;
    case SolverKind::ForwardEuler:
        method = "forward Euler";
        break;
    case SolverKind::RungeKutta4:
        method = "RK4";
        break;
    case SolverKind::RungeKuttaFehlberg45:
        method = "adaptive RKF45";
        system = "nonlinear";
        break;
    }
    std::string text = method;
    if (!requested && !system.empty()) text += " (" + system + " system)";
    if (m.solver == SolverKind::RungeKuttaFehlberg45)
        text += fmt::format(", atol = {}, rtol = {}", m.tolerance.atol, m.tolerance.rtol);
    if (requested)
        text += fmt::format(", requested by `solver {}`", solver_keyword(m.requested_solver));
    return text;
}

std::string value(const ValueSpec& v, const Dimension& d) {
    switch (v.kind) {
    case ValueSpec::Kind::Constant:
        return quantity_text(v.a, d);
    case ValueSpec::Kind::Uniform:
        return fmt::format("uniform({}, {})", quantity_text(v.a, d), quantity_text(v.b, d));
    case ValueSpec::Kind::Normal: {
        std::string bounds;
        if (std::isfinite(v.low)) bounds += ", low = " + quantity_text(v.low, d);
        if (std::isfinite(v.high)) bounds += ", high = " + quantity_text(v.high, d);
        return fmt::format("normal({}, {}{})", quantity_text(v.a, d), quantity_text(v.b, d),
                           bounds);
    }
    case ValueSpec::Kind::LogNormal:
        return fmt::format("lognormal(mu = {}, sigma = {}, unit = {})", number_text(v.a),
                           number_text(v.b), quantity_text(1.0, d));
    case ValueSpec::Kind::Exponential:
        return fmt::format("exponential({})", quantity_text(v.a, d));
    }
    return "?";
}

/// "[0:10]" for a slice, "" for a whole population.
std::string slice_text(const NeuronRange& r) {
    return r.whole() ? std::string() : fmt::format("[{}:{}]", r.first, r.first + r.count);
}

std::string pair_text(const ExprPtr& e) {
    return e ? to_string(*e, {}, {}, pair_variable::names) : "-";
}

std::string connector_text(const Connector& c) {
    const std::string options =
        fmt::format("autapses = {}, multapses = {}", c.allow_autapses, c.allow_multapses);
    switch (c.kind) {
    case Connector::Kind::AllToAll:
        return fmt::format("all_to_all(autapses = {})", c.allow_autapses);
    case Connector::Kind::OneToOne:
        return "one_to_one()";
    case Connector::Kind::FixedProbability:
        return fmt::format("fixed_probability({}, autapses = {})", c.probability, c.allow_autapses);
    case Connector::Kind::FixedIndegree:
        return fmt::format("fixed_indegree({}, {})", c.indegree, options);
    case Connector::Kind::FixedOutdegree:
        return fmt::format("fixed_outdegree({}, {})", c.outdegree, options);
    case Connector::Kind::FixedTotalNumber:
        return fmt::format("fixed_total_number({}, {})", c.total, options);
    case Connector::Kind::DistanceProbability:
        return fmt::format("distance_probability({}, autapses = {})",
                           pair_text(c.probability_of_pair), c.allow_autapses);
    case Connector::Kind::List:
        if (c.list && c.list->path.empty())
            return fmt::format("from_list ({} synapses)", c.list->sources.size());
        return fmt::format("from_csv(\"{}\") ({} synapses)", c.list ? c.list->path : "",
                           c.list ? c.list->sources.size() : 0);
    }
    return "?";
}

std::string positions_text(const Positions& p) {
    switch (p.kind) {
    case Positions::Kind::None:
        return "";
    case Positions::Kind::Grid:
        return fmt::format("grid({}, {}, {}, spacing = {} um{})", p.nx, p.ny, p.nz, p.spacing_um,
                           p.periodic ? ", periodic = true" : "");
    case Positions::Kind::RandomBox:
        return fmt::format("random_box({} um, {} um, {} um{})", p.size_um[0], p.size_um[1],
                           p.size_um[2], p.periodic ? ", periodic = true" : "");
    case Positions::Kind::CorticalDepth:
        return fmt::format("cortical_depth({}, {}, thickness = {} um, width = {} um)", p.depth_from,
                           p.depth_to, p.size_um[1], p.size_um[0]);
    }
    return "?";
}

} // namespace

std::string print_program(const Program& program) {
    std::string out;
    for (const auto& m : program.models) {
        auto pn = m.parameter_names(), sn = m.state_names(), in = m.input_names();
        auto str = [&](const ExprPtr& e) { return e ? to_string(*e, pn, sn, in) : "-"; };
        out += m.alias_of.empty() ? fmt::format("neuron {}  # solver: {}\n", m.name, solver_text(m))
                                  : fmt::format("neuron {}  # alias of {}; solver: {}\n", m.name,
                                                m.alias_of, solver_text(m));
        auto from = [&m](const std::string& name) {
            std::string channel = m.channel_of(name);
            return channel.empty() ? std::string() : "  # channel " + channel;
        };
        for (const auto& c : m.channels)
            out += fmt::format("  channel {}(V = {}) : {} = {}\n", c.channel, c.membrane,
                               c.current_name, str(c.current));
        for (const auto& p : m.parameters)
            out += fmt::format("  parameter {} : {} = {}{}\n", p.name, p.dim.unit_name(),
                               str(p.default_value), from(p.name));
        for (const auto& s : m.states)
            out += fmt::format("  state {} : {} = {}{}\n", s.name, s.dim.unit_name(),
                               str(s.initial), from(s.name));
        for (const auto& i : m.inputs)
            out += fmt::format("  input {} : {}\n", i.name, i.dim.unit_name());
        for (const auto& o : m.odes)
            out += fmt::format("  {}' = {}\n", sn[size_t(o.state)], str(o.rhs));
        for (const auto& r : m.receptors) {
            out += fmt::format("  on spike {}(w : {})\n", r.name, r.weight_dim.unit_name());
            for (const auto& a : r.actions)
                out += fmt::format("    {} = {}\n", sn[size_t(a.state)], str(a.value));
        }
        if (m.threshold) {
            const auto& t = *m.threshold;
            out += fmt::format("  on {}\n", str(t.condition));
            if (t.emits_spike) out += "    emit spike\n";
            for (const auto& a : t.reset)
                out += fmt::format("    {} = {}\n", sn[size_t(a.state)], str(a.value));
            if (t.refractory_period) {
                std::string clamped;
                for (int s : t.clamped)
                    clamped += (clamped.empty() ? " clamp " : ", ") + sn[size_t(s)];
                out += fmt::format("    refractory {}{}\n", str(t.refractory_period), clamped);
            }
        }
    }
    for (const auto& m : program.synapses) {
        auto pn = m.parameter_names(), sn = m.state_names();
        auto str = [&](const ExprPtr& e) { return e ? to_string(*e, pn, sn, {}) : "-"; };
        out += fmt::format("synapse {}  # event-driven, exact between events\n", m.name);
        for (const auto& p : m.parameters)
            out += fmt::format("  parameter {} : {} = {}\n", p.name, p.dim.unit_name(),
                               str(p.default_value));
        for (const auto& s : m.states)
            out += fmt::format("  state {} : {} = {}\n", s.name, s.dim.unit_name(), str(s.initial));
        for (const auto& o : m.odes)
            out += fmt::format("  {}' = {}\n", sn[size_t(o.state)], str(o.rhs));
        auto handler = [&](const char* event, const SynapseHandler& h) {
            out += fmt::format("  on {}\n", event);
            for (size_t i = 0; i <= h.actions.size(); ++i) {
                if (h.deliver && i == h.deliver_after)
                    out += fmt::format("    deliver {} : {}\n", str(h.deliver),
                                       m.weight_dim.unit_name());
                if (i < h.actions.size())
                    out += fmt::format("    {} = {}\n", sn[size_t(h.actions[i].state)],
                                       str(h.actions[i].value));
            }
        };
        handler("pre", m.on_pre);
        if (m.on_post) handler("post", *m.on_post);
    }
    if (!program.network) return out;
    const auto& n = *program.network;
    out += fmt::format("network {}\n", n.name);
    for (const auto& p : n.populations) {
        const auto& m = program.models[size_t(p.model)];
        out += fmt::format("  population {} = {}[{}]\n", p.name, m.name, p.size);
        if (p.positions.kind != Positions::Kind::None)
            out += fmt::format("    positions = {}\n", positions_text(p.positions));
        for (size_t i = 0; i < p.parameters.size(); ++i)
            out += fmt::format("    {} = {}\n", m.parameters[i].name,
                               quantity_text(p.parameters[i], m.parameters[i].dim));
        for (size_t i = 0; i < p.initial.size(); ++i)
            out += fmt::format("    {}(0) = {}\n", m.states[i].name,
                               value(p.initial[i], m.states[i].dim));
    }
    for (const auto& pr : n.projections) {
        const auto& src = n.populations[size_t(pr.source)];
        const auto& tgt = n.populations[size_t(pr.target)];
        const auto& receptor = program.models[size_t(tgt.model)].receptors[size_t(pr.receptor)];
        const std::string weight = pr.weight_of_pair ? pair_text(pr.weight_of_pair)
                                   : pr.connector.list && !pr.connector.list->weights.empty()
                                       ? std::string("from the list")
                                       : value(pr.weight, receptor.weight_dim);
        const std::string delay = pr.delay_of_pair ? pair_text(pr.delay_of_pair)
                                  : pr.connector.list && !pr.connector.list->delays_ms.empty()
                                      ? std::string("from the list")
                                      : value(pr.delay, dims::time);
        if (pr.synapse < 0) {
            out += fmt::format("  project {} -> {}: {}, weight {}, delay {}, receptor {}\n",
                               src.name + slice_text(pr.source_neurons),
                               tgt.name + slice_text(pr.target_neurons),
                               connector_text(pr.connector), weight, delay, receptor.name);
            continue;
        }
        const auto& syn = program.synapses[size_t(pr.synapse)];
        out += fmt::format("  project {} -> {}: {}, synapse {}, delay {}, receptor {}\n",
                           src.name + slice_text(pr.source_neurons),
                           tgt.name + slice_text(pr.target_neurons), connector_text(pr.connector),
                           syn.name, delay, receptor.name);
        for (size_t i = 0; i < pr.synapse_parameters.size(); ++i)
            out += fmt::format("    {} = {}\n", syn.parameters[i].name,
                               quantity_text(pr.synapse_parameters[i], syn.parameters[i].dim));
        for (size_t i = 0; i < pr.synapse_initial.size(); ++i)
            out += fmt::format("    {}(0) = {}\n", syn.states[i].name,
                               value(pr.synapse_initial[i], syn.states[i].dim));
    }
    for (const auto& s : n.stimuli) {
        const auto& tgt = n.populations[size_t(s.target)];
        const auto& model = program.models[size_t(tgt.model)];
        // A table of a rate of `t` has an entry per step: long ones are shown by their ends.
        const auto list = [](const std::vector<double>& v, const char* unit) {
            constexpr size_t shown = 8;
            std::string text;
            for (size_t i = 0; i < v.size(); ++i) {
                if (v.size() > shown && i == shown - 2)
                    text += fmt::format(", ... ({} values)", v.size() - shown + 1);
                if (v.size() > shown && i >= shown - 2 && i + 1 < v.size()) continue;
                text += fmt::format("{}{:g} {}", text.empty() ? "" : ", ", v[i], unit);
            }
            return "[" + text + "]";
        };
        const std::string window = fmt::format("{} ms to {} ms", s.start_ms, s.stop_ms);
        std::string what;
        switch (s.kind) {
        case Stimulus::Kind::Poisson:
            what = fmt::format("poisson({} Hz)", s.rate_hz);
            break;
        case Stimulus::Kind::SpikeTimes:
            what = fmt::format("spike_times({})", list(s.times_ms, "ms"));
            break;
        case Stimulus::Kind::PoissonTable:
            what = fmt::format("poisson(times = {}, rates = {}, {})", list(s.times_ms, "ms"),
                               list(s.values, "Hz"), window);
            break;
        case Stimulus::Kind::DC:
        case Stimulus::Kind::StepCurrent:
        case Stimulus::Kind::NoiseCurrent: {
            const auto& input = model.inputs[size_t(s.input)];
            if (s.kind == Stimulus::Kind::DC)
                what = fmt::format("dc({}, {})", quantity_text(s.amplitude, input.dim), window);
            else if (s.kind == Stimulus::Kind::StepCurrent) {
                std::string amplitudes;
                for (double a : s.values)
                    amplitudes += (amplitudes.empty() ? "" : ", ") + quantity_text(a, input.dim);
                what = fmt::format("step_current(times = {}, amplitudes = [{}], {})",
                                   list(s.times_ms, "ms"), amplitudes, window);
            } else
                what = fmt::format("noise_current({}, std = {}, dt = {} ms, {})",
                                   quantity_text(s.amplitude, input.dim),
                                   quantity_text(s.std_dev, input.dim), s.interval_ms, window);
            out += fmt::format("  stimulate {} with {} into {}\n",
                               tgt.name + slice_text(s.target_neurons), what, input.name);
            continue;
        }
        }
        const auto& receptor = model.receptors[size_t(s.receptor)];
        out += fmt::format("  stimulate {} with {} weight {} receptor {}\n",
                           tgt.name + slice_text(s.target_neurons), what,
                           quantity_text(s.weight, receptor.weight_dim), receptor.name);
    }
    for (const auto& r : n.spike_recorders)
        out += fmt::format("  record spikes of {}{}\n", n.populations[size_t(r.population)].name,
                           slice_text(r.neurons));
    for (const auto& r : n.state_recorders) {
        const auto& pop = n.populations[size_t(r.population)];
        const auto& model = program.models[size_t(pop.model)];
        std::string names;
        for (int j : r.states)
            names += (names.empty() ? "" : ", ") + model.states[size_t(j)].name;
        out += fmt::format("  record {} of {}[{}:{}] every {} step{}\n", names, pop.name, r.first,
                           r.last, r.interval_steps, r.interval_steps == 1 ? "" : "s");
    }
    out += fmt::format("  simulate dt = {:g} ms, duration = {:g} ms, seed = {}\n",
                       n.simulation.dt_ms, n.simulation.duration_ms, n.simulation.seed);
    if (n.simulation.warmup_ms > 0)
        out += fmt::format("  simulate warmup = {:g} ms\n", n.simulation.warmup_ms);
    return out;
}

} // namespace nnc::ir
