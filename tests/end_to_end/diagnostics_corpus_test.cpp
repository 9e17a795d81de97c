// The diagnostics corpus (tests/diagnostics/*.nml): malformed and wrong models, each with
// every diagnostic `nnc` must print for it written in the file itself. The test runs
// `nnc check` (or the command the file names) on each and compares what it prints, message
// for message, with what the file expects: severity, line:col, text and hint, in order,
// and the exit status. See tests/diagnostics/README.md for the format.
#include "command_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nnc::test::run_nnc;

constexpr const char* kCorpus = "tests/diagnostics/";

/// One diagnostic: `where` is `L:C` in the file itself, `PATH:L:C` in another file (PATH
/// relative to the corpus folder), or `-` for a message without a location.
struct Diagnostic {
    std::string where, severity, message, hint;
    bool has_hint = false;
};

std::string describe(const Diagnostic& d) {
    std::string text = d.where + ": " + d.severity + ": " + d.message;
    if (d.has_hint) text += "\n    hint: " + d.hint;
    return text;
}

std::string describe(const std::vector<Diagnostic>& list) {
    std::string text;
    for (const auto& d : list)
        text += "  " + describe(d) + "\n";
    return text.empty() ? "  (none)\n" : text;
}

struct Expectation {
    std::string name;              ///< file name within the corpus folder
    std::string command = "check"; ///< `# command:`
    int exit_code = 1;             ///< `# exit:`
    std::vector<Diagnostic> diagnostics;
};

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

/// Reads the `# expect:`, `# hint:`, `# command:` and `# exit:` lines of a corpus file.
Expectation read_expectation(const fs::path& file) {
    Expectation e;
    e.name = file.filename().string();
    std::ifstream in(file);
    std::string line;
    static const std::regex expect(R"(# expect: (\S+): (error|warning|note): (.*))");
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, expect)) {
            e.diagnostics.push_back({m[1], m[2], m[3], {}, false});
        } else if (starts_with(line, "# hint: ") && !e.diagnostics.empty()) {
            e.diagnostics.back().hint = line.substr(8);
            e.diagnostics.back().has_hint = true;
        } else if (starts_with(line, "# command: ")) {
            e.command = line.substr(11);
        } else if (starts_with(line, "# exit: ")) {
            e.exit_code = std::stoi(line.substr(8));
        }
    }
    return e;
}

/// Splits what `nnc` printed into diagnostics, and reports a located one that lacks its
/// source line and caret.
std::vector<Diagnostic> parse_output(const std::string& err, const std::string& name,
                                     std::vector<std::string>& problems) {
    static const std::regex located(R"((.+):(\d+):(\d+): (error|warning|note): (.*))");
    static const std::regex unlocated(R"(nnc: (error|warning|note): (.*))");
    static const std::regex source_line(R"( *\d+ \| .*)");
    static const std::regex caret_line(R"( +\| [ \t]*\^~*)");
    std::vector<Diagnostic> out;
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    for (size_t i = 0; i < lines.size(); ++i) {
        std::smatch m;
        if (std::regex_match(lines[i], m, located)) {
            std::string file = m[1];
            if (starts_with(file, kCorpus)) file = file.substr(std::string(kCorpus).size());
            std::string where = std::string(m[2]) + ":" + std::string(m[3]);
            out.push_back({file == name ? where : file + ":" + where, m[4], m[5], {}, false});
            if (i + 2 >= lines.size() || !std::regex_match(lines[i + 1], source_line) ||
                !std::regex_match(lines[i + 2], caret_line))
                problems.push_back("no source line with a caret under: " + lines[i]);
        } else if (std::regex_match(lines[i], m, unlocated)) {
            out.push_back({"-", m[1], m[2], {}, false});
        } else if (starts_with(lines[i], "hint: ") && !out.empty()) {
            out.back().hint = lines[i].substr(6);
            out.back().has_hint = true;
        }
    }
    return out;
}

/// `{...}` in an expectation stands for any text: the parts a machine decides (its
/// directories, its free memory). Everything else must match exactly.
bool text_matches(const std::string& expected, const std::string& actual) {
    static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
    const std::string wildcard = "{...}";
    std::string pattern;
    size_t from = 0;
    for (size_t at; (at = expected.find(wildcard, from)) != std::string::npos;
         from = at + wildcard.size())
        pattern += std::regex_replace(expected.substr(from, at - from), special, R"(\$&)") + ".*";
    pattern += std::regex_replace(expected.substr(from), special, R"(\$&)");
    return std::regex_match(actual, std::regex(pattern));
}

bool matches(const Diagnostic& expected, const Diagnostic& actual) {
    return expected.where == actual.where && expected.severity == actual.severity &&
           text_matches(expected.message, actual.message) && expected.has_hint == actual.has_hint &&
           text_matches(expected.hint, actual.hint);
}

std::vector<fs::path> corpus_files() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(fs::path(NNC_SOURCE_DIR) / kCorpus))
        if (entry.is_regular_file() && entry.path().extension() == ".nml")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

class DiagnosticsCorpus : public ::testing::TestWithParam<fs::path> {};

TEST_P(DiagnosticsCorpus, PrintsExactlyTheExpectedDiagnostics) {
    const Expectation expected = read_expectation(GetParam());
    ASSERT_FALSE(expected.diagnostics.empty())
        << expected.name << " has no `# expect:` line; every corpus file names what nnc says";
    auto r = run_nnc(expected.command + " " + kCorpus + expected.name);
    EXPECT_EQ(r.exit_code, expected.exit_code) << r.err;

    std::vector<std::string> problems;
    const auto actual = parse_output(r.err, expected.name, problems);
    for (const auto& p : problems)
        ADD_FAILURE() << p << "\n" << r.err;
    bool same = actual.size() == expected.diagnostics.size();
    for (size_t i = 0; same && i < actual.size(); ++i)
        same = matches(expected.diagnostics[i], actual[i]);
    EXPECT_TRUE(same) << "expected:\n"
                      << describe(expected.diagnostics) << "printed:\n"
                      << describe(actual) << "in full:\n"
                      << r.err;
}

INSTANTIATE_TEST_SUITE_P(EndToEnd, DiagnosticsCorpus, ::testing::ValuesIn(corpus_files()),
                         [](const auto& test_case) { return test_case.param.stem().string(); });

TEST(DiagnosticsCorpusSize, HoldsAtLeastSixtyFiles) {
    EXPECT_GE(corpus_files().size(), 60u);
}

TEST(DiagnosticsCorpusMatching, WildcardStandsForAnyTextAndNothingElse) {
    EXPECT_TRUE(text_matches("searched in: {...}", "searched in: ., /usr/share/nnc"));
    EXPECT_TRUE(text_matches("about {...} GiB (x)", "about 3.5 GiB (x)"));
    EXPECT_FALSE(text_matches("about {...} GiB (x)", "about 3.5 MiB (x)"));
    EXPECT_FALSE(text_matches("a.b", "axb"));
    EXPECT_TRUE(text_matches("a.b", "a.b"));
}

} // namespace
