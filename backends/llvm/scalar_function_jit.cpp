#include "scalar_function_jit.h"

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

template <typename T>
T take(llvm::Expected<T> value, const std::string& what) {
    if (!value) throw BackendError(what + ": " + llvm::toString(value.takeError()));
    return std::move(*value);
}

/// The math functions of the kernel IR as the kernels compile them (kernel_codegen.cpp):
/// intrinsics where LLVM treats them exactly, libm's pow and tanh as `nobuiltin` calls,
/// fmin and fmax as compare-and-select returning the second operand on equality.
llvm::Intrinsic::ID intrinsic_of(const std::string& fn) {
    if (fn == "exp") return llvm::Intrinsic::exp;
    if (fn == "log") return llvm::Intrinsic::log;
    if (fn == "sqrt") return llvm::Intrinsic::sqrt;
    if (fn == "fabs") return llvm::Intrinsic::fabs;
    if (fn == "sin") return llvm::Intrinsic::sin;
    if (fn == "cos") return llvm::Intrinsic::cos;
    if (fn == "floor") return llvm::Intrinsic::floor;
    if (fn == "ceil") return llvm::Intrinsic::ceil;
    if (fn == "round") return llvm::Intrinsic::round;
    return llvm::Intrinsic::not_intrinsic;
}

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

    llvm::Value* truth(llvm::Value* v) {
        return b_.CreateFCmpUNE(v, llvm::ConstantFP::get(f64_, 0.0));
    }
    llvm::Value* as_double(llvm::Value* bit) { return b_.CreateUIToFP(bit, f64_); }

    llvm::Value* operand(const kir::Expr& e, size_t i) {
        if (i >= e.args.size() || !e.args[i]) fail("has an operator without its operands");
        return expr(*e.args[i]);
    }

    llvm::Value* call(const kir::Expr& e) {
        std::vector<llvm::Value*> args;
        for (size_t i = 0; i < e.args.size(); ++i)
            args.push_back(operand(e, i));
        const bool binary = e.fn == "pow" || e.fn == "fmin" || e.fn == "fmax";
        const llvm::Intrinsic::ID id = intrinsic_of(e.fn);
        if (id == llvm::Intrinsic::not_intrinsic && !binary && e.fn != "tanh")
            fail("calls unknown function '" + e.fn + "'");
        if (args.size() != (binary ? 2u : 1u))
            fail("calls '" + e.fn + "' with " + std::to_string(args.size()) + " arguments");
        if (id != llvm::Intrinsic::not_intrinsic)
            return b_.CreateCall(llvm::Intrinsic::getDeclaration(&m_, id, {f64_}), args);
        if (e.fn == "fmin" || e.fn == "fmax") {
            llvm::Value* pick_a = e.fn == "fmin" ? b_.CreateFCmpOLT(args[0], args[1])
                                                 : b_.CreateFCmpOGT(args[0], args[1]);
            llvm::Value* m = b_.CreateSelect(pick_a, args[0], args[1]);
            return b_.CreateSelect(b_.CreateFCmpUNO(args[1], args[1]), args[0], m);
        }
        std::vector<llvm::Type*> params(args.size(), f64_);
        llvm::FunctionCallee callee =
            m_.getOrInsertFunction(e.fn, llvm::FunctionType::get(f64_, params, false));
        llvm::CallInst* c = b_.CreateCall(callee, args);
        c->addFnAttr(llvm::Attribute::NoBuiltin); // glibc's pow bit for bit, as the kernels
        c->setDoesNotAccessMemory();
        c->setDoesNotThrow();
        return c;
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
        llvm::Value* a = operand(e, 0);
        llvm::Value* b = operand(e, 1);
        switch (e.op) {
        case Op::Add:
            return b_.CreateFAdd(a, b);
        case Op::Sub:
            return b_.CreateFSub(a, b);
        case Op::Mul:
            return b_.CreateFMul(a, b);
        case Op::Div:
            return b_.CreateFDiv(a, b);
        case Op::Lt:
            return as_double(b_.CreateFCmpOLT(a, b));
        case Op::Le:
            return as_double(b_.CreateFCmpOLE(a, b));
        case Op::Gt:
            return as_double(b_.CreateFCmpOGT(a, b));
        case Op::Ge:
            return as_double(b_.CreateFCmpOGE(a, b));
        case Op::Eq:
            return as_double(b_.CreateFCmpOEQ(a, b));
        case Op::Ne:
            return as_double(b_.CreateFCmpUNE(a, b));
        case Op::And:
            return as_double(b_.CreateAnd(truth(a), truth(b)));
        case Op::Or:
            return as_double(b_.CreateOr(truth(a), truth(b)));
        default:
            break;
        }
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
    const HostTarget& host = host_target();
    impl_->optimiser_tm = create_host_target_machine();
    llvm::orc::JITTargetMachineBuilder jtmb{llvm::Triple(host.triple)};
    jtmb.setCPU(host.cpu);
    jtmb.addFeatures(host.features);
    jtmb.setOptions(strict_fp_target_options());
    jtmb.setCodeGenOptLevel(llvm::CodeGenOpt::Aggressive);
    impl_->jit =
        take(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(jtmb)).create(),
             "cannot create the LLVM JIT");
    auto& dylib = impl_->jit->getMainJITDylib();
    dylib.addGenerator(take(llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
                                impl_->jit->getDataLayout().getGlobalPrefix()),
                            "cannot search the process for symbols"));
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
    std::string message;
    llvm::raw_string_ostream os(message);
    if (llvm::verifyModule(*module, &os)) {
        os.flush();
        throw BackendError("invalid LLVM IR for scalar functions: " + message);
    }
    optimise(*module, *impl.optimiser_tm);
    if (auto error = impl.jit->addIRModule(
            llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
        throw BackendError("cannot add the scalar functions to the JIT: " +
                           llvm::toString(std::move(error)));
    impl.names.insert(batch.begin(), batch.end());
    std::vector<ScalarFunctionPtr> out;
    for (const auto& f : functions)
        out.push_back(take(impl.jit->lookup(f.name), "cannot compile '" + f.name + "'")
                          .toPtr<ScalarFunctionPtr>());
    return out;
}

} // namespace nnc::llvmjit
