#include "network_builder.h"

#include "passes/pair_function_lowering.h"
#include "passes/synapse_lowering.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
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
        return nncrt::Distribution::normal_clipped(v.a, v.b, v.low, v.high);
    case ir::ValueSpec::Kind::LogNormal:
        return nncrt::Distribution::lognormal(v.a, v.b);
    case ir::ValueSpec::Kind::Exponential:
        return nncrt::Distribution::exponential(v.a);
    }
    throw std::logic_error("unknown value kind");
}

nncrt::NeuronRange neurons(const ir::NeuronRange& r) {
    return r.whole() ? nncrt::NeuronRange{} : nncrt::NeuronRange{r.first, r.count};
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
    case ir::Connector::Kind::FixedOutdegree:
        out.kind = nncrt::Connector::Kind::FixedOutdegree;
        break;
    case ir::Connector::Kind::FixedTotalNumber:
        out.kind = nncrt::Connector::Kind::FixedTotalNumber;
        break;
    case ir::Connector::Kind::DistanceProbability:
        out.kind = nncrt::Connector::Kind::DistanceProbability;
        break;
    case ir::Connector::Kind::List: {
        out.kind = nncrt::Connector::Kind::List;
        auto pairs = std::make_shared<nncrt::Connector::Pairs>();
        if (c.list) {
            pairs->sources = c.list->sources;
            pairs->targets = c.list->targets;
            pairs->weights = c.list->weights;
            pairs->delays_ms = c.list->delays_ms;
        }
        out.list = std::move(pairs);
        break;
    }
    }
    out.probability = c.probability;
    out.indegree = c.indegree;
    out.outdegree = c.outdegree;
    out.total = c.total;
    out.allow_autapses = c.allow_autapses;
    out.allow_multapses = c.allow_multapses;
    return out;
}

/// The runtime's view of a plastic projection's synapses: the kernels' state arrays (the
/// model's states, then what the lowering added), their initial values, the entry points.
nncrt::SynapseModelSpec synapse_model(const ir::Program& program, const ir::Projection& proj,
                                      const SynapseEventKernels& synapses,
                                      const passes::PlasticProjectionKernels& entry) {
    const ir::SynapseModel& model = program.synapses.at(size_t(proj.synapse));
    const kir::PopulationKernel& on_pre = synapses.kernels.at(entry.on_pre);
    nncrt::SynapseModelSpec spec;
    spec.state_names = on_pre.state_names;
    for (const auto& name : spec.state_names) {
        const int j = model.find_state(name);
        spec.initial.push_back(j >= 0 ? distribution(proj.synapse_initial.at(size_t(j)))
                                      : nncrt::Distribution::constant(0.0));
    }
    const auto delivered =
        std::find(spec.state_names.begin(), spec.state_names.end(), passes::synapse_delivered_name);
    if (delivered == spec.state_names.end())
        throw std::logic_error("synapse kernel without a delivered weight");
    spec.delivered_state = uint32_t(delivered - spec.state_names.begin());
    spec.on_pre = synapses.entries.at(entry.on_pre);
    spec.advance = synapses.entries.at(entry.advance);
    if (entry.on_post) spec.on_post = synapses.entries.at(*entry.on_post);
    return spec;
}

nncrt::Positions positions(const ir::Positions& p) {
    nncrt::Positions out;
    switch (p.kind) {
    case ir::Positions::Kind::None:
        out.kind = nncrt::Positions::Kind::None;
        break;
    case ir::Positions::Kind::Grid:
        out.kind = nncrt::Positions::Kind::Grid;
        break;
    case ir::Positions::Kind::RandomBox:
        out.kind = nncrt::Positions::Kind::RandomBox;
        break;
    case ir::Positions::Kind::CorticalDepth:
        out.kind = nncrt::Positions::Kind::CorticalDepth;
        break;
    }
    out.nx = p.nx;
    out.ny = p.ny;
    out.nz = p.nz;
    out.spacing_um = p.spacing_um;
    for (int i = 0; i < 3; ++i)
        out.size_um[i] = p.size_um[i];
    out.periodic = p.periodic;
    out.depth_from = p.depth_from;
    out.depth_to = p.depth_to;
    return out;
}

} // namespace

