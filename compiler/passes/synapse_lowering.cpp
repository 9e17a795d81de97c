#include "passes/synapse_lowering.h"

#include "ir/linearity.h"
#include "passes/expr_lowering.h"
#include "passes/kernel_builder.h"

#include <cctype>
#include <stdexcept>

namespace nnc::passes {

namespace {

using namespace kernel_builder;

std::string c_identifier(const std::string& s) {
    std::string out;
    for (char c : s)
        out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
}

class SynapseLowering {
public:
    SynapseLowering(const ir::SynapseModel& model, const ir::Projection& projection)
        : model_(model), params_(projection.synapse_parameters) {}

    /// The kernel of one handler; with no handler, one that only advances the state.
    kir::PopulationKernel run(const ir::SynapseHandler* handler, const std::string& name,
                              const char* event) {
        kernel_ = {};
        kernel_.kind = kir::KernelKind::SynapseEvent;
        kernel_.name = name;
        kernel_.state_names = model_.state_names();
        last_event_ = int(kernel_.state_names.size());
        kernel_.state_names.push_back(synapse_last_event_name);
        delivered_ = int(kernel_.state_names.size());
        kernel_.state_names.push_back(synapse_delivered_name);
        kernel_.input_names = {"t"};
        kernel_.parameter_names = model_.parameter_names();
        kernel_.parameter_values = params_;

        advance();
        const std::string comment = std::string("on ") + event;
        for (size_t i = 0; handler && i <= handler->actions.size(); ++i) {
            if (handler->deliver && i == handler->deliver_after)
                emit(set_state(delivered_, lower(*handler->deliver), "deliver"));
            if (i == handler->actions.size()) break;
            const auto& a = handler->actions[i];
            emit(set_state(a.state, lower(*a.value), comment));
        }
        emit(set_state(last_event_, event_time(), "the state is now at the event's time"));
        return std::move(kernel_);
    }

private:
    void emit(Stmt s) { kernel_.body.push_back(std::move(s)); }
    int new_local() { return kernel_.local_count++; }
    static kir::ExprPtr event_time() { return kir::Expr::ref(K::Input, 0); }

    kir::ExprPtr lower(const ir::Expr& e) const {
        switch (e.op) {
        case ir::Op::Const:
            return cnst(e.value);
        case ir::Op::Param: // the specialise pass makes it a number
            return kir::Expr::ref(K::Param, e.index);
        case ir::Op::State:
            return kir::Expr::ref(K::State, e.index);
        case ir::Op::Input:
        case ir::Op::Weight:
            throw std::logic_error("a synapse model has no inputs or receptors");
        default:
            break;
        }
        std::vector<kir::ExprPtr> args;
        for (const auto& a : e.args)
            args.push_back(lower(*a));
        return lower_operation(e, std::move(args));
    }

    kir::ExprPtr lower_or_zero(const ir::ExprPtr& e) const { return e ? lower(*e) : nullptr; }

    // x' = a·x + b over h = t - t_last: x(t) = x·exp(a·h) + (b/a)·(exp(a·h) - 1), or x + b·h
    // when a is zero by construction. Every variable's solution involves only itself, so the
    // assignments may follow one another.
    void advance() {
        if (model_.odes.empty()) return;
        const int h = new_local();
        emit(set_local(h, make(K::Sub, {event_time(), kir::Expr::ref(K::State, last_event_)}),
                       "time since the synapse's last event"));
        for (const auto& ode : model_.odes) {
            auto form = ir::affine_in_state(ode.rhs, ode.state);
            if (!form) throw std::logic_error("synapse equation not affine in its variable");
            auto x = kir::Expr::ref(K::State, ode.state);
            auto a = lower_or_zero(form->slope);
            auto b = lower_or_zero(form->offset);
            kir::ExprPtr next;
            if (!a) {
                if (!b) continue;
                next = add(x, mul(b, loc(h)));
            } else {
                const int decay = new_local();
                emit(set_local(decay, call("exp", {mul(a, loc(h))})));
                next = mul(x, loc(decay));
                if (b)
                    next =
                        add(next, mul(make(K::Div, {b, a}), make(K::Sub, {loc(decay), cnst(1)})));
            }
            emit(set_state(ode.state, next,
                           model_.states[size_t(ode.state)].name + " at the event, exactly"));
        }
    }

    const ir::SynapseModel& model_;
    const std::vector<double>& params_;
    kir::PopulationKernel kernel_;
    int last_event_ = -1;
    int delivered_ = -1;
};

} // namespace

std::vector<kir::PopulationKernel> lower_synapse_events(const ir::Program& program,
                                                        size_t projection_index) {
    const auto& net = program.network.value();
    const auto& proj = net.projections.at(projection_index);
    const auto& model = program.synapses.at(size_t(proj.synapse));
    const std::string suffix = c_identifier(net.populations.at(size_t(proj.source)).name) + "_" +
                               c_identifier(net.populations.at(size_t(proj.target)).name) + "_" +
                               std::to_string(projection_index);
    SynapseLowering lowering(model, proj);
    std::vector<kir::PopulationKernel> kernels;
    kernels.push_back(lowering.run(&model.on_pre, "nnc_on_pre_" + suffix, "pre"));
    kernels.push_back(lowering.run(nullptr, "nnc_advance_" + suffix, "time"));
    if (model.on_post)
        kernels.push_back(lowering.run(&*model.on_post, "nnc_on_post_" + suffix, "post"));
    return kernels;
}

} // namespace nnc::passes
