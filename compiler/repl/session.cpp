#include "session.h"

#include "compile_session.h"
#include "frontend/parser.h"
#include "ir/model_printer.h"
#include "sema/sema.h"
#include "text_raster.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>

namespace nnc::repl {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string trim(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const size_t last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

/// The first word of `s` and the rest, trimmed.
std::pair<std::string, std::string> split_word(const std::string& s) {
    const std::string t = trim(s);
    const size_t space = t.find_first_of(" \t");
    if (space == std::string::npos) return {t, {}};
    return {t.substr(0, space), trim(t.substr(space))};
}

const std::vector<std::string>& command_names() {
    static const std::vector<std::string> names = {":help", ":load",  ":run",   ":reset",
                                                   ":set",  ":print", ":rates", ":raster",
                                                   ":save", ":ir",    ":time",  ":quit"};
    return names;
}

const char* help_text() {
    return "Type declarations (neuron, synapse, import) and network statements (population,\n"
           "project, stimulate, record, let, simulate, for): they are checked at once and\n"
           "belong to the session's network. Commands:\n"
           "  :load FILE                     the file's models, and its network's statements\n"
           "  :run DURATION                  run on from the current time (200 ms, 1 s)\n"
           "  :reset                         back to t = 0 (the session's changes are kept)\n"
           "  :set POP.PARAM = VALUE         change a parameter; its kernel is recompiled\n"
           "  :set SRC -> TGT.weight *= F    scale the weights of the projections SRC -> TGT\n"
           "  :print POP.NAME[first:last]    a state variable's values, or a parameter\n"
           "  :rates                         firing rate of each population since t = 0\n"
           "  :raster [POP]                  the spikes as text\n"
           "  :save FILE                     the spikes (and recorded states) to HDF5 or CSV\n"
           "  :ir [MODEL] [--after PASS]     the IR of the session, or of one model's kernels\n"
           "  :time                          the time of each phase of the last command\n"
           "  :quit                          leave (as does end of input)\n";
}

/// A duration as `:run` takes it: NUMBER [ms | s | us]; a bare number is in ms.
std::optional<double> parse_duration_ms(const std::string& text) {
    static const std::regex pattern(
        R"(^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ms|s|us)?\s*$)");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) return std::nullopt;
    const double value = std::stod(m[1]);
    const std::string unit = m[2];
    if (unit == "s") return value * 1000.0;
    if (unit == "us") return value / 1000.0;
    return value;
}

} // namespace

struct Session::Impl {
    std::ostream& out;
    SessionOptions options;
    SourceManager sources;
    DiagnosticEngine diags;
    std::vector<std::string> search_path;
    FileId root;

    // What the session is: files loaded (by :load or an import), in dependency order, each
    // once; then the typed entries; and the parameter values set with :set.
    std::vector<FileId> loaded_files;
    std::set<std::string> loaded_keys;
    std::vector<FileId> entries;
    std::map<std::pair<std::string, std::string>, FileId> parameter_sets;
    unsigned entry_count = 0;

    std::optional<passes::LoweredProgram> lowered; ///< the session as it stands
    size_t network_items = 0;                      ///< statements in the session's network

    // Compiled code: one JIT for the whole session, so that entry points stay valid.
    llvmjit::KernelJit jit;
    llvmjit::ScalarFunctionJit pair_jit;
    unsigned generation = 0;
    bool compiled_valid = false;
    std::vector<kir::PopulationKernel> kernels;         ///< as compiled (renamed)
    std::vector<kir::PopulationKernel> synapse_kernels; ///< as compiled (renamed)
    llvmjit::CompiledKernels compiled;
    /// Every kernel compiled in this session, by its IR (kir::to_string), with its entry point.
    std::map<std::string, std::pair<kir::PopulationKernel, nncrt_update_fn>> kernel_cache;
    std::map<std::string, std::pair<kir::PopulationKernel, nncrt_synapse_event_fn>> event_cache;
    size_t kernels_compiled_last = 0; ///< by the last compile_all
    std::vector<driver::ProjectionFunctions> pair_functions;

    std::unique_ptr<nncrt::Simulation> sim;
    std::vector<driver::RecordedVariable> variables;
    /// By (source, target) population: what `:set SRC -> TGT.weight *= F` multiplied the
    /// weights by, so far; applied again whenever the network is built.
    std::map<std::pair<std::string, std::string>, double> weight_factors;
    driver::PhaseTimer timer;      ///< of the command being run
    driver::PhaseTimer last_timer; ///< of the last command that did work

    Impl(std::ostream& o, std::ostream& d, SessionOptions opts)
        : out(o), options(std::move(opts)), diags(sources, d, options.colour),
          search_path(driver::CompileSession::search_path(options.include_dirs)),
          root(sources.add("<repl>", "")) {}

    // ---- the session's program --------------------------------------------------------

