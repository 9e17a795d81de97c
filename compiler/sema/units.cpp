#include "sema/units.h"

#include <cctype>
#include <cmath>

namespace nnc::sema {

namespace {

struct Base {
    std::string_view symbol;
    Dimension dim;
    int decimal_exponent; ///< one of this unit in canonical units is 10^this
};

constexpr Dimension amount = Dimension::of(Dimension::Amount);
constexpr Dimension temperature = Dimension::of(Dimension::Temperature);
constexpr Dimension charge = dims::current * dims::time;

// Canonical: ms, mV, pA, µm, mol, K; so F -> pF, S -> nS, Ohm -> GOhm, C -> fC, Hz -> 1/ms,
// M (mol/L) -> mol/µm^3.
const Base bases[] = {
    {"s", dims::time, 3},
    {"V", dims::voltage, 3},
    {"A", dims::current, 12},
    {"F", dims::capacitance, 12},
    {"S", dims::conductance, 9},
    {"Ohm", dims::voltage / dims::current, -9},
    {"Hz", dims::rate, -3},
    {"m", dims::length, 6},
    {"C", charge, 15},
    {"mol", amount, 0},
    {"M", amount / dims::length.pow(3), -15},
    {"K", temperature, 0},
};

struct Prefix {
    std::string_view text;
    int decimal_exponent;
};

const Prefix prefixes[] = {
    {"f", -15},       {"p", -12}, {"n", -9}, {"u", -6}, {"\xC2\xB5", -6}, // µ (U+00B5)
    {"\xCE\xBC", -6},                                                     // μ (U+03BC)
    {"m", -3},        {"c", -2},  {"k", 3},  {"M", 6},  {"G", 9},
};

Unit make(Dimension dim, int exponent) {
    return Unit{dim, exponent, std::pow(10.0, double(exponent))};
}

} // namespace

double Unit::to_canonical(double value) const {
    if (decimal_exponent >= 0) return value * std::pow(10.0, double(decimal_exponent));
    return value / std::pow(10.0, double(-decimal_exponent));
}

std::optional<Unit> lookup_unit(std::string_view name) {
    for (const auto& b : bases)
        if (name == b.symbol) return make(b.dim, b.decimal_exponent);
    for (const auto& p : prefixes) {
        if (!name.starts_with(p.text)) continue;
        std::string_view rest = name.substr(p.text.size());
        if (p.text == "c" && rest != "m") continue; // centi only in cm
        for (const auto& b : bases)
            if (rest == b.symbol) return make(b.dim, b.decimal_exponent + p.decimal_exponent);
    }
    return std::nullopt;
}

const std::vector<std::string>& common_unit_names() {
    static const std::vector<std::string> names = {
        "ms", "s",  "us",   "mV",   "V",    "uV",  "pA", "nA", "uA", "pF",  "nF", "uF",
        "nS", "uS", "mS",   "Hz",   "kHz",  "um",  "mm", "cm", "m",  "mol", "mM", "uM",
        "M",  "K",  "MOhm", "GOhm", "kOhm", "Ohm", "pC", "fC", "nC", "mmol"};
    return names;
}

std::vector<std::string> units_in_other_case(std::string_view name) {
    auto lower = [](std::string_view text) {
        std::string out(text);
        for (char& c : out)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    std::vector<std::string> found;
    for (const auto& unit : common_unit_names())
        if (unit != name && lower(unit) == lower(name)) found.push_back(unit);
    return found;
}

} // namespace nnc::sema
