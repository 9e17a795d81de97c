#include "kernel_codegen.h"

#include "kernel_jit.h"
#include "operator_emitter.h"

#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Metadata.h>
#include <llvm/IR/Module.h>

#include <string>
#include <string_view>
#include <vector>

namespace nnc::llvmjit {

namespace {

int operand_count(kir::Op op) {
    switch (op) {
    case kir::Op::Const:
    case kir::Op::State:
    case kir::Op::Input:
    case kir::Op::Receptor:
    case kir::Op::Local:
        return 0;
    case kir::Op::Neg:
    case kir::Op::Not:
        return 1;
    case kir::Op::Select:
        return 3;
    case kir::Op::Call:
        return -1; // depends on the function
    default:
        return 2;
    }
}

class Validator {
public:
    explicit Validator(const kir::PopulationKernel& k) : k_(k) {}

    void run() const {
        if (!kir::is_c_identifier(k_.name))
            throw BackendError("kernel name '" + k_.name + "' is not a C identifier");
        // The generated code calls libm by these names; a kernel must not take one.
        if (find_math_function(k_.name))
            throw BackendError("kernel name '" + k_.name + "' is reserved (a math function)");
        if (k_.local_count < 0) fail("negative local_count");
        if (k_.kind == kir::KernelKind::SynapseEvent &&
            (k_.input_names.size() != 1 || !k_.receptor_names.empty()))
            fail("a synapse event kernel has one input (the event time) and no receptors");
        stmts(k_.body);
    }

private:
    const kir::PopulationKernel& k_;

    [[noreturn]] void fail(const std::string& what) const {
        throw BackendError("kernel '" + k_.name + "': " + what);
    }

    void index(std::string_view what, int i, size_t count) const {
        if (i < 0 || size_t(i) >= count)
            fail(std::string(what) + " index " + std::to_string(i) + " out of range (" +
                 std::to_string(count) + " declared)");
    }

    void expr(const kir::ExprPtr& e) const {
        if (!e) fail("missing expression");
        switch (e->op) {
        case kir::Op::State:
            index("state", e->index, k_.state_names.size());
            break;
        case kir::Op::Input:
            index("input", e->index, k_.input_names.size());
            break;
        case kir::Op::Receptor:
            index("receptor", e->index, k_.receptor_names.size());
            break;
        case kir::Op::Local:
            index("local", e->index, size_t(k_.local_count));
            break;
        case kir::Op::Param: // this backend has no parameter arrays
            fail("parameter " + std::to_string(e->index) +
                 " is a reference; the specialise pass makes it a number");
        default:
            break;
        }
        int expected = operand_count(e->op);
        if (e->op == kir::Op::Call) {
            const MathFunction* f = find_math_function(e->fn);
            if (!f) fail("unknown function '" + e->fn + "'");
            expected = f->arity;
        }
        if (expected != 0 && e->args.size() != size_t(expected))
            fail("operator with " + std::to_string(e->args.size()) + " operands, expected " +
                 std::to_string(expected) + (e->op == kir::Op::Call ? " for " + e->fn : ""));
        for (const auto& a : e->args)
            if (expected != 0) expr(a);
    }

    void stmts(const std::vector<kir::Stmt>& body) const {
        for (const kir::Stmt& s : body) {
            switch (s.kind) {
            case kir::Stmt::Kind::SetLocal:
                index("local", s.index, size_t(k_.local_count));
                expr(s.value);
                break;
            case kir::Stmt::Kind::SetState:
                index("state", s.index, k_.state_names.size());
                expr(s.value);
                break;
            case kir::Stmt::Kind::If:
            case kir::Stmt::Kind::While:
                expr(s.value);
                stmts(s.body);
                break;
            case kir::Stmt::Kind::EmitSpike:
                if (k_.kind == kir::KernelKind::SynapseEvent)
                    fail("a synapse event kernel cannot emit spikes");
                break;
            }
        }
    }
};

// What a kernel touches, so that the function loads only the arrays it uses (an unused
// input may legitimately be a null pointer) and writes back only the states it assigns.
struct Usage {
    std::vector<bool> state_read, state_written, input, receptor;
    bool emits = false;