    /// The session's files, re-parsed (their text is kept; parsing is cheap), with `extra`
    /// entries after the typed ones and `sets` as the population overrides. Reports errors
    /// and returns nullopt if there were any.
    std::optional<passes::LoweredProgram>
    analyse(const std::vector<FileId>& files, const std::vector<FileId>& typed,
            const std::map<std::pair<std::string, std::string>, FileId>& sets,
            size_t* item_count = nullptr, const passes::PassObserver& observer = {}) {
        const unsigned errors = diags.error_count();
        LoadedProgram program;
        ast::Network network;
        network.name = "repl";
        network.range = {{root, 1, 1}, {root, 1, 1}};
        const auto take_networks = [&](ast::File& file) {
            for (auto& net : file.networks) {
                network.name = net.name;
                for (auto& item : net.items)
                    network.items.push_back(std::move(item));
            }
            file.networks.clear();
        };
        for (FileId id : files) {
            auto file = timer.time("parse", [&] { return parse_file(id, sources, diags); });
            if (!file) return std::nullopt;
            take_networks(*file);
            program.files.push_back(std::move(*file));
        }
        for (FileId id : typed) {
            auto input =
                timer.time("parse", [&] { return parse_session_input(id, sources, diags); });
            if (!input) return std::nullopt;
            // A model typed again replaces the one declared before under its name: a changed
            // model, as a modeller edits it at the prompt.
            for (auto& file : program.files) {
                std::erase_if(file.neurons, [&](const ast::Neuron& old) {
                    return std::any_of(input->declarations.neurons.begin(),
                                       input->declarations.neurons.end(),
                                       [&](const ast::Neuron& n) { return n.name == old.name; });
                });
                std::erase_if(file.synapses, [&](const ast::Synapse& old) {
                    return std::any_of(input->declarations.synapses.begin(),
                                       input->declarations.synapses.end(),
                                       [&](const ast::Synapse& n) { return n.name == old.name; });
                });
            }
            take_networks(input->declarations);
            for (auto& item : input->network_items)
                network.items.push_back(std::move(item));
            program.files.push_back(std::move(input->declarations));
        }
        for (const auto& [key, value_file] : sets) {
            ast::Population* pop = nullptr;
            for (auto& item : network.items)
                if (auto* p = std::get_if<ast::Population>(&item))
                    if (p->name == key.first && !p->name_from_table) pop = p;
            if (!pop) {
                diags.error(fmt::format("population '{}' is not declared by name in the "
                                        "session's network",
                                        key.first),
                            "`:set` changes populations declared as `population NAME = ...`, "
                            "not those made in a loop or from a table of names");
                return std::nullopt;
            }
            auto value = parse_expression(value_file, sources, diags);
            if (!value) return std::nullopt;
            const SourceRange range = value->range;
            auto same = std::find_if(pop->overrides.begin(), pop->overrides.end(),
                                     [&](const ast::Binding& b) { return b.name == key.second; });
            if (same == pop->overrides.end())
                same = pop->overrides.insert(pop->overrides.end(), ast::Binding{});
            *same = ast::Binding{key.second, range, std::move(value), range};
        }
        if (item_count) *item_count = network.items.size();
        ast::File root_file;
        root_file.file = root;
        if (!network.items.empty()) root_file.networks.push_back(std::move(network));
        program.files.push_back(std::move(root_file));
        auto ir = timer.time("check", [&] { return nnc::analyse(program, {}, sources, diags); });
        if (!ir || diags.error_count() != errors) return std::nullopt;
        return timer.time("optimise",
                          [&] { return passes::run_pipeline(std::move(*ir), observer); });
    }

    /// Makes `files`, `typed` and `sets` the session if they check; otherwise reports why
    /// and leaves the session as it was.
    bool commit(std::vector<FileId> files, std::vector<FileId> typed,
                std::map<std::pair<std::string, std::string>, FileId> sets) {
        size_t items = 0;
        auto result = analyse(files, typed, sets, &items);
        if (!result) return false;
        if (items != network_items) {
            if (sim && sim->steps_done() > 0) {
                if (!grow(std::move(*result))) return false;
            } else {
                drop_simulation();
                lowered = std::move(result);
            }
        } else if (!swap_changed_kernels(*result)) {
            return false;
        } else {
            lowered = std::move(result);
        }
        loaded_files = std::move(files);
        entries = std::move(typed);
        parameter_sets = std::move(sets);
        network_items = items;
        return true;
    }

    /// The same network with changed models: the kernels that changed are compiled and
    /// swapped into the running simulation, state kept. A changed synapse model, or a kernel
    /// with other state variables, cannot be swapped: refused once the network has run.
    bool swap_changed_kernels(const passes::LoweredProgram& next) {
        if (!lowered || !lowered->program.network || !compiled_valid) return true;
        std::vector<size_t> changed;
        for (size_t p = 0; p < next.kernels.size(); ++p)
            if (kir::to_string(next.kernels[p]) != kir::to_string(lowered->kernels.at(p)))
                changed.push_back(p);
        bool events_changed = next.synapse_kernels.size() != lowered->synapse_kernels.size();
        for (size_t k = 0; !events_changed && k < next.synapse_kernels.size(); ++k)
            events_changed = kir::to_string(next.synapse_kernels[k]) !=
                             kir::to_string(lowered->synapse_kernels[k]);
        if (changed.empty() && !events_changed) return true;
        const bool running = sim && sim->steps_done() > 0;
        const auto refuse = [&](const std::string& why) {
            diags.error(fmt::format("the network has run for {:g} ms; {}", sim->time_ms(), why),
                        "`:reset` first (back to t = 0): the network is then rebuilt with it");
            return false;
        };
        if (events_changed) {
            if (running) return refuse("a changed synapse model cannot replace the running one");
            drop_simulation();
            return true;
        }
        std::vector<kir::PopulationKernel> fresh;
        ++generation;
        for (size_t p : changed) {
            fresh.push_back(renamed(next.kernels[p]));
            const auto& old = kernels.at(p);
            if (sim && (fresh.back().state_names != old.state_names ||
                        fresh.back().input_names != old.input_names ||
                        fresh.back().receptor_names != old.receptor_names)) {
                if (running)
                    return refuse(fmt::format("the changed model gives '{}' other state "
                                              "variables ({}) than the running kernel ({})",
                                              network()->populations[p].name,
                                              fmt::join(fresh.back().state_names, ", "),
                                              fmt::join(old.state_names, ", ")));
                drop_simulation();
                return true;
            }
        }
        const auto start = Clock::now();
        const auto updates = timer.time("jit", [&] { return jit.compile(fresh); });
        const double took = ms_since(start);
        std::vector<std::string> names;
        for (size_t i = 0; i < changed.size(); ++i) {
            const size_t p = changed[i];
            kernel_cache[kir::to_string(next.kernels[p])] = {fresh[i], updates.at(i)};
            kernels[p] = fresh[i];
            compiled.updates[p] = updates[i];
            if (sim) sim->set_update_kernel(nncrt::PopulationId(p), updates[i]);
            names.push_back(network()->populations[p].name);
        }
        out << fmt::format("recompiled the kernel{} of {} in {:.1f} ms{}\n",
                           names.size() == 1 ? "" : "s", fmt::join(names, ", "), took,
                           sim ? ", state kept" : "");
        return true;
    }

