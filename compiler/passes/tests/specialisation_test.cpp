#include "passes/specialisation.h"

#include "kernel_from_text.h"
#include "kernel_interpreter.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

const char* text = R"(
neuron lif {
    parameters { tau_m = 10 ms; C_m = 250 pF; V_th = -55 mV; V_reset = -70 mV; t_ref = 2 ms }
    state { V_m = -70 mV }
    equations { V_m' = -(V_m + 70 mV) / tau_m + I_stim / C_m }
    input I_stim : pA
    on V_m >= V_th { emit spike; V_m = V_reset; refractory t_ref clamp V_m }
}
network net {
    population P = lif[3] { V_th = -50 mV }
    simulate { dt = 0.5 ms; duration = 1 ms }
}
)";

TEST(Specialisation, ParametersBecomeThePopulationsValues) {
    const auto before = nnc::test::kernel_before(text, "specialise");
    auto after = before;
    nnc::passes::specialise(after);
    const auto listing_before = nnc::kir::to_string(before);
    const auto listing_after = nnc::kir::to_string(after);
    // Lowering refers to the parameters and lists this population's values...
    EXPECT_NE(listing_before.find("parameters: tau_m = 10, C_m = 250, V_th = -50"),
              std::string::npos)
        << listing_before;
    EXPECT_NE(listing_before.find("state.V_m >= param.V_th"), std::string::npos) << listing_before;
    EXPECT_NE(listing_before.find("state.V_m = param.V_reset"), std::string::npos)
        << listing_before;
    // ...the exact propagator is numbers already (a matrix exponential of the values)...
    const auto row = listing_before.find("local[1] = 0.95122942450071");
    ASSERT_NE(row, std::string::npos) << listing_before;
    EXPECT_EQ(listing_before.substr(row, listing_before.find('\n', row) - row).find("param."),
              std::string::npos)
        << listing_before;
    // ...and specialisation substitutes them.
    EXPECT_EQ(listing_after.find("param."), std::string::npos) << listing_after;
    EXPECT_EQ(listing_after.find("parameters:"), std::string::npos) << listing_after;
    EXPECT_NE(listing_after.find("state.V_m >= -50"), std::string::npos) << listing_after;
    EXPECT_NE(listing_after.find("state.V_m = -70"), std::string::npos) << listing_after;
    EXPECT_EQ(nnc::test::first_difference(before, after), "");
}

TEST(Specialisation, AReferenceWithoutAValueIsAnInternalError) {
    nnc::kir::PopulationKernel k;
    k.name = "k";
    k.state_names = {"x"};
    k.body = {nnc::kir::Stmt{
        nnc::kir::Stmt::Kind::SetState, 0, nnc::kir::Expr::ref(nnc::kir::Op::Param, 0), {}, {}}};
    EXPECT_THROW(nnc::passes::specialise(k), std::logic_error);
}

} // namespace
