#include "compile_session.h"

#include "frontend/parser.h"
#include "sema/sema.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace nnc::driver {

CompileSession::CompileSession(std::ostream& out, bool colour) : diags_(sources_, out, colour) {}

std::vector<std::string> CompileSession::search_path(const std::vector<std::string>& include_dirs) {
    std::vector<std::string> path = include_dirs;
    if (const char* env = std::getenv("NNC_PATH")) {
        std::string s = env;
        size_t start = 0;
        while (start <= s.size()) {
            size_t end = s.find(':', start);
            if (end == std::string::npos) end = s.size();
            if (end > start) path.push_back(s.substr(start, end - start));
            start = end + 1;
        }
    }
    // The installed library first, then the source tree this binary was built from.
    for (const char* dir : {NNC_INSTALL_DATA_DIR, NNC_SOURCE_DIR})
        if (std::filesystem::exists(std::filesystem::path(dir) / "stdlib")) path.push_back(dir);
    return path;
}

namespace {

bool is_identifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

} // namespace

std::optional<ir::Program> CompileSession::analyse(const CompileOptions& options) {
    std::vector<ConstantOverride> overrides;
    for (const auto& define : options.defines) {
        auto eq = define.find('=');
        std::string name = eq == std::string::npos ? define : define.substr(0, eq);
        if (eq == std::string::npos || !is_identifier(name)) {
            diags_.error("bad -D option '" + define + "'",
                         "write -D NAME=VALUE, e.g. -D scale=0.2 or -D J='0.2 mV'");
            continue;
        }
        FileId id = sources_.add("-D " + name, define.substr(eq + 1));
        auto value = parse_expression(id, sources_, diags_);
        if (!value) continue;
        SourceRange range = value->range;
        overrides.push_back(ConstantOverride{name, std::move(value), range});
    }
    if (!options.duration.empty()) {
        std::string text = options.duration;
        char* end = nullptr;
        std::strtod(text.c_str(), &end);
        if (end != text.c_str() && *end == '\0') text += " ms"; // a bare number is in ms
        FileId id = sources_.add("--duration", text);
        if (auto value = parse_expression(id, sources_, diags_)) {
            SourceRange range = value->range;
            overrides.push_back(ConstantOverride{"duration", std::move(value), range, true});
        }
    }
    if (diags_.has_errors()) return std::nullopt;

    auto loaded = timer_.time("parse", [&] {
        return load_program(options.file, search_path(options.include_dirs), sources_, diags_);
    });
    if (!loaded) return std::nullopt;
    return timer_.time("check", [&] { return nnc::analyse(*loaded, overrides, sources_, diags_); });
}

std::optional<passes::LoweredProgram> CompileSession::lower(const CompileOptions& options,
                                                            const passes::PassObserver& after) {
    auto program = analyse(options);
    if (!program) return std::nullopt;
    passes::PipelineOptions pipeline;
    pipeline.optimise = options.optimise;
    return timer_.time("optimise",
                       [&] { return passes::run_pipeline(std::move(*program), after, pipeline); });
}

} // namespace nnc::driver
