#include "kernel_jit.h"

#include "jit_support.h"
#include "kernel_codegen.h"
#include "optimiser.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Triple.h>

#include <set>
#include <utility>

namespace nnc::llvmjit {

struct KernelJit::Impl {
    std::unique_ptr<llvm::TargetMachine> optimiser_tm;
    std::unique_ptr<llvm::orc::LLJIT> jit;
    std::set<std::string> names; // every kernel defined so far
    std::string last_ir;
    unsigned modules = 0;
};

KernelJit::KernelJit() : impl_(std::make_unique<Impl>()) {
    impl_->optimiser_tm = create_host_target_machine();
    impl_->jit = create_host_jit();
}

KernelJit::~KernelJit() = default;

std::vector<nncrt_update_fn> KernelJit::compile(const std::vector<kir::PopulationKernel>& kernels) {
    return compile(kernels, {}).updates;
}

CompiledKernels KernelJit::compile(const std::vector<kir::PopulationKernel>& populations,
                                   const std::vector<kir::PopulationKernel>& synapse_events) {
    Impl& impl = *impl_;
    // Everything is checked before anything is added, so a failed call leaves the JIT as it was.
    std::set<std::string> batch;
    std::vector<const kir::PopulationKernel*> kernels;
    for (const auto& k : populations)
        kernels.push_back(&k);
    for (const auto& k : synapse_events)
        kernels.push_back(&k);
    for (size_t i = 0; i < kernels.size(); ++i) {
        const kir::PopulationKernel& k = *kernels[i];
        const bool event = i >= populations.size();
        if ((k.kind == kir::KernelKind::SynapseEvent) != event)
            throw BackendError("kernel '" + k.name + "' is " +
                               (event ? "not a synapse event kernel" : "a synapse event kernel") +
                               "; pass it in the other list");
        validate_kernel(k);
        if (impl.names.count(k.name) || !batch.insert(k.name).second)
            throw BackendError("kernel '" + k.name + "' is already defined");
    }
    impl.last_ir.clear();
    if (kernels.empty()) return {};

    auto context = std::make_unique<llvm::LLVMContext>();
    auto module =
        std::make_unique<llvm::Module>("nnc_kernels_" + std::to_string(impl.modules++), *context);
    module->setDataLayout(impl.jit->getDataLayout());
    module->setTargetTriple(impl.jit->getTargetTriple().str());
    for (const auto* k : kernels)
        emit_kernel(*module, *k);
    verify(*module, "from the kernel IR");

    optimise(*module, *impl.optimiser_tm);
    verify(*module, "after optimisation");
    {
        llvm::raw_string_ostream os(impl.last_ir);
        module->print(os, nullptr);
    }

    check(impl.jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))),
          "cannot add the kernels to the JIT");
    impl.names.insert(batch.begin(), batch.end());

    CompiledKernels fns;
    for (const auto* k : kernels) {
        auto address = take(impl.jit->lookup(k->name), "cannot compile kernel '" + k->name + "'");
        if (k->kind == kir::KernelKind::SynapseEvent)
            fns.synapse_events.push_back(address.toPtr<nncrt_synapse_event_fn>());
        else
            fns.updates.push_back(address.toPtr<nncrt_update_fn>());
    }
    return fns;
}

const std::string& KernelJit::last_module_ir() const {
    return impl_->last_ir;
}

} // namespace nnc::llvmjit
