// The synapses of a plastic projection beyond what a static one has (targets, delays: the
// ConnectionTable): one state array per synapse variable, the index of each target's
// synapses, and the postsynaptic spikes on their way to the synapses (the dendritic delay).
//
// Synapse state is event-driven: a generated event kernel advances a synapse from its
// previous event to the current one, so nothing is done for a synapse between spikes. A
// presynaptic spike runs `on pre` on the source's row of the table and sends each synapse's
// delivered weight through the ring buffer with the synapse's delay; a postsynaptic spike
// of target t in step k is due at each synapse s of t in step k + delay(s), when `on post`
// runs on it. Synapses are numbered by their position in the table.
#pragma once

#include "connection_table.h"
#include "counter_rng.h"
#include "nncrt/simulation.h"
#include "ring_buffer.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace nncrt {

class PlasticSynapses {
public:
    PlasticSynapses() = default;

    /// State arrays for the table's synapses, initial values drawn per synapse (keyed by
    /// the synapse's target, as a population index (targets.global of the table's), and its
    /// number among the target's synapses, as weights are),
    /// and, when the model has `on post`, the index of each target's synapses.
    /// `by_target`: the lists the table was built from; key_of(j): the stream of state j's
    /// draws; draw: a value of a distribution.
    using InitialKey = std::function<RngKey(uint32_t state)>;
    using DrawFn = double (*)(const Distribution&, CounterRng&);
    PlasticSynapses(const SynapseModelSpec& spec, const ConnectionTable& table,
                    const TargetLists& by_target, const LocalNeurons& targets,
                    const InitialKey& key_of, DrawFn draw);

    /// Runs `on pre` for the synapses of every source in spikes[0 .. n) at time t_ms and adds
    /// what they deliver to the ring buffer, `delay` steps after `step`.
    void presynaptic(const ConnectionTable& table, RingBuffer& ring, uint64_t step, double t_ms,
                     const uint32_t* spikes, uint64_t n);

    /// Schedules the spikes of targets spikes[0 .. n) in step `step` for the synapses they
    /// reach, each after its delay. No-op without `on post`.
    void postsynaptic(const ConnectionTable& table, uint64_t step, const uint32_t* spikes,
                      uint64_t n);

    /// Runs `on post` at time t_ms for the synapses whose postsynaptic spikes are due in
    /// step `step`.
    void arrive(uint64_t step, double t_ms);

    /// Advances every synapse to t_ms with the model's `advance` kernel, if it has one, so
    /// that the state can be read as of t_ms; the state as it was is kept aside for resume().
    void advance_all(double t_ms);
    /// Puts back the state as advance_all found it. A run continued after advance_all then
    /// computes with the same numbers as one that never stopped: advancing a trace in two
    /// pieces is not bit for bit advancing it in one.
    void resume();

    /// Takes the state and the postsynaptic spikes in flight of `other`, the same synapses
    /// in another simulation (an interactive session's network rebuilt as it grew).
    void take_state_of(const PlasticSynapses& other);

    bool has_post() const { return spec_.on_post != nullptr; }
    const SynapseModelSpec& spec() const { return spec_; }
    const std::vector<double>& state(uint32_t j) const { return state_[j]; }
    /// Bytes held per synapse and in all.
    uint64_t bytes() const;

private:
    void run(nncrt_synapse_event_fn fn, const std::vector<uint64_t>& synapses, double t_ms);

    SynapseModelSpec spec_;
    std::vector<std::vector<double>> state_;
    std::vector<std::vector<double>> unadvanced_; ///< state_ before advance_all, until resume()
    std::vector<double*> state_ptrs_;
    // Synapses of target t: by_target_[target_offsets_[t] .. target_offsets_[t + 1]).
    std::vector<uint64_t> target_offsets_;
    std::vector<uint64_t> by_target_;
    // Postsynaptic spikes in flight: slot (k mod L) lists the synapses due in step k.
    std::vector<std::vector<uint64_t>> due_;
    std::vector<uint64_t> batch_; ///< synapses of the current event
};

} // namespace nncrt