    /// The network grew while it runs: a simulation of the grown network takes over from the
    /// running one (nncrt::Simulation::continue_from). Only kernels not compiled before are
    /// compiled. On failure (the statements do not extend the network at its end, say) the
    /// session is as it was.
    bool grow(passes::LoweredProgram grown) {
        const ir::Network before = *network();
        auto saved_lowered = std::move(lowered);
        auto saved_kernels = kernels;
        auto saved_events = synapse_kernels;
        auto saved_compiled = compiled;
        auto saved_pairs = pair_functions;
        auto saved_variables = variables;
        std::unique_ptr<nncrt::Simulation> running = std::move(sim);
        const auto restore = [&] {
            lowered = std::move(saved_lowered);
            kernels = std::move(saved_kernels);
            synapse_kernels = std::move(saved_events);
            compiled = std::move(saved_compiled);
            pair_functions = std::move(saved_pairs);
            variables = std::move(saved_variables);
            sim = std::move(running);
            compiled_valid = true;
        };
        lowered = std::move(grown);
        compiled_valid = false;
        if (!ensure_simulation()) {
            restore();
            return false;
        }
        try {
            sim->continue_from(*running);
        } catch (const nncrt::Error& e) {
            diags.error(fmt::format("the network has run for {:g} ms and cannot grow this way: "
                                    "{}",
                                    running->time_ms(), e.what()),
                        "statements added while it runs must come after the others; `:reset` "
                        "first (back to t = 0) to change it otherwise");
            restore();
            return false;
        }
        const ir::Network& now = *network();
        std::vector<std::string> kept, added;
        for (size_t p = 0; p < now.populations.size(); ++p)
            (p < before.populations.size() ? kept : added).push_back(now.populations[p].name);
        out << fmt::format("the network grew at t = {:g} ms: {} kept {} state, spikes in "
                           "flight and recorded",
                           sim->time_ms(), fmt::join(kept, ", "),
                           kept.size() == 1 ? "its" : "their");
        if (!before.projections.empty())
            out << fmt::format(", and the synapses of {} projection{}", before.projections.size(),
                               before.projections.size() == 1 ? "" : "s");
        if (!added.empty())
            out << fmt::format("; {} start{} from {} initial values", fmt::join(added, ", "),
                               added.size() == 1 ? "s" : "", added.size() == 1 ? "its" : "their");
        out << fmt::format(" ({} new kernel{} compiled)\n", kernels_compiled_last,
                           kernels_compiled_last == 1 ? "" : "s");
        return true;
    }

    void drop_simulation() {
        sim.reset();
        compiled_valid = false;
    }

    /// Loads `path` and what it imports, each file once; the new files go to `files`.
    bool load_into(std::vector<FileId>& files, std::set<std::string>& keys,
                   const std::string& path) {
        auto loaded =
            timer.time("parse", [&] { return load_program(path, search_path, sources, diags); });
        if (!loaded) return false;
        for (const auto& file : loaded->files) {
            std::error_code ec;
            const std::string name = sources.name(file.file);
            fs::path key = fs::canonical(name, ec);
            if (ec) key = fs::absolute(name).lexically_normal();
            if (keys.insert(key.string()).second) files.push_back(file.file);
        }
        return true;
    }

    /// An import typed at the prompt: relative to the working directory, then the search
    /// path (where the standard library is).
    std::optional<std::string> resolve_import(const ast::Import& import) {
        std::vector<fs::path> dirs{fs::current_path()};
        for (const auto& dir : search_path)
            dirs.emplace_back(dir);
        for (const auto& dir : dirs) {
            std::error_code ec;
            const fs::path candidate = dir / import.path;
            if (fs::is_regular_file(candidate, ec)) return candidate.string();
        }
        diags.error(import.path_range, fmt::format("cannot find '{}'", import.path),
                    fmt::format("imports are looked up in the working directory and in {}",
                                fmt::join(search_path, ", ")));
        return std::nullopt;
    }

    bool declare(const std::string& text) {
        const FileId id = sources.add(fmt::format("<repl:{}>", ++entry_count), text);
        auto input = timer.time("parse", [&] { return parse_session_input(id, sources, diags); });
        if (!input) return false;
        std::vector<FileId> files = loaded_files;
        std::set<std::string> keys = loaded_keys;
        for (const auto& import : input->declarations.imports) {
            auto path = resolve_import(import);
            if (!path || !load_into(files, keys, *path)) return false;
        }
        std::vector<FileId> typed = entries;
        typed.push_back(id);
        if (!commit(std::move(files), std::move(typed), parameter_sets)) return false;
        loaded_keys = std::move(keys);
        std::vector<std::string> said;
        for (const auto& n : input->declarations.neurons)
            said.push_back("neuron " + n.name);
        for (const auto& s : input->declarations.synapses)
            said.push_back("synapse " + s.name);
        if (!input->declarations.imports.empty())
            said.push_back(fmt::format("{} import{}", input->declarations.imports.size(),
                                       input->declarations.imports.size() == 1 ? "" : "s"));
        if (!said.empty()) out << fmt::format("ok: {}\n", fmt::join(said, ", "));
        describe_network_items(*input);
        return true;
    }

