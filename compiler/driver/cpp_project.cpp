#include "cpp_project.h"

#include "compiled_program.h"
#include "exit_codes.h"
#include "kernel_emitter.h"
#include "network_builder.h"
#include "terminal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace nnc::driver {

namespace {

namespace fs = std::filesystem;

/// `s` as a C++ string literal.
std::string cpp_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += fmt::format("\\x{:02x}\"\"", static_cast<unsigned char>(c));
            else
                out += c;
        }
    }
    return out + "\"";
}

/// `s` as a CMake quoted argument.
std::string cmake_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\' || c == '$' || c == ';') out += '\\';
        out += c;
    }
    return out + "\"";
}

fs::path normal_absolute(const fs::path& p) {
    std::error_code ec;
    fs::path a = fs::absolute(p, ec);
    return (ec ? p : a).lexically_normal();
}

bool is_within(const fs::path& dir, const fs::path& file) {
    auto d = dir.begin(), f = file.begin();
    for (; d != dir.end() && f != file.end(); ++d, ++f)
        if (*d != *f) break;
    return d == dir.end() || (d->empty() && std::next(d) == dir.end());
}

fs::path common_ancestor(const fs::path& a, const fs::path& b) {
    fs::path out;
    for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end() && *i == *j; ++i, ++j)
        out /= *i;
    return out;
}

/// Every file the model read, and how the program finds them again: copied under model/
/// with their paths relative to the directory that holds them all, so that relative imports
/// and connection files resolve as they did; the import search path is kept, mapped the
/// same way.
struct SourceCopy {
    std::vector<std::pair<fs::path, fs::path>> files; ///< (where it is, where it goes)
    std::string root_file;
    std::vector<std::string> include_dirs;
};

SourceCopy copy_plan(const CompileSession& session, const CompileOptions& options) {
    const SourceManager& sources = session.sources();
    std::vector<fs::path> files;
    for (FileId id = 0; id < FileId(sources.file_count()); ++id) {
        const fs::path p(sources.name(id));
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) continue; // the texts of -D and --duration
        const fs::path a = normal_absolute(p);
        if (std::find(files.begin(), files.end(), a) == files.end()) files.push_back(a);
    }
    const fs::path root = normal_absolute(options.file);
    if (std::find(files.begin(), files.end(), root) == files.end()) files.push_back(root);
    std::vector<fs::path> search;
    for (const auto& dir : CompileSession::search_path(options.include_dirs)) {
        const fs::path d = normal_absolute(dir);
        for (const auto& f : files)
            if (is_within(d, f)) {
                search.push_back(d);
                break;
            }
    }
    fs::path common = root.parent_path();
    for (const auto& f : files)
        common = common_ancestor(common, f.parent_path());
    for (const auto& d : search)
        common = common_ancestor(common, d);

    SourceCopy plan;
    for (const auto& f : files)
        plan.files.emplace_back(f, f.lexically_relative(common));
    plan.root_file = root.lexically_relative(common).string();
    for (const auto& d : search) {
        const std::string rel = d.lexically_relative(common).string();
        plan.include_dirs.push_back(rel.empty() ? "." : rel);
    }
    return plan;
}

std::string where(const SourceManager& sources, SourceRange range) {
    if (!range.valid()) return "?";
    return fmt::format("{}:{}", sources.name(range.begin.file), range.begin.line);
}

std::string identifier(const std::string& s) {
    std::string out;
    for (char c : s)
        out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "net_" + out;
    return out;
}

/// Where nnc's CMake package is: the build tree this nnc was built in when it runs from
/// there; else the installation it runs from (PREFIX/bin/nnc -> PREFIX/lib/cmake/nnc, so
/// that `cmake --install --prefix` anywhere works); else the prefix it was configured for.
std::string package_dir() {
    std::error_code ec;
    const fs::path exe = fs::canonical("/proc/self/exe", ec);
    if (ec) return (fs::path(NNC_INSTALL_PREFIX) / "lib" / "cmake" / "nnc").string();
    const fs::path build = fs::weakly_canonical(NNC_BINARY_DIR, ec);
    if (!ec && is_within(build, exe)) return build.string();
    const fs::path installed = exe.parent_path().parent_path() / "lib" / "cmake" / "nnc";
    if (fs::exists(installed / "nncConfig.cmake", ec)) return installed.string();
    return (fs::path(NNC_INSTALL_PREFIX) / "lib" / "cmake" / "nnc").string();
}

struct Project {
    std::string kernels;                                               ///< kernels.cpp
    std::string declarations, updates, synapse_events, pair_functions; ///< for main.cpp
    size_t functions = 0;
};

