// Malformed models, as a user would feed them to `nnc check` and `nnc run`:
// each must exit with status 1 and name the problem at file:line:col, with the
// source line and a caret; none may crash.
#include "command_runner.h"

#include <gtest/gtest.h>

namespace {

using nnc::test::run_nnc;

struct BadModel {
    const char* file;
    const char* location; ///< file:line:col of the first error
    const char* message;  ///< part of the error message
};

class BadModelTest : public ::testing::TestWithParam<BadModel> {};

TEST_P(BadModelTest, CheckAndRunExitNonZeroWithLocatedMessage) {
    const auto& bad = GetParam();
    for (const char* command : {"check", "run"}) {
        auto r = run_nnc(std::string(command) + " tests/end_to_end/models/" + bad.file);
        EXPECT_EQ(r.exit_code, 1) << command << "\n" << r.err;
        std::string where = std::string("tests/end_to_end/models/") + bad.location + ": error: ";
        EXPECT_NE(r.err.find(where), std::string::npos) << "expected '" << where << "' in\n"
                                                        << r.err;
        EXPECT_NE(r.err.find(bad.message), std::string::npos)
            << "expected '" << bad.message << "' in\n"
            << r.err;
        EXPECT_NE(r.err.find('^'), std::string::npos) << "no caret in\n" << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
}

INSTANTIATE_TEST_SUITE_P(
    EndToEnd, BadModelTest,
    ::testing::Values(
        BadModel{"bad_syntax.nml", "bad_syntax.nml:11:5", "expected"},
        BadModel{"bad_unknown_name.nml", "bad_unknown_name.nml:10:31", "unknown name 'tau_n'"},
        BadModel{"bad_dimension.nml", "bad_dimension.nml:10:16", "mV/ms"},
        BadModel{"bad_missing_unit.nml", "bad_missing_unit.nml:10:16", "no unit"},
        BadModel{"bad_wrong_receptor.nml", "bad_wrong_receptor.nml:5:88", "exitatory"}),
    [](const auto& test_case) {
        std::string name = test_case.param.file;
        return name.substr(0, name.find('.'));
    });

TEST(Diagnostics, DimensionErrorNamesBothSides) {
    auto r = run_nnc("check tests/end_to_end/models/bad_dimension.nml");
    EXPECT_NE(r.err.find("mV/ms"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("pA"), std::string::npos) << r.err;
}

TEST(Diagnostics, UnknownNameSuggestsTheNearestDeclaredName) {
    auto r = run_nnc("check tests/end_to_end/models/bad_unknown_name.nml");
    EXPECT_NE(r.err.find("hint: did you mean 'tau_m'?"), std::string::npos) << r.err;
}

TEST(Diagnostics, ANetworkInAnImportedFileIsNamedAsIgnored) {
    auto r = run_nnc("check tests/end_to_end/models/imports_a_network.nml");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("two_populations_small.nml:6:9: warning: network 'small' is in an "
                         "imported file, so it is neither checked nor run"),
              std::string::npos)
        << r.err;
}

TEST(Diagnostics, MissingFileIsAnErrorNotACrash) {
    auto r = run_nnc("run does/not/exist.nml");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("does/not/exist.nml"), std::string::npos) << r.err;
}

TEST(Diagnostics, UnknownOverrideIsReportedWithTheConstantsThereAre) {
    auto r = run_nnc("check examples/brunel2000.nml -D scael=0.1");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("scael"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("scale"), std::string::npos) << r.err;
}

TEST(Diagnostics, MalformedDefineIsAnError) {
    auto r = run_nnc("check examples/brunel2000.nml -D scale");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("-D NAME=VALUE"), std::string::npos) << r.err;
}

TEST(Diagnostics, NoColourWhenNotATerminal) {
    auto r = run_nnc("check tests/end_to_end/models/bad_unknown_name.nml");
    EXPECT_EQ(r.err.find('\033'), std::string::npos) << r.err;
}

} // namespace
