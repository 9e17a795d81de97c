// docs/repl.md shows a session: the lines typed after `nnc> ` (and `...> `) and what the
// REPL printed. This test types the same lines into a session and requires the same output,
// so that the document stays true. Only times of compilation and simulation may differ.
#include "repl_test_util.h"

using namespace nnc::repl;
using namespace nnc::repl::test;

namespace {

/// The first ```text block after the transcript marker of docs/repl.md.
std::string documented_transcript() {
    const std::string doc = read_file(std::string(NNC_SOURCE_DIR) + "/docs/repl.md");
    const auto marker = doc.find("<!-- transcript:");
    if (marker == std::string::npos) return {};
    const auto open = doc.find("```text\n", marker);
    const auto close = doc.find("\n```", open);
    if (open == std::string::npos || close == std::string::npos) return {};
    return doc.substr(open + 8, close - open - 8 + 1);
}

struct Entry {
    std::string text;  ///< as typed, lines joined by newlines
    std::string shown; ///< the prompt lines as the transcript shows them
};

std::vector<Entry> typed_entries(const std::string& transcript) {
    std::vector<Entry> entries;
    std::istringstream lines(transcript);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.starts_with("nnc> ")) {
            entries.push_back({line.substr(5), line + "\n"});
        } else if (line.starts_with("...> ") && !entries.empty()) {
            entries.back().text += "\n" + line.substr(5);
            entries.back().shown += line + "\n";
        }
    }
    return entries;
}

/// Times measured during the session, which differ from run to run.
std::string without_times(const std::string& text) {
    static const std::regex took(R"(in [0-9]+\.[0-9] ms)");
    static const std::regex phase(R"((\n  [a-z]+) +[0-9]+\.[0-9]{2} ms)");
    return std::regex_replace(std::regex_replace(text, took, "in # ms"), phase, "$1 # ms");
}

} // namespace

TEST(Transcript, DocsReplMdShowsWhatTheReplPrints) {
    const std::string documented = documented_transcript();
    ASSERT_FALSE(documented.empty()) << "docs/repl.md has no transcript";
    const auto entries = typed_entries(documented);
    ASSERT_GT(entries.size(), 10u);
    // `:save` writes into the working directory.
    TemporaryDirectory dir;
    const auto cwd = std::filesystem::current_path();
    std::filesystem::current_path(dir.path);
    std::ostringstream out;
    {
        Session session(out, out);
        for (const auto& entry : entries) {
            out << entry.shown;
            session.execute(entry.text);
        }
    }
    std::filesystem::current_path(cwd);
    EXPECT_EQ(without_times(out.str()), without_times(documented))
        << "docs/repl.md should show this session:\n"
        << out.str();
}
