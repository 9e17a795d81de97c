// Follows `import` statements from a root file: finds each imported file, parses it once,
// detects cycles, and returns the files in dependency order (root last).
#include "frontend/parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace nnc {

namespace {

namespace fs = std::filesystem;

class Loader {
public:
    Loader(const std::vector<std::string>& search_path, SourceManager& sources,
           DiagnosticEngine& diags)
        : search_path_(search_path), sources_(sources), diags_(diags) {}

    /// Loads `path` (shown as written) and what it imports. `from` is the import that led
    /// here, null for the root.
    void visit(const fs::path& path, const fs::path& key, const ast::Import* from) {
        std::optional<FileId> id = sources_.load(path.string());
        if (!id) {
            std::error_code ec;
            std::string why = fs::exists(path, ec) ? "it cannot be read" : "it does not exist";
            if (from)
                diags_.error(from->path_range,
                             fmt::format("cannot read imported file '{}': {}", path.string(), why));
            else
                diags_.error(fmt::format("cannot read '{}': {}", path.string(), why));
            ok_ = false;
            return;
        }
        std::optional<ast::File> file = parse_file(*id, sources_, diags_);
        if (!file) {
            if (from) diags_.note(from->path_range, "in the file imported here");
            ok_ = false;
            return;
        }
        state_[key] = State::Loading;
        chain_.push_back({key, path});
        for (const ast::Import& import : file->imports)
            follow(import, path);
        chain_.pop_back();
        state_[key] = State::Done;
        files_.push_back(std::move(*file));
    }

    bool ok() const { return ok_; }
    std::vector<ast::File> take_files() { return std::move(files_); }

private:
    enum class State { Loading, Done };

    void follow(const ast::Import& import, const fs::path& importer) {
        // The importing file's directory first, then the search path in order.
        std::vector<fs::path> dirs{importer.parent_path()};
        for (const std::string& dir : search_path_)
            if (std::find(dirs.begin(), dirs.end(), fs::path(dir)) == dirs.end())
                dirs.emplace_back(dir); // once, though -I, NNC_PATH and the stdlib may agree

        for (const fs::path& dir : dirs) {
            fs::path candidate = (dir / import.path).lexically_normal();
            std::error_code ec;
            if (!fs::is_regular_file(candidate, ec)) continue;
            fs::path key = fs::canonical(candidate, ec);
            if (ec) key = fs::absolute(candidate, ec).lexically_normal();
            auto found = state_.find(key);
            if (found == state_.end()) {
                visit(candidate, key, &import);
            } else if (found->second == State::Loading) {
                report_cycle(import, key);
            }
            // Done: already loaded through another import (a diamond); once is enough.
            return;
        }

        std::string searched;
        for (const fs::path& dir : dirs)
            searched +=
                (searched.empty() ? "" : ", ") + (dir.empty() ? std::string(".") : dir.string());
        diags_.error(import.path_range, fmt::format("cannot find imported file '{}'", import.path),
                     "searched in: " + searched);
        ok_ = false;
    }

    void report_cycle(const ast::Import& import, const fs::path& key) {
        size_t first = 0;
        while (first < chain_.size() && chain_[first].key != key)
            ++first;
        std::vector<fs::path> cycle;
        for (size_t i = first; i < chain_.size(); ++i)
            cycle.push_back(chain_[i].shown);
        cycle.push_back(chain_[first < chain_.size() ? first : 0].shown);
        // Bare file names read best; fall back to the paths when two names coincide.
        std::set<fs::path> names;
        for (size_t i = 0; i + 1 < cycle.size(); ++i)
            names.insert(cycle[i].filename());
        bool bare = names.size() + 1 == cycle.size();
        std::string text;
        for (const fs::path& p : cycle)
            text += (text.empty() ? "" : " -> ") + (bare ? p.filename().string() : p.string());
        diags_.error(import.path_range, "import cycle: " + text,
                     "a file cannot import itself, directly or through other files");
        ok_ = false;
    }

    struct ChainEntry {
        fs::path key;   ///< canonical, for comparison
        fs::path shown; ///< as it was found, for messages
    };

    const std::vector<std::string>& search_path_;
    SourceManager& sources_;
    DiagnosticEngine& diags_;
    std::map<fs::path, State> state_;
    std::vector<ChainEntry> chain_;
    std::vector<ast::File> files_;
    bool ok_ = true;
};

} // namespace

std::optional<LoadedProgram> load_program(const std::string& root_path,
                                          const std::vector<std::string>& search_path,
                                          SourceManager& sources, DiagnosticEngine& diags) {
    Loader loader(search_path, sources, diags);
    fs::path root(root_path);
    std::error_code ec;
    fs::path key = fs::canonical(root, ec);
    if (ec) key = fs::absolute(root, ec).lexically_normal();
    loader.visit(root, key, nullptr);
    if (!loader.ok()) return std::nullopt;
    return LoadedProgram{loader.take_files()};
}

} // namespace nnc
