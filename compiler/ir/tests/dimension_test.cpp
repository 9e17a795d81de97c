#include "ir/dimension.h"

#include <gtest/gtest.h>

using namespace nnc;

TEST(Dimension, ArithmeticCombinesExponents) {
    Dimension v = dims::voltage;
    Dimension t = dims::time;
    EXPECT_EQ((v / t)[Dimension::Voltage], 1);
    EXPECT_EQ((v / t)[Dimension::Time], -1);
    EXPECT_EQ((v * v)[Dimension::Voltage], 2);
    EXPECT_EQ(v.pow(3)[Dimension::Voltage], 3);
    EXPECT_EQ(v.pow(-2)[Dimension::Voltage], -2);
    EXPECT_TRUE((v / v).dimensionless());
    EXPECT_FALSE(v.dimensionless());
    EXPECT_EQ(dims::capacitance * dims::voltage / dims::time, dims::current);
    EXPECT_EQ(dims::conductance * dims::voltage, dims::current);
    EXPECT_EQ(dims::rate * dims::time, Dimension::none());
}

TEST(Dimension, UnitNamesOfCommonDimensions) {
    EXPECT_EQ(dims::voltage.unit_name(), "mV");
    EXPECT_EQ(dims::time.unit_name(), "ms");
    EXPECT_EQ(dims::current.unit_name(), "pA");
    EXPECT_EQ(dims::capacitance.unit_name(), "pF");
    EXPECT_EQ(dims::conductance.unit_name(), "nS");
    EXPECT_EQ((dims::voltage / dims::current).unit_name(), "GOhm");
    EXPECT_EQ(dims::rate.unit_name(), "1/ms");
    EXPECT_EQ((dims::voltage / dims::time).unit_name(), "mV/ms");
    EXPECT_EQ((dims::current / dims::time).unit_name(), "pA/ms");
    EXPECT_EQ(dims::length.unit_name(), "um");
    EXPECT_EQ(Dimension::none().unit_name(), "1");
}

TEST(Dimension, UnitNamesOfOtherDimensionsAreProducts) {
    Dimension d = dims::voltage * dims::time / dims::current.pow(2);
    EXPECT_EQ(d.unit_name(), "mV*ms/pA^2");
    EXPECT_EQ(d.describe(), "mV*ms/pA^2");
    EXPECT_EQ(dims::voltage.pow(2).unit_name(), "mV^2");
    EXPECT_EQ((Dimension::none() / dims::time.pow(2)).unit_name(), "1/ms^2");
    EXPECT_EQ((dims::voltage / (dims::time * dims::length)).unit_name(), "mV/(ms*um)");
}

TEST(Dimension, Describe) {
    EXPECT_EQ(dims::voltage.describe(), "voltage");
    EXPECT_EQ(dims::time.describe(), "time");
    EXPECT_EQ(dims::current.describe(), "current");
    EXPECT_EQ(dims::capacitance.describe(), "capacitance");
    EXPECT_EQ(dims::conductance.describe(), "conductance");
    EXPECT_EQ((dims::voltage / dims::current).describe(), "resistance");
    EXPECT_EQ(dims::rate.describe(), "rate");
    EXPECT_EQ((dims::voltage / dims::time).describe(), "voltage/time");
    EXPECT_EQ(dims::length.describe(), "length");
    EXPECT_EQ(Dimension::none().describe(), "dimensionless");
}
