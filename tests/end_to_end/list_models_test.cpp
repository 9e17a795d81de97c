// `nnc list-models`: the library as a user looks it up, each model with its parameters as
// written in its file, their dimensions and comments, aliases with the model they rename.
#include "command_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using nnc::test::run_nnc;

void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

TEST(ListModels, PrintsEachModelWithItsParametersDefaultsAndAliases) {
    const std::filesystem::path dir = nnc::test::scratch_dir("list_models");
    write(dir / "stdlib/neurons/leaky.nml", R"(neuron leaky {
    parameters {
        tau = 10 ms      # membrane time constant
        E_L = -70 mV
    }
    state { V = E_L }
    equations { V' = -(V - E_L) / tau }
    on spike exc(w: mV) { V += w }
}
)");
    write(dir / "stdlib/pynn/renamed.nml", R"(import "stdlib/neurons/leaky.nml"
neuron renamed = leaky {
    parameters { tau_ms = 0.02 s; v_rest = -65 mV }   # PyNN-like
    tau = tau_ms; E_L = v_rest
}
)");
    auto r = run_nnc("list-models -I " + dir.string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "neuron leaky    (stdlib/neurons/leaky.nml)\n"
                     "  tau = 10 ms   time     membrane time constant\n"
                     "  E_L = -70 mV  voltage\n"
                     "  receptors: exc (mV)\n"
                     "\n"
                     "neuron renamed = leaky    (stdlib/pynn/renamed.nml)\n"
                     "  tau_ms = 0.02 s  time     PyNN-like\n"
                     "  v_rest = -65 mV  voltage  PyNN-like\n"
                     "  receptors: exc (mV)\n"
                     "\n");
}

// A library file with an error is reported as `nnc check` would, and the rest still listed.
TEST(ListModels, ReportsABrokenLibraryFileAndListsTheRest) {
    const std::filesystem::path dir = nnc::test::scratch_dir("list_models_broken");
    write(dir / "stdlib/neurons/good.nml", "neuron good { parameters { tau = 10 ms } }\n");
    write(dir / "stdlib/neurons/wrong.nml", "neuron wrong { parameters { tau = 10 mv } }\n");
    auto r = run_nnc("list-models -I " + dir.string());
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("wrong.nml:1:38: error: unknown unit 'mv'"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("neuron good    (stdlib/neurons/good.nml)\n  tau = 10 ms  time\n"),
              std::string::npos)
        << r.out;
}

// The real library: NEST's names and defaults, PyNN's aliases in PyNN's units.
TEST(ListModels, TheStandardLibraryHasNestModelsAndPynnAliases) {
    auto r = run_nnc("list-models");
    for (const char* expected :
         {"neuron iaf_psc_alpha    (stdlib/neurons/iaf_psc_alpha.nml)\n  C_m        = 250 pF",
          "neuron hh_cond_exp_traub    (stdlib/neurons/hh_cond_exp_traub.nml)\n",
          "  V_T        = -63 mV    voltage      shifts the rate functions",
          "neuron izhi2007b    (stdlib/neurons/izhi2007b.nml)\n",
          "neuron IF_curr_exp = iaf_psc_exp    (stdlib/pynn/IF_curr_exp.nml)\n",
          "  cm         = 1 nF    capacitance  membrane capacitance\n",
          "neuron HH_cond_exp = hh_cond_exp_traub    (stdlib/pynn/HH_cond_exp.nml)\n",
          "synapse stdp    (stdlib/synapses/stdp.nml)\n"})
        EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
}

TEST(ListModels, HelpDescribesTheCommand) {
    auto r = run_nnc("list-models --help");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("standard library's neuron and synapse models"), std::string::npos)
        << r.out;
    auto top = run_nnc("--help");
    EXPECT_NE(top.out.find("list-models"), std::string::npos) << top.out;
}

} // namespace
