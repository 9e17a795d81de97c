// What the REPL tests share: a session in process whose output is a string, temporary
// files, and the lines of a small network typed as a modeller would.
#pragma once

#include "session.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <unistd.h>

namespace nnc::repl::test {

/// A session whose results and diagnostics go to one string, as on a terminal.
struct TypedSession {
    std::ostringstream out;
    Session session{out, out};

    /// Runs an entry; returns what it printed.
    std::string type(const std::string& entry, bool expect_ok = true) {
        out.str({});
        const bool ok = session.execute(entry);
        EXPECT_EQ(ok, expect_ok) << "entry: " << entry << "\noutput:\n" << out.str();
        return out.str();
    }
};

/// A directory of its own under the system's temporary directory, removed at the end.
struct TemporaryDirectory {
    std::filesystem::path path;
    TemporaryDirectory() {
        path = std::filesystem::temp_directory_path() /
               ("nnc_repl_test_" + std::to_string(getpid()) + "_" + std::to_string(counter()++));
        std::filesystem::create_directories(path);
    }
    ~TemporaryDirectory() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
    static int& counter() {
        static int n = 0;
        return n;
    }
};

inline std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A small recurrent network driven by Poisson input: active enough that a change of a
/// parameter or a weight shows in its rates.
inline const std::vector<std::string>& small_network() {
    static const std::vector<std::string> lines = {
        "import \"stdlib/neurons/iaf_psc_delta.nml\"",
        "population E = iaf_psc_delta[200] { E_L = 0 mV; V_reset = 10 mV; V_th = 20 mV; "
        "tau_m = 20 ms; C_m = 1 pF; V_m = uniform(0 mV, 20 mV) }",
        "project E -> E { connect = fixed_indegree(20); weight = 0.2 mV; delay = 1.5 ms; "
        "receptor = exc }",
        "stimulate E with poisson(rate = 5000 Hz) weight 0.2 mV receptor exc",
        "simulate { dt = 0.1 ms; seed = 7 }",
    };
    return lines;
}

/// The number printed after `prefix` in `text` (e.g. "in " -> 12.3), or -1.
inline double number_after(const std::string& text, const std::string& prefix) {
    const auto at = text.find(prefix);
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + prefix.size()));
}

} // namespace nnc::repl::test
