// Physical dimensions as integer exponents over nnc's base quantities. Every IR
// expression carries one; sema proves that both sides of every equation,
// assignment and comparison agree. Values are stored in nnc's canonical,
// coherent unit system: ms, mV, pA, µm, mol, K (so capacitance is in pF,
// conductance in nS, resistance in GΩ, charge in fC and rates in 1/ms).
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace nnc {

class Dimension {
public:
    enum Base : int { Time, Voltage, Current, Length, Amount, Temperature, Count };

    constexpr Dimension() = default;
    static constexpr Dimension of(Base base, int8_t exponent = 1) {
        Dimension d;
        d.exp_[base] = exponent;
        return d;
    }
    static constexpr Dimension none() { return {}; }

    constexpr int8_t operator[](Base base) const { return exp_[base]; }
    constexpr bool dimensionless() const {
        for (auto e : exp_)
            if (e != 0) return false;
        return true;
    }
    constexpr Dimension operator*(const Dimension& o) const {
        Dimension d;
        for (int i = 0; i < Count; ++i)
            d.exp_[i] = int8_t(exp_[i] + o.exp_[i]);
        return d;
    }
    constexpr Dimension operator/(const Dimension& o) const {
        Dimension d;
        for (int i = 0; i < Count; ++i)
            d.exp_[i] = int8_t(exp_[i] - o.exp_[i]);
        return d;
    }
    constexpr Dimension pow(int n) const {
        Dimension d;
        for (int i = 0; i < Count; ++i)
            d.exp_[i] = int8_t(exp_[i] * n);
        return d;
    }
    constexpr bool operator==(const Dimension&) const = default;

    /// The canonical unit of this dimension, named the way a neuroscientist would write it:
    /// "mV", "mV/ms", "pA", "pF", "nS", "1/ms", "1" for dimensionless; otherwise a product
    /// of base units ("mV*ms/pA").
    std::string unit_name() const;
    /// What the dimension is, in words, where there is a common name: "voltage",
    /// "current", "time", "capacitance", "conductance", "voltage/time", "dimensionless".
    std::string describe() const;

private:
    std::array<int8_t, Count> exp_{};
};

/// A number as the language writes it: shortest form that reads back the same.
std::string number_text(double v);

/// A literal of dimension `d` with value `v` in canonical units: "10 ms", "0.5 / ms",
/// "3 mV*ms/pA^2"; just the number if dimensionless.
std::string quantity_text(double v, const Dimension& d);

namespace dims {
inline constexpr Dimension time = Dimension::of(Dimension::Time);
inline constexpr Dimension voltage = Dimension::of(Dimension::Voltage);
inline constexpr Dimension current = Dimension::of(Dimension::Current);
inline constexpr Dimension length = Dimension::of(Dimension::Length);
inline constexpr Dimension capacitance = current * time / voltage;
inline constexpr Dimension conductance = current / voltage;
inline constexpr Dimension rate = Dimension::none() / time;
} // namespace dims

} // namespace nnc
