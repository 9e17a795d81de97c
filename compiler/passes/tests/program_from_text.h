// Parses and checks .nml text for pass tests, so that the models under test read
// as a user would write them.
#pragma once

#include "frontend/parser.h"
#include "sema/sema.h"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>

namespace nnc::test {

inline ir::Program program_from_text(const std::string& text) {
    SourceManager sources;
    std::ostringstream errors;
    DiagnosticEngine diags(sources, errors, false);
    FileId id = sources.add("test.nml", text);
    auto file = parse_file(id, sources, diags);
    if (!file) throw std::runtime_error("syntax errors:\n" + errors.str());
    LoadedProgram loaded;
    loaded.files.push_back(std::move(*file));
    auto program = analyse(loaded, {}, sources, diags);
    if (!program) throw std::runtime_error("sema errors:\n" + errors.str());
    return std::move(*program);
}

} // namespace nnc::test
