#include "optimiser.h"

#include "kernel_jit.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/OptimizationLevel.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <algorithm>
#include <optional>

namespace nnc::llvmjit {

std::string HostTarget::feature_string() const {
    std::string s;
    for (const auto& f : features) {
        if (!s.empty()) s += ',';
        s += f;
    }
    return s;
}

namespace {

HostTarget detect_host() {
    // The JIT emits code for this process only, so the native target is all it needs.
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();

    HostTarget host;
    host.triple = llvm::sys::getProcessTriple();
    host.cpu = llvm::sys::getHostCPUName().str();
    llvm::StringMap<bool> map;
    if (llvm::sys::getHostCPUFeatures(map)) {
        for (const auto& entry : map)
            host.features.push_back((entry.second ? "+" : "-") + entry.first().str());
        // StringMap iterates in hash order; sorted, the printed IR is reproducible.
        std::sort(host.features.begin(), host.features.end());
    }
    return host;
}

} // namespace

const HostTarget& host_target() {
    static const HostTarget host = detect_host(); // thread-safe, once per process
    return host;
}

llvm::TargetOptions strict_fp_target_options() {
    llvm::TargetOptions options;
    options.AllowFPOpFusion = llvm::FPOpFusion::Strict;
    options.UnsafeFPMath = false;
    options.NoInfsFPMath = false;
    options.NoNaNsFPMath = false;
    options.NoSignedZerosFPMath = false;
    options.ApproxFuncFPMath = false;
    options.NoTrappingFPMath = true; // the default: FP exceptions are masked, as in C++
    return options;
}

std::unique_ptr<llvm::TargetMachine> create_host_target_machine() {
    const HostTarget& host = host_target();
    std::string error;
    const llvm::Target* target = llvm::TargetRegistry::lookupTarget(host.triple, error);
    if (!target) throw BackendError("no LLVM target for " + host.triple + ": " + error);
    std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
        host.triple, host.cpu, host.feature_string(), strict_fp_target_options(), std::nullopt,
        std::nullopt, llvm::CodeGenOpt::Aggressive));
    if (!tm) throw BackendError("cannot create an LLVM target machine for " + host.triple);
    return tm;
}

void optimise(llvm::Module& module, llvm::TargetMachine& tm) {
    // The attributes make the IR say which subtarget it was tuned for, and make the JIT's
    // code generator select for exactly that subtarget.
    const std::string cpu = tm.getTargetCPU().str();
    const std::string features = tm.getTargetFeatureString().str();
    for (llvm::Function& f : module) {
        if (f.isDeclaration()) continue;
        f.addFnAttr("target-cpu", cpu);
        if (!features.empty()) f.addFnAttr("target-features", features);
    }

    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;

    llvm::PipelineTuningOptions tuning;
    tuning.LoopVectorization = true;
    tuning.SLPVectorization = true;
    tuning.LoopInterleaving = true;
    tuning.LoopUnrolling = true;
    // With the TargetMachine, the pass builder registers its TargetTransformInfo, which is
    // what lets the vectoriser pick <4 x double> on AVX2 or AVX-512 hosts.
    llvm::PassBuilder builder(&tm, tuning);
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cgam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cgam, mam);

    llvm::ModulePassManager mpm =
        builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
    mpm.run(module, mam);
}

} // namespace nnc::llvmjit
