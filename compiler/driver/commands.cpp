#include "commands.h"

#include "exit_codes.h"
#include "ir/model_printer.h"
#include "kernel_jit.h"
#include "network_builder.h"
#include "run_report.h"
#include "scalar_function_jit.h"
#include "terminal.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <unistd.h>

namespace nnc::driver {

int check_command(const CompileOptions& options) {
    CompileSession session(std::cerr, use_colour(stderr));
    auto program = session.lower(options);
    if (!program) return exit_model_error;
    size_t models = program->program.models.size();
    std::cout << fmt::format("{}: ok ({} model{}{})\n", options.file, models,
                             models == 1 ? "" : "s", program->program.network ? ", 1 network" : "");
    return exit_ok;
}

int dump_ir_command(const DumpIrOptions& options) {
    if (!options.after.empty()) {
        const passes::PassInfo* pass = passes::find_pass(options.after);
        if (!pass) {
            std::string names;
            for (const auto& p : passes::pass_list())
                names += (names.empty() ? "" : ", ") + p.name;
            std::cerr << fmt::format("nnc: error: no pass named '{}'\nhint: the passes are {}\n",
                                     options.after, names);
            return exit_usage_error;
        }
        if (pass->optimisation && !options.compile.optimise) {
            std::cerr << fmt::format("nnc: error: pass '{}' is an optimisation, which "
                                     "--no-optimise turns off\nhint: leave out --no-optimise, "
                                     "or name a pass that always runs\n",
                                     options.after);
            return exit_usage_error;
        }
    }
    CompileSession session(std::cerr, use_colour(stderr));
    std::string dump;
    auto lowered = session.lower(
        options.compile, [&](const std::string& pass, const passes::LoweredProgram& ir) {
            if (!options.after.empty() && options.after != pass) return;
            dump = "# IR after pass '" + pass + "'\n" + ir::print_program(ir.program);
            for (const auto& k : ir.kernels)
                dump += "\n" + kir::to_string(k);
            for (const auto& k : ir.synapse_kernels)
                dump += "\n" + kir::to_string(k);
        });
    if (!lowered) return exit_model_error;
    if (options.llvm) {
        llvmjit::KernelJit jit;
        jit.compile(lowered->kernels, lowered->synapse_kernels);
        std::cout << jit.last_module_ir();
    } else {
        std::cout << dump;
    }
    return exit_ok;
}

int run_command(const RunOptions& options) {
    // The JITs own the compiled code, which the run calls until it returns.
    llvmjit::KernelJit jit;
    llvmjit::ScalarFunctionJit pair_jit;
    return run_network(options,
                       [&](const passes::LoweredProgram& lowered,
                           CompileSession& session) -> std::optional<KernelEntryPoints> {
                           return session.timer().time("jit", [&] {
                               KernelEntryPoints entries;
                               entries.pair_functions =
                                   compile_pair_functions(*lowered.program.network, pair_jit);
                               auto compiled =
                                   jit.compile(lowered.kernels, lowered.synapse_kernels);
                               entries.updates = std::move(compiled.updates);
                               entries.synapse_events = std::move(compiled.synapse_events);
                               return entries;
                           });
                       });
}

} // namespace nnc::driver
