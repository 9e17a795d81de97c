// Unit names of the language (`250 pF`, `mV/ms`, `8 Hz`) and what they mean in
// nnc's canonical unit system (ms, mV, pA, µm, mol, K). Sema multiplies every
// quantity by its unit's factor once, so that everything after it works on plain
// numbers in one coherent system and never has to convert again.
#pragma once

#include "ir/dimension.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnc::sema {

struct Unit {
    Dimension dim;
    /// Multiply a value in this unit by 10^decimal_exponent to get canonical units.
    int decimal_exponent = 0;
    /// The same factor as a double (10^decimal_exponent).
    double factor = 1.0;

    /// value × factor, computed so that the result is the correctly rounded decimal
    /// (8 Hz → exactly the double nearest 0.008).
    double to_canonical(double value) const;
};

/// A unit name: a base symbol (s, V, A, F, S, Ohm, Hz, m, C, mol, M for molar, K) with an
/// optional prefix (f, p, n, u or µ, m, c for cm only, k, M, G). nullopt if not a unit.
std::optional<Unit> lookup_unit(std::string_view name);

/// Common unit names, for "did you mean" hints.
const std::vector<std::string>& common_unit_names();

/// The common unit names spelt like `name` but in another case (`ms` for `mS`, `mV` for
/// `MV`): what may have been meant where `name` has the wrong dimension.
std::vector<std::string> units_in_other_case(std::string_view name);

} // namespace nnc::sema
