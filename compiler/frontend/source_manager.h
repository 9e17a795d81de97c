// Owns the text of every file the compiler has read, so that any stage can
// point a diagnostic at a file, line and column and show the line itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnc {

using FileId = uint32_t;

/// A position in a source file; line and column are 1-based (column counts bytes).
/// A default-constructed location (line 0) means "no location".
struct SourceLoc {
    FileId file = 0;
    uint32_t line = 0;
    uint32_t col = 0;
    bool valid() const { return line != 0; }
};

/// Half-open in spirit: `end` is the last character covered (inclusive), on the same or a
/// later line.
struct SourceRange {
    SourceLoc begin;
    SourceLoc end;
    bool valid() const { return begin.valid(); }
};

class SourceManager {
public:
    /// Registers text under a display name (a path, "<command line>", "<repl>").
    FileId add(std::string name, std::string text);
    /// Reads a file; nullopt if it cannot be read (the caller reports why).
    std::optional<FileId> load(const std::string& path);

    const std::string& name(FileId id) const;
    const std::string& text(FileId id) const;
    /// The text of a 1-based line without its newline; empty if out of range.
    std::string_view line(FileId id, uint32_t line) const;
    size_t file_count() const { return files_.size(); }

private:
    struct File {
        std::string name;
        std::string text;
        std::vector<size_t> line_starts;
    };
    std::vector<File> files_;
};

} // namespace nnc