    explicit Usage(const kir::PopulationKernel& k)
        : state_read(k.state_names.size()), state_written(k.state_names.size()),
          input(k.input_names.size()), receptor(k.receptor_names.size()) {
        stmts(k.body);
    }

    void expr(const kir::Expr& e) {
        switch (e.op) {
        case kir::Op::State:
            state_read[size_t(e.index)] = true;
            break;
        case kir::Op::Input:
            input[size_t(e.index)] = true;
            break;
        case kir::Op::Receptor:
            receptor[size_t(e.index)] = true;
            break;
        default:
            break;
        }
        if (operand_count(e.op) != 0)
            for (const auto& a : e.args)
                expr(*a);
    }

    void stmts(const std::vector<kir::Stmt>& body) {
        for (const kir::Stmt& s : body) {
            if (s.kind == kir::Stmt::Kind::SetState) state_written[size_t(s.index)] = true;
            if (s.kind == kir::Stmt::Kind::EmitSpike) emits = true;
            if (s.value) expr(*s.value);
            stmts(s.body);
        }
    }
};

class Emitter {
public:
    Emitter(llvm::Module& m, const kir::PopulationKernel& k)
        : m_(m), k_(k), ctx_(m.getContext()), b_(ctx_), use_(k),
          f64_(llvm::Type::getDoubleTy(ctx_)), i64_(llvm::Type::getInt64Ty(ctx_)),
          i32_(llvm::Type::getInt32Ty(ctx_)), ptr_(llvm::PointerType::getUnqual(ctx_)) {}

    void run();

private:
    llvm::Module& m_;
    const kir::PopulationKernel& k_;
    llvm::LLVMContext& ctx_;
    llvm::IRBuilder<> b_; // no fast-math flags: every operation is IEEE as written
    Usage use_;
    llvm::Type* f64_;
    llvm::IntegerType* i64_;
    llvm::IntegerType* i32_;
    llvm::PointerType* ptr_;

    llvm::Value* i_ = nullptr;      // the neuron index
    llvm::Value* spiked_ = nullptr; // args->spiked
    llvm::AllocaInst* count_ = nullptr;
    std::vector<llvm::Value*> state_base_, input_base_, receptor_base_;
    std::vector<llvm::AllocaInst*> state_slot_, local_slot_;
    std::vector<llvm::Value*> input_value_, receptor_value_;

    // Alias scopes: one per state array, one for all read-only arrays, one for `spiked`.
    // The pointers are loaded from memory, so `noalias` cannot be put on parameters; the
    // scopes tell the vectoriser the same thing without run-time overlap checks.
    std::vector<llvm::MDNode*> scopes_;
    std::vector<llvm::MDNode*> scope_list_, noalias_list_;
    size_t readonly_scope_ = 0, spiked_scope_ = 0;

    void make_alias_scopes();
    void tag(llvm::Instruction* inst, size_t scope) const;
    llvm::Value* element(llvm::Type* type, llvm::Value* base, llvm::Value* index);
    llvm::Value* load_array_pointer(llvm::Value* array, size_t index, const std::string& name);

