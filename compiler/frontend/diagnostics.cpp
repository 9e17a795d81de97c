#include "frontend/diagnostics.h"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace nnc {

namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kGreen = "\x1b[32m";

const char* severity_name(Severity severity) {
    switch (severity) {
    case Severity::Error:
        return "error";
    case Severity::Warning:
        return "warning";
    case Severity::Note:
        return "note";
    }
    return "error";
}

const char* severity_colour(Severity severity) {
    switch (severity) {
    case Severity::Error:
        return "\x1b[1;31m";
    case Severity::Warning:
        return "\x1b[1;35m";
    case Severity::Note:
        return "\x1b[1;36m";
    }
    return "";
}

// A UTF-8 continuation byte shares the terminal column of the byte that starts its
// character, so it takes no room under the source line.
bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

/// Lines longer than this are shown as a window around the caret.
constexpr size_t kMaxShownLine = 160;

/// The part of a line that is shown: all of it, or for a very long line (generated code,
/// a fuzzer's output) a window around the column with "..." where it was cut.
struct ShownLine {
    std::string text;
    size_t first = 0;  ///< byte offset in the line where `text` starts (after any "...")
    size_t prefix = 0; ///< bytes of "..." before it
    size_t last = 0;   ///< byte offset in the line where `text` ends (exclusive)
};

ShownLine shown_line(std::string_view line, size_t column) {
    ShownLine shown{std::string(line), 0, 0, line.size()};
    if (line.size() <= kMaxShownLine) return shown;
    size_t first = column > kMaxShownLine / 3 ? column - kMaxShownLine / 3 : 0;
    first = std::min(first, line.size());
    while (first < line.size() && is_continuation(line[first]))
        ++first;
    size_t last = std::min(line.size(), first + kMaxShownLine);
    while (last < line.size() && last > first && is_continuation(line[last]))
        --last;
    shown.first = first;
    shown.last = last;
    shown.prefix = first > 0 ? 3 : 0;
    shown.text = std::string(first > 0 ? "..." : "") +
                 std::string(line.substr(first, last - first)) + (last < line.size() ? "..." : "");
    return shown;
}

// The line under the source: padding that copies the tabs of the source so the caret
// lines up whatever the tab width, then `^` and `~` up to the end of a one-line range.
struct Caret {
    std::string padding, marker;
};

Caret caret_line(std::string_view full_line, const ShownLine& shown, SourceRange at) {
    std::string out(shown.prefix, ' ');
    std::string_view line = full_line.substr(0, shown.last);
    size_t begin = at.begin.col - 1; // 0-based byte offset
    for (size_t i = shown.first; i < begin; ++i) {
        if (i >= line.size())
            out += ' ';
        else if (line[i] == '\t')
            out += '\t';
        else if (!is_continuation(line[i]))
            out += ' ';
    }
    Caret caret{std::move(out), "^"};
    if (at.end.valid() && at.end.line == at.begin.line && at.end.file == at.begin.file &&
        at.end.col > at.begin.col) {
        size_t end = std::min<size_t>(at.end.col, std::max(line.size(), begin + 1)); // exclusive
        for (size_t i = begin + 1; i < end; ++i)
            if (!is_continuation(line[i])) caret.marker += '~';
    }
    return caret;
}

} // namespace

DiagnosticEngine::DiagnosticEngine(const SourceManager& sources, std::ostream& out, bool colour)
    : sources_(sources), out_(out), colour_(colour) {}

void DiagnosticEngine::error(SourceRange at, const std::string& message, const std::string& hint) {
    report(Severity::Error, at, message, hint);
}

void DiagnosticEngine::warning(SourceRange at, const std::string& message,
                               const std::string& hint) {
    report(Severity::Warning, at, message, hint);
}

void DiagnosticEngine::note(SourceRange at, const std::string& message) {
    report(Severity::Note, at, message, {});
}

void DiagnosticEngine::error(const std::string& message, const std::string& hint) {
    report(Severity::Error, SourceRange{}, message, hint);
}

void DiagnosticEngine::report(Severity severity, SourceRange at, const std::string& message,
                              const std::string& hint) {
    if (severity == Severity::Error) ++errors_;
    if (severity == Severity::Warning) ++warnings_;

    std::string text;
    if (at.valid())
        text = fmt::format("{}:{}:{}: ", sources_.name(at.begin.file), at.begin.line,
                           std::max<uint32_t>(at.begin.col, 1));
    else
        text = "nnc: ";
    if (colour_)
        text += fmt::format("{}{}{}: {}{}{}\n", severity_colour(severity), severity_name(severity),
                            kReset, kBold, message, kReset);
    else
        text += fmt::format("{}: {}\n", severity_name(severity), message);

    if (at.valid()) {
        if (at.begin.col == 0) at.begin.col = 1;
        std::string_view line = sources_.line(at.begin.file, at.begin.line);
        ShownLine shown = shown_line(line, at.begin.col - 1);
        std::string number = std::to_string(at.begin.line);
        size_t width = std::max<size_t>(5, number.size());
        text += fmt::format("{:>{}} | {}\n", number, width, shown.text);
        Caret caret = caret_line(line, shown, at);
        if (colour_) caret.marker = fmt::format("{}{}{}", kGreen, caret.marker, kReset);
        text += fmt::format("{:>{}} | {}{}\n", "", width, caret.padding, caret.marker);
    }
    if (!hint.empty()) text += fmt::format("hint: {}\n", hint);
    out_ << text << std::flush;
}

} // namespace nnc
