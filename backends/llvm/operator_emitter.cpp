#include "operator_emitter.h"

#include <string>

namespace nnc::llvmjit {

namespace {

// The kernel IR's math library. Intrinsics where LLVM has one and treats it exactly (it
// folds constants and lowers sqrt/fabs/floor/... to single instructions); libm calls for
// pow and tanh; fmin/fmax as compare-and-select (see emit_math_call).
constexpr MathFunction kMathFunctions[] = {
    {"exp", 1, llvm::Intrinsic::exp},
    {"log", 1, llvm::Intrinsic::log},
    {"sqrt", 1, llvm::Intrinsic::sqrt},
    {"fabs", 1, llvm::Intrinsic::fabs},
    {"pow", 2, llvm::Intrinsic::not_intrinsic},
    {"sin", 1, llvm::Intrinsic::sin},
    {"cos", 1, llvm::Intrinsic::cos},
    {"tanh", 1, llvm::Intrinsic::not_intrinsic},
    {"fmin", 2, llvm::Intrinsic::not_intrinsic},
    {"fmax", 2, llvm::Intrinsic::not_intrinsic},
    {"floor", 1, llvm::Intrinsic::floor},
    {"ceil", 1, llvm::Intrinsic::ceil},
    {"round", 1, llvm::Intrinsic::round},
};

} // namespace

const MathFunction* find_math_function(std::string_view name) {
    for (const auto& f : kMathFunctions)
        if (f.name == name) return &f;
    return nullptr;
}

llvm::Value* truth(llvm::IRBuilder<>& b, llvm::Value* v) {
    return b.CreateFCmpUNE(v, llvm::ConstantFP::get(b.getDoubleTy(), 0.0));
}

llvm::Value* as_double(llvm::IRBuilder<>& b, llvm::Value* bit) {
    return b.CreateUIToFP(bit, b.getDoubleTy());
}

llvm::Value* emit_math_call(llvm::Module& m, llvm::IRBuilder<>& b, const MathFunction& f,
                            const std::vector<llvm::Value*>& args) {
    llvm::Type* f64 = b.getDoubleTy();
    if (f.intrinsic != llvm::Intrinsic::not_intrinsic) {
        llvm::Function* decl = llvm::Intrinsic::getDeclaration(&m, f.intrinsic, {f64});
        return b.CreateCall(decl, args);
    }
    if (f.name == "fmin" || f.name == "fmax") {
        // llvm.minnum/maxnum may return either zero for fmin(+0, -0). The kernel IR's fmin
        // and fmax return the second operand on equality and the non-NaN one if exactly one
        // is NaN (as GCC's inline std::fmin does, and ir::call_math_function, with which the
        // constant folder computes them; glibc 2.36's libm fmin returns the first on
        // equality). This is that, bit for bit, and still one minsd/maxsd plus a blend,
        // vectorisable.
        llvm::Value* x = args[0];
        llvm::Value* y = args[1];
        llvm::Value* pick_x = f.name == "fmin" ? b.CreateFCmpOLT(x, y) : b.CreateFCmpOGT(x, y);
        llvm::Value* picked = b.CreateSelect(pick_x, x, y);
        return b.CreateSelect(b.CreateFCmpUNO(y, y), x, picked);
    }
    std::vector<llvm::Type*> params(args.size(), f64);
    llvm::FunctionCallee callee =
        m.getOrInsertFunction(f.name, llvm::FunctionType::get(f64, params, false));
    if (auto* fn = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
        // A pure function as far as the kernel is concerned (nobody reads errno), so calls
        // can be hoisted, merged and put in vector loops.
        fn->setDoesNotAccessMemory();
        fn->setDoesNotThrow();
        fn->addFnAttr(llvm::Attribute::WillReturn);
    }
    llvm::CallInst* c = b.CreateCall(callee, args);
    // nobuiltin: LLVM would otherwise rewrite pow(2, x) as exp2(x), pow(x, 0.5) as sqrt(x),
    // pow(x, -1) as 1/x; each is as accurate or better, but not glibc's pow bit for bit (the
    // constant folder and C++ use glibc's), and a kernel must give the same bits as they do.
    c->addFnAttr(llvm::Attribute::NoBuiltin);
    c->setDoesNotAccessMemory();
    c->setDoesNotThrow();
    return c;
}

llvm::Value* emit_binary(llvm::IRBuilder<>& b, kir::Op op, llvm::Value* a, llvm::Value* c) {
    using kir::Op;
    switch (op) {
    case Op::Add:
        return b.CreateFAdd(a, c);
    case Op::Sub:
        return b.CreateFSub(a, c);
    case Op::Mul:
        return b.CreateFMul(a, c);
    case Op::Div:
        return b.CreateFDiv(a, c);
    // Ordered comparisons except !=, as in C: any comparison with NaN is false but NaN != x.
    case Op::Lt:
        return as_double(b, b.CreateFCmpOLT(a, c));
    case Op::Le:
        return as_double(b, b.CreateFCmpOLE(a, c));
    case Op::Gt:
        return as_double(b, b.CreateFCmpOGT(a, c));
    case Op::Ge:
        return as_double(b, b.CreateFCmpOGE(a, c));
    case Op::Eq:
        return as_double(b, b.CreateFCmpOEQ(a, c));
    case Op::Ne:
        return as_double(b, b.CreateFCmpUNE(a, c));
    // Both operands are evaluated: they have no side effects, and branch-free code vectorises.
    case Op::And:
        return as_double(b, b.CreateAnd(truth(b, a), truth(b, c)));
    case Op::Or:
        return as_double(b, b.CreateOr(truth(b, a), truth(b, c)));
    default:
        return nullptr;
    }
}

} // namespace nnc::llvmjit