    /// What network statements added, in the words of the network: populations with their
    /// model and size, projections with their source and target.
    void describe_network_items(const ast::SessionInput& input) {
        if (!lowered || !lowered->program.network) return;
        const ir::Network& net = *lowered->program.network;
        size_t items = input.network_items.size();
        for (const auto& n : input.declarations.networks)
            items += n.items.size();
        if (items == 0) return;
        out << fmt::format("ok: network '{}' has {} population{}, {} projection{}, {} "
                           "stimul{}\n",
                           net.name, net.populations.size(), net.populations.size() == 1 ? "" : "s",
                           net.projections.size(), net.projections.size() == 1 ? "" : "s",
                           net.stimuli.size(), net.stimuli.size() == 1 ? "us" : "i");
    }

    bool load_command(const std::string& path) {
        if (path.empty()) return usage("`:load` needs a file: `:load examples/brunel2000.nml`");
        std::vector<FileId> files = loaded_files;
        std::set<std::string> keys = loaded_keys;
        if (!load_into(files, keys, path)) return false;
        if (!commit(std::move(files), entries, parameter_sets)) return false;
        loaded_keys = std::move(keys);
        const ir::Program& program = lowered->program;
        out << fmt::format("loaded {}: {} neuron model{}, {} synapse model{}", path,
                           program.models.size(), program.models.size() == 1 ? "" : "s",
                           program.synapses.size(), program.synapses.size() == 1 ? "" : "s");
        if (program.network)
            out << fmt::format("; network '{}' has {} population{}, {} projection{}",
                               program.network->name, program.network->populations.size(),
                               program.network->populations.size() == 1 ? "" : "s",
                               program.network->projections.size(),
                               program.network->projections.size() == 1 ? "" : "s");
        out << "\n";
        return true;
    }

    bool usage(const std::string& message, const std::string& hint = {}) {
        diags.error(message, hint.empty() ? "`:help` lists the commands" : hint);
        return false;
    }

    /// The names of the source and the target population of projection i.
    std::pair<std::string, std::string> projection_ends(size_t i) const {
        const ir::Network& net = *network();
        const auto& pr = net.projections.at(i);
        return {net.populations.at(size_t(pr.source)).name,
                net.populations.at(size_t(pr.target)).name};
    }

    const ir::Network* network() const {
        return lowered && lowered->program.network ? &*lowered->program.network : nullptr;
    }

    // ---- compiling and building ---------------------------------------------------------

    kir::PopulationKernel renamed(kir::PopulationKernel kernel) {
        kernel.name += fmt::format("_repl{}", generation);
        return kernel;
    }

    /// Compiles the kernels of `lowered` that the JIT does not hold yet; a kernel is the same
    /// as one compiled before when its IR is (the population's name is in it).
    void compile_all() {
        const ir::Network& net = *network();
        ++generation;
        kernels.clear();
        synapse_kernels.clear();
        compiled = {};
        std::vector<kir::PopulationKernel> fresh, fresh_events;
        std::vector<size_t> fresh_at, fresh_events_at;
        std::vector<std::string> fresh_keys, fresh_event_keys;
        for (const auto& k : lowered->kernels) {
            const std::string key = kir::to_string(k);
            if (auto cached = kernel_cache.find(key); cached != kernel_cache.end()) {
                kernels.push_back(cached->second.first);
                compiled.updates.push_back(cached->second.second);
                continue;
            }
            kernels.push_back(renamed(k));
            compiled.updates.push_back(nullptr);
            fresh.push_back(kernels.back());
            fresh_at.push_back(kernels.size() - 1);
            fresh_keys.push_back(key);
        }
        for (const auto& k : lowered->synapse_kernels) {
            const std::string key = kir::to_string(k);
            if (auto cached = event_cache.find(key); cached != event_cache.end()) {
                synapse_kernels.push_back(cached->second.first);
                compiled.synapse_events.push_back(cached->second.second);
                continue;
            }
            synapse_kernels.push_back(renamed(k));
            compiled.synapse_events.push_back(nullptr);
            fresh_events.push_back(synapse_kernels.back());
            fresh_events_at.push_back(synapse_kernels.size() - 1);
            fresh_event_keys.push_back(key);
        }
        timer.time("jit", [&] {
            pair_functions = driver::compile_pair_functions(net, pair_jit);
            const auto made = jit.compile(fresh, fresh_events);
            for (size_t i = 0; i < fresh.size(); ++i) {
                compiled.updates[fresh_at[i]] = made.updates.at(i);
                kernel_cache[fresh_keys[i]] = {fresh[i], made.updates[i]};
            }
            for (size_t i = 0; i < fresh_events.size(); ++i) {
                compiled.synapse_events[fresh_events_at[i]] = made.synapse_events.at(i);
                event_cache[fresh_event_keys[i]] = {fresh_events[i], made.synapse_events[i]};
            }
        });
        kernels_compiled_last = fresh.size() + fresh_events.size();
        compiled_valid = true;
    }

