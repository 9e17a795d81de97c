// `nnc compile --target cpp`: the generated project builds against this build tree (with the
// package the build exports), and the program it gives writes the same files as `nnc run`,
// bit for bit, also under mpirun on 1, 2 and 3 processes; a -D works as in `nnc run`, unless
// it changes a compiled kernel.
#include "command_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nnc::test {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Writes the project of `model` into `dir` and builds it; the program's path.
std::string compile_and_build(const std::string& model, const std::string& dir,
                              const std::string& name, const std::string& defines) {
    auto compiled = run_nnc("compile " + model + " --target cpp -o '" + dir + "' " + defines);
    EXPECT_EQ(compiled.exit_code, 0) << compiled.err;
    EXPECT_NE(compiled.out.find("cmake -S"), std::string::npos) << compiled.out;
    auto built =
        run_command("('" NNC_CMAKE_COMMAND "' -S '" + dir + "' -B '" + dir +
                    "/build' -DCMAKE_BUILD_TYPE=Release && '" NNC_CMAKE_COMMAND "' --build '" +
                    dir + "/build' -j2)");
    EXPECT_EQ(built.exit_code, 0) << built.out << built.err;
    // The generated code compiles without warnings under -Wall -Wextra.
    EXPECT_EQ(built.out.find("warning:"), std::string::npos) << built.out;
    return dir + "/build/" + name;
}

/// Differences between two HDF5 files: every dataset's bytes and every attribute; empty if
/// they are the same.
std::string hdf5_differences(const std::string& a, const std::string& b) {
    const std::string python = h5py_python();
    if (python.empty()) return "";
    const std::string script = R"(
import sys, h5py, numpy
def contents(path):
    out = {}
    with h5py.File(path, 'r') as f:
        def visit(name, obj):
            for key, value in obj.attrs.items():
                out[name + '@' + key] = numpy.asarray(value).tobytes()
            if isinstance(obj, h5py.Dataset):
                out[name] = numpy.asarray(obj[()]).tobytes()
        f.visititems(visit)
    return out
a, b = contents(sys.argv[1]), contents(sys.argv[2])
for key in sorted(set(a) | set(b)):
    if a.get(key) != b.get(key):
        print('differs:', key)
)";
    auto r =
        run_command(python + " -c \"$(cat <<'PY'\n" + script + "\nPY\n)\" '" + a + "' '" + b + "'");
    return r.exit_code == 0 ? r.out : "cannot compare: " + r.err;
}

