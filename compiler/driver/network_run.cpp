#include "network_run.h"

#include "exit_codes.h"
#include "run_report.h"
#include "terminal.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <unistd.h>

namespace nnc::driver {

namespace {

/// Places a runaway state at the equation that drives it (or at its declaration), with the
/// population it happened in.
void report_non_finite_state(DiagnosticEngine& diags, const passes::LoweredProgram& lowered,
                             const nncrt::NonFiniteState& fault) {
    const ir::Program& program = lowered.program;
    const ir::Population& population = program.network->populations.at(fault.population);
    const ir::NeuronModel& model = program.models.at(size_t(population.model));
    const std::string message =
        fmt::format("the simulation stopped at t = {:g} ms: {}", fault.to_ms, fault.what());
    const std::string hint = "check the model's parameters and initial values; a nonlinear "
                             "equation may also need a smaller dt";
    // An array the compiler added (the refractory counter) belongs to the model as a whole.
    SourceRange at = model.range;
    const int state = model_state(model, lowered.kernels.at(fault.population), fault.state_index);
    if (state >= 0) {
        at = model.states[size_t(state)].range;
        for (const ir::Ode& ode : model.odes)
            if (ode.state == state) at = ode.range;
    }
    diags.error(at, message, hint);
    diags.note(population.range,
               fmt::format("in population '{}' of model '{}'", population.name, model.name));
}

/// Why `path` cannot be written, or empty if it can: checked before a run, so that a long
/// simulation does not end in an unwritable path.
std::string output_problem(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path file(path);
    if (fs::is_directory(file, ec)) return "it is a directory";
    if (fs::exists(file, ec)) return access(path.c_str(), W_OK) == 0 ? "" : "it is not writable";
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec))
        return fmt::format("the directory '{}' does not exist", dir.string());
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        return fmt::format("the directory '{}' is not writable", dir.string());
    return {};
}

/// The names of the recorded state variables, each once, in order of first mention.
std::vector<std::string> recorded_variable_names(const ir::Network& network,
                                                 const std::vector<ir::NeuronModel>& models) {
    std::vector<std::string> names;
    for (const auto& rec : network.state_recorders)
        for (int j : rec.states) {
            const auto& model =
                models.at(size_t(network.populations.at(size_t(rec.population)).model));
            const std::string& name = model.states.at(size_t(j)).name;
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        }
    return names;
}

/// Recorded samples stay in memory until the end of the run (8 bytes each). A run whose
/// samples will not fit is refused before it starts, at the `record` that asks for the most,
/// rather than failing when the memory runs out.
bool recordings_fit_in_memory(const ir::Network& network, DiagnosticEngine& diags) {
    // Warm-up samples are discarded when it ends, so at most the longer part is held.
    const double steps =
        std::round(std::max(network.simulation.duration_ms, network.simulation.warmup_ms) /
                   network.simulation.dt_ms);
    double total = 0.0, largest = 0.0, largest_samples = 0.0;
    const ir::StateRecorder* worst = nullptr;
    for (const auto& rec : network.state_recorders) {
        const double samples = std::floor(steps / double(rec.interval_steps));
        const double bytes =
            8.0 * samples * double(rec.last - rec.first) * double(rec.states.size());
        total += bytes;
        if (bytes > largest) {
            largest = bytes;
            largest_samples = samples;
            worst = &rec;
        }
    }
    const uint64_t available = nncrt::available_memory();
    if (!worst || available == 0 || total <= 0.9 * double(available)) return true;
    diags.error(worst->range,
                fmt::format("the recorded states need about {:.1f} GiB of memory (here {} "
                            "neurons, {:.0f} samples each); {:.1f} GiB are available",
                            total / 0x1p30, worst->last - worst->first, largest_samples,
                            double(available) / 0x1p30),
                "record a slice of the population (`P[0:100]`), sample less often (`every 1 ms`) "
                "or simulate for less time");
    return false;
}

} // namespace

