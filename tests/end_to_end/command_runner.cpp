#include "command_runner.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace nnc::test {

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

std::string h5py_python() {
    for (const char* candidate : {"python3", "/usr/bin/python3"})
        if (std::system((std::string(candidate) + " -c 'import h5py' >/dev/null 2>&1").c_str()) ==
            0)
            return candidate;
    return {};
}

std::string scratch_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("nnc-test-" + std::to_string(getpid()) + "-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

bool mpi_built() {
#ifdef NNC_MPIEXEC
    return true;
#else
    return false;
#endif
}

std::string mpirun(int processes) {
#ifdef NNC_MPIEXEC
    return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
           "OMPI_MCA_btl_vader_single_copy_mechanism=none '" NNC_MPIEXEC "' --oversubscribe -np " +
           std::to_string(processes) + " ";
#else
    (void)processes;
    return {};
#endif
}

CommandResult run_nnc(const std::string& args) {
    return run_command("'" NNC_BINARY "' " + args);
}

CommandResult run_command(const std::string& command) {
    auto dir = std::filesystem::path(scratch_dir("cmd"));
    auto out = dir / "stdout", err = dir / "stderr";
    std::string cmd = "cd '" NNC_SOURCE_DIR "' && " + command + " >'" + out.string() + "' 2>'" +
                      err.string() + "' </dev/null";
    int status = std::system(cmd.c_str());
    CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    std::filesystem::remove_all(dir);
    return r;
}

} // namespace nnc::test
