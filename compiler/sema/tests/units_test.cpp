#include "sema/names.h"
#include "sema/units.h"

#include <gtest/gtest.h>

using namespace nnc;
using namespace nnc::sema;

namespace {

// `value unit` in canonical units, checking the unit's dimension on the way.
double canonical(double value, const char* unit, Dimension want) {
    auto u = lookup_unit(unit);
    EXPECT_TRUE(u.has_value()) << unit;
    if (!u) return 0;
    EXPECT_EQ(u->dim, want) << unit;
    return u->to_canonical(value);
}

} // namespace

TEST(Units, ConvertToTheCanonicalSystem) {
    EXPECT_DOUBLE_EQ(canonical(250, "pF", dims::capacitance), 250);
    EXPECT_DOUBLE_EQ(canonical(1, "nF", dims::capacitance), 1000);
    EXPECT_DOUBLE_EQ(canonical(8, "Hz", dims::rate), 0.008);
    EXPECT_DOUBLE_EQ(canonical(1, "s", dims::time), 1000);
    EXPECT_DOUBLE_EQ(canonical(20, "mV", dims::voltage), 20);
    EXPECT_DOUBLE_EQ(canonical(1, "V", dims::voltage), 1000);
    EXPECT_DOUBLE_EQ(canonical(1, "nA", dims::current), 1000);
    EXPECT_DOUBLE_EQ(canonical(10, "nS", dims::conductance), 10);
    EXPECT_DOUBLE_EQ(canonical(1, "uS", dims::conductance), 1000);
    EXPECT_DOUBLE_EQ(canonical(1, "um", dims::length), 1);
    EXPECT_DOUBLE_EQ(canonical(1, "mm", dims::length), 1000);
    EXPECT_DOUBLE_EQ(canonical(1, "MOhm", dims::voltage / dims::current), 0.001);
    EXPECT_DOUBLE_EQ(canonical(1, "GOhm", dims::voltage / dims::current), 1);
    EXPECT_DOUBLE_EQ(canonical(2, "ms", dims::time), 2);
    EXPECT_DOUBLE_EQ(canonical(1, "kHz", dims::rate), 1);
    EXPECT_DOUBLE_EQ(canonical(1, "cm", dims::length), 10000);
    EXPECT_DOUBLE_EQ(canonical(1, "pC", dims::current * dims::time), 1000);
    EXPECT_DOUBLE_EQ(canonical(3, "pA", dims::current), 3);
    EXPECT_DOUBLE_EQ(canonical(1, "us", dims::time), 0.001);
}

TEST(Units, ConversionsAreCorrectlyRounded) {
    // 8 Hz must be the double nearest 0.008, not 8 * 0.001 with two roundings.
    EXPECT_EQ(lookup_unit("Hz")->to_canonical(8), 0.008);
    EXPECT_EQ(lookup_unit("MOhm")->to_canonical(1), 0.001);
    EXPECT_EQ(lookup_unit("Hz")->to_canonical(3), 0.003);
    EXPECT_EQ(lookup_unit("pF")->to_canonical(250), 250.0);
    EXPECT_EQ(lookup_unit("MOhm")->factor, 0.001);
}

TEST(Units, MicroMayBeWrittenAsUOrMu) {
    auto u = lookup_unit("uS");
    auto micro_sign = lookup_unit("\xC2\xB5S"); // µS
    auto greek_mu = lookup_unit("\xCE\xBCm");   // μm
    ASSERT_TRUE(u && micro_sign && greek_mu);
    EXPECT_EQ(micro_sign->dim, dims::conductance);
    EXPECT_DOUBLE_EQ(micro_sign->factor, u->factor);
    EXPECT_EQ(greek_mu->dim, dims::length);
    EXPECT_DOUBLE_EQ(greek_mu->factor, 1.0);
}

