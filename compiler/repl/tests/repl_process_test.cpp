// `nnc repl` as a user starts it: a script through a pipe (exit code, no prompt noise, the
// first error ends it), and an interactive session in a pseudo-terminal (prompt, line
// editing, tab completion, history across sessions).
#include "repl_test_util.h"

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>

using namespace nnc::repl::test;

namespace {

struct Finished {
    int exit_code = -1;
    std::string output; ///< stdout and stderr together
};

/// Runs `nnc repl ARGS < script`.
Finished run_script(const std::string& script, const std::string& args = "") {
    TemporaryDirectory dir;
    const std::string input = dir.file("script.txt");
    std::ofstream(input) << script;
    const std::string command = std::string("NNC_HISTORY=") + dir.file("history") + " " +
                                NNC_BINARY + " repl " + args + " < " + input + " 2>&1";
    Finished result;
    FILE* pipe = popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    char buffer[4096];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
        result.output.append(buffer, n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines)
        s += l + "\n";
    return s;
}

} // namespace

TEST(ReplThroughAPipe, RunsAScriptWithoutPrompts) {
    const auto r = run_script(joined(small_network()) + ":run 50 ms\n:set E.tau_m = 15 ms\n"
                                                        ":run 50 ms\n:rates\n");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("nnc>"), std::string::npos) << "no prompt on a pipe";
    EXPECT_NE(r.output.find("t = 50 ms"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("recompiled the kernel of E"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rates over 0 .. 100 ms:"), std::string::npos) << r.output;
}

TEST(ReplThroughAPipe, TheFirstErrorEndsTheScriptWithExitCode1) {
    const auto r = run_script(joined(small_network()) + ":run 10 ms\n"
                                                        "population P = no_such_model[3]\n"
                                                        ":run 10 ms\n");
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("<repl:6>:1:"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("t = 20 ms"), std::string::npos) << "nothing after the error runs";
}

TEST(ReplThroughAPipe, LoadsTheFileGivenAndContinuesAModelOverLines) {
    const auto r = run_script("neuron leaky {\n  parameters { tau = 10 ms }\n  state { v = 0 mV }\n"
                              "  equations { v' = -v / tau }\n}\n:rates\n",
                              std::string(NNC_SOURCE_DIR) + "/examples/brunel2000.nml");
    EXPECT_NE(r.output.find("loaded "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("ok: neuron leaky"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nothing has run yet"), std::string::npos) << r.output;
    EXPECT_EQ(r.exit_code, 1);
}

namespace {

/// `nnc repl` on a pseudo-terminal: what a person at a terminal sees and types.
class Terminal {
public:
    explicit Terminal(const std::string& history) {
        pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
        if (pid_ == 0) {
            setenv("NNC_HISTORY", history.c_str(), 1);
            setenv("TERM", "xterm", 1);
            setenv("NO_COLOR", "1", 1);
            execl(NNC_BINARY, NNC_BINARY, "repl", static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~Terminal() {
        if (pid_ > 0 && !exited_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (master_ >= 0) close(master_);
    }

    void type(const std::string& keys) {
        ASSERT_EQ(write(master_, keys.data(), keys.size()), ssize_t(keys.size()));
    }

    /// Reads until `text` has appeared since the last wait (or 20 s pass); true if it did.
    bool wait_for(const std::string& text) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            const auto at = screen_.find(text, seen_);
            if (at != std::string::npos) {
                seen_ = at + text.size();
                return true;
            }
            pollfd p{master_, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;
            char buffer[4096];
            const ssize_t n = read(master_, buffer, sizeof buffer);
            if (n <= 0) break;
            screen_.append(buffer, size_t(n));
        }
        return false;
    }

    int wait_exit() {
        int status = 0;
        // Drain what is left so that the child is not blocked on a full terminal.
        wait_for("\x01never\x01");
        waitpid(pid_, &status, 0);
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    const std::string& screen() const { return screen_; }

private:
    int master_ = -1;
    pid_t pid_ = -1;
    bool exited_ = false;
    std::string screen_;
    size_t seen_ = 0;
};

/// libedit's history file with its escapes undone: `\040` is a space, `\012` a newline
/// within an entry (strvis octal).
std::string history_entries(const std::string& file) {
    std::string out;
    for (size_t i = 0; i < file.size(); ++i) {
        if (file[i] == '\\' && i + 3 < file.size() &&
            std::isdigit(static_cast<unsigned char>(file[i + 1])) &&
            std::isdigit(static_cast<unsigned char>(file[i + 2])) &&
            std::isdigit(static_cast<unsigned char>(file[i + 3]))) {
            out += char(std::stoi(file.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += file[i];
        }
    }
    return out;
}

} // namespace

TEST(ReplOnATerminal, AnExplorationWithCompletionAndHistory) {
    TemporaryDirectory dir;
    const std::string history = dir.file("history");
    {
        Terminal t(history);
        ASSERT_TRUE(t.wait_for("nnc> ")) << t.screen();
        for (const auto& line : small_network()) {
            t.type(line + "\n");
            ASSERT_TRUE(t.wait_for("nnc> ")) << t.screen();
        }
        // A model pasted over lines: the prompt continues until the braces balance.
        t.type("neuron leaky {\n");
        ASSERT_TRUE(t.wait_for("...> ")) << t.screen();
        t.type("parameters { tau = 10 ms }\n}\n");
        ASSERT_TRUE(t.wait_for("ok: neuron leaky")) << t.screen();
        // Tab completes a command and a population's variable.
        t.type(":ru\t100 ms\n");
        ASSERT_TRUE(t.wait_for("t = 100 ms")) << t.screen();
        t.type(":print E.V_\t");
        t.type("\t"); // a second tab lists the candidates: V_m, V_reset, V_th
        ASSERT_TRUE(t.wait_for("V_reset")) << t.screen();
        t.type("m[0:2]\n");
        ASSERT_TRUE(t.wait_for("E.V_m[0:2] = [")) << t.screen();
        // An error does not end the session.
        t.type("population X = nothing[3]\n");
        ASSERT_TRUE(t.wait_for("error:")) << t.screen();
        ASSERT_TRUE(t.wait_for("nnc> ")) << t.screen();
        t.type(":set E.tau_m = 15 ms\n");
        ASSERT_TRUE(t.wait_for("recompiled the kernel of E in ")) << t.screen();
        t.type(":run 100 ms\n");
        ASSERT_TRUE(t.wait_for("t = 200 ms")) << t.screen();
        t.type(":quit\n");
        EXPECT_EQ(t.wait_exit(), 0) << t.screen();
    }
    // The history survives the session, a pasted model as one entry.
    const std::string saved = history_entries(read_file(history));
    EXPECT_NE(saved.find(":set E.tau_m = 15 ms\n"), std::string::npos) << saved;
    EXPECT_NE(saved.find("neuron leaky {\nparameters { tau = 10 ms }\n}\n"), std::string::npos)
        << saved;
    {
        Terminal t(history);
        ASSERT_TRUE(t.wait_for("nnc> ")) << t.screen();
        t.type("\x1b[A"); // up: the last entry of the previous session
        ASSERT_TRUE(t.wait_for(":quit")) << t.screen();
        t.type("\n");
        EXPECT_EQ(t.wait_exit(), 0) << t.screen();
    }
}
