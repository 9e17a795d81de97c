#include "passes/dead_state_elimination.h"

#include "passes/kernel_rewrite.h"

#include <algorithm>

namespace nnc::passes {

using kir::Op;
using kir::Stmt;

namespace {

class Liveness {
public:
    std::vector<bool> state, local;

    Liveness(const kir::PopulationKernel& k, const std::vector<std::string>& observed)
        : state(k.state_names.size()), local(size_t(k.local_count)) {
        for (size_t j = 0; j < k.state_names.size(); ++j)
            state[j] =
                std::find(observed.begin(), observed.end(), k.state_names[j]) != observed.end();
        // Each round marks at least one more variable, or ends.
        while (mark(k.body)) {
        }
    }

    bool is_live(const Stmt& s) const {
        switch (s.kind) {
        case Stmt::Kind::SetLocal:
            return local[size_t(s.index)];
        case Stmt::Kind::SetState:
            return state[size_t(s.index)];
        case Stmt::Kind::If:
        case Stmt::Kind::While:
            return std::any_of(s.body.begin(), s.body.end(),
                               [&](const Stmt& inner) { return is_live(inner); });
        case Stmt::Kind::EmitSpike:
            return true;
        }
        return true;
    }

private:
    /// Marks what live statements read; true if anything new was marked.
    bool mark(const std::vector<Stmt>& body) {
        bool changed = false;
        for (const Stmt& s : body) {
            switch (s.kind) {
            case Stmt::Kind::SetLocal:
            case Stmt::Kind::SetState:
                break;
            case Stmt::Kind::If:
            case Stmt::Kind::While:
                changed = mark(s.body) || changed;
                break;
            case Stmt::Kind::EmitSpike:
                continue;
            }
            if (is_live(s)) changed = reads(*s.value) || changed;
        }
        return changed;
    }

    bool reads(const kir::Expr& e) {
        bool changed = false;
        if (e.op == Op::State && !state[size_t(e.index)]) changed = state[size_t(e.index)] = true;
        if (e.op == Op::Local && !local[size_t(e.index)]) changed = local[size_t(e.index)] = true;
        for (const auto& a : e.args)
            changed = reads(*a) || changed;
        return changed;
    }
};

void drop_dead(std::vector<Stmt>& body, const Liveness& live) {
    std::erase_if(body, [&](const Stmt& s) { return !live.is_live(s); });
    for (Stmt& s : body) {
        switch (s.kind) {
        case Stmt::Kind::If:
        case Stmt::Kind::While:
            drop_dead(s.body, live);
            break;
        case Stmt::Kind::SetLocal:
        case Stmt::Kind::SetState:
        case Stmt::Kind::EmitSpike:
            break;
        }
    }
}

/// New index of each kept variable, -1 for a dropped one.
std::vector<int> renumbering(const std::vector<bool>& keep) {
    std::vector<int> to(keep.size(), -1);
    int next = 0;
    for (size_t i = 0; i < keep.size(); ++i)
        if (keep[i]) to[i] = next++;
    return to;
}

void renumber_targets(std::vector<Stmt>& body, const std::vector<int>& state_to,
                      const std::vector<int>& local_to) {
    for (Stmt& s : body) {
        switch (s.kind) {
        case Stmt::Kind::SetLocal:
            s.index = local_to[size_t(s.index)];
            break;
        case Stmt::Kind::SetState:
            s.index = state_to[size_t(s.index)];
            break;
        case Stmt::Kind::If:
        case Stmt::Kind::While:
            renumber_targets(s.body, state_to, local_to);
            break;
        case Stmt::Kind::EmitSpike:
            break;
        }
    }
}

} // namespace

void eliminate_dead_states(kir::PopulationKernel& kernel,
                           const std::vector<std::string>& observed) {
    const Liveness live(kernel, observed);
    drop_dead(kernel.body, live);

    const auto state_to = renumbering(live.state);
    const auto local_to = renumbering(live.local);
    rewrite_expressions(kernel.body, [&](const kir::ExprPtr& e) {
        if (e->op == Op::State && state_to[size_t(e->index)] != e->index)
            return kir::Expr::ref(Op::State, state_to[size_t(e->index)]);
        if (e->op == Op::Local && local_to[size_t(e->index)] != e->index)
            return kir::Expr::ref(Op::Local, local_to[size_t(e->index)]);
        return e;
    });
    renumber_targets(kernel.body, state_to, local_to);

    std::vector<std::string> names;
    for (size_t j = 0; j < kernel.state_names.size(); ++j)
        if (live.state[j]) names.push_back(kernel.state_names[j]);
    kernel.state_names = std::move(names);
    kernel.local_count = int(std::count(live.local.begin(), live.local.end(), true));
}

} // namespace nnc::passes