Project write_kernels(const passes::LoweredProgram& lowered, const SourceManager& sources) {
    const ir::Network& network = *lowered.program.network;
    Project p;
    p.kernels = "// The kernels of network '" + network.name +
                "', written by `nnc compile --target cpp`\n// from the optimised kernel IR.\n"
                "// Each computes, bit for bit, what `nnc run`'s JIT computes; compile with\n"
                "// -ffp-contract=off -fno-builtin and no fast math (CMakeLists.txt does).\n" +
                cppgen::kernel_file_prelude();
    const auto entry = [](const std::string& name, uint64_t fingerprint) {
        return fmt::format("        {{\"{}\", 0x{:016x}ULL, {}}},\n", name, fingerprint, name);
    };
    for (size_t k = 0; k < lowered.kernels.size(); ++k) {
        const kir::PopulationKernel& kernel = lowered.kernels[k];
        const ir::Population& population = network.populations.at(k);
        const ir::NeuronModel& model = lowered.program.models.at(size_t(population.model));
        p.kernels +=
            "\n" + cppgen::emit_kernel(
                       kernel, fmt::format("Population '{}' ({}),\nneuron model '{}' ({}).",
                                           population.name, where(sources, population.range),
                                           model.name, where(sources, model.range)));
        p.declarations += "void " + kernel.name + "(const nncrt_kernel_args* args);\n";
        p.updates += entry(kernel.name, kernel_fingerprint(kernel));
    }
    for (size_t k = 0; k < lowered.synapse_kernels.size(); ++k) {
        const kir::PopulationKernel& kernel = lowered.synapse_kernels[k];
        std::string origin = "A synapse event kernel";
        for (const auto& pk : lowered.plastic) {
            const char* what = pk.on_pre == k    ? "on pre"
                               : pk.advance == k ? "advance only"
                               : pk.on_post == k ? "on post"
                                                 : nullptr;
            if (!what) continue;
            const ir::Projection& pr = network.projections.at(pk.projection);
            origin = fmt::format("Synapse event kernel ({}) of the projection {} -> {}\n({}).",
                                 what, network.populations.at(size_t(pr.source)).name,
                                 network.populations.at(size_t(pr.target)).name,
                                 where(sources, pr.range));
        }
        p.kernels += "\n" + cppgen::emit_kernel(kernel, origin);
        p.declarations += "void " + kernel.name + "(const nncrt_synapse_event_args* args);\n";
        p.synapse_events += entry(kernel.name, kernel_fingerprint(kernel));
    }
    const PairFunctionSet pairs = lower_pair_functions(network, kPairFunctionPrefix);
    for (size_t k = 0; k < pairs.functions.size(); ++k) {
        const kir::ScalarFunction& f = pairs.functions[k];
        const ir::Projection& pr = network.projections.at(pairs.slots[k].projection);
        p.kernels += "\n" + cppgen::emit_scalar_function(
                                f, fmt::format("A pair function of the projection {} -> {}\n({}).",
                                               network.populations.at(size_t(pr.source)).name,
                                               network.populations.at(size_t(pr.target)).name,
                                               where(sources, pr.range)));
        p.declarations += "double " + f.name + "(const double* args);\n";
        p.pair_functions += entry(f.name, kernel_fingerprint(f));
    }
    p.functions = lowered.kernels.size() + lowered.synapse_kernels.size() + pairs.functions.size();
    return p;
}

std::string main_source(const CompileTargetOptions& options, const SourceCopy& copy,
                        const Project& project) {
    std::string includes, defines;
    for (const auto& d : copy.include_dirs)
        includes += (includes.empty() ? "" : ", ") + cpp_string(d);
    for (const auto& d : options.compile.defines)
        defines += (defines.empty() ? "" : ", ") + cpp_string(d);
    const auto table = [](const std::string& rows) {
        return rows.empty() ? std::string("{}") : "{\n" + rows + "    }";
    };
    return fmt::format(
        R"(// The network of {file}, compiled ahead of time by
//   {command}
// The program is `nnc run` with these kernels in place of the JIT: the same options (-D, -o,
// --seed, --duration, -q), the same output. It reads the model from model/ at start-up.
#include "compiled_program.h"
#include "nncrt/parallel.h"

extern "C" {{
{declarations}}}

int main(int argc, char** argv) {{
    // One context for the whole run, before anything else reads the arguments.
    nncrt::ParallelContext parallel(&argc, &argv);
    nnc::driver::CompiledProgram program;
    program.command = {command_literal};
    program.source_file = {source_file};
    program.model_dir = NNC_MODEL_DIR;
    program.root_file = {root_file};
    program.include_dirs = {{{includes}}};
    program.defines = {{{defines}}};
    program.updates = {updates};
    program.synapse_events = {synapse_events};
    program.pair_functions = {pair_functions};
    return nnc::driver::compiled_program_main(argc, argv, program, parallel);
}}
)",
        fmt::arg("file", options.compile.file), fmt::arg("command", options.command_line),
        fmt::arg("declarations", project.declarations),
        fmt::arg("command_literal", cpp_string(options.command_line)),
        fmt::arg("root_file", cpp_string(copy.root_file)),
        fmt::arg("source_file", cpp_string(options.compile.file)), fmt::arg("includes", includes),
        fmt::arg("defines", defines), fmt::arg("updates", table(project.updates)),
        fmt::arg("synapse_events", table(project.synapse_events)),
        fmt::arg("pair_functions", table(project.pair_functions)));
}

