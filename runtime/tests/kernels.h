// Population kernels written by hand against the C ABI (abi.h), standing in for what the
// compiler generates, so that the runtime can be tested on its own.
#pragma once

#include "nncrt/abi.h"
#include "nncrt/simulation.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nncrt_test {

/// Leaky integrate-and-fire with delta synapses. state[0] = V; input[0] = I (added per step);
/// receptor[0] = excitatory jumps. V <- 0.9 V + I + jump; V >= 1 fires and resets to 0.
inline void lif_kernel(const nncrt_kernel_args* a) {
    double* v = a->state[0];
    const double* input = a->input[0];
    const double* jump = a->receptor[0];
    uint64_t n_spiked = 0;
    for (uint64_t i = 0; i < a->n; ++i) {
        v[i] = 0.9 * v[i] + input[i] + jump[i];
        if (v[i] >= 1.0) {
            v[i] = 0.0;
            a->spiked[n_spiked++] = uint32_t(i);
        }
    }
    *a->n_spiked = n_spiked;
}

inline nncrt::PopulationSpec lif_population(const char* name, uint64_t n) {
    nncrt::PopulationSpec spec;
    spec.name = name;
    spec.size = n;
    spec.state_names = {"V"};
    spec.input_names = {"I"};
    spec.receptor_names = {"exc"};
    spec.update = lif_kernel;
    return spec;
}

/// Fires neuron i in the step whose index equals state[1][i] (-1: never). state[0] counts the
/// kernel's calls (the step index when started at 0).
inline void fire_at_kernel(const nncrt_kernel_args* a) {
    double* step = a->state[0];
    const double* fire_at = a->state[1];
    uint64_t n_spiked = 0;
    for (uint64_t i = 0; i < a->n; ++i) {
        if (fire_at[i] == step[i]) a->spiked[n_spiked++] = uint32_t(i);
        step[i] += 1.0;
    }
    *a->n_spiked = n_spiked;
}

inline nncrt::PopulationSpec fire_at_population(const char* name, uint64_t n) {
    nncrt::PopulationSpec spec;
    spec.name = name;
    spec.size = n;
    spec.state_names = {"step", "fire_at"};
    spec.update = fire_at_kernel;
    return spec;
}

/// Notes what arrives at receptor 0: state[0] counts calls, state[1] = first step with input
/// (-1 until then), state[2] = the input seen then, state[3] = sum of all input, state[4] =
/// number of steps with input. Never fires.
inline void arrival_kernel(const nncrt_kernel_args* a) {
    double* step = a->state[0];
    double* first = a->state[1];
    double* first_value = a->state[2];
    double* total = a->state[3];
    double* steps_with_input = a->state[4];
    const double* in = a->receptor[0];
    for (uint64_t i = 0; i < a->n; ++i) {
        if (in[i] != 0.0) {
            if (first[i] < 0.0) {
                first[i] = step[i];
                first_value[i] = in[i];
            }
            steps_with_input[i] += 1.0;
        }
        total[i] += in[i];
        step[i] += 1.0;
    }
    *a->n_spiked = 0;
}

inline nncrt::PopulationSpec arrival_population(const char* name, uint64_t n,
                                                uint32_t receptors = 1) {
    nncrt::PopulationSpec spec;
    spec.name = name;
    spec.size = n;
    spec.state_names = {"step", "first", "first_value", "total", "steps_with_input"};
    for (uint32_t r = 0; r < receptors; ++r)
        spec.receptor_names.push_back("r" + std::to_string(r));
    spec.update = arrival_kernel;
    return spec;
}

/// Logs input[0][0] and input[1][0] of every call into a global, for checking DC timing.
inline std::vector<std::vector<double>>& input_log() {
    static std::vector<std::vector<double>> log;
    return log;
}

inline void input_log_kernel(const nncrt_kernel_args* a) {
    std::vector<double> row;
    for (int k = 0; k < 2; ++k) {
        // Every neuron must see the same value.
        for (uint64_t i = 1; i < a->n; ++i)
            if (a->input[k][i] != a->input[k][0]) row.push_back(-12345.0);
        row.push_back(a->input[k][0]);
    }
    input_log().push_back(row);
    *a->n_spiked = 0;
}

/// Logs receptor[0][i] of every neuron in every call into a global: log[step][i].
inline std::vector<std::vector<double>>& receptor_log() {
    static std::vector<std::vector<double>> log;
    return log;
}

inline void receptor_log_kernel(const nncrt_kernel_args* a) {
    receptor_log().emplace_back(a->receptor[0], a->receptor[0] + a->n);
    *a->n_spiked = 0;
}

inline nncrt::PopulationSpec receptor_log_population(const char* name, uint64_t n) {
    nncrt::PopulationSpec spec;
    spec.name = name;
    spec.size = n;
    spec.receptor_names = {"in"};
    spec.update = receptor_log_kernel;
    return spec;
}

} // namespace nncrt_test