    llvm::Value* truth(llvm::Value* v) { return nnc::llvmjit::truth(b_, v); }
    llvm::Value* as_double(llvm::Value* bit) { return nnc::llvmjit::as_double(b_, bit); }
    llvm::Value* expr(const kir::Expr& e);
    llvm::Value* call(const kir::Expr& e);
    void stmts(const std::vector<kir::Stmt>& body);
};

void Emitter::make_alias_scopes() {
    llvm::MDBuilder mdb(ctx_);
    llvm::MDNode* domain = mdb.createAnonymousAliasScopeDomain(k_.name);
    for (const auto& name : k_.state_names)
        scopes_.push_back(mdb.createAnonymousAliasScope(domain, "state." + name));
    readonly_scope_ = scopes_.size();
    scopes_.push_back(mdb.createAnonymousAliasScope(domain, "inputs"));
    spiked_scope_ = scopes_.size();
    scopes_.push_back(mdb.createAnonymousAliasScope(domain, "spiked"));
    for (size_t s = 0; s < scopes_.size(); ++s) {
        std::vector<llvm::Metadata*> others;
        for (size_t t = 0; t < scopes_.size(); ++t)
            if (t != s) others.push_back(scopes_[t]);
        scope_list_.push_back(llvm::MDNode::get(ctx_, {scopes_[s]}));
        noalias_list_.push_back(llvm::MDNode::get(ctx_, others));
    }
}

void Emitter::tag(llvm::Instruction* inst, size_t scope) const {
    inst->setMetadata(llvm::LLVMContext::MD_alias_scope, scope_list_[scope]);
    inst->setMetadata(llvm::LLVMContext::MD_noalias, noalias_list_[scope]);
}

llvm::Value* Emitter::element(llvm::Type* type, llvm::Value* base, llvm::Value* index) {
    return b_.CreateInBoundsGEP(type, base, index);
}

llvm::Value* Emitter::load_array_pointer(llvm::Value* array, size_t index,
                                         const std::string& name) {
    return b_.CreateLoad(ptr_, element(ptr_, array, b_.getInt64(index)), name);
}

llvm::Value* Emitter::call(const kir::Expr& e) {
    std::vector<llvm::Value*> args;
    for (const auto& a : e.args)
        args.push_back(expr(*a));
    return emit_math_call(m_, b_, *find_math_function(e.fn), args); // validated
}

llvm::Value* Emitter::expr(const kir::Expr& e) {
    using kir::Op;
    switch (e.op) {
    case Op::Const:
        return llvm::ConstantFP::get(f64_, e.value);
    case Op::State:
        return b_.CreateLoad(f64_, state_slot_[size_t(e.index)]);
    case Op::Input:
        return input_value_[size_t(e.index)];
    case Op::Receptor:
        return receptor_value_[size_t(e.index)];
    case Op::Local:
        return b_.CreateLoad(f64_, local_slot_[size_t(e.index)]);
    case Op::Neg:
        return b_.CreateFNeg(expr(*e.args[0]));
    case Op::Not:
        return as_double(b_.CreateFCmpOEQ(expr(*e.args[0]), llvm::ConstantFP::get(f64_, 0.0)));
    case Op::Call:
        return call(e);
    case Op::Select: {
        llvm::Value* c = truth(expr(*e.args[0]));
        llvm::Value* a = expr(*e.args[1]);
        llvm::Value* b = expr(*e.args[2]);
        return b_.CreateSelect(c, a, b);
    }
    default:
        break;
    }
    if (llvm::Value* v = emit_binary(b_, e.op, expr(*e.args[0]), expr(*e.args[1]))) return v;
    throw BackendError("kernel '" + k_.name + "': unsupported operator");
}

void Emitter::stmts(const std::vector<kir::Stmt>& body) {
    for (const kir::Stmt& s : body) {
        switch (s.kind) {
        case kir::Stmt::Kind::SetLocal:
            b_.CreateStore(expr(*s.value), local_slot_[size_t(s.index)]);
            break;
        case kir::Stmt::Kind::SetState:
            b_.CreateStore(expr(*s.value), state_slot_[size_t(s.index)]);
            break;
        case kir::Stmt::Kind::If: {
            llvm::Value* c = truth(expr(*s.value));
            llvm::Function* fn = b_.GetInsertBlock()->getParent();
            auto* then_bb = llvm::BasicBlock::Create(ctx_, "if.then", fn);
            auto* end_bb = llvm::BasicBlock::Create(ctx_, "if.end", fn);
            b_.CreateCondBr(c, then_bb, end_bb);
            b_.SetInsertPoint(then_bb);
            stmts(s.body);
            b_.CreateBr(end_bb);
            b_.SetInsertPoint(end_bb);
            break;
        }
        case kir::Stmt::Kind::While: {
            // The condition is tested in a block of its own, before every iteration; the
            // locals and states the body changes live in allocas, so mem2reg builds the
            // loop's phis.
            llvm::Function* fn = b_.GetInsertBlock()->getParent();
            auto* cond_bb = llvm::BasicBlock::Create(ctx_, "while.cond", fn);
            auto* body_bb = llvm::BasicBlock::Create(ctx_, "while.body", fn);
            auto* end_bb = llvm::BasicBlock::Create(ctx_, "while.end", fn);
            b_.CreateBr(cond_bb);
            b_.SetInsertPoint(cond_bb);
            b_.CreateCondBr(truth(expr(*s.value)), body_bb, end_bb);
            b_.SetInsertPoint(body_bb);
            stmts(s.body);
            b_.CreateBr(cond_bb);
            b_.SetInsertPoint(end_bb);
            break;
        }
        case kir::Stmt::Kind::EmitSpike: {
            llvm::Value* n = b_.CreateLoad(i64_, count_, "n_spiked");
            auto* st = b_.CreateStore(b_.CreateTrunc(i_, i32_), element(i32_, spiked_, n));
            tag(st, spiked_scope_);
            b_.CreateStore(b_.CreateAdd(n, b_.getInt64(1), "", true, true), count_);
            break;
        }
        }
    }
}

void Emitter::run() {
    if (m_.getNamedValue(k_.name)) throw BackendError("kernel '" + k_.name + "' is defined twice");
    make_alias_scopes();

    // Mirrors nncrt_kernel_args (n, state, input, receptor, spiked, n_spiked) or
    // nncrt_synapse_event_args (n, synapses, state, t_ms).
    const bool event = k_.kind == kir::KernelKind::SynapseEvent;
    const char* args_name = event ? "nncrt_synapse_event_args" : "nncrt_kernel_args";
    auto* args_ty = llvm::StructType::getTypeByName(ctx_, args_name);
    if (!args_ty && event)
        args_ty = llvm::StructType::create(ctx_, {i64_, ptr_, ptr_, f64_}, args_name);
    if (!args_ty)
        args_ty = llvm::StructType::create(ctx_, {i64_, ptr_, ptr_, ptr_, ptr_, ptr_}, args_name);
    auto* fn_ty = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), {ptr_}, false);
    auto* fn = llvm::Function::Create(fn_ty, llvm::Function::ExternalLinkage, k_.name, m_);
    fn->setDoesNotThrow();
    llvm::Argument* args = fn->getArg(0);
    args->setName("args");
    // The kernel only reads the argument block, and nothing else writes it during the call.
    args->addAttr(llvm::Attribute::NoAlias);
    args->addAttr(llvm::Attribute::NoCapture);
    args->addAttr(llvm::Attribute::ReadOnly);
    args->addAttr(llvm::Attribute::NonNull);
    args->addAttr(llvm::Attribute::NoUndef);
    args->addAttr(llvm::Attribute::getWithDereferenceableBytes(
        ctx_, m_.getDataLayout().getTypeAllocSize(args_ty)));

    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
    auto* loop = llvm::BasicBlock::Create(ctx_, "neuron", fn);
    auto* exit = llvm::BasicBlock::Create(ctx_, "exit", fn);
    b_.SetInsertPoint(entry);

