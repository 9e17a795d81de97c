#include "sema/names.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace nnc::sema {

size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment: Levenshtein plus transpositions of neighbours ("sacle").
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] != b[j - 1];
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
    // At most 2 edits, and fewer for short names: one edit per three characters (but
    // always one), so that `g_L` does not suggest `C_m`.
    size_t limit = std::min<size_t>(2, std::max<size_t>(1, name.size() / 3));
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (auto& c : out)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    for (const auto& c : candidates) // `mv` means `mV` rather than `ms`
        if (c != name && lower(c) == lower(name)) return c;
    std::optional<std::string> best;
    size_t best_distance = limit + 1;
    for (const auto& c : candidates) {
        if (c == name) continue;
        size_t d = edit_distance(name, c);
        if (d < best_distance && d < name.size()) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
    auto best = closest_name(name, candidates);
    return best ? fmt::format("did you mean '{}'?", *best) : std::string{};
}

std::string join_names(const std::vector<std::string>& names, bool quote) {
    std::string s;
    for (const auto& n : names) {
        if (!s.empty()) s += ", ";
        s += quote ? "'" + n + "'" : n;
    }
    return s;
}

std::string dimension_text(const Dimension& d) {
    if (d.dimensionless()) return "dimensionless";
    std::string unit = d.unit_name();
    std::string words = d.describe();
    return words == unit ? unit : fmt::format("{} ({})", unit, words);
}

std::string location_text(const SourceManager& sources, SourceLoc at) {
    return fmt::format("{}:{}:{}", sources.name(at.file), at.line, at.col);
}

} // namespace nnc::sema
