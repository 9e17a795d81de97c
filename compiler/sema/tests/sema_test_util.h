// Shared set-up for sema's tests: .nml text in, analysed program and the
// diagnostics' text out. Tests feed the front end real source, so that every
// line:col they check is what a user would see.
#pragma once

#include "frontend/diagnostics.h"
#include "frontend/parser.h"
#include "sema/sema.h"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace nnc::sema_test {

inline std::string source_path(const std::string& relative) {
    return std::string(NNC_SOURCE_DIR) + "/" + relative;
}

class Sema {
public:
    /// Parses the given standard-library files (paths under the repository) and `text` as
    /// "test.nml", the root file, and analyses them with `defines` ("name=value").
    std::optional<ir::Program> analyse(const std::string& text,
                                       const std::vector<std::string>& library = {},
                                       const std::vector<std::string>& defines = {}) {
        LoadedProgram program;
        for (const auto& path : library) {
            auto id = sources.load(source_path(path));
            EXPECT_TRUE(id.has_value()) << path;
            if (!id) return std::nullopt;
            auto file = parse_file(*id, sources, diags);
            EXPECT_TRUE(file.has_value()) << out.str();
            if (!file) return std::nullopt;
            program.files.push_back(std::move(*file));
        }
        auto id = sources.add("test.nml", text);
        auto file = parse_file(id, sources, diags);
        EXPECT_TRUE(file.has_value()) << "syntax error in the test's source:\n" << out.str();
        if (!file) return std::nullopt;
        program.files.push_back(std::move(*file));
        return analyse(program, defines);
    }

    /// Loads a file with its imports (search path: the repository) and analyses it.
    std::optional<ir::Program> analyse_file(const std::string& path,
                                            const std::vector<std::string>& defines = {}) {
        auto program = load_program(source_path(path), {NNC_SOURCE_DIR}, sources, diags);
        EXPECT_TRUE(program.has_value()) << out.str();
        if (!program) return std::nullopt;
        return analyse(*program, defines);
    }

    std::string text() const { return out.str(); }

    SourceManager sources;
    std::ostringstream out;
    DiagnosticEngine diags{sources, out, false};

private:
    std::optional<ir::Program> analyse(const LoadedProgram& program,
                                       const std::vector<std::string>& defines) {
        std::vector<ConstantOverride> overrides;
        for (const auto& d : defines) {
            auto eq = d.find('=');
            auto id = sources.add("<command line>", d.substr(eq + 1));
            auto value = parse_expression(id, sources, diags);
            EXPECT_TRUE(value) << out.str();
            if (!value) return std::nullopt;
            SourceRange range = value->range;
            overrides.push_back(ConstantOverride{d.substr(0, eq), std::move(value), range});
        }
        return nnc::analyse(program, overrides, sources, diags);
    }
};

/// True if `haystack` contains `needle`; prints both otherwise.
inline ::testing::AssertionResult contains(const std::string& haystack, const std::string& needle) {
    if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected to find\n  " << needle << "\nin\n"
                                         << haystack;
}

} // namespace nnc::sema_test