    /// Builds the simulation if there is none; false (reported) if it cannot be built.
    bool ensure_simulation() {
        const ir::Network* net = network();
        if (!net || net->populations.empty()) {
            diags.error("there is no network to run yet",
                        "declare a population: `population E = iaf_psc_delta[100]`");
            return false;
        }
        if (sim) return true;
        if (!compiled_valid) compile_all();
        const driver::SynapseEventKernels events{synapse_kernels, compiled.synapse_events,
                                                 lowered->plastic};
        auto built = driver::make_simulation(lowered->program, kernels, compiled.updates, &events,
                                             pair_functions);
        // Every population's spikes are kept, for :raster and :save; the network's own
        // `record` statements choose the neurons where they are given.
        std::vector<bool> recorded(net->populations.size(), false);
        for (const auto& rec : net->spike_recorders)
            recorded.at(size_t(rec.population)) = true;
        for (size_t p = 0; p < recorded.size(); ++p)
            if (!recorded[p]) built->record_spikes(nncrt::PopulationId(p));
        variables = driver::record_states(lowered->program, kernels, *built);
        try {
            timer.time("build", [&] { built->build(); });
            for (size_t i = 0; i < net->projections.size(); ++i) {
                const auto found = weight_factors.find(projection_ends(i));
                if (found != weight_factors.end())
                    built->scale_weights(nncrt::ProjectionId(i), found->second);
            }
        } catch (const nncrt::Error& e) {
            diags.error(net->range, std::string("cannot build the network: ") + e.what());
            return false;
        }
        sim = std::move(built);
        return true;
    }

    // ---- commands -----------------------------------------------------------------------

    bool run_command(const std::string& argument) {
        const auto duration = parse_duration_ms(argument);
        if (!duration)
            return usage(fmt::format("`:run` needs a duration, not '{}'", argument),
                         "write `:run 200 ms` or `:run 1 s` (a bare number is in ms)");
        if (!ensure_simulation()) return false;
        const ir::Network& net = *network();
        std::vector<uint64_t> before;
        for (size_t p = 0; p < net.populations.size(); ++p)
            before.push_back(sim->spike_count(nncrt::PopulationId(p)));
        const double from = sim->time_ms();
        const auto start = Clock::now();
        try {
            timer.time("simulate", [&] { sim->run(*duration); });
        } catch (const nncrt::Error& e) {
            diags.error(
                fmt::format("the simulation stopped at t = {:g} ms: {}", sim->time_ms(), e.what()),
                "change the parameters (`:set`) and `:reset`");
            return false;
        }
        const double took = ms_since(start);
        const double ran = sim->time_ms() - from;
        out << fmt::format("t = {:g} ms (ran {:g} ms in {:.1f} ms)\n", sim->time_ms(), ran, took);
        for (size_t p = 0; p < net.populations.size(); ++p) {
            const uint64_t spikes = sim->spike_count(nncrt::PopulationId(p)) - before[p];
            const double rate =
                ran > 0 && net.populations[p].size > 0
                    ? double(spikes) / double(net.populations[p].size) / (ran * 1e-3)
                    : 0.0;
            out << fmt::format("  {:<8} {:>8} spikes {:>9.2f} Hz\n", net.populations[p].name,
                               spikes, rate);
        }
        return true;
    }

    bool rates_command() {
        const ir::Network* net = network();
        if (!net || !sim || sim->time_ms() <= 0)
            return usage("nothing has run yet", "`:run 200 ms` first");
        const double t = sim->time_ms();
        out << fmt::format("rates over 0 .. {:g} ms:\n", t);
        for (size_t p = 0; p < net->populations.size(); ++p) {
            const uint64_t spikes = sim->spike_count(nncrt::PopulationId(p));
            const uint64_t n = net->populations[p].size;
            out << fmt::format("  {:<8} {:>8} spikes {:>9.2f} Hz  ({} neurons)\n",
                               net->populations[p].name, spikes,
                               n ? double(spikes) / double(n) / (t * 1e-3) : 0.0, n);
        }
        return true;
    }

    bool reset_command() {
        sim.reset();
        out << "reset: t = 0 ms; the network is rebuilt at the next :run\n";
        return true;
    }

    /// `POP.NAME` -> population index and the name; reported if POP is unknown.
    std::optional<std::pair<int, std::string>> population_member(const std::string& text,
                                                                 const char* example) {
        static const std::regex pattern(R"(^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$)");
        std::smatch m;
        if (!std::regex_match(text, m, pattern)) {
            usage(fmt::format("expected POPULATION.NAME, not '{}'", text),
                  fmt::format("for example `{}`", example));
            return std::nullopt;
        }
        const ir::Network* net = network();
        const int p = net ? net->find_population(m[1]) : -1;
        if (p < 0) {
            std::vector<std::string> names;
            if (net)
                for (const auto& pop : net->populations)
                    names.push_back(pop.name);
            diags.error(fmt::format("no population '{}'", std::string(m[1])),
                        names.empty()
                            ? "the session has no population yet"
                            : fmt::format("the populations are {}", fmt::join(names, ", ")));
            return std::nullopt;
        }
        return std::pair{p, std::string(m[2])};
    }

    const ir::NeuronModel& model_of(int population) const {
        return lowered->program.models.at(
            size_t(network()->populations.at(size_t(population)).model));
    }

