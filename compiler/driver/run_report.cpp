#include "run_report.h"

#include "terminal.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace nnc::driver {

ProgressLine::ProgressLine(FILE* stream, double)
    : stream_(stream && is_terminal(stream) ? stream : nullptr),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void ProgressLine::update(double t_ms, double end_ms) {
    if (!stream_) return;
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - start_).count();
    if (elapsed < 1.0 || std::chrono::duration<double>(now - last_).count() < 0.2) return;
    last_ = now;
    shown_ = true;
    double rtf = t_ms > 0 ? elapsed / (t_ms * 1e-3) : 0.0;
    std::fputs(fmt::format("\r  simulating {:.1f} / {:.1f} ms ({:3.0f}%)  elapsed {:.1f} s  "
                           "real-time factor {:.2f}  ",
                           t_ms, end_ms, end_ms > 0 ? 100.0 * t_ms / end_ms : 100.0, elapsed, rtf)
                   .c_str(),
               stream_);
    std::fflush(stream_);
}

void ProgressLine::finish() {
    if (stream_ && shown_) {
        std::fputs("\r\033[K", stream_);
        std::fflush(stream_);
    }
}

namespace {

std::string seconds(double s) {
    if (s < 1e-3) return fmt::format("{:.0f} µs", s * 1e6);
    if (s < 1.0) return fmt::format("{:.1f} ms", s * 1e3);
    return fmt::format("{:.2f} s", s);
}

std::string thousands(uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

} // namespace

void print_run_summary(std::ostream& out, const std::string& file, const ir::Network& network,
                       const nncrt::Simulation& sim, const nncrt::ConnectionStats& connections,
                       const PhaseTimer& timer, const std::string& output,
                       const std::vector<RecordedVariable>& variables) {
    // Rates are over what was recorded: the run after its warm-up.
    const double warmup_ms = std::min(network.simulation.warmup_ms, sim.time_ms());
    const double t_s = (sim.time_ms() - warmup_ms) * 1e-3;
    const std::string processes =
        sim.process_count() > 1 ? fmt::format(", {} processes", sim.process_count()) : "";
    out << fmt::format(
        "nnc run {}: network '{}', {:g} ms of model time (dt = {:g} ms, seed {}{})\n", file,
        network.name, sim.time_ms() - warmup_ms, sim.dt_ms(), network.simulation.seed, processes);
    if (warmup_ms > 0)
        out << fmt::format("  after a warm-up of {:g} ms, not counted or recorded\n", warmup_ms);
    size_t width = 10;
    for (const auto& pop : network.populations)
        width = std::max(width, pop.name.size());
    out << fmt::format("  {:<{}} {:>10} {:>12} {:>12}\n", "population", width, "neurons", "spikes",
                       "rate (Hz)");
    for (size_t p = 0; p < network.populations.size(); ++p) {
        const auto& pop = network.populations[p];
        uint64_t spikes = sim.spike_count(nncrt::PopulationId(p));
        double rate = pop.size && t_s > 0 ? double(spikes) / (double(pop.size) * t_s) : 0.0;
        out << fmt::format("  {:<{}} {:>10} {:>12} {:>12.3f}\n", pop.name, width,
                           thousands(pop.size), thousands(spikes), rate);
    }
    const auto& stats = connections;
    out << fmt::format("  synapses: {} ({:.2f} bytes per synapse, {:.1f} MiB)\n",
                       thousands(stats.synapses), stats.bytes_per_synapse(),
                       double(stats.bytes) / (1024.0 * 1024.0));
    const uint64_t plastic = stats.plastic_synapses;
    size_t plastic_projections = 0;
    for (nncrt::ProjectionId i = 0; i < sim.projection_count(); ++i)
        if (sim.projection_is_plastic(i)) ++plastic_projections;
    std::string phases;
    for (const auto& [name, s] : timer.phases())
        phases += fmt::format("{}{} {}", phases.empty() ? "" : ", ", name, seconds(s));
    out << "  time: " << phases << '\n';
    double sim_s = timer.seconds("simulate");
    if (sim.time_ms() > 0)
        out << fmt::format("  real-time factor: {:.3f} (wall time / model time)\n",
                           sim_s / (sim.time_ms() * 1e-3));
    const bool csv = writes_csv(output);
    if (!output.empty())
        out << "  spikes written to " << output << (csv ? " (CSV)\n" : " (SONATA HDF5)\n");
    if (plastic_projections > 0)
        out << fmt::format("  plastic synapses: {} in {} projection{}{}\n", thousands(plastic),
                           plastic_projections, plastic_projections == 1 ? "" : "s",
                           output.empty() ? ", not written (no -o)"
                                          : ", written to " + synapse_file_path(output) +
                                                (csv ? " (CSV)" : " (SONATA edges)"));
    for (const auto& var : variables) {
        out << fmt::format("  {} recorded in", var.name);
        for (const auto& e : var.entries) {
            const auto& r = sim.recorded_state(e.recorder);
            out << fmt::format(" {} ({} sample{} of {} neuron{} every {:g} ms)",
                               sim.population_spec(r.population).name, thousands(r.sample_count()),
                               r.sample_count() == 1 ? "" : "s", thousands(r.count),
                               r.count == 1 ? "" : "s", double(r.interval_steps) * sim.dt_ms());
        }
        if (output.empty())
            out << ", not written (no -o)\n";
        else
            out << ", written to " << state_report_path(output, var.name)
                << (csv ? " (CSV)\n" : " (SONATA report)\n");
    }
}

} // namespace nnc::driver
