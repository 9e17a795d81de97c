#include "passes/common_subexpression_elimination.h"

#include "passes/kernel_rewrite.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace nnc::passes {

using kir::Expr;
using kir::ExprPtr;
using kir::Op;
using kir::Stmt;

namespace {

/// Where a statement stands: the chain of `if` bodies around it, outermost first. A value
/// computed in scope A is available in scope B (later in the step) iff A is a prefix of B.
using Scope = std::vector<int>;

bool encloses(const Scope& outer, const Scope& inner) {
    return outer.size() <= inner.size() && std::equal(outer.begin(), outer.end(), inner.begin());
}

size_t node_count(const Expr& e) {
    size_t n = 1;
    for (const auto& a : e.args)
        n += node_count(*a);
    return n;
}

/// Every state and local a statement list assigns, nested bodies included.
void assigned_in(const std::vector<Stmt>& body, std::vector<std::pair<Stmt::Kind, int>>& out) {
    for (const Stmt& s : body) {
        switch (s.kind) {
        case Stmt::Kind::SetLocal:
        case Stmt::Kind::SetState:
            out.emplace_back(s.kind, s.index);
            break;
        case Stmt::Kind::If:
        case Stmt::Kind::While:
            assigned_in(s.body, out);
            break;
        case Stmt::Kind::EmitSpike:
            break;
        }
    }
}

struct Occurrence {
    int id = 0; ///< the node's number in a pre-order walk of the step
    std::string key;
    Scope scope;
};

/// One value computed at several places: the first (in step order) computes it.
struct Group {
    std::string key;
    Scope scope; ///< the first occurrence's
    std::vector<int> members;
    int local = -1;
    bool reuse = false; ///< the first occurrence is already all of a local's one assignment
};

/// Pass 1: numbers every node of the step in pre-order and keys every operation (not
/// leaves) by what it computes. Nodes inside an occurrence that will read a local instead
/// (`replaced`) are numbered but not recorded: they are not computed there any more.
class Numbering {
public:
    Numbering(const kir::PopulationKernel& k, const std::set<int>& replaced)
        : replaced_(replaced), state_version_(k.state_names.size()),
          local_version_(size_t(k.local_count)) {}

    std::vector<Occurrence> occurrences;
    std::map<int, int> local_roots; ///< id of the whole value of a SetLocal -> its local

    void body(const std::vector<Stmt>& stmts) {
        for (const Stmt& s : stmts) {
            switch (s.kind) {
            case Stmt::Kind::SetLocal:
                if (!s.value->args.empty()) local_roots[next_id_] = s.index;
                visit(*s.value, true);
                bump(s.kind, s.index);
                break;
            case Stmt::Kind::SetState:
                visit(*s.value, true);
                bump(s.kind, s.index);
                break;
            case Stmt::Kind::If: {
                visit(*s.value, true); // the condition is computed in the enclosing scope
                scope_.push_back(++scopes_);
                body(s.body);
                scope_.pop_back();
                // After the if, what its body may have assigned is neither the value from
                // before nor the one from inside.
                std::vector<std::pair<Stmt::Kind, int>> assigned;
                assigned_in(s.body, assigned);
                for (auto [kind, index] : assigned)
                    bump(kind, index);
                break;
            }
            case Stmt::Kind::While: {
                // The condition and the body see, from the second iteration on, what the
                // body assigned: those variables get a new version on entry, and no value
                // is shared with or taken into the condition (it is recomputed before
                // every iteration, so computing a part of it once before the loop would be
                // wrong).
                std::vector<std::pair<Stmt::Kind, int>> assigned;
                assigned_in(s.body, assigned);
                for (auto [kind, index] : assigned)
                    bump(kind, index);
                visit(*s.value, false);
                scope_.push_back(++scopes_);
                body(s.body);
                scope_.pop_back();
                for (auto [kind, index] : assigned)
                    bump(kind, index);
                break;
            }
            case Stmt::Kind::EmitSpike:
                break;
            }
        }
    }

private:
    const std::set<int>& replaced_;
    std::vector<int> state_version_, local_version_;
    int versions_ = 0;
    int next_id_ = 0;
    Scope scope_;
    int scopes_ = 0;

    void bump(Stmt::Kind kind, int index) {
        (kind == Stmt::Kind::SetState ? state_version_ : local_version_).at(size_t(index)) =
            ++versions_;
    }

