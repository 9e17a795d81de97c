#include "scalar_function_jit.h"

#include "operator_emitter.h"

#include "jit_support.h"
#include "kernel_jit.h"
#include "optimiser.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Triple.h>

#include <set>
#include <string>
#include <utility>

namespace nnc::llvmjit {

namespace {

class Emitter {
public:
    Emitter(llvm::Module& m, const kir::ScalarFunction& f)
        : m_(m), f_(f), b_(m.getContext()), f64_(b_.getDoubleTy()) {}

    void emit() {
        auto* type = llvm::FunctionType::get(f64_, {b_.getPtrTy()}, false);
        auto* fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage, f_.name, m_);
        fn->addParamAttr(0, llvm::Attribute::NoAlias);
        fn->addParamAttr(0, llvm::Attribute::ReadOnly);
        args_ = fn->getArg(0);
        b_.SetInsertPoint(llvm::BasicBlock::Create(m_.getContext(), "entry", fn));
        if (!f_.value) fail("has no value");
        b_.CreateRet(expr(*f_.value));
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw BackendError("scalar function '" + f_.name + "' " + what);
    }

    llvm::Value* truth(llvm::Value* v) { return nnc::llvmjit::truth(b_, v); }
    llvm::Value* as_double(llvm::Value* bit) { return nnc::llvmjit::as_double(b_, bit); }

    llvm::Value* operand(const kir::Expr& e, size_t i) {
        if (i >= e.args.size() || !e.args[i]) fail("has an operator without its operands");
        return expr(*e.args[i]);
    }

    llvm::Value* call(const kir::Expr& e) {
        const MathFunction* f = find_math_function(e.fn);
        if (!f) fail("calls unknown function '" + e.fn + "'");
        if (e.args.size() != size_t(f->arity))
            fail("calls '" + e.fn + "' with " + std::to_string(e.args.size()) + " arguments");
        std::vector<llvm::Value*> args;
        for (size_t i = 0; i < e.args.size(); ++i)
            args.push_back(operand(e, i));
        return emit_math_call(m_, b_, *f, args);
    }

    llvm::Value* expr(const kir::Expr& e) {
        using kir::Op;
        switch (e.op) {
        case Op::Const:
            return llvm::ConstantFP::get(f64_, e.value);
        case Op::Input: {
            if (e.index < 0 || size_t(e.index) >= f_.argument_names.size())
                fail("reads argument " + std::to_string(e.index) + ", but has " +
                     std::to_string(f_.argument_names.size()));
            llvm::Value* at = b_.CreateInBoundsGEP(f64_, args_, b_.getInt64(uint64_t(e.index)));
            return b_.CreateLoad(f64_, at);
        }
        case Op::State:
        case Op::Receptor:
        case Op::Local:
        case Op::Param:
            fail("reads something other than its arguments");
        case Op::Neg:
            return b_.CreateFNeg(operand(e, 0));
        case Op::Not:
            return as_double(b_.CreateFCmpOEQ(operand(e, 0), llvm::ConstantFP::get(f64_, 0.0)));
        case Op::Call:
            return call(e);
        case Op::Select: {
            llvm::Value* c = truth(operand(e, 0));
            llvm::Value* a = operand(e, 1);
            llvm::Value* b = operand(e, 2);
            return b_.CreateSelect(c, a, b);
        }
        default:
            break;
        }
        if (llvm::Value* v = emit_binary(b_, e.op, operand(e, 0), operand(e, 1))) return v;
        fail("uses an unsupported operator");
    }

    llvm::Module& m_;
    const kir::ScalarFunction& f_;
    llvm::IRBuilder<> b_;
    llvm::Type* f64_;
    llvm::Value* args_ = nullptr;
};

} // namespace

struct ScalarFunctionJit::Impl {
    std::unique_ptr<llvm::TargetMachine> optimiser_tm;
    std::unique_ptr<llvm::orc::LLJIT> jit;
    std::set<std::string> names;
    unsigned modules = 0;
};

ScalarFunctionJit::ScalarFunctionJit() : impl_(std::make_unique<Impl>()) {
    impl_->optimiser_tm = create_host_target_machine();
    impl_->jit = create_host_jit();
}

ScalarFunctionJit::~ScalarFunctionJit() = default;

std::vector<ScalarFunctionPtr>
ScalarFunctionJit::compile(const std::vector<kir::ScalarFunction>& functions) {
    Impl& impl = *impl_;
    std::set<std::string> batch;
    for (const auto& f : functions)
        if (impl.names.count(f.name) || !batch.insert(f.name).second)
            throw BackendError("scalar function '" + f.name + "' is already defined");
    if (functions.empty()) return {};

    auto context = std::make_unique<llvm::LLVMContext>();
    auto module = std::make_unique<llvm::Module>(
        "nnc_scalar_functions_" + std::to_string(impl.modules++), *context);
    module->setDataLayout(impl.jit->getDataLayout());
    module->setTargetTriple(impl.jit->getTargetTriple().str());
    for (const auto& f : functions)
        Emitter(*module, f).emit();
    verify(*module, "for scalar functions");
    optimise(*module, *impl.optimiser_tm);
    check(impl.jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))),
          "cannot add the scalar functions to the JIT");
    impl.names.insert(batch.begin(), batch.end());
    std::vector<ScalarFunctionPtr> out;
    for (const auto& f : functions)
        out.push_back(take(impl.jit->lookup(f.name), "cannot compile '" + f.name + "'")
                          .toPtr<ScalarFunctionPtr>());
    return out;
}

} // namespace nnc::llvmjit