TEST(CppTarget, BrunelProgramWritesTheJitsSpikesAndTakesDefinesThatKeepItsKernels) {
    const std::string dir = scratch_dir("cpp-brunel");
    const std::string program = compile_and_build("examples/brunel2000.nml", dir + "/project",
                                                  "brunel2000", "-D scale=0.1");
    if (h5py_python().empty()) GTEST_SKIP() << "no python3 with h5py to compare HDF5 files";

    // The compiled-in -D, then one given to the program that does not touch the kernels.
    const std::vector<std::pair<std::string, std::string>> runs = {
        {"-D scale=0.1", ""},
        {"-D scale=0.05 -D g=4 -D eta=1.5", "-D scale=0.05 -D g=4 -D eta=1.5"}};
    for (const auto& [nnc_defines, program_defines] : runs) {
        const std::string jit = dir + "/jit.h5", aot = dir + "/aot.h5";
        auto r1 = run_nnc("run examples/brunel2000.nml --duration 100 --seed 7 -q -o '" + jit +
                          "' " + nnc_defines);
        ASSERT_EQ(r1.exit_code, 0) << r1.err;
        auto r2 = run_command("'" + program + "' --duration 100 --seed 7 -q -o '" + aot + "' " +
                              program_defines);
        ASSERT_EQ(r2.exit_code, 0) << r2.err;
        EXPECT_EQ(r2.out, "");
        EXPECT_EQ(hdf5_differences(jit, aot), "") << nnc_defines;
        // A spike file of the right size, not two empty ones.
        EXPECT_GT(std::filesystem::file_size(aot), 10000u);
    }

    // The compiled program under mpirun: the same spikes on 1, 2 and 3 processes.
    if (mpi_built()) {
        const std::string jit = dir + "/jit.h5";
        for (int n : {1, 2, 3}) {
            const std::string aot = dir + "/aot_np" + std::to_string(n) + ".h5";
            auto r = run_command(mpirun(n) + "'" + program + "' --duration 100 --seed 7 -q -o '" +
                                 aot + "' -D scale=0.05 -D g=4 -D eta=1.5");
            ASSERT_EQ(r.exit_code, 0) << n << " processes:\n" << r.err;
            EXPECT_EQ(hdf5_differences(jit, aot), "") << n << " processes";
        }
    }

    // The same report, but for the times.
    const auto report = [](const std::string& text) {
        std::string kept;
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);)
            if (line.rfind("  time:", 0) != 0 && line.rfind("  real-time", 0) != 0)
                kept += line + "\n";
        return kept;
    };
    auto jit_report = run_nnc("run examples/brunel2000.nml -D scale=0.1 --duration 20");
    auto aot_report = run_command("'" + program + "' --duration 20");
    ASSERT_EQ(aot_report.exit_code, 0) << aot_report.err;
    EXPECT_EQ(report(aot_report.out), report(jit_report.out));
    EXPECT_NE(aot_report.out.find("nnc run examples/brunel2000.nml: network 'brunel2000'"),
              std::string::npos)
        << aot_report.out;

    // theta is the neurons' threshold, folded into their kernels: refused, with what to do.
    auto refused = run_command("'" + program + "' --duration 10 -D theta='19 mV'");
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("error: the kernel of population 'E' (model 'iaf_psc_delta') "
                               "with -D theta=19 mV differs from the one compiled into this "
                               "program"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("brunel2000.nml:25:5"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("nnc compile examples/brunel2000.nml --target cpp"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("-D 'theta=19 mV'"), std::string::npos) << refused.err;

    // The same options as nnc run, and the same refusals of bad ones.
    auto bad_seed = run_command("'" + program + "' --seed -3");
    EXPECT_EQ(bad_seed.exit_code, 2) << bad_seed.err;
    std::filesystem::remove_all(dir);
}

TEST(CppTarget, EveryFeatureProgramWritesTheJitsFilesBitForBit) {
    const std::string dir = scratch_dir("cpp-every-feature");
    const std::string program =
        compile_and_build("examples/every_feature.nml", dir + "/project", "every_feature", "");
    // The kernels of every neuron model, the plastic synapses' event kernels and the
    // distance-dependent pair functions were compiled in.
    const std::string kernels = slurp(dir + "/project/kernels.cpp");
    EXPECT_NE(kernels.find("(const nncrt_synapse_event_args* args)"), std::string::npos);
    EXPECT_NE(kernels.find("extern \"C\" double nnc_pair_"), std::string::npos);
    EXPECT_TRUE(
        std::filesystem::exists(dir + "/project/model/examples/every_feature_connections.csv"));

    // J is also in the STDP synapses' w_max and in a weight of the distance: both compiled.
    auto refused = run_command("'" + program + "' -q --duration 10 -D J='80 pA'");
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("error: the synapse kernel 'nnc_on_pre_E_E_0' with -D J=80 pA "
                               "differs from the one compiled into this program"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("error: the weight of this projection (a function of the pair"),
              std::string::npos)
        << refused.err;

    // CSV: every file byte for byte.
    auto r1 = run_nnc("run examples/every_feature.nml -q -o '" + dir + "/jit.csv'");
    ASSERT_EQ(r1.exit_code, 0) << r1.err;
    auto r2 = run_command("'" + program + "' -q -o '" + dir + "/aot.csv'");
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("jit.", 0) != 0) continue;
        const std::string other = dir + "/aot." + name.substr(4);
        ASSERT_TRUE(std::filesystem::exists(other)) << other;
        EXPECT_EQ(slurp(entry.path().string()), slurp(other)) << name;
        ++files;
    }
    EXPECT_GE(files, 4u); // spikes, two recorded variables, the plastic synapses

    if (h5py_python().empty()) GTEST_SKIP() << "no python3 with h5py to compare HDF5 files";
    auto r3 = run_nnc("run examples/every_feature.nml -q -o '" + dir + "/jit.h5'");
    ASSERT_EQ(r3.exit_code, 0) << r3.err;
    auto r4 = run_command("'" + program + "' -q -o '" + dir + "/aot.h5'");
    ASSERT_EQ(r4.exit_code, 0) << r4.err;
    for (const char* suffix : {".h5", ".V_m.h5", ".synapses.h5"})
        EXPECT_EQ(hdf5_differences(dir + "/jit" + suffix, dir + "/aot" + suffix), "") << suffix;

    // Every connector and a plastic synapse, compiled, under mpirun: the same files.
    if (mpi_built()) {
        for (int n : {1, 2, 3}) {
            const std::string aot = dir + "/aot_np" + std::to_string(n);
            auto r = run_command(mpirun(n) + "'" + program + "' -q -o '" + aot + ".h5'");
            ASSERT_EQ(r.exit_code, 0) << n << " processes:\n" << r.err;
            for (const char* suffix : {".h5", ".V_m.h5", ".synapses.h5"})
                EXPECT_EQ(hdf5_differences(dir + "/jit" + suffix, aot + suffix), "")
                    << n << " processes, " << suffix;
        }
    }
    std::filesystem::remove_all(dir);
}