    /// The node's key; records it as an occurrence if `record` and it is an operation.
    std::string visit(const Expr& e, bool record) {
        const int id = next_id_++;
        std::string key = fmt::format("{}:{}:{}", int(e.op), e.index, e.fn);
        if (e.op == Op::Const) key += fmt::format(":{:x}", bits_of(e.value));
        if (e.op == Op::State) key += fmt::format("@{}", state_version_.at(size_t(e.index)));
        if (e.op == Op::Local) key += fmt::format("@{}", local_version_.at(size_t(e.index)));
        if (e.args.empty()) return key;
        const bool inside_recorded = record && !replaced_.count(id);
        key += "(";
        for (const auto& a : e.args)
            key += visit(*a, inside_recorded) + ",";
        key += ")";
        if (record) occurrences.push_back({id, key, scope_});
        return key;
    }
};

std::vector<Group> group_occurrences(std::vector<Occurrence> occurrences) {
    std::sort(occurrences.begin(), occurrences.end(),
              [](const Occurrence& a, const Occurrence& b) { return a.id < b.id; });
    std::vector<Group> groups;
    std::unordered_map<std::string, std::vector<size_t>> by_key;
    for (auto& o : occurrences) {
        auto& candidates = by_key[o.key];
        bool joined = false;
        for (size_t g : candidates)
            if (encloses(groups[g].scope, o.scope)) {
                groups[g].members.push_back(o.id);
                joined = true;
                break;
            }
        if (joined) continue;
        candidates.push_back(groups.size());
        groups.push_back(Group{o.key, o.scope, {o.id}});
    }
    return groups;
}

/// Pass 2: the same walk, computing each shared value once.
class Rewriter {
public:
    Rewriter(std::vector<Group>& groups) : groups_(groups), defined_(groups.size()) {
        for (size_t g = 0; g < groups.size(); ++g)
            for (int id : groups[g].members)
                group_of_[id] = g;
    }

    void body(std::vector<Stmt>& stmts) {
        std::vector<Stmt> out;
        out.reserve(stmts.size());
        for (Stmt& s : stmts) {
            std::vector<Stmt> before; // the shared values this statement computes first
            switch (s.kind) {
            case Stmt::Kind::SetLocal:
            case Stmt::Kind::SetState:
                s.value = rewrite(s.value, before);
                break;
            case Stmt::Kind::If:
            case Stmt::Kind::While: // a loop condition has no shared values: `before` stays empty
                s.value = rewrite(s.value, before);
                body(s.body);
                break;
            case Stmt::Kind::EmitSpike:
                break;
            }
            for (auto& b : before)
                out.push_back(std::move(b));
            out.push_back(std::move(s));
        }
        stmts = std::move(out);
    }

private:
    std::vector<Group>& groups_;
    std::vector<bool> defined_;
    std::unordered_map<int, size_t> group_of_;
    int next_id_ = 0;

    ExprPtr rewrite(const ExprPtr& e, std::vector<Stmt>& before) {
        const int id = next_id_++;
        auto it = group_of_.find(id);
        const Group* group = it == group_of_.end() ? nullptr : &groups_[it->second];
        if (group && defined_[it->second]) {
            next_id_ += int(node_count(*e)) - 1; // its operands are not computed here
            return Expr::ref(Op::Local, group->local);
        }
        ExprPtr node = e;
        if (!e->args.empty()) {
            std::vector<ExprPtr> args;
            bool changed = false;
            for (const auto& a : e->args) {
                args.push_back(rewrite(a, before));
                changed = changed || args.back() != a;
            }
            if (changed) {
                auto copy = std::make_shared<Expr>(*e);
                copy->args = std::move(args);
                node = copy;
            }
        }
        // The first occurrence computes the value (a member whose first occurrence was not
        // reached is simply computed where it stands, which is always correct).
        if (!group || group->members.front() != id) return node;
        defined_[it->second] = true;
        if (group->reuse) return node; // its SetLocal is the one assignment of group->local
        before.push_back(
            Stmt{Stmt::Kind::SetLocal,
                 group->local,
                 node,
                 {},
                 fmt::format("common subexpression, used {} times", group->members.size())});
        return Expr::ref(Op::Local, group->local);
    }
};

std::vector<int> assignments_per_local(const kir::PopulationKernel& k) {
    std::vector<std::pair<Stmt::Kind, int>> assigned;
    assigned_in(k.body, assigned);
    std::vector<int> count(size_t(k.local_count));
    for (auto [kind, index] : assigned)
        if (kind == Stmt::Kind::SetLocal) ++count[size_t(index)];
    return count;
}

} // namespace

void eliminate_common_subexpressions(kir::PopulationKernel& kernel) {
    // Which occurrences read a local depends on which enclosing ones do (an operand of a
    // replaced occurrence is not computed there at all), so the grouping is repeated,
    // outer values first, until it no longer changes: once per level of nesting.
    std::set<int> replaced;
    std::vector<Group> groups;
    std::map<int, int> local_roots;
    for (int round = 0; round < 64; ++round) {
        Numbering numbering(kernel, replaced);
        numbering.body(kernel.body);
        groups = group_occurrences(std::move(numbering.occurrences));
        local_roots = std::move(numbering.local_roots);
        std::set<int> next;
        for (const auto& g : groups)
            if (g.members.size() > 1) next.insert(g.members.begin() + 1, g.members.end());
        if (next == replaced) break;
        replaced = std::move(next);
    }
    std::erase_if(groups, [](const Group& g) { return g.members.size() < 2; });
    if (groups.empty()) return;

    const auto assignments = assignments_per_local(kernel);
    for (auto& g : groups) {
        auto root = local_roots.find(g.members.front());
        if (root != local_roots.end() && assignments[size_t(root->second)] == 1) {
            g.local = root->second;
            g.reuse = true;
        } else {
            g.local = kernel.local_count++;
        }
    }
    Rewriter(groups).body(kernel.body);
}

} // namespace nnc::passes
