#include "jit_support.h"

#include "optimiser.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Triple.h>

namespace nnc::llvmjit {

void check(llvm::Error error, const std::string& what) {
    if (error) throw BackendError(what + ": " + llvm::toString(std::move(error)));
}

void verify(const llvm::Module& module, const std::string& stage) {
    std::string message;
    llvm::raw_string_ostream os(message);
    if (llvm::verifyModule(module, &os)) {
        os.flush();
        throw BackendError("invalid LLVM IR " + stage + ": " + message);
    }
}

std::unique_ptr<llvm::orc::LLJIT> create_host_jit() {
    const HostTarget& host = host_target(); // initialises the native target once
    llvm::orc::JITTargetMachineBuilder jtmb{llvm::Triple(host.triple)};
    jtmb.setCPU(host.cpu);
    jtmb.addFeatures(host.features);
    jtmb.setOptions(strict_fp_target_options());
    jtmb.setCodeGenOptLevel(llvm::CodeGenOpt::Aggressive);
    auto jit = take(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(jtmb)).create(),
                    "cannot create the LLVM JIT");
    auto& dylib = jit->getMainJITDylib();
    dylib.addGenerator(take(llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
                                jit->getDataLayout().getGlobalPrefix()),
                            "cannot search the process for symbols"));
    return jit;
}

} // namespace nnc::llvmjit