TEST(CppTarget, InstalledNncWritesProjectsThatBuildAgainstTheInstalledPackage) {
    const std::string dir = scratch_dir("cpp-install");
    const std::string prefix = dir + "/prefix";
    auto installed = run_command(
        "'" NNC_CMAKE_COMMAND "' --install '" NNC_BUILD_DIR "' --prefix '" + prefix + "'");
    ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
    for (const char* file :
         {"bin/nnc", "lib/cmake/nnc/nncConfig.cmake", "lib/libnnc_runner.a", "lib/libnncrt.a",
          "include/nncrt/abi.h", "include/nnc/compiler/driver/compiled_program.h",
          "share/nnc/stdlib/neurons/iaf_psc_delta.nml"})
        EXPECT_TRUE(std::filesystem::exists(prefix + "/" + file)) << file;

    // The installed nnc writes its own package's directory into the project.
    const std::string project = dir + "/project";
    auto compiled = run_command("'" + prefix +
                                "/bin/nnc' compile examples/brunel2000.nml "
                                "--target cpp -D scale=0.05 -o '" +
                                project + "'");
    ASSERT_EQ(compiled.exit_code, 0) << compiled.err;
    const std::string cmake_lists = slurp(project + "/CMakeLists.txt");
    EXPECT_NE(cmake_lists.find("HINTS \"" + prefix + "/lib/cmake/nnc\""), std::string::npos)
        << cmake_lists;
    auto built =
        run_command("('" NNC_CMAKE_COMMAND "' -S '" + project + "' -B '" + project +
                    "/build' && '" NNC_CMAKE_COMMAND "' --build '" + project + "/build' -j2)");
    ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
    EXPECT_NE(slurp(project + "/build/CMakeCache.txt").find("nnc_DIR:PATH=" + prefix),
              std::string::npos);

    auto jit = run_nnc("run examples/brunel2000.nml -D scale=0.05 --duration 50 -q -o '" + dir +
                       "/jit.csv'");
    ASSERT_EQ(jit.exit_code, 0) << jit.err;
    auto aot =
        run_command("'" + project + "/build/brunel2000' --duration 50 -q -o '" + dir + "/aot.csv'");
    ASSERT_EQ(aot.exit_code, 0) << aot.err;
    EXPECT_EQ(slurp(dir + "/jit.csv"), slurp(dir + "/aot.csv"));
    EXPECT_GT(slurp(dir + "/aot.csv").size(), 1000u);
    std::filesystem::remove_all(dir);
}

TEST(CppTarget, CompileRefusesAnUnknownTargetAndAModelWithoutANetwork) {
    const std::string dir = scratch_dir("cpp-refusals");
    auto target = run_nnc("compile examples/brunel2000.nml --target fortran -o '" + dir + "'");
    EXPECT_EQ(target.exit_code, 2);
    EXPECT_NE(target.err.find("unknown target 'fortran'"), std::string::npos) << target.err;
    auto no_network =
        run_nnc("compile stdlib/neurons/iaf_psc_exp.nml --target cpp -o '" + dir + "'");
    EXPECT_EQ(no_network.exit_code, 1);
    EXPECT_NE(no_network.err.find("has no network to compile"), std::string::npos)
        << no_network.err;
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace nnc::test
