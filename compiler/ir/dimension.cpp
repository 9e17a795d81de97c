#include "ir/dimension.h"
#include <fmt/format.h>

#include <utility>

namespace nnc {

namespace {

// Dimensions with a name of their own, in the canonical unit system.
struct Named {
    Dimension dim;
    const char* unit;
    const char* words;
};

constexpr Dimension charge = dims::current * dims::time;

const Named named[] = {
    {dims::voltage, "mV", "voltage"},
    {dims::time, "ms", "time"},
    {dims::current, "pA", "current"},
    {dims::capacitance, "pF", "capacitance"},
    {dims::conductance, "nS", "conductance"},
    {dims::voltage / dims::current, "GOhm", "resistance"},
    {dims::rate, "1/ms", "rate"},
    {dims::voltage / dims::time, "mV/ms", "voltage/time"},
    {dims::current / dims::time, "pA/ms", "current/time"},
    {dims::conductance / dims::time, "nS/ms", "conductance/time"},
    {charge, "fC", "charge"},
    {dims::length, "um", "length"},
    {Dimension::of(Dimension::Amount), "mol", "amount"},
    {Dimension::of(Dimension::Temperature), "K", "temperature"},
};

// Base units in the order a product names them ("mV*ms/pA^2").
const std::pair<Dimension::Base, const char*> base_order[] = {
    {Dimension::Voltage, "mV"}, {Dimension::Current, "pA"}, {Dimension::Time, "ms"},
    {Dimension::Length, "um"},  {Dimension::Amount, "mol"}, {Dimension::Temperature, "K"},
};

std::string power(const char* unit, int exponent) {
    std::string s = unit;
    if (exponent != 1) s += "^" + std::to_string(exponent);
    return s;
}

} // namespace

std::string Dimension::unit_name() const {
    if (dimensionless()) return "1";
    for (const auto& n : named)
        if (n.dim == *this) return n.unit;
    std::string num, den;
    int den_count = 0;
    for (auto [base, unit] : base_order) {
        int e = exp_[base];
        if (e > 0) {
            if (!num.empty()) num += "*";
            num += power(unit, e);
        } else if (e < 0) {
            if (!den.empty()) den += "*";
            den += power(unit, -e);
            ++den_count;
        }
    }
    if (num.empty()) num = "1";
    if (den_count == 0) return num;
    if (den_count == 1) return num + "/" + den;
    return num + "/(" + den + ")";
}

std::string number_text(double v) {
    return fmt::format("{}", v);
}

std::string quantity_text(double v, const Dimension& d) {
    if (d.dimensionless()) return number_text(v);
    std::string unit = d.unit_name();
    if (unit.starts_with("1/")) return number_text(v) + " / " + unit.substr(2);
    return number_text(v) + " " + unit;
}

std::string Dimension::describe() const {
    if (dimensionless()) return "dimensionless";
    for (const auto& n : named)
        if (n.dim == *this) return n.words;
    return unit_name();
}

} // namespace nnc
