#include "frontend/source_manager.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace nnc {

FileId SourceManager::add(std::string name, std::string text) {
    File file{std::move(name), std::move(text), {0}};
    for (size_t i = 0; i < file.text.size(); ++i)
        if (file.text[i] == '\n') file.line_starts.push_back(i + 1);
    files_.push_back(std::move(file));
    return static_cast<FileId>(files_.size() - 1);
}

std::optional<FileId> SourceManager::load(const std::string& path) {
    // A directory opens like a file on Linux and only fails on reading.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) return std::nullopt;
    return add(path, std::move(text));
}

// Out-of-range ids give empty text rather than a crash: diagnostics must never fail.
const std::string& SourceManager::name(FileId id) const {
    static const std::string none;
    return id < files_.size() ? files_[id].name : none;
}

const std::string& SourceManager::text(FileId id) const {
    static const std::string none;
    return id < files_.size() ? files_[id].text : none;
}

std::string_view SourceManager::line(FileId id, uint32_t line) const {
    if (id >= files_.size() || line == 0) return {};
    const File& file = files_[id];
    if (line > file.line_starts.size()) return {};
    size_t begin = file.line_starts[line - 1];
    size_t end = line < file.line_starts.size() ? file.line_starts[line] - 1 : file.text.size();
    std::string_view text(file.text);
    std::string_view result = text.substr(begin, end - begin);
    if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
    return result;
}

} // namespace nnc