PlasticProjections plastic_projections(const passes::LoweredProgram& lowered) {
    PlasticProjections out;
    const ir::Network& net = lowered.program.network.value();
    for (const auto& entry : lowered.plastic) {
        const auto& proj = net.projections.at(entry.projection);
        const ir::SynapseModel& model = lowered.program.synapses.at(size_t(proj.synapse));
        std::vector<std::string> units;
        for (const auto& name : lowered.synapse_kernels.at(entry.on_pre).state_names) {
            const int j = model.find_state(name);
            if (j >= 0)
                units.push_back(model.states[size_t(j)].dim.unit_name());
            else if (name == passes::synapse_last_event_name)
                units.push_back("ms");
            else
                units.push_back(model.weight_dim.unit_name());
        }
        out.projections.push_back(nncrt::ProjectionId(entry.projection));
        out.state_units.push_back(std::move(units));
    }
    return out;
}

bool writes_csv(const std::string& spike_path) {
    return std::filesystem::path(spike_path).extension() == ".csv";
}

std::string synapse_file_path(const std::string& spike_path) {
    return state_report_path(spike_path, "synapses");
}

PairFunctionSet lower_pair_functions(const ir::Network& network, const std::string& prefix) {
    PairFunctionSet set;
    for (size_t i = 0; i < network.projections.size(); ++i) {
        const auto& pr = network.projections[i];
        const auto add = [&](const ir::ExprPtr& e, const char* what,
                             nncrt::PairFunction ProjectionFunctions::*member) {
            if (!e) return;
            set.functions.push_back(
                passes::lower_pair_function(*e, fmt::format("{}_{}_{}", prefix, i, what)));
            set.slots.push_back({i, member});
        };
        add(pr.connector.probability_of_pair, "probability", &ProjectionFunctions::probability);
        add(pr.weight_of_pair, "weight", &ProjectionFunctions::weight);
        add(pr.delay_of_pair, "delay", &ProjectionFunctions::delay_ms);
    }
    return set;
}

std::vector<ProjectionFunctions>
place_pair_functions(const ir::Network& network, const PairFunctionSet& set,
                     const std::vector<nncrt::PairFunction>& entries) {
    std::vector<ProjectionFunctions> out(network.projections.size());
    for (size_t k = 0; k < set.slots.size() && k < entries.size(); ++k)
        out.at(set.slots[k].projection).*set.slots[k].member = entries[k];
    return out;
}

int model_state(const ir::NeuronModel& model, const kir::PopulationKernel& kernel,
                size_t kernel_state) {
    return model.find_state(kernel.state_names.at(kernel_state));
}

