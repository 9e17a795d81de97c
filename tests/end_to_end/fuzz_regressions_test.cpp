// Inputs the fuzzer (fuzz/) once crashed `nnc check` with: each must now end in diagnostics
// and exit status 0 or 1, never in a crash or an internal error.
#include "command_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<std::string> regression_inputs() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(fs::path(NNC_SOURCE_DIR) / "fuzz/regressions"))
        if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

class FuzzRegression : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzRegression, CheckEndsInDiagnosticsNotACrash) {
    auto r = nnc::test::run_nnc("check 'fuzz/regressions/" + GetParam() + "'");
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << "exit status " << r.exit_code << "\n"
                                                      << r.err;
    if (r.exit_code == 1) {
        EXPECT_NE(r.err.find(": error: "), std::string::npos) << r.err;
    }
}

INSTANTIATE_TEST_SUITE_P(
    EndToEnd, FuzzRegression, ::testing::ValuesIn(regression_inputs()), [](const auto& test_case) {
        std::string name = test_case.param;
        name = name.substr(0, name.find('.'));
        std::replace_if(
            name.begin(), name.end(),
            [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
        return name;
    });

} // namespace