    // Every mutable value of a neuron's step lives in an alloca of the entry block; mem2reg
    // turns them into registers, so the loop body is SSA over doubles.
    count_ = b_.CreateAlloca(i64_, nullptr, "count");
    state_slot_.assign(k_.state_names.size(), nullptr);
    for (size_t j = 0; j < k_.state_names.size(); ++j)
        if (use_.state_read[j] || use_.state_written[j])
            state_slot_[j] = b_.CreateAlloca(f64_, nullptr, "state." + k_.state_names[j]);
    for (int l = 0; l < k_.local_count; ++l)
        local_slot_.push_back(b_.CreateAlloca(f64_, nullptr, "local." + std::to_string(l)));
    b_.CreateStore(b_.getInt64(0), count_);

    // Base pointers, loaded once before the loop.
    auto field = [&](unsigned i, llvm::Type* t, const char* name) {
        return b_.CreateLoad(t, b_.CreateStructGEP(args_ty, args, i), name);
    };
    llvm::Value* n = field(0, i64_, "n");
    auto bases = [&](unsigned fieldno, const char* name, const std::vector<std::string>& names,
                     const std::vector<bool>& used, std::vector<llvm::Value*>& out) {
        out.assign(names.size(), nullptr);
        bool any = false;
        for (bool u : used)
            any = any || u;
        if (!any) return;
        llvm::Value* array = field(fieldno, ptr_, name);
        for (size_t j = 0; j < names.size(); ++j)
            if (used[j]) out[j] = load_array_pointer(array, j, std::string(name) + "." + names[j]);
    };
    std::vector<bool> state_used(k_.state_names.size());
    for (size_t j = 0; j < state_used.size(); ++j)
        state_used[j] = use_.state_read[j] || use_.state_written[j];
    llvm::Value* n_spiked = nullptr;
    llvm::Value* synapses = nullptr;
    llvm::Value* event_time = nullptr;
    if (event) {
        synapses = field(1, ptr_, "synapses");
        bases(2, "state", k_.state_names, state_used, state_base_);
        event_time = field(3, f64_, "t_ms");
    } else {
        bases(1, "state", k_.state_names, state_used, state_base_);
        bases(2, "input", k_.input_names, use_.input, input_base_);
        bases(3, "receptor", k_.receptor_names, use_.receptor, receptor_base_);
        if (use_.emits) spiked_ = field(4, ptr_, "spiked");
        n_spiked = field(5, ptr_, "n_spiked_ptr");
    }
    b_.CreateCondBr(b_.CreateICmpEQ(n, b_.getInt64(0)), exit, loop);