std::string cmake_lists(const CompileTargetOptions& options, const std::string& name) {
    return fmt::format(R"(# Written by
#   {command}
# Build: cmake -S . -B build && cmake --build build; run: build/{name} -o spikes.h5
cmake_minimum_required(VERSION 3.25)
project({name} LANGUAGES C CXX)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

# nnc's CMake package: by default the one of the nnc that wrote this project (its build tree
# or its installation); -Dnnc_DIR=DIR chooses another.
find_package(nnc CONFIG REQUIRED HINTS {package})

add_executable({name} main.cpp kernels.cpp)
target_link_libraries({name} PRIVATE nnc::nnc_runner)
target_compile_options({name} PRIVATE -Wall -Wextra)
# The model's sources, which the program elaborates at start-up.
target_compile_definitions({name} PRIVATE NNC_MODEL_DIR="${{CMAKE_CURRENT_SOURCE_DIR}}/model")
# The kernels compute the JIT's bits only if the compiler computes exactly what they say:
# no multiply-add contraction, libm called as written, no fast math.
set_source_files_properties(kernels.cpp PROPERTIES
  COMPILE_OPTIONS "-ffp-contract=off;-fno-builtin;-fno-fast-math")
)",
                       fmt::arg("command", options.command_line), fmt::arg("name", name),
                       fmt::arg("package", cmake_string(package_dir())));
}

bool write_file(const fs::path& path, const std::string& text, DiagnosticEngine& diags) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (out.good()) return true;
    diags.error(fmt::format("cannot write '{}'", path.string()),
                "check that the directory given with -o is writable");
    return false;
}

} // namespace

int compile_command(const CompileTargetOptions& options) {
    if (options.target != "cpp") {
        std::cerr << fmt::format("nnc: error: unknown target '{}'\nhint: the targets are: cpp\n",
                                 options.target);
        return exit_usage_error;
    }
    CompileSession session(std::cerr, use_colour(stderr));
    auto& diags = session.diagnostics();
    auto lowered = session.lower(options.compile);
    if (!lowered) return exit_model_error;
    if (!lowered->program.network) {
        diags.error(options.compile.file + " has no network to compile",
                    "add a `network NAME { ... }` block; `--target cpp` writes a program that "
                    "runs a network");
        return exit_model_error;
    }

    const Project project = write_kernels(*lowered, session.sources());
    const SourceCopy copy = copy_plan(session, options.compile);
    const fs::path out(options.output_dir);
    const std::string name = identifier(fs::path(options.compile.file).stem().string());
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
        diags.error(fmt::format("cannot write the project to '{}': it is a file", out.string()),
                    "give -o a directory (it is created if it does not exist)");
        return exit_runtime_error;
    }
    // model/ is written afresh, so that it holds only what this model reads.
    fs::remove_all(out / "model", ec);
    fs::create_directories(out / "model", ec);
    if (ec) {
        diags.error(fmt::format("cannot create the directory '{}': {}", (out / "model").string(),
                                ec.message()),
                    "give -o a directory you can write to");
        return exit_runtime_error;
    }
    for (const auto& [from, to] : copy.files) {
        fs::create_directories((out / "model" / to).parent_path(), ec);
        fs::copy_file(from, out / "model" / to, fs::copy_options::overwrite_existing, ec);
        if (ec) {
            diags.error(fmt::format("cannot copy '{}' into '{}': {}", from.string(),
                                    (out / "model").string(), ec.message()));
            return exit_runtime_error;
        }
    }
    if (!write_file(out / "kernels.cpp", project.kernels, diags) ||
        !write_file(out / "main.cpp", main_source(options, copy, project), diags) ||
        !write_file(out / "CMakeLists.txt", cmake_lists(options, name), diags))
        return exit_runtime_error;

    std::cout << fmt::format("wrote {}: {} kernel functions, {} source files of the model\n"
                             "  build: cmake -S {} -B {} && cmake --build {}\n"
                             "  run:   {} -o spikes.h5\n",
                             out.string(), project.functions, copy.files.size(), out.string(),
                             (out / "build").string(), (out / "build").string(),
                             (out / "build" / name).string());
    return exit_ok;
}

} // namespace nnc::driver