    bool set_command(const std::string& argument) {
        static const std::regex weight(
            R"(^\s*([A-Za-z_][A-Za-z0-9_]*)\s*->\s*([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*weight\s*\*=\s*(\S+)\s*$)");
        std::smatch m;
        if (std::regex_match(argument, m, weight)) return scale_weights(m[1], m[2], m[3]);
        const size_t eq = argument.find('=');
        if (eq == std::string::npos)
            return usage(fmt::format("`:set` needs `POP.PARAM = VALUE` or `SRC -> TGT.weight *= "
                                     "FACTOR`, not '{}'",
                                     argument));
        const auto member = population_member(trim(argument.substr(0, eq)), "E.tau_m = 15 ms");
        if (!member) return false;
        const auto [p, name] = *member;
        const ir::NeuronModel& model = model_of(p);
        const std::string pop = network()->populations[size_t(p)].name;
        if (model.find_parameter(name) < 0) {
            if (model.find_state(name) >= 0)
                diags.error(fmt::format("'{}' is a state variable of '{}'; `:set` changes "
                                        "parameters",
                                        name, model.name),
                            "a state's initial value is set in the population's block");
            else
                diags.error(
                    fmt::format("model '{}' of population '{}' has no parameter '{}'", model.name,
                                pop, name),
                    fmt::format("its parameters are {}", fmt::join(model.parameter_names(), ", ")));
            return false;
        }
        // The value is its own virtual file, padded so that its columns are those typed.
        const std::string typed = ":set " + argument;
        const size_t value_at = 5 + eq + 1;
        const FileId value = sources.add(fmt::format("<repl:{}>", ++entry_count),
                                         std::string(value_at, ' ') + typed.substr(value_at));
        const auto start = Clock::now();
        auto sets = parameter_sets;
        sets[{pop, name}] = value;
        size_t items = 0;
        auto result = analyse(loaded_files, entries, sets, &items);
        if (!result) return false;
        std::optional<kir::PopulationKernel> kernel;
        nncrt_update_fn update = nullptr;
        if (compiled_valid) {
            // Only this population's kernel is compiled again: a parameter is a constant
            // folded into it, and no other kernel reads it.
            ++generation;
            kernel = renamed(result->kernels.at(size_t(p)));
            const auto& old = kernels.at(size_t(p));
            if (sim &&
                (kernel->state_names != old.state_names || kernel->input_names != old.input_names ||
                 kernel->receptor_names != old.receptor_names)) {
                diags.error(fmt::format("with {}.{} = {}, the kernel of '{}' keeps other state "
                                        "variables ({}) than the running one ({})",
                                        pop, name, trim(typed.substr(value_at)), pop,
                                        fmt::join(kernel->state_names, ", "),
                                        fmt::join(old.state_names, ", ")),
                            "`:reset` and set it again: the network is then rebuilt");
                return false;
            }
            update = timer.time("jit", [&] { return jit.compile({*kernel}).at(0); });
            kernel_cache[kir::to_string(result->kernels.at(size_t(p)))] = {*kernel, update};
        }
        const double took = ms_since(start);
        parameter_sets = std::move(sets);
        lowered = std::move(result);
        if (kernel) {
            kernels[size_t(p)] = std::move(*kernel);
            compiled.updates[size_t(p)] = update;
            if (sim) sim->set_update_kernel(nncrt::PopulationId(p), update);
        }
        const auto& parameter = model.parameters[size_t(model.find_parameter(name))];
        const double v =
            network()->populations[size_t(p)].parameters[size_t(model.find_parameter(name))];
        out << fmt::format("{}.{} = {:g} {}", pop, name, v, parameter.dim.unit_name());
        if (kernel)
            out << fmt::format(": recompiled the kernel of {} in {:.1f} ms{}\n", pop, took,
                               sim ? ", state kept" : "");
        else
            out << fmt::format(" (checked in {:.1f} ms; compiled at the next :run)\n", took);
        return true;
    }

    bool scale_weights(const std::string& source, const std::string& target,
                       const std::string& factor_text) {
        char* end = nullptr;
        const double factor = std::strtod(factor_text.c_str(), &end);
        if (end == factor_text.c_str() || *end != '\0' || !std::isfinite(factor))
            return usage(fmt::format("the factor must be a number, not '{}'", factor_text),
                         "for example `:set E -> I.weight *= 1.1`");
        const ir::Network* net = network();
        std::vector<size_t> matching;
        std::vector<std::string> all;
        if (net)
            for (size_t i = 0; i < net->projections.size(); ++i) {
                const auto& pr = net->projections[i];
                const std::string& s = net->populations.at(size_t(pr.source)).name;
                const std::string& t = net->populations.at(size_t(pr.target)).name;
                all.push_back(s + " -> " + t);
                if (s == source && t == target) matching.push_back(i);
            }
        if (matching.empty()) {
            std::sort(all.begin(), all.end());
            all.erase(std::unique(all.begin(), all.end()), all.end());
            diags.error(fmt::format("no projection {} -> {}", source, target),
                        all.empty() ? "the session has no projection yet"
                                    : fmt::format("the projections are {}", fmt::join(all, ", ")));
            return false;
        }
        for (size_t i : matching)
            if (net->projections[i].synapse >= 0) {
                diags.error(fmt::format("the projection {} -> {} is plastic: its weights are "
                                        "its synapses' state",
                                        source, target),
                            "scale the initial weight in its `project` statement instead");
                return false;
            }
        uint64_t synapses = 0;
        auto [it, inserted] = weight_factors.try_emplace({source, target}, factor);
        if (!inserted) it->second *= factor;
        for (size_t i : matching) {
            if (sim) {
                sim->scale_weights(nncrt::ProjectionId(i), factor);
                synapses += sim->synapse_count(nncrt::ProjectionId(i));
            }
        }
        out << fmt::format("scaled the weights of {} -> {} by {:g}", source, target, factor);
        if (sim) out << fmt::format(" ({} synapses)", synapses);
        out << "\n";
        return true;
    }