    // The loop: one neuron per iteration.
    b_.SetInsertPoint(loop);
    llvm::PHINode* i = b_.CreatePHI(i64_, 2, "i");
    i->addIncoming(b_.getInt64(0), entry);
    i_ = i;
    // The element the statements work on: neuron i, or the i-th synapse of the event.
    llvm::Value* e = i_;
    if (event) {
        auto* index = b_.CreateLoad(i64_, element(i64_, synapses, i_), "synapse");
        tag(index, readonly_scope_);
        e = index;
    }
    // Read the neuron's values once; the statements work on the copies and assigned states
    // are written back unconditionally at the end. Observably the same as writing in place
    // (the population's arrays belong to this call), but a conditional assignment becomes a
    // select instead of a conditional store, which keeps the loop vectorisable.
    for (size_t j = 0; j < k_.state_names.size(); ++j) {
        if (!state_slot_[j]) continue;
        auto* v = b_.CreateLoad(f64_, element(f64_, state_base_[j], e), k_.state_names[j]);
        tag(v, j);
        b_.CreateStore(v, state_slot_[j]);
    }
    auto read_only = [&](const std::vector<llvm::Value*>& base,
                         const std::vector<std::string>& names, std::vector<llvm::Value*>& out) {
        out.assign(base.size(), nullptr);
        for (size_t j = 0; j < base.size(); ++j) {
            if (!base[j]) continue;
            auto* v = b_.CreateLoad(f64_, element(f64_, base[j], i_), names[j]);
            tag(v, readonly_scope_);
            out[j] = v;
        }
    };
    if (event) {
        input_value_ = {event_time};
    } else {
        read_only(input_base_, k_.input_names, input_value_);
        read_only(receptor_base_, k_.receptor_names, receptor_value_);
    }
    // A local read before it is set reads 0, not the previous neuron's value: no dependence
    // between iterations, and the result does not depend on the order of neurons.
    for (auto* slot : local_slot_)
        b_.CreateStore(llvm::ConstantFP::get(f64_, 0.0), slot);

    stmts(k_.body);

    for (size_t j = 0; j < k_.state_names.size(); ++j) {
        if (!use_.state_written[j]) continue;
        auto* v = b_.CreateLoad(f64_, state_slot_[j]);
        tag(b_.CreateStore(v, element(f64_, state_base_[j], e)), j);
    }
    llvm::Value* next = b_.CreateAdd(i_, b_.getInt64(1), "i.next", true, true);
    i->addIncoming(next, b_.GetInsertBlock());
    b_.CreateCondBr(b_.CreateICmpULT(next, n), loop, exit);

    b_.SetInsertPoint(exit);
    if (n_spiked) b_.CreateStore(b_.CreateLoad(i64_, count_), n_spiked);
    b_.CreateRetVoid();
}

} // namespace

void validate_kernel(const kir::PopulationKernel& kernel) {
    Validator(kernel).run();
}

void emit_kernel(llvm::Module& module, const kir::PopulationKernel& kernel) {
    validate_kernel(kernel);
    Emitter(module, kernel).run();
}

} // namespace nnc::llvmjit