int run_network(const RunOptions& options, const KernelProvider& kernels) {
    CompileSession session(std::cerr, use_colour(stderr));
    auto lowered = session.lower(options.compile);
    if (!lowered) return exit_model_error;
    auto& program = lowered->program;
    if (!program.network) {
        session.diagnostics().error(options.compile.file + " has no network to run",
                                    "add a `network NAME { ... }` block, or use `nnc check` to "
                                    "check models alone");
        return exit_model_error;
    }
    // Every file the run will write is checked before it starts: the spike file and, beside
    // it, one report per recorded variable.
    std::vector<std::string> outputs;
    if (!options.output.empty()) {
        outputs.push_back(options.output);
        for (const auto& name : recorded_variable_names(*program.network, program.models))
            outputs.push_back(state_report_path(options.output, name));
        if (!lowered->plastic.empty()) outputs.push_back(synapse_file_path(options.output));
    }
    for (const auto& path : outputs) {
        if (auto problem = output_problem(path); !problem.empty()) {
            session.diagnostics().error(
                fmt::format("cannot write the output file '{}': {}", path, problem),
                "choose another path with -o");
            return exit_runtime_error;
        }
    }
    auto& settings = program.network->simulation;
    if (options.seed >= 0) settings.seed = uint64_t(options.seed);

    auto& timer = session.timer();
    auto& diags = session.diagnostics();
    const auto entries = kernels(*lowered, session);
    if (!entries) return exit_model_error;
    const SynapseEventKernels synapse_events{lowered->synapse_kernels, entries->synapse_events,
                                             lowered->plastic};
    // Under mpirun every process gets the same kernels (the JIT is deterministic) and runs
    // its share of the network.
    auto sim = make_simulation(program, lowered->kernels, entries->updates, &synapse_events,
                               entries->pair_functions, options.parallel);
    const auto variables = record_states(program, lowered->kernels, *sim);
    try {
        timer.time("build", [&] { sim->build(); });
    } catch (const nncrt::Error& e) {
        diags.error(program.network->range, std::string("cannot build the network: ") + e.what());
        return exit_runtime_error;
    }

    if (!recordings_fit_in_memory(*program.network, diags)) return exit_runtime_error;

    // A fault during the run still leaves what was recorded until then in the output.
    std::function<void()> report_fault;
    const bool root = !options.parallel || options.parallel->is_root();
    ProgressLine progress(options.quiet || !root ? nullptr : stderr, settings.end_ms());
    try {
        timer.time("simulate", [&] {
            const auto show = [&](double t, double) { progress.update(t, settings.end_ms()); };
            if (settings.warmup_ms > 0) {
                sim->run(settings.warmup_ms, show);
                sim->discard_recordings();
            }
            sim->run(settings.duration_ms, show);
        });
    } catch (const nncrt::NonFiniteState& e) {
        report_fault = [&, fault = e] { report_non_finite_state(diags, *lowered, fault); };
    } catch (const nncrt::Error& e) {
        report_fault = [&, message = std::string(e.what())] {
            diags.error(
                fmt::format("the simulation stopped at t = {:g} ms: {}", sim->time_ms(), message));
        };
    }
    progress.finish();

    if (!options.output.empty()) {
        try {
            timer.time("write", [&] {
                const bool csv = writes_csv(options.output);
                if (csv)
                    sim->write_spikes_csv(options.output);
                else
                    sim->write_spikes_hdf5(options.output);
                for (const auto& var : variables) {
                    const auto path = state_report_path(options.output, var.name);
                    if (csv)
                        sim->write_state_report_csv(path, var.name, var.entries);
                    else
                        sim->write_state_report_hdf5(path, var.entries);
                }
                if (!lowered->plastic.empty()) {
                    const auto plastic = plastic_projections(*lowered);
                    const auto path = synapse_file_path(options.output);
                    if (csv)
                        sim->write_synapses_csv(path, plastic.projections, plastic.state_units);
                    else
                        sim->write_synapses_hdf5(path, plastic.projections, plastic.state_units);
                }
            });
        } catch (const nncrt::Error& e) {
            diags.error(e.what(), "check that the directory exists and is writable");
            return exit_runtime_error;
        }
    }
    if (report_fault) {
        report_fault();
        if (!options.output.empty())
            diags.note({}, fmt::format("what was recorded until the fault is in {}",
                                       fmt::join(outputs, ", ")));
        return exit_runtime_error;
    }

    // Every process takes part in the global figures of the summary (connection_stats).
    const auto connections = sim->connection_stats();
    if (!options.quiet && root)
        print_run_summary(std::cout,
                          options.report_file.empty() ? options.compile.file : options.report_file,
                          *program.network, *sim, connections, timer, options.output, variables);
    return exit_ok;
}

void add_run_options(CLI::App& command, RunOptions& run) {
    command.add_option("-o,--output", run.output,
                       "write recorded spikes to this HDF5 file (SONATA spike layout), and each "
                       "recorded state variable beside it (OUT.h5 -> OUT.V_m.h5); a name "
                       "ending in .csv writes CSV instead");
    command.add_option("--duration", run.compile.duration,
                       "model time to simulate, overriding the model's `duration`: a time such "
                       "as '2 s' or '500 ms'; a bare number is in ms");
    command.add_option("--seed", run.seed, "random seed (overrides the model's `seed`)")
        ->check(CLI::Validator(
            [](std::string& text) {
                return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos
                           ? std::string{}
                           : "a seed is a whole number >= 0, not '" + text + "'";
            },
            ""));
    command.add_flag("-q,--quiet", run.quiet, "print nothing but errors");
}

void print_on_root_only(const nncrt::ParallelContext& parallel) {
    if (parallel.is_root()) return;
    std::cout.setstate(std::ios::badbit);
    std::cerr.setstate(std::ios::badbit);
}

std::string shell_word(const std::string& word) {
    if (!word.empty() &&
        word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789_-+=/.,:@%") == std::string::npos)
        return word;
    std::string out = "'";
    for (char c : word)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

int exit_code_of(const std::function<int()>& command, const std::string& prefix) {
    try {
        return command();
    } catch (const nncrt::Error& e) {
        std::cerr << prefix << "error: " << e.what() << '\n';
        return exit_runtime_error;
    } catch (const std::bad_alloc&) {
        std::cerr << prefix << "error: out of memory\n";
        return exit_runtime_error;
    } catch (const std::exception& e) {
        std::cerr << prefix << "internal error: " << e.what()
                  << "\nThis is a bug in nnc; please report it with the model that caused it.\n";
        return exit_internal_error;
    }
}

} // namespace nnc::driver
