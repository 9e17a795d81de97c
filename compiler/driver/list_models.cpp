// `nnc list-models`: the standard library as a user looks things up in it. Every .nml file
// under the first stdlib/ of the search path is checked as `nnc check` would; each model is
// listed once (where it is defined) with its parameters, each as written in its file
// (`cm = 1 nF`, PyNN's unit, not the canonical one) and with its dimension.
#include "commands.h"
#include "exit_codes.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

namespace nnc::driver {

namespace {

/// The text a range covers, on one line (the rest of the first line if it spans several).
std::string range_text(const SourceManager& sources, const SourceRange& r) {
    if (!r.valid()) return {};
    std::string_view line = sources.line(r.begin.file, r.begin.line);
    size_t from = r.begin.col - 1;
    size_t to = r.end.line == r.begin.line ? size_t(r.end.col) : line.size();
    if (from >= line.size()) return {};
    return std::string(line.substr(from, std::min(to, line.size()) - from));
}

/// `C_m = 250 pF` -> `250 pF`.
std::string default_text(const SourceManager& sources, const SourceRange& binding) {
    std::string text = range_text(sources, binding);
    size_t eq = text.find('=');
    if (eq == std::string::npos) return text;
    size_t start = text.find_first_not_of(' ', eq + 1);
    return start == std::string::npos ? std::string{} : text.substr(start);
}

/// The comment after a binding on its line (`# membrane capacitance`), without the `#`.
std::string comment_after(const SourceManager& sources, const SourceRange& binding) {
    if (!binding.valid()) return {};
    std::string_view line = sources.line(binding.end.file, binding.end.line);
    size_t hash = line.find('#', binding.end.col);
    if (hash == std::string_view::npos) return {};
    size_t start = line.find_first_not_of(' ', hash + 1);
    return start == std::string_view::npos ? std::string{} : std::string(line.substr(start));
}

template <typename Parameter>
void print_parameters(const SourceManager& sources, const std::vector<Parameter>& parameters,
                      size_t count) {
    size_t name_width = 0, value_width = 0, dim_width = 0;
    for (size_t i = 0; i < count; ++i) {
        name_width = std::max(name_width, parameters[i].name.size());
        value_width = std::max(value_width, default_text(sources, parameters[i].range).size());
        dim_width = std::max(dim_width, parameters[i].dim.describe().size());
    }
    for (size_t i = 0; i < count; ++i) {
        const auto& p = parameters[i];
        std::string line = fmt::format(
            "  {:<{}} = {:<{}}  {:<{}}  {}", p.name, name_width, default_text(sources, p.range),
            value_width, p.dim.describe(), dim_width, comment_after(sources, p.range));
        line.erase(line.find_last_not_of(' ') + 1);
        std::cout << line << '\n';
    }
}

} // namespace

int list_models_command(const ListModelsOptions& options) {
    namespace fs = std::filesystem;
    fs::path library;
    for (const auto& dir : CompileSession::search_path(options.include_dirs))
        if (fs::is_directory(fs::path(dir) / "stdlib")) {
            library = fs::path(dir) / "stdlib";
            break;
        }
    if (library.empty()) {
        std::cerr << "nnc: error: no standard library found\nhint: nnc looks for a stdlib/ "
                     "folder in the -I directories, $NNC_PATH and its data directory\n";
        return exit_model_error;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(library))
        if (entry.is_regular_file() && entry.path().extension() == ".nml")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());

    bool failed = false;
    std::set<std::string> listed;
    for (const auto& file : files) {
        CompileSession session(std::cerr, false);
        CompileOptions compile;
        compile.file = file.string();
        compile.include_dirs = options.include_dirs;
        auto program = session.analyse(compile);
        if (!program) {
            failed = true;
            continue;
        }
        const SourceManager& sources = session.sources();
        auto defined_here = [&](const SourceRange& r) {
            return fs::equivalent(fs::path(sources.name(r.begin.file)), file);
        };
        const std::string where = fs::relative(file, library.parent_path()).string();
        for (const auto& m : program->models) {
            if (!defined_here(m.range) || !listed.insert(m.name).second) continue;
            if (m.alias_of.empty())
                std::cout << fmt::format("neuron {}    ({})\n", m.name, where);
            else
                std::cout << fmt::format("neuron {} = {}    ({})\n", m.name, m.alias_of, where);
            print_parameters(sources, m.parameters,
                             m.alias_of.empty() ? m.parameters.size() : m.alias_parameters);
            std::string receptors;
            for (const auto& r : m.receptors)
                receptors += fmt::format("{}{} ({})", receptors.empty() ? "" : ", ", r.name,
                                         r.weight_dim.unit_name());
            if (!receptors.empty()) std::cout << "  receptors: " << receptors << '\n';
            std::cout << '\n';
        }
        for (const auto& s : program->synapses) {
            if (!defined_here(s.range) || !listed.insert(s.name).second) continue;
            std::cout << fmt::format("synapse {}    ({})\n", s.name, where);
            print_parameters(sources, s.parameters, s.parameters.size());
            std::cout << '\n';
        }
    }
    return failed ? exit_model_error : exit_ok;
}

} // namespace nnc::driver
