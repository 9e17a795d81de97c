#include "ir/model_printer.h"

#include <fmt/format.h>

namespace nnc::ir {

namespace {

const char* solver_name(SolverKind s) {
    switch (s) {
    case SolverKind::Auto:
        return "not chosen yet";
    case SolverKind::ExactLinear:
        return "exact propagator (linear system)";
    case SolverKind::RungeKutta4:
        return "RK4";
    }
    return "?";
}

std::string value(const ValueSpec& v) {
    switch (v.kind) {
    case ValueSpec::Kind::Constant:
        return fmt::format("{:.17g}", v.a);
    case ValueSpec::Kind::Uniform:
        return fmt::format("uniform({:.17g}, {:.17g})", v.a, v.b);
    case ValueSpec::Kind::Normal:
        return fmt::format("normal({:.17g}, {:.17g})", v.a, v.b);
    }
    return "?";
}

const char* connector_name(Connector::Kind k) {
    switch (k) {
    case Connector::Kind::AllToAll:
        return "all_to_all";
    case Connector::Kind::OneToOne:
        return "one_to_one";
    case Connector::Kind::FixedProbability:
        return "fixed_probability";
    case Connector::Kind::FixedIndegree:
        return "fixed_indegree";
    }
    return "?";
}

} // namespace

std::string print_program(const Program& program) {
    std::string out;
    for (const auto& m : program.models) {
        auto pn = m.parameter_names(), sn = m.state_names(), in = m.input_names();
        auto str = [&](const ExprPtr& e) { return e ? to_string(*e, pn, sn, in) : "-"; };
        out += fmt::format("neuron {}  # solver: {}\n", m.name, solver_name(m.solver));
        for (const auto& p : m.parameters)
            out += fmt::format("  parameter {} : {} = {}\n", p.name, p.dim.unit_name(),
                               str(p.default_value));
        for (const auto& s : m.states)
            out += fmt::format("  state {} : {} = {}\n", s.name, s.dim.unit_name(), str(s.initial));
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
    if (!program.network) return out;
    const auto& n = *program.network;
    out += fmt::format("network {}\n", n.name);
    for (const auto& p : n.populations) {
        const auto& m = program.models[size_t(p.model)];
        out += fmt::format("  population {} = {}[{}]\n", p.name, m.name, p.size);
        for (size_t i = 0; i < p.parameters.size(); ++i)
            out += fmt::format("    {} = {:.17g}\n", m.parameters[i].name, p.parameters[i]);
        for (size_t i = 0; i < p.initial.size(); ++i)
            out += fmt::format("    {}(0) = {}\n", m.states[i].name, value(p.initial[i]));
    }
    for (const auto& pr : n.projections) {
        const auto& src = n.populations[size_t(pr.source)];
        const auto& tgt = n.populations[size_t(pr.target)];
        const auto& c = pr.connector;
        out += fmt::format("  project {} -> {}: {}(p = {:g}, k = {}, autapses = {}, multapses = "
                           "{}), weight {}, delay {} ms, receptor {}\n",
                           src.name, tgt.name, connector_name(c.kind), c.probability, c.indegree,
                           c.allow_autapses, c.allow_multapses, value(pr.weight), value(pr.delay),
                           program.models[size_t(tgt.model)].receptors[size_t(pr.receptor)].name);
    }
    for (const auto& s : n.stimuli) {
        const auto& tgt = n.populations[size_t(s.target)];
        if (s.kind == Stimulus::Kind::Poisson)
            out +=
                fmt::format("  stimulate {} with poisson({:.17g} Hz) weight {:.17g} receptor {}\n",
                            tgt.name, s.rate_hz, s.weight,
                            program.models[size_t(tgt.model)].receptors[size_t(s.receptor)].name);
        else
            out += fmt::format("  stimulate {} with dc({:.17g}, {:g} ms to {:g} ms) into {}\n",
                               tgt.name, s.amplitude, s.start_ms, s.stop_ms,
                               program.models[size_t(tgt.model)].inputs[size_t(s.input)].name);
    }
    for (const auto& r : n.spike_recorders)
        out += fmt::format("  record spikes of {}\n", n.populations[size_t(r.population)].name);
    out += fmt::format("  simulate dt = {:g} ms, duration = {:g} ms, seed = {}\n",
                       n.simulation.dt_ms, n.simulation.duration_ms, n.simulation.seed);
    return out;
}

} // namespace nnc::ir