    bool print_command(const std::string& argument) {
        static const std::regex pattern(
            R"(^\s*([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([0-9]+)\s*(?::\s*([0-9]+)\s*)?\])?\s*$)");
        std::smatch m;
        if (!std::regex_match(argument, m, pattern))
            return usage(
                fmt::format("`:print` needs POP.NAME or POP.NAME[first:last], not '{}'", argument),
                "for example `:print E.V_m[0:5]`");
        const auto member = population_member(m[1], "E.V_m[0:5]");
        if (!member) return false;
        const auto [p, name] = *member;
        const ir::NeuronModel& model = model_of(p);
        const ir::Population& pop = network()->populations[size_t(p)];
        if (const int j = model.find_parameter(name); j >= 0) {
            out << fmt::format("{}.{} = {:g} {}\n", pop.name, name, pop.parameters[size_t(j)],
                               model.parameters[size_t(j)].dim.unit_name());
            return true;
        }
        const int state = model.find_state(name);
        if (state < 0) {
            diags.error(
                fmt::format("model '{}' has no state variable or parameter '{}'", model.name, name),
                fmt::format("its state variables are {}", fmt::join(model.state_names(), ", ")));
            return false;
        }
        uint64_t first = 0, last = std::min<uint64_t>(pop.size, 10);
        if (m[2].matched) {
            first = std::stoull(m[2]);
            last = m[3].matched ? std::stoull(m[3]) : first + 1;
        }
        if (first >= last || last > pop.size)
            return usage(fmt::format("[{}:{}] is not a slice of '{}', which has {} neurons", first,
                                     last, pop.name, pop.size),
                         "a slice [first:last] has first < last <= the population's size");
        if (!ensure_simulation()) return false;
        const auto& names = kernels.at(size_t(p)).state_names;
        const auto at = std::find(names.begin(), names.end(), name);
        if (at == names.end()) {
            diags.error(fmt::format("'{}' of population '{}' is not kept: nothing in the model "
                                    "reads it, so the optimiser dropped it",
                                    name, pop.name),
                        fmt::format("record it (`record {} of {}`) to keep it", name, pop.name));
            return false;
        }
        const auto& values = sim->state(nncrt::PopulationId(p), uint32_t(at - names.begin()));
        std::vector<std::string> shown;
        for (uint64_t i = first; i < last; ++i)
            shown.push_back(fmt::format("{:.6g}", values[i]));
        out << fmt::format("{}.{}[{}:{}] = [{}] {}", pop.name, name, first, last,
                           fmt::join(shown, ", "), model.states[size_t(state)].dim.unit_name());
        out << fmt::format("  (t = {:g} ms)\n", sim->time_ms());
        return true;
    }

    bool raster_command(const std::string& argument) {
        const ir::Network* net = network();
        if (!net || !sim || sim->time_ms() <= 0)
            return usage("nothing has run yet", "`:run 200 ms` first");
        std::vector<size_t> shown;
        if (argument.empty()) {
            for (size_t p = 0; p < net->populations.size(); ++p)
                shown.push_back(p);
        } else {
            const int p = net->find_population(argument);
            if (p < 0) return usage(fmt::format("no population '{}'", argument));
            shown.push_back(size_t(p));
        }
        for (size_t p : shown) {
            const auto& record = sim->recorded_spikes(nncrt::PopulationId(p));
            out << fmt::format("{} ({} neurons, {} spikes recorded)\n", net->populations[p].name,
                               net->populations[p].size, record.times_ms.size());
            RasterOptions raster;
            raster.to_ms = sim->time_ms();
            raster.neurons = net->populations[p].size;
            out << text_raster(record.times_ms, record.node_ids, raster);
        }
        return true;
    }

    bool save_command(const std::string& path) {
        if (path.empty()) return usage("`:save` needs a file: `:save out.h5` (or out.csv)");
        if (!sim) return usage("nothing has run yet", "`:run 200 ms` first");
        try {
            timer.time("write", [&] {
                const bool csv = driver::writes_csv(path);
                if (csv)
                    sim->write_spikes_csv(path);
                else
                    sim->write_spikes_hdf5(path);
                for (const auto& var : variables) {
                    const auto report = driver::state_report_path(path, var.name);
                    if (csv)
                        sim->write_state_report_csv(report, var.name, var.entries);
                    else
                        sim->write_state_report_hdf5(report, var.entries);
                }
            });
        } catch (const nncrt::Error& e) {
            diags.error(e.what(), "check that the directory exists and is writable");
            return false;
        }
        out << fmt::format("wrote the spikes until t = {:g} ms to {}", sim->time_ms(), path);
        for (const auto& var : variables)
            out << ", " << driver::state_report_path(path, var.name);
        out << "\n";
        return true;
    }

