#include "ir/model.h"

namespace nnc::ir {

namespace {

template <typename T>
std::vector<std::string> names_of(const std::vector<T>& items) {
    std::vector<std::string> names;
    names.reserve(items.size());
    for (const auto& item : items)
        names.push_back(item.name);
    return names;
}

template <typename T>
int find_named(const std::vector<T>& items, const std::string& name) {
    for (size_t i = 0; i < items.size(); ++i)
        if (items[i].name == name) return int(i);
    return -1;
}

} // namespace

const char* solver_keyword(SolverKind kind) {
    switch (kind) {
    case SolverKind::Auto:
        return "auto";
    case SolverKind::ExactLinear:
        return "exact";
    case SolverKind::ExponentialEuler:
        return "exponential_euler";
    case SolverKind::ForwardEuler:
        return "euler";
    case SolverKind::RungeKutta4:
        return "rk4";
    case SolverKind::RungeKuttaFehlberg45:
        return "rkf45";
    }
    return "?";
}

std::vector<std::string> NeuronModel::parameter_names() const {
    return names_of(parameters);
}
std::vector<std::string> NeuronModel::state_names() const {
    return names_of(states);
}
std::vector<std::string> NeuronModel::input_names() const {
    return names_of(inputs);
}

int NeuronModel::find_parameter(const std::string& n) const {
    return find_named(parameters, n);
}
int NeuronModel::find_state(const std::string& n) const {
    return find_named(states, n);
}
int NeuronModel::find_input(const std::string& n) const {
    return find_named(inputs, n);
}
int NeuronModel::find_receptor(const std::string& n) const {
    return find_named(receptors, n);
}
std::string NeuronModel::channel_of(const std::string& n) const {
    for (const auto& c : channels)
        for (const auto* names : {&c.parameters, &c.states})
            for (const auto& own : *names)
                if (own == n) return c.channel;
    return {};
}

std::vector<std::string> SynapseModel::parameter_names() const {
    return names_of(parameters);
}
std::vector<std::string> SynapseModel::state_names() const {
    return names_of(states);
}
int SynapseModel::find_parameter(const std::string& n) const {
    return find_named(parameters, n);
}
int SynapseModel::find_state(const std::string& n) const {
    return find_named(states, n);
}

int Network::find_population(const std::string& n) const {
    return find_named(populations, n);
}

} // namespace nnc::ir
