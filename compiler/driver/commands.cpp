#include "commands.h"

#include "exit_codes.h"
#include "ir/model_printer.h"
#include "kernel_jit.h"
#include "network_builder.h"
#include "run_report.h"
#include "terminal.h"

#include <fmt/format.h>

#include <iostream>

namespace nnc::driver {

int check_command(const CompileOptions& options) {
    CompileSession session(std::cerr, use_colour(stderr));
    auto program = session.lower(options);
    if (!program) return exit_model_error;
    size_t models = program->program.models.size();
    std::cout << fmt::format("{}: ok ({} model{}{})\n", options.file, models,
                             models == 1 ? "" : "s",
                             program->program.network ? ", 1 network" : "");
    return exit_ok;
}

int dump_ir_command(const DumpIrOptions& options) {
    const auto& passes = passes::pass_list();
    if (!options.after.empty()) {
        bool known = false;
        for (const auto& p : passes) known = known || p.name == options.after;
        if (!known) {
            std::string names;
            for (const auto& p : passes) names += (names.empty() ? "" : ", ") + p.name;
            std::cerr << fmt::format("nnc: error: no pass named '{}'\nhint: the passes are {}\n",
                                     options.after, names);
            return exit_usage_error;
        }
    }
    CompileSession session(std::cerr, use_colour(stderr));
    std::string dump;
    auto lowered = session.lower(options.compile, [&](const std::string& pass,
                                                      const passes::LoweredProgram& ir) {
        if (!options.after.empty() && options.after != pass) return;
        dump = "# IR after pass '" + pass + "'\n" + ir::print_program(ir.program);
        for (const auto& k : ir.kernels) dump += "\n" + kir::to_string(k);
    });
    if (!lowered) return exit_model_error;
    if (options.llvm) {
        llvmjit::KernelJit jit;
        jit.compile(lowered->kernels);
        std::cout << jit.last_module_ir();
    } else {
        std::cout << dump;
    }
    return exit_ok;
}

int run_command(const RunOptions& options) {
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
    auto& settings = program.network->simulation;
    if (options.duration_ms >= 0) settings.duration_ms = options.duration_ms;
    if (options.seed >= 0) settings.seed = uint64_t(options.seed);

    auto& timer = session.timer();
    auto& diags = session.diagnostics();
    llvmjit::KernelJit jit;
    auto updates = timer.time("jit", [&] { return jit.compile(lowered->kernels); });
    auto sim = make_simulation(*program.network, lowered->kernels, updates);
    try {
        timer.time("build", [&] { sim->build(); });
    } catch (const nncrt::Error& e) {
        diags.error(program.network->range, std::string("cannot build the network: ") + e.what());
        return exit_runtime_error;
    }

    // A fault during the run still leaves what was recorded until then in the output.
    std::string fault;
    ProgressLine progress(options.quiet ? nullptr : stderr, settings.duration_ms);
    try {
        timer.time("simulate", [&] {
            sim->run(settings.duration_ms, [&](double t, double end) { progress.update(t, end); });
        });
    } catch (const nncrt::Error& e) {
        fault = e.what();
    }
    progress.finish();

    if (!options.output.empty()) {
        try {
            timer.time("write", [&] { sim->write_spikes_hdf5(options.output); });
        } catch (const nncrt::Error& e) {
            diags.error(e.what(), "check that the directory exists and is writable");
            return exit_runtime_error;
        }
    }
    if (!fault.empty()) {
        diags.error(fmt::format("the simulation stopped at t = {} ms: {}", sim->time_ms(), fault),
                    options.output.empty() ? std::string{}
                                           : "spikes recorded until then are in " + options.output);
        return exit_runtime_error;
    }

    if (!options.quiet)
        print_run_summary(std::cout, options.compile.file, *program.network, *sim, timer,
                          options.output);
    return exit_ok;
}

} // namespace nnc::driver
