// nnc: check, compile and run neural-network models written in the nnc language.
#include "commands.h"
#include "cpp_project.h"
#include "exit_codes.h"
#include "kernel_jit.h"
#include "nncrt/parallel.h"
#include "nncrt/simulation.h"
#include "passes/pipeline.h"
#include "repl.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

using namespace nnc::driver;

namespace {

void add_compile_options(CLI::App* cmd, CompileOptions& o) {
    cmd->add_option("file", o.file, "the .nml file")->required();
    cmd->add_option("-D,--define", o.defines,
                    "override a top-level constant of the network: -D NAME=VALUE (VALUE may "
                    "carry a unit: -D J='0.2 mV'); repeatable");
    cmd->add_option("-I,--include", o.include_dirs,
                    "directory searched for imports before $NNC_PATH and the standard library; "
                    "repeatable");
}

} // namespace

int main(int argc, char** argv) {
    // Under mpirun every process runs the same command on its share of the network; only
    // process 0 prints (diagnostics, progress, the summary). The others' streams are shut,
    // and their exit code is the same.
    nncrt::ParallelContext parallel(&argc, &argv);
    print_on_root_only(parallel);
    CLI::App app{"nnc — a compiler for spiking neural-network models.\n"
                 "Checks a model written in the nnc language (neurons and networks, with "
                 "physical units), compiles it with LLVM and runs it."};
    app.set_version_flag("--version", std::string("nnc ") + NNC_VERSION);
    app.require_subcommand(1);
    app.footer("Exit codes: 0 ok, 1 errors in the model, 2 bad command line, 3 the simulation "
               "or its output failed, 4 internal error.\nSee docs/cli.md.");

    CompileOptions check;
    auto* check_cmd = app.add_subcommand("check", "parse and check a model; print errors only");
    add_compile_options(check_cmd, check);

    RunOptions run;
    run.parallel = &parallel;
    auto* run_cmd =
        app.add_subcommand("run", "compile a network with the LLVM JIT and simulate it");
    add_compile_options(run_cmd, run.compile);
    add_run_options(*run_cmd, run);
    run_cmd->add_flag_callback(
        "--no-optimise", [&] { run.compile.optimise = false; },
        "skip the optimisation passes (see dump-ir --print-passes), to compare: the spikes are "
        "the same, the run may be slower");

    CompileTargetOptions compile;
    auto* compile_cmd = app.add_subcommand(
        "compile", "write a network as a standalone C++ project (see docs/cli.md)");
    add_compile_options(compile_cmd, compile.compile);
    compile_cmd->add_option("--target", compile.target, "what to write: cpp (the default)");
    compile_cmd
        ->add_option("-o,--output", compile.output_dir,
                     "the project's directory (created if it does not exist)")
        ->required();

    DumpIrOptions dump;
    auto* dump_cmd = app.add_subcommand("dump-ir", "print the IR after the passes (or after one)");
    add_compile_options(dump_cmd, dump.compile);
    dump_cmd->add_option("--after", dump.after, "print the IR as this pass leaves it");
    dump_cmd->add_flag("--llvm", dump.llvm, "print the optimised LLVM IR of the kernels");
    dump_cmd->add_flag_callback(
        "--no-optimise", [&] { dump.compile.optimise = false; },
        "skip the optimisation passes: the IR a backend gets without them");
    bool print_passes = false;
    dump_cmd->add_flag("--print-passes", print_passes, "list the passes in order and exit");
    // --print-passes needs no file.
    dump_cmd->get_option("file")->required(false);

    ListModelsOptions list;
    auto* list_cmd = app.add_subcommand(
        "list-models", "list the standard library's neuron and synapse models (aliases "
                       "included) with their parameters, units and defaults");
    list_cmd->add_option("-I,--include", list.include_dirs,
                         "directory searched for the library (its stdlib/ folder) before "
                         "$NNC_PATH and the installed one; repeatable");

    nnc::repl::ReplOptions repl;
    auto* repl_cmd = app.add_subcommand(
        "repl", "an interactive session on the JIT: define, run, inspect, change, run on");
    repl_cmd->add_option("file", repl.file, "a .nml file to load first");
    repl_cmd->add_option("-I,--include", repl.include_dirs,
                         "directory searched for imports before $NNC_PATH and the standard "
                         "library; repeatable");

    // CLI11 would only say that a subcommand is required.
    const auto is_command = [&](const std::string& name) {
        for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
            if (sub->check_name(name)) return true;
        return false;
    };
    if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
        std::cerr << "nnc: error: unknown command '" << argv[1]
                  << "'\nhint: the commands are check, run, compile, dump-ir, list-models and "
                     "repl; see nnc --help\n";
        return exit_usage_error;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_ok : exit_usage_error;
    }

    return exit_code_of(
        [&]() -> int {
            if (*check_cmd) return check_command(check);
            if (*run_cmd) return run_command(run);
            if (*list_cmd) return list_models_command(list);
            if (*repl_cmd) return nnc::repl::run_repl(repl);
            if (*compile_cmd) {
                compile.command_line = "nnc";
                for (int i = 1; i < argc; ++i)
                    compile.command_line += " " + shell_word(argv[i]);
                return compile_command(compile);
            }
            if (*dump_cmd) {
                if (print_passes) {
                    // NAME, whether --no-optimise skips it, what it does: one line per pass.
                    for (const auto& p : nnc::passes::pass_list())
                        std::cout << p.name << '\t'
                                  << (p.optimisation ? "optimisation" : "required") << '\t'
                                  << p.description << '\n';
                    return exit_ok;
                }
                if (dump.compile.file.empty()) {
                    std::cerr << "nnc: error: dump-ir needs a file\n";
                    return exit_usage_error;
                }
                return dump_ir_command(dump);
            }
            return exit_ok;
        },
        "nnc: ");
}
