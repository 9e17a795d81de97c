#include "repl.h"

#include "exit_codes.h"
#include "session.h"
#include "terminal.h"

#include <editline/readline.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

namespace nnc::repl {

namespace {

constexpr const char* prompt = "nnc> ";
constexpr const char* continuation_prompt = "...> ";
constexpr int history_lines = 1000;

/// The session that tab completion asks (libedit's callbacks carry no context).
Session* completing = nullptr;

char* complete_word(const char* text, int state) {
    static std::vector<std::string> matches;
    static size_t next = 0;
    if (state == 0) {
        matches = completing ? completing->completions(text) : std::vector<std::string>{};
        next = 0;
    }
    if (next >= matches.size()) return nullptr;
    return strdup(matches[next++].c_str()); // libedit frees it
}

char** complete(const char* text, int, int) {
    rl_attempted_completion_over = 1; // no file names when nothing matches
    return rl_completion_matches(text, complete_word);
}

/// One entry from the terminal: lines until the brackets balance. Empty at end of input.
std::optional<std::string> read_entry_interactive() {
    std::string entry;
    for (;;) {
        char* line = readline(entry.empty() ? prompt : continuation_prompt);
        if (!line) return entry.empty() ? std::nullopt : std::optional(entry);
        entry += line;
        std::free(line);
        if (is_complete_entry(entry)) break;
        entry += '\n';
    }
    if (entry.find_first_not_of(" \t\n") != std::string::npos) {
        // The whole entry is one history item, so that a pasted model comes back at once.
        add_history(entry.c_str());
    }
    return entry;
}

/// Runs an entry; an internal error (a bug) is reported like nnc's others, with the entry.
bool execute(Session& session, const std::string& entry, bool& internal_error) {
    try {
        return session.execute(entry);
    } catch (const std::exception& e) {
        std::cerr << "nnc: internal error: " << e.what()
                  << "\nThis is a bug in nnc; please report it with the session that caused "
                     "it.\n";
        internal_error = true;
        return false;
    }
}

std::optional<std::string> read_entry_plain(std::istream& in) {
    std::string entry, line;
    bool any = false;
    while (std::getline(in, line)) {
        any = true;
        entry += line;
        if (is_complete_entry(entry)) return entry;
        entry += '\n';
    }
    return any ? std::optional(entry) : std::nullopt;
}

} // namespace

std::string history_path() {
    if (const char* path = std::getenv("NNC_HISTORY")) return path;
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.nnc_history";
    return {};
}

int run_repl(const ReplOptions& options) {
    const bool interactive = isatty(STDIN_FILENO) != 0;
    SessionOptions session_options;
    session_options.include_dirs = options.include_dirs;
    session_options.colour = driver::use_colour(stderr);
    Session session(std::cout, std::cerr, session_options);

    const auto finish_output = [] {
        std::cout.flush();
        std::cerr.flush();
    };
    if (!options.file.empty() && !session.load(options.file)) {
        finish_output();
        if (!interactive) return driver::exit_model_error;
    }
    if (!interactive) {
        while (auto entry = read_entry_plain(std::cin)) {
            bool internal_error = false;
            const bool ok = execute(session, *entry, internal_error);
            finish_output();
            if (internal_error) return driver::exit_internal_error;
            if (!ok) return driver::exit_model_error;
            if (session.finished()) break;
        }
        return driver::exit_ok;
    }

    rl_readline_name = "nnc";
    completing = &session;
    rl_attempted_completion_function = complete;
    rl_completion_append_character = ' ';
    const std::string history = history_path();
    using_history();
    stifle_history(history_lines);
    if (!history.empty()) read_history(history.c_str());
    std::cout << "nnc repl: type declarations and network statements; :help lists the "
                 "commands, :quit leaves\n";
    while (!session.finished()) {
        finish_output();
        auto entry = read_entry_interactive();
        if (!entry) {
            std::cout << "\n";
            break;
        }
        bool internal_error = false;
        execute(session, *entry, internal_error); // errors are reported; the session goes on
    }
    finish_output();
    if (!history.empty()) {
        write_history(history.c_str());
        history_truncate_file(history.c_str(), history_lines);
    }
    completing = nullptr;
    return driver::exit_ok;
}

} // namespace nnc::repl
