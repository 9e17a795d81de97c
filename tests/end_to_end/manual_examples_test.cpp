// The user manual's examples are promises: every ```nml block in docs/language.md and
// docs/cli.md is a complete file that `nnc check` accepts, and every ```nml-error block is
// one it refuses with exit status 1 and a located message. An `# error: TEXT` comment in an
// error example names the message: a diagnostic `FILE:LINE:COL: error: ...TEXT...` must
// appear for the line of that comment. The docs are read when the test runs, so an edited
// manual is checked without rebuilding.
#include "command_runner.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nnc::test::run_nnc;
using nnc::test::scratch_dir;

struct Example {
    std::string doc;     ///< "docs/language.md"
    int line = 0;        ///< line of the opening fence in the doc
    bool error = false;  ///< ```nml-error
    std::string text;    ///< the block's contents
    std::string problem; ///< a malformed fence, if not empty
};

std::string read_doc(const std::string& doc) {
    std::ifstream in(std::filesystem::path(NNC_SOURCE_DIR) / doc);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The ```nml and ```nml-error blocks of a Markdown file, in order. A fence whose info
/// string starts with `nml` but is neither of the two, or a block left open, becomes an
/// example with a `problem`, so that a typo cannot hide an example from the test.
std::vector<Example> examples_in(const std::string& doc, const std::string& markdown) {
    std::vector<Example> out;
    std::istringstream in(markdown);
    std::string line;
    int number = 0;
    bool open = false; // inside an example, which is out.back()
    bool in_other_block = false;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (open) {
            if (line == "```")
                open = false;
            else
                out.back().text += line + "\n";
            continue;
        }
        if (!line.starts_with("```")) continue;
        if (in_other_block) {
            in_other_block = line != "```";
            continue;
        }
        std::string info = line.substr(3);
        if (!info.starts_with("nml")) {
            in_other_block = true;
            continue;
        }
        Example e{doc, number, info == "nml-error", {}, {}};
        if (info != "nml" && info != "nml-error")
            e.problem = "unknown fence '```" + info + "'; write ```nml or ```nml-error";
        out.push_back(e);
        open = true;
    }
    if (open) out.back().problem = "the block is not closed with ```";
    return out;
}

/// "docs/language.md:123" for messages.
std::string where(const Example& e) {
    return e.doc + ":" + std::to_string(e.line);
}

/// The `# error: TEXT` comments of an example: (line within the example, TEXT).
std::vector<std::pair<int, std::string>> expected_errors(const Example& e) {
    std::vector<std::pair<int, std::string>> out;
    std::istringstream in(e.text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        auto at = line.find("# error: ");
        if (at == std::string::npos) continue;
        std::string text = line.substr(at + 9);
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        out.emplace_back(number, text);
    }
    return out;
}

/// True if `err` holds a diagnostic `PATH:LINE:COL: error: ...` whose message contains
/// `text` (any line when `line` is 0, any text when `text` is empty).
bool has_error(const std::string& err, const std::string& path, int line, const std::string& text) {
    std::istringstream in(err);
    std::string d;
    std::string prefix = path + ":" + (line > 0 ? std::to_string(line) + ":" : "");
    while (std::getline(in, d)) {
        if (!d.starts_with(prefix)) continue;
        size_t col = prefix.size();
        if (line == 0) { // skip the line number
            while (col < d.size() && std::isdigit(static_cast<unsigned char>(d[col])))
                ++col;
            if (col == prefix.size() || col >= d.size() || d[col] != ':') continue;
            ++col;
        }
        size_t digits = col;
        while (digits < d.size() && std::isdigit(static_cast<unsigned char>(d[digits])))
            ++digits;
        if (digits == col) continue;
        std::string rest = d.substr(digits);
        if (!rest.starts_with(": error: ")) continue;
        if (rest.find(text, 9) != std::string::npos) return true;
    }
    return false;
}

/// Checks one example with `nnc check`; every failure names the example's place in the doc.
void check_example(const Example& e, const std::string& dir) {
    SCOPED_TRACE(where(e));
    ASSERT_TRUE(e.problem.empty()) << where(e) << ": " << e.problem;
    std::string path = dir + "/" + std::filesystem::path(e.doc).stem().string() + "_line" +
                       std::to_string(e.line) + ".nml";
    {
        std::ofstream out(path);
        out << e.text;
    }
    auto r = run_nnc("check '" + path + "'");
    if (!e.error) {
        EXPECT_EQ(r.exit_code, 0) << where(e) << ": `nnc check` refuses this ```nml example:\n"
                                  << r.err << "\n"
                                  << e.text;
        EXPECT_TRUE(r.err.empty()) << where(e) << ": `nnc check` printed on stderr:\n" << r.err;
        return;
    }
    EXPECT_EQ(r.exit_code, 1) << where(e) << ": a ```nml-error example must make `nnc check` "
                              << "exit with status 1\nstderr:\n"
                              << r.err << "\n"
                              << e.text;
    EXPECT_TRUE(has_error(r.err, path, 0, ""))
        << where(e) << ": no `file:line:col: error:` message in\n"
        << r.err;
    auto expected = expected_errors(e);
    EXPECT_FALSE(expected.empty()) << where(e)
                                   << ": a ```nml-error example must say which error it shows "
                                      "with an `# error: MESSAGE` comment on that line";
    for (const auto& [line, text] : expected)
        EXPECT_TRUE(has_error(r.err, path, line, text))
            << where(e) << ": expected `" << path << ":" << line << ":COL: error: ..." << text
            << "...`, got\n"
            << r.err;
}

void check_doc(const std::string& doc) {
    auto examples = examples_in(doc, read_doc(doc));
    ASSERT_FALSE(examples.empty()) << doc << " has no ```nml or ```nml-error examples (or "
                                   << "cannot be read from " << NNC_SOURCE_DIR << ")";
    std::string dir = scratch_dir("manual-examples");
    for (const auto& e : examples)
        check_example(e, dir);
    std::filesystem::remove_all(dir);
}

TEST(ManualExamples, EveryExampleInTheLanguageReferenceChecks) {
    check_doc("docs/language.md");
}

TEST(ManualExamples, EveryExampleInTheCliReferenceChecks) {
    check_doc("docs/cli.md");
}

TEST(ManualExamples, ExtractionFindsEveryKindOfFence) {
    const std::string markdown = "Text\n"
                                 "```nml\n"
                                 "neuron a { }\n"
                                 "```\n"
                                 "```sh\n"
                                 "```nml inside another block is not an example\n"
                                 "```\n"
                                 "```nml-error\n"
                                 "neuron b { state { x = 1 mv } }   # error: unknown unit\n"
                                 "```\n"
                                 "```nml-eror\n"
                                 "```\n"
                                 "```nml\n"
                                 "neuron c { }\n";
    auto examples = examples_in("doc.md", markdown);
    ASSERT_EQ(examples.size(), 4u);
    EXPECT_EQ(examples[0].line, 2);
    EXPECT_FALSE(examples[0].error);
    EXPECT_EQ(examples[0].text, "neuron a { }\n");
    EXPECT_TRUE(examples[0].problem.empty());
    EXPECT_EQ(examples[1].line, 8);
    EXPECT_TRUE(examples[1].error);
    auto errors = expected_errors(examples[1]);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].first, 1);
    EXPECT_EQ(errors[0].second, "unknown unit");
    EXPECT_NE(examples[2].problem.find("unknown fence"), std::string::npos);
    EXPECT_NE(examples[3].problem.find("not closed"), std::string::npos);
}

} // namespace