std::unique_ptr<nncrt::Simulation>
make_simulation(const ir::Program& program, const std::vector<kir::PopulationKernel>& kernels,
                const std::vector<nncrt_update_fn>& updates, const SynapseEventKernels* synapses,
                const std::vector<ProjectionFunctions>& pair_functions,
                const nncrt::ParallelContext* parallel) {
    const ir::Network& net = program.network.value();
    auto sim = std::make_unique<nncrt::Simulation>(
        nncrt::SimulationConfig{net.simulation.dt_ms, net.simulation.seed, parallel});
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
        spec.positions = positions(pop.positions);
        // A model state's initial values are drawn from the stream of its index in the
        // model, whichever states the kernel dropped: the same values with and without
        // optimisation. Arrays the compiler added start at zero (no draws).
        const ir::NeuronModel& model = program.models.at(size_t(pop.model));
        std::vector<int> of_model(kernel.state_names.size());
        for (size_t j = 0; j < of_model.size(); ++j) {
            of_model[j] = model_state(model, kernel, j);
            spec.state_streams.push_back(
                uint32_t(of_model[j] >= 0 ? size_t(of_model[j]) : model.states.size() + j));
        }
        auto id = sim->add_population(std::move(spec));
        for (size_t j = 0; j < of_model.size(); ++j)
            if (of_model[j] >= 0)
                sim->set_initial_state(id, uint32_t(j),
                                       distribution(pop.initial.at(size_t(of_model[j]))));
    }
    std::vector<const passes::PlasticProjectionKernels*> plastic(net.projections.size(), nullptr);
    if (synapses)
        for (const auto& entry : synapses->plastic)
            plastic.at(entry.projection) = &entry;
    for (size_t i = 0; i < net.projections.size(); ++i) {
        const auto& proj = net.projections[i];
        nncrt::ProjectionSpec spec;
        spec.source = nncrt::PopulationId(proj.source);
        spec.target = nncrt::PopulationId(proj.target);
        spec.connector = connector(proj.connector);
        spec.weight = distribution(proj.weight);
        spec.delay_ms = distribution(proj.delay);
        spec.receptor = uint32_t(proj.receptor);
        spec.source_neurons = neurons(proj.source_neurons);
        spec.target_neurons = neurons(proj.target_neurons);
        if (proj.synapse >= 0) {
            if (!plastic[i])
                throw std::logic_error("plastic projection without synapse event kernels");
            spec.synapse_model = synapse_model(program, proj, *synapses, *plastic[i]);
        }
        if (proj.connector.probability_of_pair || proj.weight_of_pair || proj.delay_of_pair) {
            const ProjectionFunctions& f = pair_functions.at(i);
            spec.connector.probability_of_pair = f.probability;
            spec.weight_of_pair = f.weight;
            spec.delay_ms_of_pair = f.delay_ms;
        }
        sim->add_projection(spec);
    }
    for (const auto& stim : net.stimuli) {
        const auto target = nncrt::PopulationId(stim.target);
        const auto range = neurons(stim.target_neurons);
        switch (stim.kind) {
        case ir::Stimulus::Kind::Poisson:
            sim->add_poisson({target, stim.rate_hz, stim.weight, uint32_t(stim.receptor), range});
            break;
        case ir::Stimulus::Kind::DC:
            sim->add_dc(
                {target, uint32_t(stim.input), stim.amplitude, stim.start_ms, stim.stop_ms, range});
            break;
        case ir::Stimulus::Kind::SpikeTimes:
            sim->add_spike_times(
                {target, stim.times_ms, stim.weight, uint32_t(stim.receptor), range});
            break;
        case ir::Stimulus::Kind::StepCurrent:
            sim->add_step_current({target, uint32_t(stim.input), stim.times_ms, stim.values,
                                   stim.start_ms, stim.stop_ms, range});
            break;
        case ir::Stimulus::Kind::PoissonTable:
            sim->add_inhomogeneous_poisson({target, stim.times_ms, stim.values, stim.weight,
                                            uint32_t(stim.receptor), stim.start_ms, stim.stop_ms,
                                            range});
            break;
        case ir::Stimulus::Kind::NoiseCurrent:
            sim->add_noise_current({target, uint32_t(stim.input), stim.amplitude, stim.std_dev,
                                    stim.interval_ms, stim.start_ms, stim.stop_ms, range});
            break;
        }
    }
    for (const auto& rec : net.spike_recorders)
        sim->record_spikes(nncrt::PopulationId(rec.population), neurons(rec.neurons));
    return sim;
}

std::vector<RecordedVariable> record_states(const ir::Program& program,
                                            const std::vector<kir::PopulationKernel>& kernels,
                                            nncrt::Simulation& sim) {
    std::vector<RecordedVariable> variables;
    const ir::Network& net = program.network.value();
    for (const auto& rec : net.state_recorders) {
        const auto& pop = net.populations.at(size_t(rec.population));
        const auto& model = program.models.at(size_t(pop.model));
        const auto& kernel = kernels.at(size_t(rec.population));
        for (int j : rec.states) {
            const auto& state = model.states.at(size_t(j));
            const auto at =
                std::find(kernel.state_names.begin(), kernel.state_names.end(), state.name);
            if (at == kernel.state_names.end())
                throw std::logic_error("recorded state '" + state.name +
                                       "' is missing from the kernel");
            const auto id = sim.record_state(nncrt::PopulationId(rec.population),
                                             uint32_t(at - kernel.state_names.begin()), rec.first,
                                             rec.last - rec.first, rec.interval_steps);
            auto var = std::find_if(variables.begin(), variables.end(),
                                    [&](const auto& v) { return v.name == state.name; });
            if (var == variables.end()) var = variables.insert(variables.end(), {state.name, {}});
            var->entries.push_back({id, state.dim.unit_name()});
        }
    }
    return variables;
}

std::string state_report_path(const std::string& spike_path, const std::string& variable) {
    std::filesystem::path path(spike_path);
    const std::string extension = path.has_extension() ? path.extension().string() : ".h5";
    path.replace_filename(path.stem().string() + "." + variable + extension);
    return path.string();
}

} // namespace nnc::driver
