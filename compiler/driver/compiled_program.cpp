#include "compiled_program.h"

#include "exit_codes.h"
#include "kernel_emitter.h"
#include "network_run.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <exception>
#include <filesystem>
#include <iostream>
#include <string_view>

namespace nnc::driver {

namespace {

uint64_t fnv1a(std::string_view text) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::string define_name(const std::string& define) {
    return define.substr(0, define.find('='));
}

/// The compiled-in options, then the command line's; a name given on the command line
/// replaces the compiled-in value.
std::vector<std::string> merged_defines(const std::vector<std::string>& compiled,
                                        const std::vector<std::string>& given) {
    std::vector<std::string> out;
    for (const auto& d : compiled) {
        bool replaced = false;
        for (const auto& g : given)
            replaced = replaced || define_name(g) == define_name(d);
        if (!replaced) out.push_back(d);
    }
    out.insert(out.end(), given.begin(), given.end());
    return out;
}

/// Checks that every kernel the pipeline produced is the one compiled in and returns their
/// entry points; reports each one that is not.
class KernelTable {
public:
    KernelTable(const CompiledProgram& program, std::vector<std::string> given_defines)
        : program_(program), given_(std::move(given_defines)) {}

    std::optional<KernelEntryPoints> operator()(const passes::LoweredProgram& lowered,
                                                CompileSession& session) const {
        DiagnosticEngine& diags = session.diagnostics();
        const ir::Network& network = *lowered.program.network;
        std::string with, again = program_.command;
        for (const auto& d : given_) {
            with += (with.empty() ? " with -D " : ", -D ") + d;
            again += " -D " + shell_word(d);
        }
        const std::string hint = fmt::format(
            "a -D that changes a neuron's or synapse's parameters changes its compiled code; "
            "compile the program again with the new value: {}",
            again);
        bool ok = true;
        // The hint once: a -D that changes one kernel usually changes several.
        const auto refuse = [&](SourceRange at, const std::string& what) {
            diags.error(
                at, fmt::format("{}{} differs from the one compiled into this program", what, with),
                ok ? hint : "");
            ok = false;
        };

        KernelEntryPoints entries;
        if (lowered.kernels.size() != program_.updates.size()) {
            diags.error(network.range,
                        fmt::format("the network{} has {} populations; this program was "
                                    "compiled for {}",
                                    with, lowered.kernels.size(), program_.updates.size()),
                        hint);
            return std::nullopt;
        }
        for (size_t k = 0; k < lowered.kernels.size(); ++k) {
            const auto& compiled = program_.updates[k];
            if (lowered.kernels[k].name == compiled.name &&
                kernel_fingerprint(lowered.kernels[k]) == compiled.fingerprint) {
                entries.updates.push_back(compiled.entry);
                continue;
            }
            const ir::Population& population = network.populations.at(k);
            const ir::NeuronModel& model = lowered.program.models.at(size_t(population.model));
            refuse(population.range, fmt::format("the kernel of population '{}' (model '{}')",
                                                 population.name, model.name));
        }

        if (lowered.synapse_kernels.size() != program_.synapse_events.size()) {
            diags.error(network.range,
                        fmt::format("the network{} has {} synapse kernels; this program was "
                                    "compiled for {}",
                                    with, lowered.synapse_kernels.size(),
                                    program_.synapse_events.size()),
                        hint);
            return std::nullopt;
        }
        for (size_t k = 0; k < lowered.synapse_kernels.size(); ++k) {
            const auto& compiled = program_.synapse_events[k];
            if (lowered.synapse_kernels[k].name == compiled.name &&
                kernel_fingerprint(lowered.synapse_kernels[k]) == compiled.fingerprint) {
                entries.synapse_events.push_back(compiled.entry);
                continue;
            }
            SourceRange at = network.range;
            for (const auto& p : lowered.plastic)
                if (p.on_pre == k || p.advance == k || p.on_post == k)
                    at = network.projections.at(p.projection).range;
            refuse(at, fmt::format("the synapse kernel '{}'", lowered.synapse_kernels[k].name));
        }

        const PairFunctionSet pairs = lower_pair_functions(network, kPairFunctionPrefix);
        if (pairs.functions.size() != program_.pair_functions.size()) {
            diags.error(network.range,
                        fmt::format("the network{} has {} distance-dependent expressions; this "
                                    "program was compiled for {}",
                                    with, pairs.functions.size(), program_.pair_functions.size()),
                        hint);
            return std::nullopt;
        }
        std::vector<nncrt::PairFunction> pair_entries;
        for (size_t k = 0; k < pairs.functions.size(); ++k) {
            const auto& compiled = program_.pair_functions[k];
            if (pairs.functions[k].name == compiled.name &&
                kernel_fingerprint(pairs.functions[k]) == compiled.fingerprint) {
                pair_entries.push_back(compiled.entry);
                continue;
            }
            const auto& slot = pairs.slots[k];
            const char* what = slot.member == &ProjectionFunctions::probability
                                   ? "connection probability"
                               : slot.member == &ProjectionFunctions::weight ? "weight"
                                                                             : "delay";
            refuse(network.projections.at(slot.projection).range,
                   fmt::format("the {} of this projection (a function of the pair, '{}')", what,
                               pairs.functions[k].name));
        }
        if (!ok) return std::nullopt;
        entries.pair_functions = place_pair_functions(network, pairs, pair_entries);
        return entries;
    }

private:
    const CompiledProgram& program_;
    std::vector<std::string> given_;
};

} // namespace

uint64_t kernel_fingerprint(const kir::PopulationKernel& kernel) {
    return fnv1a(cppgen::emit_kernel(kernel, ""));
}

uint64_t kernel_fingerprint(const kir::ScalarFunction& function) {
    return fnv1a(cppgen::emit_scalar_function(function, ""));
}

int compiled_program_main(int argc, char** argv, const CompiledProgram& program,
                          const nncrt::ParallelContext& parallel) {
    namespace fs = std::filesystem;
    print_on_root_only(parallel); // as in `nnc run`
    const fs::path model_dir(program.model_dir);
    CLI::App app{fmt::format("Runs the network of {}, compiled ahead of time by\n  {}",
                             program.source_file, program.command)};
    RunOptions run;
    run.compile.file = (model_dir / program.root_file).string();
    run.report_file = program.source_file; // as `nnc run` of the original names it
    run.parallel = &parallel;
    for (const auto& dir : program.include_dirs)
        run.compile.include_dirs.push_back((model_dir / dir).string());
    std::vector<std::string> defines;
    app.add_option("-D,--define", defines,
                   "override a top-level constant of the network: -D NAME=VALUE (VALUE may "
                   "carry a unit: -D J='0.2 mV'); repeatable. A -D that changes a compiled "
                   "kernel is refused");
    add_run_options(app, run);
    app.footer("Exit codes: 0 ok, 1 errors in the model, 2 bad command line, 3 the simulation "
               "or its output failed, 4 internal error.");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_ok : exit_usage_error;
    }
    run.compile.defines = merged_defines(program.defines, defines);

    return exit_code_of([&] { return run_network(run, KernelTable(program, defines)); }, "");
}

} // namespace nnc::driver