TEST(Units, MolarAndMegaAreTellApart) {
    auto molar = lookup_unit("M");
    auto millimolar = lookup_unit("mM");
    auto megaohm = lookup_unit("MOhm");
    ASSERT_TRUE(molar && millimolar && megaohm);
    Dimension concentration = Dimension::of(Dimension::Amount) / dims::length.pow(3);
    EXPECT_EQ(molar->dim, concentration);
    EXPECT_EQ(millimolar->dim, concentration);
    EXPECT_DOUBLE_EQ(millimolar->factor, molar->factor / 1000);
    EXPECT_DOUBLE_EQ(molar->factor, 1e-15); // mol/L in mol/µm^3
    EXPECT_EQ(megaohm->dim, dims::voltage / dims::current);
    EXPECT_EQ(lookup_unit("mol")->dim, Dimension::of(Dimension::Amount));
    EXPECT_EQ(lookup_unit("K")->dim, Dimension::of(Dimension::Temperature));
}

TEST(Units, RejectsWhatIsNoUnit) {
    EXPECT_FALSE(lookup_unit(""));
    EXPECT_FALSE(lookup_unit("mv"));
    EXPECT_FALSE(lookup_unit("tau_m"));
    EXPECT_FALSE(lookup_unit("cs")); // centi only in cm
    EXPECT_FALSE(lookup_unit("min"));
    EXPECT_FALSE(lookup_unit("msec"));
    EXPECT_FALSE(lookup_unit("m "));
}

TEST(Units, SpellingsInAnotherCaseAreFound) {
    EXPECT_EQ(units_in_other_case("mS"), std::vector<std::string>({"ms"}));
    EXPECT_EQ(units_in_other_case("ms"), std::vector<std::string>({"mS"}));
    EXPECT_EQ(units_in_other_case("MV"), std::vector<std::string>({"mV"}));
    EXPECT_TRUE(units_in_other_case("pA").empty());
}

TEST(Names, EditDistance) {
    EXPECT_EQ(edit_distance("tau_m", "tau_m"), 0u);
    EXPECT_EQ(edit_distance("tau_n", "tau_m"), 1u);
    EXPECT_EQ(edit_distance("tau", "tau_m"), 2u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("sacle", "scale"), 1u); // a transposition is one edit
}

TEST(Names, DidYouMeanPicksTheClosestWithinTwo) {
    std::vector<std::string> names = {"C_m", "tau_m", "tau_syn_ex", "V_th"};
    EXPECT_EQ(did_you_mean("tau_n", names), "did you mean 'tau_m'?");
    EXPECT_EQ(did_you_mean("tau_syn_e", names), "did you mean 'tau_syn_ex'?");
    EXPECT_EQ(did_you_mean("g_L", names), ""); // two edits are too many for three letters
    EXPECT_EQ(did_you_mean("C_n", names), "did you mean 'C_m'?");
    EXPECT_EQ(did_you_mean("V_ht", names), "did you mean 'V_th'?");
    EXPECT_EQ(did_you_mean("mv", common_unit_names()), "did you mean 'mV'?"); // not 'ms'
    EXPECT_EQ(did_you_mean("pAA", common_unit_names()), "did you mean 'pA'?");
    EXPECT_EQ(did_you_mean("x", {"w"}), ""); // as long as the name itself is no suggestion
}

TEST(Names, DimensionAndQuantityText) {
    EXPECT_EQ(dimension_text(dims::voltage), "mV (voltage)");
    EXPECT_EQ(dimension_text(dims::voltage / dims::time), "mV/ms (voltage/time)");
    EXPECT_EQ(dimension_text(Dimension::none()), "dimensionless");
    EXPECT_EQ(dimension_text(dims::voltage.pow(2)), "mV^2");
    EXPECT_EQ(quantity_text(10, dims::time), "10 ms");
    EXPECT_EQ(quantity_text(0.5, dims::rate), "0.5 / ms");
    EXPECT_EQ(quantity_text(3, Dimension::none()), "3");
    EXPECT_EQ(number_text(0.05), "0.05");
    EXPECT_EQ(number_text(-70), "-70");
}
