// libFuzzer entry point for what `nnc check` does before anything runs: the input is a
// root .nml file; it is parsed with its imports (the standard library is on the search
// path) and checked by sema. Any input must end in diagnostics, never in a crash, a hang or
// a sanitizer report. See fuzz/README.md.
#include "frontend/parser.h"
#include "sema/sema.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

/// The input is written to a file of its own, so that `import` is resolved from a real
/// directory as `nnc check` resolves it (and an input that imports itself is a cycle).
const std::filesystem::path& input_path() {
    static const std::filesystem::path path = [] {
        auto dir =
            std::filesystem::temp_directory_path() / ("nnc-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        return dir / "input.nml";
    }();
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
    }
    nnc::SourceManager sources;
    std::ostringstream messages;
    nnc::DiagnosticEngine diags(sources, messages, false);
    auto program = nnc::load_program(input_path().string(), {NNC_SOURCE_DIR}, sources, diags);
    if (program) (void)nnc::analyse(*program, {}, sources, diags);
    return 0;
}
