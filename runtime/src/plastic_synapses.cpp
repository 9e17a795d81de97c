#include "plastic_synapses.h"

#include <algorithm>
#include <fmt/format.h>

namespace nncrt {

PlasticSynapses::PlasticSynapses(const SynapseModelSpec& spec, const ConnectionTable& table,
                                 const TargetLists& by_target, const LocalNeurons& targets,
                                 const InitialKey& key_of, DrawFn draw)
    : spec_(spec) {
    const uint64_t n_syn = table.synapse_count();
    const uint64_t n_tgt = by_target.target_count();
    // The table holds each target's synapses in the order of its list, row by row: the
    // same counting sort as ConnectionTable::build gives each listed synapse its position.
    std::vector<uint64_t> cursor(table.offsets().begin(), table.offsets().end() - 1);
    std::vector<uint64_t> position(n_syn);
    for (uint64_t m = 0; m < n_syn; ++m)
        position[m] = cursor[by_target.sources[m]]++;

    state_.assign(spec.state_names.size(), std::vector<double>(n_syn, 0.0));
    for (uint32_t j = 0; j < state_.size(); ++j) {
        const Distribution& d = spec.initial[j];
        std::vector<double>& values = state_[j];
        if (d.is_constant()) {
            std::fill(values.begin(), values.end(), d.a);
            continue;
        }
        const RngKey key = key_of(j);
        for (uint64_t t = 0; t < n_tgt; ++t)
            for (uint64_t m = by_target.offsets[t]; m < by_target.offsets[t + 1]; ++m) {
                CounterRng rng(key, targets.global(t), m - by_target.offsets[t]);
                values[position[m]] = draw(d, rng);
            }
    }
    for (auto& s : state_)
        state_ptrs_.push_back(s.data());
    if (spec.on_post) {
        target_offsets_ = by_target.offsets;
        by_target_ = std::move(position);
        due_.resize(size_t(table.max_delay()) + 1);
    }
}

void PlasticSynapses::run(nncrt_synapse_event_fn fn, const std::vector<uint64_t>& synapses,
                          double t_ms) {
    if (synapses.empty()) return;
    const nncrt_synapse_event_args args{synapses.size(), synapses.data(), state_ptrs_.data(), t_ms};
    fn(&args);
}

void PlasticSynapses::presynaptic(const ConnectionTable& table, RingBuffer& ring, uint64_t step,
                                  double t_ms, const uint32_t* spikes, uint64_t n) {
    batch_.clear();
    for (uint64_t i = 0; i < n; ++i)
        for (uint64_t s = table.row_begin(spikes[i]); s < table.row_end(spikes[i]); ++s)
            batch_.push_back(s);
    run(spec_.on_pre, batch_, t_ms);
    const double* delivered = state_[spec_.delivered_state].data();
    const uint64_t* slot_at = ring.slot_offsets(ring.slot_of(step));
    double* data = ring.data();
    for (uint64_t s : batch_)
        data[slot_at[table.delay(s)] + table.target(s)] += delivered[s];
}

void PlasticSynapses::postsynaptic(const ConnectionTable& table, uint64_t step,
                                   const uint32_t* spikes, uint64_t n) {
    if (!spec_.on_post) return;
    const uint64_t slots = due_.size();
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t t = spikes[i];
        for (uint64_t m = target_offsets_[t]; m < target_offsets_[t + 1]; ++m) {
            const uint64_t s = by_target_[m];
            due_[(step + table.delay(s)) % slots].push_back(s);
        }
    }
}

void PlasticSynapses::arrive(uint64_t step, double t_ms) {
    if (!spec_.on_post) return;
    std::vector<uint64_t>& due = due_[step % due_.size()];
    run(spec_.on_post, due, t_ms);
    due.clear();
}

void PlasticSynapses::advance_all(double t_ms) {
    if (!spec_.advance || state_.empty() || state_[0].empty()) return;
    unadvanced_ = state_;
    batch_.resize(state_[0].size());
    for (uint64_t s = 0; s < batch_.size(); ++s)
        batch_[s] = s;
    run(spec_.advance, batch_, t_ms);
}

void PlasticSynapses::take_state_of(const PlasticSynapses& other) {
    for (size_t j = 0; j < state_.size() && j < other.state_.size(); ++j)
        std::copy(other.state_[j].begin(), other.state_[j].end(), state_[j].begin());
    unadvanced_ = other.unadvanced_;
    due_ = other.due_;
}

void PlasticSynapses::resume() {
    // Copied back into the arrays the state pointers refer to.
    for (size_t j = 0; j < unadvanced_.size(); ++j)
        std::copy(unadvanced_[j].begin(), unadvanced_[j].end(), state_[j].begin());
    unadvanced_.clear();
}

uint64_t PlasticSynapses::bytes() const {
    uint64_t b = 0;
    for (const auto& s : state_)
        b += s.size() * sizeof(double);
    b += (target_offsets_.size() + by_target_.size()) * sizeof(uint64_t);
    for (const auto& d : due_)
        b += d.capacity() * sizeof(uint64_t);
    return b;
}

} // namespace nncrt
