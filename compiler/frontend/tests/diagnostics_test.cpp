#include "frontend/diagnostics.h"

#include <gtest/gtest.h>

#include <sstream>

namespace nnc {
namespace {

SourceRange at(FileId file, uint32_t line, uint32_t col, uint32_t end_line, uint32_t end_col) {
    return {{file, line, col}, {file, end_line, end_col}};
}

struct Fixture {
    SourceManager sources;
    std::ostringstream out;
    FileId file = sources.add("examples/x.nml", "neuron x {\n"
                                                "    V_m' = -V_m / tau_n\n"
                                                "\tI' = I\t/ tau\n"
                                                "}\n");
};

TEST(Diagnostics, ErrorWithHint) {
    Fixture f;
    DiagnosticEngine diags(f.sources, f.out, false);
    diags.error(at(f.file, 2, 19, 2, 23), "unknown name 'tau_n'", "did you mean 'tau_m'?");
    EXPECT_EQ(f.out.str(), "examples/x.nml:2:19: error: unknown name 'tau_n'\n"
                           "    2 |     V_m' = -V_m / tau_n\n"
                           "      |                   ^~~~~\n"
                           "hint: did you mean 'tau_m'?\n");
    EXPECT_EQ(diags.error_count(), 1u);
    EXPECT_TRUE(diags.has_errors());
}

TEST(Diagnostics, WarningAndNoteWithoutHint) {
    Fixture f;
    DiagnosticEngine diags(f.sources, f.out, false);
    diags.warning(at(f.file, 2, 5, 2, 8), "unused equation");
    diags.note(at(f.file, 1, 8, 1, 8), "declared here");
    EXPECT_EQ(f.out.str(), "examples/x.nml:2:5: warning: unused equation\n"
                           "    2 |     V_m' = -V_m / tau_n\n"
                           "      |     ^~~~\n"
                           "examples/x.nml:1:8: note: declared here\n"
                           "    1 | neuron x {\n"
                           "      |        ^\n");
    EXPECT_EQ(diags.error_count(), 0u);
    EXPECT_EQ(diags.warning_count(), 1u);
    EXPECT_FALSE(diags.has_errors());
}

TEST(Diagnostics, TabsKeptInCaretPadding) {
    Fixture f;
    DiagnosticEngine diags(f.sources, f.out, false);
    // Line 3 is "\tI' = I\t/ tau"; `tau` starts at byte column 11.
    diags.error(at(f.file, 3, 11, 3, 13), "unknown name 'tau'");
    EXPECT_EQ(f.out.str(), "examples/x.nml:3:11: error: unknown name 'tau'\n"
                           "    3 | \tI' = I\t/ tau\n"
                           "      | \t      \t  ^~~\n");
}

TEST(Diagnostics, MultiLineRangeGetsOnlyACaret) {
    Fixture f;
    DiagnosticEngine diags(f.sources, f.out, false);
    diags.error(at(f.file, 1, 1, 4, 1), "neuron 'x' has no threshold");
    EXPECT_EQ(f.out.str(), "examples/x.nml:1:1: error: neuron 'x' has no threshold\n"
                           "    1 | neuron x {\n"
                           "      | ^\n");
}

TEST(Diagnostics, WithoutLocation) {
    Fixture f;
    DiagnosticEngine diags(f.sources, f.out, false);
    diags.error("cannot read 'nope.nml'", "check the path");
    diags.error("second");
    EXPECT_EQ(f.out.str(), "nnc: error: cannot read 'nope.nml'\n"
                           "hint: check the path\n"
                           "nnc: error: second\n");
    EXPECT_EQ(diags.error_count(), 2u);
}

TEST(Diagnostics, NoColourCodesWhenColourIsOff) {
    Fixture f;
    DiagnosticEngine diags(f.sources, f.out, false);
    diags.error(at(f.file, 2, 5, 2, 7), "e", "h");
    diags.warning(at(f.file, 2, 5, 2, 7), "w");
    diags.note(at(f.file, 2, 5, 2, 7), "n");
    EXPECT_EQ(f.out.str().find('\x1b'), std::string::npos);
}

TEST(Diagnostics, ColourCodesWhenColourIsOn) {
    Fixture f;
    DiagnosticEngine diags(f.sources, f.out, true);
    diags.error(at(f.file, 2, 19, 2, 23), "unknown name 'tau_n'");
    diags.warning(at(f.file, 2, 5, 2, 7), "w");
    diags.note(at(f.file, 2, 5, 2, 7), "n");
    std::string text = f.out.str();
    EXPECT_NE(text.find("\x1b[1;31merror\x1b[0m"), std::string::npos) << text;
    EXPECT_NE(text.find("\x1b[1;35mwarning\x1b[0m"), std::string::npos) << text;
    EXPECT_NE(text.find("\x1b[1;36mnote\x1b[0m"), std::string::npos) << text;
    EXPECT_NE(text.find("\x1b[1munknown name 'tau_n'\x1b[0m"), std::string::npos) << text;
    EXPECT_NE(text.find("\x1b[32m^~~~~\x1b[0m"), std::string::npos) << text;
}

TEST(Diagnostics, CaretPastTheEndOfTheLine) {
    Fixture f;
    DiagnosticEngine diags(f.sources, f.out, false);
    diags.error(at(f.file, 4, 2, 4, 2), "expected '}'");
    EXPECT_EQ(f.out.str(), "examples/x.nml:4:2: error: expected '}'\n"
                           "    4 | }\n"
                           "      |  ^\n");
}

TEST(Diagnostics, WideLineNumbers) {
    SourceManager sources;
    std::string text(123456, '\n');
    text += "last";
    FileId file = sources.add("long.nml", text);
    std::ostringstream out;
    DiagnosticEngine diags(sources, out, false);
    diags.error(at(file, 123457, 1, 123457, 4), "here");
    EXPECT_EQ(out.str(), "long.nml:123457:1: error: here\n"
                         "123457 | last\n"
                         "       | ^~~~\n");
}

TEST(Diagnostics, VeryLongLinesAreCutAroundTheCaret) {
    SourceManager sources;
    FileId file = sources.add("wide.nml", std::string(1000, 'a') + "XYZ" + std::string(1000, 'b'));
    std::ostringstream out;
    DiagnosticEngine diags(sources, out, false);
    diags.error(at(file, 1, 1001, 1, 1003), "here");
    std::string text = out.str();
    std::istringstream lines(text);
    std::string header, source, caret;
    std::getline(lines, header);
    std::getline(lines, source);
    std::getline(lines, caret);
    EXPECT_LT(source.size(), 200u);
    size_t column = source.find("XYZ");
    ASSERT_NE(column, std::string::npos);
    EXPECT_EQ(caret.find("^~~"), column);
}

} // namespace
} // namespace nnc
