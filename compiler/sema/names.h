// Helpers for the wording of sema's diagnostics: "did you mean" suggestions by
// edit distance, lists of names, dimensions and quantities written the way a
// user would write them. Kept apart so that every message reads the same.
#pragma once

#include "frontend/source_manager.h"
#include "ir/dimension.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnc::sema {

/// Edit distance in bytes: insertions, deletions, substitutions and transpositions of
/// neighbouring characters, each counting 1.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate that differs from `name` only in case, else the one closest to `name` (the
/// first of equals) within an edit distance of 2 and of one edit per three characters of
/// `name` (at least 1); nullopt if none is that close.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

/// "did you mean 'x'?" or "" if nothing is close.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

/// "a, b, c" (each in quotes if `quote`).
std::string join_names(const std::vector<std::string>& names, bool quote = false);

/// "mV (voltage)", "mV*ms/pA^2" where there is no common name, "dimensionless".
std::string dimension_text(const Dimension& d);

// number_text and quantity_text live beside Dimension (ir/dimension.h).

/// "file:line:col" of a location.
std::string location_text(const SourceManager& sources, SourceLoc at);

} // namespace nnc::sema
