#include "network_builder.h"

#include <stdexcept>

namespace nnc::driver {

namespace {

nncrt::Distribution distribution(const ir::ValueSpec& v) {
    switch (v.kind) {
    case ir::ValueSpec::Kind::Constant:
        return nncrt::Distribution::constant(v.a);
    case ir::ValueSpec::Kind::Uniform:
        return nncrt::Distribution::uniform(v.a, v.b);
    case ir::ValueSpec::Kind::Normal:
        return nncrt::Distribution::normal(v.a, v.b);
    }
    throw std::logic_error("unknown value kind");
}

nncrt::Connector connector(const ir::Connector& c) {
    nncrt::Connector out;
    switch (c.kind) {
    case ir::Connector::Kind::AllToAll:
        out.kind = nncrt::Connector::Kind::AllToAll;
        break;
    case ir::Connector::Kind::OneToOne:
        out.kind = nncrt::Connector::Kind::OneToOne;
        break;
    case ir::Connector::Kind::FixedProbability:
        out.kind = nncrt::Connector::Kind::FixedProbability;
        break;
    case ir::Connector::Kind::FixedIndegree:
        out.kind = nncrt::Connector::Kind::FixedIndegree;
        break;
    }
    out.probability = c.probability;
    out.indegree = c.indegree;
    out.allow_autapses = c.allow_autapses;
    out.allow_multapses = c.allow_multapses;
    return out;
}

} // namespace

std::unique_ptr<nncrt::Simulation>
make_simulation(const ir::Network& net, const std::vector<kir::PopulationKernel>& kernels,
                const std::vector<nncrt_update_fn>& updates) {
    auto sim = std::make_unique<nncrt::Simulation>(
        nncrt::SimulationConfig{net.simulation.dt_ms, net.simulation.seed});
    for (size_t p = 0; p < net.populations.size(); ++p) {
        const auto& pop = net.populations[p];
        const auto& kernel = kernels.at(p);
        nncrt::PopulationSpec spec;
        spec.name = pop.name;
        spec.size = pop.size;
        spec.state_names = kernel.state_names;
        spec.input_names = kernel.input_names;
        spec.receptor_names = kernel.receptor_names;
        spec.update = updates.at(p);
        auto id = sim->add_population(std::move(spec));
        // Model states come first in the kernel; extra arrays (the refractory counter)
        // start at zero.
        for (size_t s = 0; s < pop.initial.size(); ++s)
            sim->set_initial_state(id, uint32_t(s), distribution(pop.initial[s]));
    }
    for (const auto& proj : net.projections) {
        nncrt::ProjectionSpec spec;
        spec.source = nncrt::PopulationId(proj.source);
        spec.target = nncrt::PopulationId(proj.target);
        spec.connector = connector(proj.connector);
        spec.weight = distribution(proj.weight);
        spec.delay_ms = distribution(proj.delay);
        spec.receptor = uint32_t(proj.receptor);
        sim->add_projection(spec);
    }
    for (const auto& stim : net.stimuli) {
        if (stim.kind == ir::Stimulus::Kind::Poisson)
            sim->add_poisson({nncrt::PopulationId(stim.target), stim.rate_hz, stim.weight,
                              uint32_t(stim.receptor)});
        else
            sim->add_dc({nncrt::PopulationId(stim.target), uint32_t(stim.input), stim.amplitude,
                         stim.start_ms, stim.stop_ms});
    }
    for (const auto& rec : net.spike_recorders)
        sim->record_spikes(nncrt::PopulationId(rec.population));
    return sim;
}

} // namespace nnc::driver