    bool ir_command(const std::string& argument) {
        std::istringstream words(argument);
        std::string word, model, after;
        while (words >> word) {
            if (word == "--after" || word.starts_with("--after=")) {
                if (word == "--after") {
                    if (!(words >> after)) return usage("`--after` needs a pass name");
                } else {
                    after = word.substr(8);
                }
            } else if (model.empty()) {
                model = word;
            } else {
                return usage(fmt::format("`:ir` takes one model, not '{}' too", word));
            }
        }
        if (!after.empty() && !passes::find_pass(after)) {
            std::vector<std::string> names;
            for (const auto& pass : passes::pass_list())
                names.push_back(pass.name);
            return usage(fmt::format("no pass named '{}'", after),
                         fmt::format("the passes are {}", fmt::join(names, ", ")));
        }
        if (!model.empty() &&
            (!lowered ||
             std::none_of(lowered->program.models.begin(), lowered->program.models.end(),
                          [&](const ir::NeuronModel& m) { return m.name == model; })))
            return usage(fmt::format("no neuron model '{}' in the session", model));
        std::string dump;
        auto result = analyse(loaded_files, entries, parameter_sets, nullptr,
                              [&](const std::string& pass, const passes::LoweredProgram& ir) {
                                  if (!after.empty() && after != pass) return;
                                  dump = "# IR after pass '" + pass + "'\n";
                                  if (model.empty()) dump += ir::print_program(ir.program);
                                  for (size_t k = 0; k < ir.kernels.size(); ++k) {
                                      const auto& pop = ir.program.network->populations[k];
                                      if (!model.empty() &&
                                          ir.program.models[size_t(pop.model)].name != model)
                                          continue;
                                      dump += "\n" + kir::to_string(ir.kernels[k]);
                                  }
                              });
        if (!result) return false;
        out << dump;
        if (!dump.empty() && dump.back() != '\n') out << "\n";
        return true;
    }

    bool time_command(const driver::PhaseTimer& last) {
        if (last.phases().empty()) {
            out << "no command has done any work yet\n";
            return true;
        }
        for (const auto& [name, seconds] : last.phases())
            out << fmt::format("  {:<9} {:>9.2f} ms\n", name, seconds * 1e3);
        return true;
    }
};

Session::Session(std::ostream& out, std::ostream& diagnostics_out, SessionOptions options)
    : impl_(std::make_unique<Impl>(out, diagnostics_out, std::move(options))) {}

Session::~Session() = default;

double Session::time_ms() const {
    return impl_->sim ? impl_->sim->time_ms() : 0.0;
}

bool Session::load(const std::string& path) {
    Impl& m = *impl_;
    m.timer = {};
    return m.load_command(path);
}

bool Session::execute(const std::string& entry) {
    Impl& m = *impl_;
    const std::string text = trim(entry);
    if (text.empty()) return true;
    // :time shows the phases of the last command that had any.
    if (!m.timer.phases().empty()) m.last_timer = m.timer;
    m.timer = {};
    try {
        if (text[0] != ':') return m.declare(entry);
        const auto [command, argument] = split_word(text);
        if (command == ":help" || command == ":h" || command == ":?") {
            m.out << help_text();
            return true;
        }
        if (command == ":quit" || command == ":q") {
            finished_ = true;
            return true;
        }
        if (command == ":load") return m.load_command(argument);
        if (command == ":run") return m.run_command(argument);
        if (command == ":reset") return m.reset_command();
        if (command == ":set") return m.set_command(argument);
        if (command == ":print") return m.print_command(argument);
        if (command == ":rates") return m.rates_command();
        if (command == ":raster") return m.raster_command(argument);
        if (command == ":save") return m.save_command(argument);
        if (command == ":ir") return m.ir_command(argument);
        if (command == ":time") return m.time_command(m.last_timer);
        // The nearest command by its first letters, if any.
        std::string hint = "`:help` lists the commands";
        for (const auto& name : command_names())
            if (command.size() > 1 && name.starts_with(command.substr(0, 2))) {
                hint = fmt::format("did you mean `{}`? `:help` lists the commands", name);
                break;
            }
        m.diags.error(fmt::format("unknown command '{}'", command), hint);
        return false;
    } catch (const nncrt::Error& e) {
        m.diags.error(e.what());
        return false;
    } catch (const llvmjit::BackendError& e) {
        m.diags.error(std::string("cannot compile: ") + e.what());
        return false;
    }
}

std::vector<std::string> Session::completions(const std::string& prefix) const {
    const Impl& m = *impl_;
    std::vector<std::string> words;
    const size_t dot = prefix.find('.');
    const ir::Network* net = m.network();
    if (dot != std::string::npos) {
        // POP.partial: the variables and parameters of POP's model.
        const std::string pop = prefix.substr(0, dot);
        const int p = net ? net->find_population(pop) : -1;
        if (p < 0) return {};
        const ir::NeuronModel& model = m.model_of(p);
        for (const auto& name : model.state_names())
            words.push_back(pop + "." + name);
        for (const auto& name : model.parameter_names())
            words.push_back(pop + "." + name);
        words.push_back(pop + ".weight");
    } else if (!prefix.empty() && prefix[0] == ':') {
        words = command_names();
    } else {
        words = {"neuron",     "synapse",   "network",  "import", "population", "project",
                 "stimulate",  "record",    "simulate", "let",    "for",        "parameters",
                 "state",      "equations", "input",    "on",     "spike",      "emit",
                 "refractory", "clamp",     "solver",   "with",   "of",         "every"};
        if (m.lowered) {
            for (const auto& model : m.lowered->program.models)
                words.push_back(model.name);
            for (const auto& model : m.lowered->program.synapses)
                words.push_back(model.name);
        }
        if (net)
            for (const auto& pop : net->populations)
                words.push_back(pop.name);
    }
    std::vector<std::string> out;
    for (auto& w : words)
        if (w.starts_with(prefix) && std::find(out.begin(), out.end(), w) == out.end())
            out.push_back(std::move(w));
    std::sort(out.begin(), out.end());
    return out;
}

bool is_complete_entry(const std::string& text) {
    int depth = 0;
    bool in_string = false, in_comment = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_comment) {
            in_comment = c != '\n';
        } else if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"' || c == '\n')
                in_string = false;
        } else if (c == '#') {
            in_comment = true;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '(' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ')' || c == ']') {
            --depth;
        }
    }
    // More closing than opening brackets is an error the parser reports, not more input.
    return depth <= 0;
}

} // namespace nnc::repl
