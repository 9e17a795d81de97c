#include "sema/network_sema.h"

#include "ir/evaluate.h"
#include "sema/connection_csv.h"
#include "sema/expr_builder.h"
#include "sema/names.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <span>

namespace nnc::sema {

namespace {

struct Quantity {
    double value = 0.0;
    Dimension dim;
};

struct Constant {
    std::string name;
    Quantity q;
    size_t item = 0; ///< index of its `let` among the network's items
    SourceRange range;
    bool ok = false;
};

bool is_call(const ast::Expr& e, const char* callee) {
    return e.kind == ast::ExprKind::Call && e.name == callee;
}

bool is_whole(double v) {
    return std::isfinite(v) && v == std::floor(v);
}

const std::vector<std::string> projection_settings = {"connect", "weight", "delay", "receptor"};
const std::vector<std::string> connection_rules = {
    "all_to_all",      "one_to_one",         "fixed_probability",    "fixed_indegree",
    "fixed_outdegree", "fixed_total_number", "distance_probability", "from_csv"};
const char* const connection_rule_list =
    "all_to_all(), one_to_one(), fixed_probability(p), fixed_indegree(k), fixed_outdegree(k), "
    "fixed_total_number(n), distance_probability(p), from_csv(\"FILE\")";
const std::vector<std::string> position_layouts = {"grid", "random_box", "cortical_depth"};
const std::vector<std::string> generators = {"poisson", "dc"};
const std::vector<std::string> simulate_settings = {"dt", "duration", "seed"};

class Elaborator;

class NetworkScope final : public NameScope {
public:
    explicit NetworkScope(const Elaborator& e) : e_(e) {}
    Resolution resolve(const std::string& name) const override;
    std::vector<std::string> visible_names() const override;

private:
    const Elaborator& e_;
};

/// The names of a projection's pair expressions (`d`, `pre_depth`, `post_depth`) over the
/// network's constants, which shadow them.
class PairScope final : public NameScope {
public:
    /// unavailable[k]: why pair variable k cannot be used here (empty: it can).
    PairScope(const NameScope& outer, std::array<std::pair<std::string, std::string>, 3> why_not)
        : outer_(outer), why_not_(std::move(why_not)) {}
    Resolution resolve(const std::string& name) const override {
        Resolution r = outer_.resolve(name);
        if (r.kind != Resolution::Kind::NotFound) return r;
        const auto& names = ir::pair_variable::names;
        for (size_t k = 0; k < names.size(); ++k) {
            if (name != names[k]) continue;
            if (!why_not_[k].first.empty())
                return Resolution::forbidden(why_not_[k].first, why_not_[k].second);
            const Dimension dim =
                int(k) == ir::pair_variable::distance ? dims::length : Dimension::none();
            return Resolution::found(ir::Expr::ref(ir::Op::Input, int(k), dim));
        }
        return {};
    }
    std::vector<std::string> visible_names() const override {
        auto names = outer_.visible_names();
        names.insert(names.end(), ir::pair_variable::names.begin(), ir::pair_variable::names.end());
        return names;
    }

private:
    const NameScope& outer_;
    std::array<std::pair<std::string, std::string>, 3> why_not_;
};

class Elaborator {
public:
    Elaborator(const ast::Network& net, const std::vector<ir::NeuronModel>& models,
               const std::vector<bool>& model_ok, const std::vector<ConstantOverride>& overrides,
               SourceManager& sources, DiagnosticEngine& diags)
        : net_(net), models_(models), model_ok_(model_ok), overrides_(overrides), sources_(sources),
          diags_(diags) {
        out_.name = net.name;
        out_.range = net.range;
    }

    ir::Network run() {
        check_overrides();
        for (size_t i = 0; i < net_.items.size(); ++i)
            if (auto* let = std::get_if<ast::Let>(&net_.items[i]))
                let_items_.try_emplace(let->binding.name, i);
        // The simulation settings first (delays default to dt), with the constants declared
        // before them; then everything else in source order; recorders last, as `record
        // spikes of all` means every population, wherever it is declared.
        for (item_ = 0; item_ < net_.items.size(); ++item_) {
            const auto& item = net_.items[item_];
            if (auto* let = std::get_if<ast::Let>(&item)) define(let->binding);
            if (auto* sim = std::get_if<ast::Simulate>(&item)) simulate(*sim);
            if (auto* pop = std::get_if<ast::Population>(&item))
                population_items_.try_emplace(pop->name, item_);
        }
        for (const auto& ov : overrides_)
            if (ov.simulate_setting && ov.value) setting(ov.name, *ov.value);
        for (item_ = 0; item_ < net_.items.size(); ++item_) {
            const auto& item = net_.items[item_];
            if (auto* pop = std::get_if<ast::Population>(&item)) population(*pop);
            if (auto* proj = std::get_if<ast::Projection>(&item)) projection(*proj);
            if (auto* stim = std::get_if<ast::Stimulus>(&item)) stimulus(*stim);
        }
        for (item_ = 0; item_ < net_.items.size(); ++item_)
            if (auto* rec = std::get_if<ast::Record>(&net_.items[item_])) record(*rec);
        return std::move(out_);
    }

private:
    friend class NetworkScope;

    void error(SourceRange at, const std::string& message, const std::string& hint = {}) {
        diags_.error(at, message, hint);
    }

    // ---- constants -----------------------------------------------------------------------

    const Constant* find_constant(const std::string& name) const {
        auto it = constant_index_.find(name);
        return it == constant_index_.end() ? nullptr : &constants_[it->second];
    }

    /// The value of a constant expression over the constants visible here; nullopt after
    /// reporting.
    std::optional<Quantity> evaluate(const ast::Expr& e) {
        if (e.kind == ast::ExprKind::Call && (e.name == "uniform" || e.name == "normal")) {
            error(e.range,
                  fmt::format("`{}(...)` is not allowed here: this value is one number", e.name),
                  "only a population's state variables and a projection's weight and delay can "
                  "be drawn from a distribution");
            return std::nullopt;
        }
        std::vector<Problem> problems;
        NetworkScope scope(*this);
        auto r = ExprBuilder(scope, problems).build(e);
        for (const auto& p : problems)
            error(p.at, p.message, p.hint);
        if (!r) return std::nullopt;
        if (r->op != ir::Op::Const) {
            error(e.range, "this value is not a constant");
            return std::nullopt;
        }
        return Quantity{r->value, r->dim};
    }

    /// Reports and returns false unless `q` has dimension `want`.
    bool expect(const Quantity& q, const Dimension& want, const ast::Expr& e,
                const std::string& what) {
        if (q.dim == want) return true;
        error(e.range,
              fmt::format("dimension mismatch: {} is {}, but this value is {}", what,
                          dimension_text(want), dimension_text(q.dim)),
              literal_hint(e, want));
        return false;
    }

    std::optional<Quantity> evaluate_as(const ast::Expr& e, const Dimension& want,
                                        const std::string& what) {
        auto q = evaluate(e);
        if (!q || !expect(*q, want, e, what)) return std::nullopt;
        return q;
    }

    std::vector<std::string> top_level_lets() const {
        std::vector<std::string> names;
        for (const auto& item : net_.items)
            if (auto* let = std::get_if<ast::Let>(&item)) names.push_back(let->binding.name);
        return names;
    }

    void check_overrides() {
        auto lets = top_level_lets();
        for (const auto& ov : overrides_) {
            if (ov.simulate_setting) continue;
            bool found = false;
            for (const auto& n : lets)
                found = found || n == ov.name;
            if (found) continue;
            std::string hint = did_you_mean(ov.name, lets);
            if (hint.empty())
                hint = lets.empty() ? std::string("it has no constants")
                                    : "its constants are: " + join_names(lets);
            error(ov.range, fmt::format("no constant '{}' in network '{}'", ov.name, net_.name),
                  hint);
        }
    }

    void define(const ast::Binding& b) {
        if (const Constant* first = find_constant(b.name)) {
            error(b.name_range, fmt::format("constant '{}' is already defined", b.name));
            diags_.note(first->range, fmt::format("'{}' is first defined here", b.name));
            return;
        }
        Constant c{b.name, {}, item_, b.name_range, false};
        auto q = evaluate(*b.value);
        c.ok = q.has_value();
        if (q) c.q = *q;
        const ConstantOverride* ov = nullptr;
        for (const auto& o : overrides_)
            if (o.name == b.name) ov = &o; // the last one wins
        if (ov && ov->value) {
            overriding_ = &b.name;
            auto nq = evaluate(*ov->value);
            overriding_ = nullptr;
            c.ok = c.ok && nq.has_value();
            if (nq && q && nq->dim != q->dim) {
                error(ov->range,
                      fmt::format("dimension mismatch in -D {}: '{}' is {}, the new value is {}",
                                  b.name, b.name, dimension_text(q->dim), dimension_text(nq->dim)),
                      literal_hint(*ov->value, q->dim));
                c.ok = false;
            }
            if (nq) c.q = *nq;
        }
        constant_index_.emplace(b.name, constants_.size());
        constants_.push_back(std::move(c));
    }

    // ---- simulate ------------------------------------------------------------------------

    void simulate(const ast::Simulate& sim) {
        if (simulate_) {
            error(sim.range, "more than one `simulate` block");
            diags_.note(simulate_->range, "the first `simulate` block is here");
            return;
        }
        simulate_ = &sim;
        auto& s = out_.simulation;
        s.range = sim.range;
        for (const auto* b : settings(sim.settings, simulate_settings, "simulation setting"))
            if (b) setting(b->name, *b->value);
    }

    /// One setting of the `simulate` block, from the block or from the command line.
    void setting(const std::string& name, const ast::Expr& value) {
        auto& s = out_.simulation;
        if (name == "dt") {
            auto q = evaluate_as(value, dims::time, "the time step");
            if (q && !(q->value > 0))
                error(value.range, fmt::format("the time step must be positive, not {}",
                                               quantity_text(q->value, q->dim)));
            else if (q)
                s.dt_ms = q->value;
        } else if (name == "duration") {
            auto q = evaluate_as(value, dims::time, "the duration");
            if (q && q->value < 0)
                error(value.range, fmt::format("the duration must not be negative"));
            else if (q)
                s.duration_ms = q->value;
        } else if (name == "seed") {
            auto q = evaluate_as(value, Dimension::none(), "a seed");
            if (q && (!is_whole(q->value) || q->value < 0 || q->value >= 1.8e19))
                error(value.range, fmt::format("a seed must be a non-negative whole number, not {}",
                                               number_text(q->value)));
            else if (q)
                s.seed = uint64_t(q->value);
        }
    }

    /// Checks the names of `bindings` against `known`; returns them in the order of `known`
    /// (null where absent), having reported unknown and repeated names.
    std::vector<const ast::Binding*> settings(const std::vector<ast::Binding>& bindings,
                                              const std::vector<std::string>& known,
                                              const char* what) {
        std::vector<const ast::Binding*> found(known.size(), nullptr);
        for (const auto& b : bindings) {
            size_t i = 0;
            while (i < known.size() && known[i] != b.name)
                ++i;
            if (i == known.size()) {
                std::string hint = did_you_mean(b.name, known);
                if (hint.empty()) hint = "expected one of: " + join_names(known);
                error(b.name_range, fmt::format("unknown {} '{}'", what, b.name), hint);
            } else if (found[i]) {
                error(b.name_range, fmt::format("'{}' is set twice", b.name));
                diags_.note(found[i]->name_range, "first set here");
            } else {
                found[i] = &b;
            }
        }
        return found;
    }

    // ---- populations ---------------------------------------------------------------------

    const ir::NeuronModel* model_of(int pop) const {
        if (pop < 0) return nullptr;
        int m = out_.populations[size_t(pop)].model;
        return m < 0 ? nullptr : &models_[size_t(m)];
    }
    bool model_ok_of(int pop) const {
        if (pop < 0) return false;
        int m = out_.populations[size_t(pop)].model;
        return m >= 0 && model_ok_[size_t(m)];
    }

    /// A population declared before this item; -1 after reporting (or quietly, if it is one
    /// whose own declaration failed).
    int find_population(const std::string& name, SourceRange at) {
        auto it = population_index_.find(name);
        if (it != population_index_.end()) return it->second;
        if (population_items_.count(name)) {
            error(at, fmt::format("population '{}' is used before it is declared", name),
                  "move its `population` line above this one");
            return -1;
        }
        std::vector<std::string> names;
        for (const auto& [n, item] : population_items_)
            names.push_back(n);
        std::string hint = did_you_mean(name, names);
        if (hint.empty() && !names.empty()) hint = "the populations are: " + join_names(names);
        error(at, fmt::format("unknown population '{}'", name), hint);
        return -1;
    }

    int find_model(const std::string& name, SourceRange at) {
        for (size_t i = 0; i < models_.size(); ++i)
            if (models_[i].name == name) return int(i);
        std::vector<std::string> names;
        for (const auto& m : models_)
            names.push_back(m.name);
        std::string hint = did_you_mean(name, names);
        if (hint.empty())
            hint = fmt::format("import the file that defines it, e.g. `import "
                               "\"stdlib/neurons/{}.nml\"`",
                               name);
        error(at, fmt::format("unknown neuron model '{}'", name), hint);
        return -1;
    }

    void population(const ast::Population& p) {
        if (population_index_.count(p.name)) {
            error(p.name_range, fmt::format("population '{}' is already declared", p.name));
            diags_.note(out_.populations[size_t(population_index_[p.name])].range,
                        "the first declaration is here");
            return;
        }
        ir::Population pop;
        pop.name = p.name;
        pop.range = p.range;
        pop.model = find_model(p.model, p.model_range);
        if (p.size) {
            auto q = evaluate_as(*p.size, Dimension::none(), "the size of a population");
            if (q && (!is_whole(q->value) || q->value < 0 || q->value > 9e15))
                error(p.size->range,
                      fmt::format("the size of a population must be a non-negative whole number, "
                                  "not {}",
                                  number_text(q->value)),
                      is_whole(q->value) ? "" : "round it, e.g. `[round(N)]`");
            else if (q)
                pop.size = uint64_t(q->value);
        }
        if (pop.model >= 0) values(p, pop);
        population_index_.emplace(p.name, int(out_.populations.size()));
        out_.populations.push_back(std::move(pop));
    }

    // Parameter values and initial states of a population: its overrides, then the model's
    // defaults evaluated with the population's parameters.
    void values(const ast::Population& p, ir::Population& pop) {
        const auto& m = models_[size_t(pop.model)];
        bool ok_model = model_ok_[size_t(pop.model)];
        std::vector<std::optional<double>> params(m.parameters.size());
        std::vector<std::optional<ir::ValueSpec>> initial(m.states.size());
        std::map<std::string, SourceRange> seen;
        for (const auto& b : p.overrides) {
            if (auto [it, inserted] = seen.try_emplace(b.name, b.name_range); !inserted) {
                error(b.name_range, fmt::format("'{}' is set twice", b.name));
                diags_.note(it->second, "first set here");
                continue;
            }
            if (b.name == "positions") {
                positions(*b.value, pop);
                continue;
            }
            if (int i = m.find_parameter(b.name); i >= 0) {
                const auto& param = m.parameters[size_t(i)];
                if (is_call(*b.value, "uniform") || is_call(*b.value, "normal")) {
                    error(b.value->range,
                          fmt::format("parameter '{}' has one value for the whole population",
                                      b.name),
                          "only state variables can be drawn from a distribution");
                    continue;
                }
                auto q = evaluate_as(*b.value, param.dim,
                                     fmt::format("parameter '{}' of {}", b.name, m.name));
                if (q) params[size_t(i)] = q->value;
            } else if (int s = m.find_state(b.name); s >= 0) {
                const auto& state = m.states[size_t(s)];
                initial[size_t(s)] =
                    value_spec(*b.value, state.dim,
                               fmt::format("state variable '{}' of {}", b.name, m.name), true);
            } else {
                std::vector<std::string> names = m.parameter_names();
                for (const auto& n : m.state_names())
                    names.push_back(n);
                std::string hint = did_you_mean(b.name, names);
                if (hint.empty())
                    hint =
                        fmt::format("its parameters are: {}; its state variables: {}",
                                    join_names(m.parameter_names()), join_names(m.state_names()));
                error(b.name_range,
                      fmt::format("neuron '{}' has no parameter or state variable '{}'", m.name,
                                  b.name),
                      hint);
            }
        }
        if (!ok_model) return; // its defaults may be missing; its errors are reported
        pop.parameters.assign(m.parameters.size(), 0.0);
        for (size_t i = 0; i < m.parameters.size(); ++i) {
            if (params[i]) {
                pop.parameters[i] = *params[i];
                continue;
            }
            std::span<const double> earlier(pop.parameters.data(), i);
            auto v =
                ir::evaluate(*m.parameters[i].default_value, ir::Bindings{earlier, {}, {}, {}});
            if (!v || !std::isfinite(*v))
                error(p.range,
                      fmt::format("the default of parameter '{}' evaluates to {} in "
                                  "population '{}'",
                                  m.parameters[i].name,
                                  v ? number_text(*v) : std::string("nothing"), p.name),
                      "set it in the population's block");
            pop.parameters[i] = v.value_or(0.0);
        }
        pop.initial.resize(m.states.size());
        for (size_t s = 0; s < m.states.size(); ++s) {
            if (initial[s]) {
                pop.initial[s] = *initial[s];
                continue;
            }
            auto v = ir::evaluate(*m.states[s].initial, ir::Bindings{pop.parameters, {}, {}, {}});
            if (!v || !std::isfinite(*v))
                error(p.range,
                      fmt::format("the initial value of '{}' evaluates to {} in "
                                  "population '{}'",
                                  m.states[s].name, v ? number_text(*v) : std::string("nothing"),
                                  p.name),
                      "set it in the population's block");
            pop.initial[s] = ir::ValueSpec{ir::ValueSpec::Kind::Constant, v.value_or(0.0), 0.0};
        }
    }

    /// A number or `uniform(low, high)` / `normal(mean, sd)` of dimension `want`.
    std::optional<ir::ValueSpec> value_spec(const ast::Expr& e, const Dimension& want,
                                            const std::string& what, bool distributions) {
        bool uniform = is_call(e, "uniform");
        if (!distributions || !(uniform || is_call(e, "normal"))) {
            auto q = evaluate_as(e, want, what);
            if (!q) return std::nullopt;
            return ir::ValueSpec{ir::ValueSpec::Kind::Constant, q->value, 0.0};
        }
        std::vector<std::string> names = uniform ? std::vector<std::string>{"low", "high"}
                                                 : std::vector<std::string>{"mean", "sd"};
        auto args = call_arguments(e, names);
        if (!args) return std::nullopt;
        bool ok = true;
        for (size_t i = 0; i < 2; ++i) {
            if (!(*args)[i]) {
                error(e.range, fmt::format("`{}` needs two arguments: {}({}, {})", e.name, e.name,
                                           names[0], names[1]));
                return std::nullopt;
            }
        }
        auto a = evaluate_as(*(*args)[0], want, what);
        auto b = evaluate_as(*(*args)[1], want, what);
        if (!a || !b) return std::nullopt;
        if (uniform && a->value > b->value) {
            error(e.range,
                  fmt::format("uniform(low, high) needs low <= high, but {} > {}",
                              quantity_text(a->value, want), quantity_text(b->value, want)));
            ok = false;
        }
        if (!uniform && b->value < 0) {
            error((*args)[1]->range, "the standard deviation must not be negative");
            ok = false;
        }
        if (!ok) return std::nullopt;
        return ir::ValueSpec{uniform ? ir::ValueSpec::Kind::Uniform : ir::ValueSpec::Kind::Normal,
                             a->value, b->value};
    }

    /// The arguments of a call by parameter name (positional ones in the order of `names`);
    /// nullopt after reporting too many, unknown or repeated arguments.
    std::optional<std::vector<const ast::Expr*>>
    call_arguments(const ast::Expr& call, const std::vector<std::string>& names,
                   size_t positional_limit = SIZE_MAX) {
        std::vector<const ast::Expr*> out(names.size(), nullptr);
        size_t next = 0;
        bool ok = true;
        for (size_t i = 0; i < call.args.size(); ++i) {
            const std::string& given = i < call.arg_names.size() ? call.arg_names[i] : "";
            size_t slot = names.size();
            if (given.empty()) {
                if (next >= names.size() || next >= positional_limit) {
                    error(call.args[i]->range,
                          fmt::format("too many arguments for `{}`", call.name),
                          names.empty() ? fmt::format("`{}()` takes no arguments", call.name)
                                        : "it takes: " + join_names(names));
                    ok = false;
                    continue;
                }
                slot = next++;
            } else {
                for (size_t j = 0; j < names.size(); ++j)
                    if (names[j] == given) slot = j;
                if (slot == names.size()) {
                    std::string hint = did_you_mean(given, names);
                    if (hint.empty())
                        hint = names.empty() ? fmt::format("`{}()` takes no arguments", call.name)
                                             : "it takes: " + join_names(names);
                    error(call.args[i]->range,
                          fmt::format("`{}` has no argument '{}'", call.name, given), hint);
                    ok = false;
                    continue;
                }
            }
            if (out[slot]) {
                error(call.args[i]->range,
                      fmt::format("argument '{}' of `{}` is given twice", names[slot], call.name));
                ok = false;
                continue;
            }
            out[slot] = call.args[i].get();
        }
        if (!ok) return std::nullopt;
        return out;
    }

    // ---- projections ---------------------------------------------------------------------

    /// The receptor a projection or stimulus targets; nullopt if unknown (reported, or
    /// quietly when the target's model has errors of its own).
    std::optional<int> receptor(const ast::Expr* given, int pop, SourceRange at,
                                const char* syntax) {
        const ir::NeuronModel* m = model_of(pop);
        if (!m || !model_ok_of(pop)) return std::nullopt;
        const std::string& pop_name = out_.populations[size_t(pop)].name;
        std::vector<std::string> names;
        for (const auto& r : m->receptors)
            names.push_back(r.name);
        if (!given) {
            if (names.size() == 1) return 0;
            if (names.empty())
                error(at,
                      fmt::format("population '{}' cannot receive spikes: neuron '{}' has no "
                                  "receptor",
                                  pop_name, m->name),
                      "declare one in the neuron, e.g. `on spike exc(w: pA) { I_syn += w }`");
            else
                error(at,
                      fmt::format("population '{}' (neuron '{}') has several receptors ({}); say "
                                  "which one",
                                  pop_name, m->name, join_names(names)),
                      fmt::format("for example `{} {}`", syntax, names[0]));
            return std::nullopt;
        }
        if (given->kind != ast::ExprKind::Name) {
            error(given->range, "expected the name of a receptor",
                  names.empty() ? "" : "the receptors are: " + join_names(names));
            return std::nullopt;
        }
        int r = m->find_receptor(given->name);
        if (r >= 0) return r;
        std::string hint = did_you_mean(given->name, names);
        if (hint.empty())
            hint =
                names.empty() ? "it has no receptors" : "its receptors are: " + join_names(names);
        error(given->range,
              fmt::format("neuron '{}' of population '{}' has no receptor '{}'", m->name, pop_name,
                          given->name),
              hint);
        return std::nullopt;
    }

    std::optional<bool> flag(const ast::Expr& e, const std::string& name) {
        auto q = evaluate_as(e, Dimension::none(), "`" + name + "`");
        if (!q) return std::nullopt;
        if (q->value != 0 && q->value != 1) {
            error(e.range, fmt::format("`{}` must be true or false", name));
            return std::nullopt;
        }
        return q->value != 0;
    }

    /// A whole number of synapses (`k` of fixed_indegree, ...), 0 or more.
    std::optional<uint64_t> synapse_count(const ast::Expr& e, const char* what,
                                          const std::string& rule) {
        auto q = evaluate_as(e, Dimension::none(), fmt::format("an {}", what));
        if (!q) return std::nullopt;
        if (!is_whole(q->value) || q->value < 0 || q->value > 9e15) {
            error(e.range,
                  fmt::format("an {} must be a non-negative whole number, not {}", what,
                              number_text(q->value)),
                  is_whole(q->value) ? "" : fmt::format("round it, e.g. `{}(round(k))`", rule));
            return std::nullopt;
        }
        return uint64_t(q->value);
    }

    std::optional<ir::Connector> connector(const ast::Expr& e, int source, int target) {
        using K = ir::Connector::Kind;
        if (e.kind != ast::ExprKind::Call) {
            error(e.range, "expected a connection rule",
                  std::string("the rules are: ") + connection_rule_list);
            return std::nullopt;
        }
        ir::Connector c;
        std::vector<std::string> names;
        size_t positional = 0;
        const char* needs = nullptr; // what its first argument is, when it needs one
        const char* example = nullptr;
        if (e.name == "all_to_all") {
            c.kind = K::AllToAll;
            names = {"autapses"};
        } else if (e.name == "one_to_one") {
            c.kind = K::OneToOne;
            names = {"autapses"};
        } else if (e.name == "fixed_probability") {
            c.kind = K::FixedProbability;
            names = {"p", "autapses"};
            needs = "probability";
            example = "0.1";
        } else if (e.name == "fixed_indegree") {
            c.kind = K::FixedIndegree;
            names = {"k", "autapses", "multapses"};
            needs = "in-degree";
            example = "100";
        } else if (e.name == "fixed_outdegree") {
            c.kind = K::FixedOutdegree;
            names = {"k", "autapses", "multapses"};
            needs = "out-degree";
            example = "100";
        } else if (e.name == "fixed_total_number") {
            c.kind = K::FixedTotalNumber;
            names = {"n", "autapses", "multapses"};
            needs = "number of synapses";
            example = "10000";
        } else if (e.name == "distance_probability") {
            c.kind = K::DistanceProbability;
            names = {"p", "autapses"};
            needs = "probability";
            example = "0.2 * exp(-d / 150 um)";
        } else if (e.name == "from_csv") {
            c.kind = K::List;
            names = {"file"};
            needs = "file";
            example = "\"conn.csv\"";
        } else {
            std::string hint = did_you_mean(e.name, connection_rules);
            if (hint.empty()) hint = std::string("the rules are: ") + connection_rule_list;
            error(e.range, fmt::format("unknown connection rule '{}'", e.name), hint);
            return std::nullopt;
        }
        if (needs) positional = 1;
        // Options that make no sense for the rule get a reason rather than "no argument".
        for (size_t i = 0; i < e.arg_names.size(); ++i) {
            const std::string& given = e.arg_names[i];
            const bool multapses =
                given == "multapses" && std::find(names.begin(), names.end(), given) == names.end();
            const bool autapses = given == "autapses" && c.kind == K::List;
            if (!multapses && !autapses) continue;
            error(e.args[i]->range, fmt::format("`{}` has no argument '{}'", e.name, given),
                  c.kind == K::List ? "a list connects exactly the pairs it lists"
                                    : "multapses (several connections between the same pair) "
                                      "only arise with fixed_indegree, fixed_outdegree and "
                                      "fixed_total_number");
            return std::nullopt;
        }
        auto args = call_arguments(e, names, positional);
        if (!args) return std::nullopt;
        bool ok = true;
        if (needs && !(*args)[0]) {
            error(e.range,
                  fmt::format("`{}` needs its {}: `{}({})`", e.name, needs, e.name, example));
            ok = false;
        }
        for (size_t i = 1; i < names.size(); ++i) {
            if (!(*args)[i]) continue;
            auto f = flag(*(*args)[i], names[i]);
            if (!f)
                ok = false;
            else if (names[i] == "autapses")
                c.allow_autapses = *f;
            else
                c.allow_multapses = *f;
        }
        if (!positional && !names.empty() && (*args)[0]) { // all_to_all, one_to_one
            auto f = flag(*(*args)[0], names[0]);
            if (!f)
                ok = false;
            else
                c.allow_autapses = *f;
        }
        const ir::Population* src = source >= 0 ? &out_.populations[size_t(source)] : nullptr;
        const ir::Population* tgt = target >= 0 ? &out_.populations[size_t(target)] : nullptr;
        const ast::Expr* first = needs ? (*args)[0] : nullptr;
        const bool same = source == target;
        if (first && c.kind == K::FixedProbability) {
            auto q = evaluate_as(*first, Dimension::none(), "a connection probability");
            if (q && (q->value < 0 || q->value > 1)) {
                error(first->range,
                      fmt::format("a connection probability must be between 0 and 1, not {}",
                                  number_text(q->value)));
                ok = false;
            } else if (q) {
                c.probability = q->value;
            } else {
                ok = false;
            }
        }
        if (first && c.kind == K::FixedIndegree) {
            auto k = synapse_count(*first, "in-degree", e.name);
            if (k) c.indegree = *k;
            ok = ok && k;
            if (k && src && !c.allow_multapses) {
                uint64_t available = src->size - (!c.allow_autapses && same);
                if (src->size > 0 && *k > available) {
                    error(first->range, fmt::format("without multapses, an in-degree of {} "
                                                    "needs at least that many sources, but "
                                                    "'{}' has {}",
                                                    *k, src->name, available));
                    ok = false;
                }
            }
        }
        if (first && c.kind == K::FixedOutdegree) {
            auto k = synapse_count(*first, "out-degree", e.name);
            if (k) c.outdegree = *k;
            ok = ok && k;
            if (k && tgt && src && src->size > 0 && *k > 0) {
                uint64_t available = tgt->size - (!c.allow_autapses && same && tgt->size > 0);
                if (available == 0 || (!c.allow_multapses && *k > available)) {
                    error(first->range,
                          fmt::format("{}an out-degree of {} needs at least {} targets, but "
                                      "'{}' has {}",
                                      c.allow_multapses ? "" : "without multapses, ", *k,
                                      c.allow_multapses ? 1 : *k, tgt->name, available));
                    ok = false;
                }
            }
        }
        if (first && c.kind == K::FixedTotalNumber) {
            auto n = synapse_count(*first, "number of synapses", e.name);
            if (n) c.total = *n;
            ok = ok && n;
            if (n && src && tgt && *n > 0) {
                const uint64_t per_target =
                    src->size - (!c.allow_autapses && same && src->size > 0);
                const double pairs = double(per_target) * double(tgt->size);
                if (pairs == 0 || (!c.allow_multapses && double(*n) > pairs)) {
                    error(first->range,
                          fmt::format("{}{} synapses need at least {} pairs of neurons, but "
                                      "'{}' -> '{}' has {}",
                                      c.allow_multapses ? "" : "without multapses, ", *n,
                                      c.allow_multapses ? 1 : *n, src->name, tgt->name, pairs));
                    ok = false;
                }
            }
        }
        if (first && c.kind == K::DistanceProbability) {
            if (!src || !tgt) return std::nullopt;
            c.probability_of_pair = pair_expression(
                *first, Dimension::none(), "a connection probability", source, target, true);
            if (!c.probability_of_pair) {
                ok = false;
            } else if (const ir::Expr& p = *c.probability_of_pair;
                       p.op == ir::Op::Const && (p.value < 0 || p.value > 1)) {
                error(first->range,
                      fmt::format("a connection probability must be between 0 and 1, not {}",
                                  number_text(p.value)));
                ok = false;
            } else if (!probability_in_range(p, *src, *tgt, first->range)) {
                ok = false;
            }
        }
        if (first && c.kind == K::List) {
            if (first->kind != ast::ExprKind::String) {
                error(first->range, "expected the name of a file in double quotes",
                      "`from_csv(\"conn.csv\")`");
                return std::nullopt;
            }
            pending_csv_ = first;
        }
        if (c.kind == K::OneToOne && src && tgt && src->size != tgt->size) {
            error(e.range, fmt::format("one_to_one() needs populations of equal size, but '{}' "
                                       "has {} neurons and '{}' has {}",
                                       src->name, src->size, tgt->name, tgt->size));
            ok = false;
        }
        if (!ok) return std::nullopt;
        return c;
    }

    /// The synapses of a `from_csv` projection, read once its receptor (the weight's
    /// dimension) is known.
    bool read_list(ir::Projection& out, const ast::Expr& file, const Dimension& weight_dim) {
        namespace fs = std::filesystem;
        fs::path path(file.name);
        if (path.is_relative()) {
            const fs::path nml(sources_.name(file.range.begin.file));
            path = nml.parent_path() / path;
        }
        const auto& src = out_.populations[size_t(out.source)];
        const auto& tgt = out_.populations[size_t(out.target)];
        ConnectionCsvLimits limits{src.size, tgt.size,   src.name,
                                   tgt.name, weight_dim, out_.simulation.dt_ms};
        auto list = read_connection_csv(path.lexically_normal().string(), file.range, limits,
                                        sources_, diags_);
        if (!list) return false;
        out.connector.list = std::make_shared<const ir::ConnectionList>(std::move(*list));
        return true;
    }

    // ---- positions and expressions of distance -------------------------------------------

    /// `positions = grid(...) | random_box(...) | cortical_depth(...)` in a population block.
    void positions(const ast::Expr& e, ir::Population& pop) {
        using K = ir::Positions::Kind;
        const std::string name = e.kind == ast::ExprKind::Call ? e.name : std::string{};
        std::vector<std::string> names;
        ir::Positions p;
        if (name == "grid") {
            p.kind = K::Grid;
            names = {"nx", "ny", "nz", "spacing", "periodic"};
        } else if (name == "random_box") {
            p.kind = K::RandomBox;
            names = {"x", "y", "z", "periodic"};
        } else if (name == "cortical_depth") {
            p.kind = K::CorticalDepth;
            names = {"top", "bottom", "thickness", "width"};
        } else {
            std::string hint = did_you_mean(name, position_layouts);
            if (hint.empty())
                hint = "the layouts are: grid(nx, ny, nz, spacing, periodic), random_box(x, y, z, "
                       "periodic), cortical_depth(top, bottom, thickness, width)";
            error(e.range, "expected a layout of positions", hint);
            return;
        }
        auto args = call_arguments(e, names);
        if (!args) return;
        const auto& a = *args;
        bool ok = true;
        const auto length = [&](size_t i, double fallback, const char* what) {
            if (!a[i]) return fallback;
            auto q = evaluate_as(*a[i], dims::length, what);
            if (q && q->value < 0) {
                error(a[i]->range, fmt::format("{} must not be negative", what));
                ok = false;
            }
            ok = ok && q;
            return q ? q->value : 0.0;
        };
        if (p.kind == K::Grid) {
            if (!a[0] || !a[3]) {
                error(e.range, "`grid` needs its number of neurons along x and its spacing",
                      "for example `grid(10, 10, spacing = 50 um)`");
                return;
            }
            uint64_t* axes[3] = {&p.nx, &p.ny, &p.nz};
            for (size_t i = 0; i < 3; ++i) {
                if (!a[i]) continue;
                auto n = synapse_count(*a[i], "axis length", "grid");
                if (n) *axes[i] = *n;
                ok = ok && n;
            }
            p.spacing_um = length(3, 0.0, "the grid spacing");
            if (ok && p.nx * p.ny * p.nz != pop.size) {
                error(e.range,
                      fmt::format("a grid of {} x {} x {} has {} places, but population '{}' "
                                  "has {} neurons",
                                  p.nx, p.ny, p.nz, p.nx * p.ny * p.nz, pop.name, pop.size));
                ok = false;
            }
        } else if (p.kind == K::RandomBox) {
            if (!a[0]) {
                error(e.range, "`random_box` needs at least its extent along x",
                      "for example `random_box(1 mm, 1 mm)`");
                return;
            }
            p.size_um[0] = length(0, 0.0, "the extent along x");
            p.size_um[1] = length(1, 0.0, "the extent along y");
            p.size_um[2] = length(2, 0.0, "the extent along z");
        } else {
            if (!a[0] || !a[1]) {
                error(e.range, "`cortical_depth` needs its normalised depth range",
                      "for example `cortical_depth(top = 0.1, bottom = 0.3)`");
                return;
            }
            auto top = evaluate_as(*a[0], Dimension::none(), "a normalised depth");
            auto bottom = evaluate_as(*a[1], Dimension::none(), "a normalised depth");
            if (!top || !bottom) return;
            if (!(0 <= top->value && top->value <= bottom->value && bottom->value <= 1)) {
                error(e.range,
                      fmt::format("the depth range [{}, {}] must satisfy 0 <= top <= bottom <= 1",
                                  number_text(top->value), number_text(bottom->value)),
                      "depths are normalised: 0 at the pia, 1 at the white matter");
                return;
            }
            p.depth_from = top->value;
            p.depth_to = bottom->value;
            p.size_um[1] = length(2, 1000.0, "the thickness of the cortex");
            p.size_um[0] = p.size_um[2] = length(3, 100.0, "the width of the column");
        }
        if (p.kind != K::CorticalDepth && a.back()) {
            auto f = flag(*a.back(), "periodic");
            if (f) p.periodic = *f;
            ok = ok && f;
        }
        if (ok) pop.positions = p;
    }

    /// Checks a probability of the pair geometry at distances across the range the two
    /// populations' places allow (and at the ends of their depth ranges), so that a profile
    /// above 1 or below 0 is an error of `nnc check` rather than of the run. Reports and
    /// returns false at the first value out of [0, 1].
    bool probability_in_range(const ir::Expr& p, const ir::Population& src,
                              const ir::Population& tgt, SourceRange at) {
        // The bounding box of each population's places, per axis.
        const auto box = [](const ir::Positions& q) {
            std::array<std::pair<double, double>, 3> b{};
            using K = ir::Positions::Kind;
            if (q.kind == K::Grid) {
                b[0] = {0, double(q.nx - 1) * q.spacing_um};
                b[1] = {0, double(q.ny - 1) * q.spacing_um};
                b[2] = {0, double(q.nz - 1) * q.spacing_um};
            } else if (q.kind == K::RandomBox) {
                for (size_t i = 0; i < 3; ++i)
                    b[i] = {0, q.size_um[i]};
            } else if (q.kind == K::CorticalDepth) {
                b[0] = b[2] = {0, q.size_um[0]};
                b[1] = {q.depth_from * q.size_um[1], q.depth_to * q.size_um[1]};
            }
            return b;
        };
        const auto a = box(src.positions), b = box(tgt.positions);
        double near = 0, far = 0;
        for (size_t i = 0; i < 3; ++i) {
            const double gap = std::max({0.0, b[i].first - a[i].second, a[i].first - b[i].second});
            const double span =
                std::max(a[i].second, b[i].second) - std::min(a[i].first, b[i].first);
            near += gap * gap;
            far += span * span;
        }
        if (src.positions.periodic) { // no pair is farther apart than half the extent
            far = 0;
            for (double x : src.positions.extent())
                far += x * x / 4;
        }
        near = std::sqrt(near);
        far = std::sqrt(far);
        const auto depths = [](const ir::Positions& q) {
            return q.kind == ir::Positions::Kind::CorticalDepth
                       ? std::vector<double>{q.depth_from, q.depth_to}
                       : std::vector<double>{0.0};
        };
        for (int k = 0; k <= 16; ++k) {
            const double d = near + (far - near) * k / 16;
            for (double pre : depths(src.positions))
                for (double post : depths(tgt.positions)) {
                    const double args[] = {d, pre, post};
                    auto v = ir::evaluate(p, ir::Bindings{{}, {}, args, {}});
                    if (v && *v >= 0 && *v <= 1) continue;
                    std::string where = fmt::format("at d = {:.4g} um", d);
                    if (src.positions.kind == ir::Positions::Kind::CorticalDepth)
                        where += fmt::format(", pre_depth = {}", number_text(pre));
                    if (tgt.positions.kind == ir::Positions::Kind::CorticalDepth)
                        where += fmt::format(", post_depth = {}", number_text(post));
                    error(at,
                          fmt::format("this connection probability is {} {}; it must be "
                                      "between 0 and 1",
                                      v ? fmt::format("{:.4g}", *v) : std::string("not a number"),
                                      where),
                          fmt::format("the distances between '{}' and '{}' range from {:.4g} um "
                                      "to {:.4g} um; use min(..., 1) to cap a profile",
                                      src.name, tgt.name, near, far));
                    return false;
                }
        }
        return true;
    }

    /// Whether `e` names `d`, `pre_depth` or `post_depth` (and no constant of that name).
    bool uses_pair_variables(const ast::Expr& e) const {
        if (e.kind == ast::ExprKind::Name && !find_constant(e.name)) {
            for (const auto& n : ir::pair_variable::names)
                if (e.name == n) return true;
        }
        for (const auto& a : e.args)
            if (a && uses_pair_variables(*a)) return true;
        return false;
    }

    /// An expression of the geometry of a (source, target) pair, of dimension `want`; null
    /// after reporting. `any`: allowed to be a constant (distance_probability).
    ir::ExprPtr pair_expression(const ast::Expr& e, const Dimension& want, const std::string& what,
                                int source, int target, bool any);

    void projection(const ast::Projection& p) {
        ir::Projection out;
        out.range = p.range;
        out.source = find_population(p.source, p.source_range);
        out.target = find_population(p.target, p.target_range);
        auto s = settings(p.settings, projection_settings, "projection setting");
        const ast::Binding *connect = s[0], *weight = s[1], *delay = s[2], *rec = s[3];
        if (!connect)
            error(p.range, "a projection needs a connection rule",
                  std::string("add `connect = ...`, one of: ") + connection_rule_list);
        pending_csv_ = nullptr;
        bool connected = false;
        if (connect) {
            if (auto c = connector(*connect->value, out.source, out.target)) {
                out.connector = *c;
                connected = true;
            }
        }
        auto r = receptor(rec ? rec->value.get() : nullptr, out.target, p.range, "receptor =");
        if (r) out.receptor = *r;
        // A list read from a file may bring each synapse's weight and delay.
        const ir::ConnectionList* list = nullptr;
        if (connected && pending_csv_ && r) {
            const auto& m = *model_of(out.target);
            if (read_list(out, *pending_csv_, m.receptors[size_t(*r)].weight_dim))
                list = out.connector.list.get();
        }
        const auto from_file = [&](const ast::Binding* b, const char* what) {
            error(
                b->value->range,
                fmt::format("the {}s of this projection come from the file '{}'", what, list->path),
                fmt::format("remove `{} = ...`, or the {} column of the file", what, what));
        };
        if (list && !list->weights.empty()) {
            if (weight) from_file(weight, "weight");
        } else if (!weight) {
            if (!pending_csv_ || list)
                error(p.range, "a projection needs a weight", "add `weight = ...`");
        } else if (r) {
            const auto& m = *model_of(out.target);
            const auto& receptor = m.receptors[size_t(*r)];
            const std::string what =
                fmt::format("the weight of receptor '{}' of neuron '{}'", receptor.name, m.name);
            if (uses_pair_variables(*weight->value)) {
                if (out.source >= 0 && out.target >= 0)
                    out.weight_of_pair = pair_expression(*weight->value, receptor.weight_dim, what,
                                                         out.source, out.target, false);
            } else if (auto w = value_spec(*weight->value, receptor.weight_dim, what, true)) {
                out.weight = *w;
            }
        }
        double dt = out_.simulation.dt_ms;
        out.delay = ir::ValueSpec{ir::ValueSpec::Kind::Constant, dt, 0.0};
        if (delay && list && !list->delays_ms.empty()) {
            from_file(delay, "delay");
        } else if (delay && uses_pair_variables(*delay->value)) {
            // Its values are known per synapse only: the runtime checks each against dt.
            if (out.source >= 0 && out.target >= 0)
                out.delay_of_pair = pair_expression(*delay->value, dims::time, "a delay",
                                                    out.source, out.target, false);
        } else if (delay) {
            if (auto d = value_spec(*delay->value, dims::time, "a delay", true)) {
                double shortest = d->a; // constant, lowest or mean
                if (shortest < dt * (1 - 1e-12)) {
                    std::string what = d->kind == ir::ValueSpec::Kind::Constant ? "delay"
                                       : d->kind == ir::ValueSpec::Kind::Uniform
                                           ? "the shortest delay"
                                           : "the mean delay";
                    error(delay->value->range,
                          fmt::format("{} {} ms is shorter than the time step {} ms", what,
                                      number_text(shortest), number_text(dt)),
                          "a spike needs at least one time step to arrive");
                } else if (double longest = d->kind == ir::ValueSpec::Kind::Uniform ? d->b : d->a;
                           std::round(longest / dt) > double(ir::max_delay_steps)) {
                    error(delay->value->range,
                          fmt::format("{} {} ms is {} time steps; at most {} are supported",
                                      d->kind == ir::ValueSpec::Kind::Uniform ? "the longest delay"
                                                                              : "a delay of",
                                      number_text(longest), number_text(std::round(longest / dt)),
                                      ir::max_delay_steps),
                          fmt::format("with dt = {} ms, delays reach up to {} ms", number_text(dt),
                                      number_text(double(ir::max_delay_steps) * dt)));
                } else {
                    out.delay = *d;
                }
            }
        }
        out_.projections.push_back(std::move(out));
    }

    // ---- stimuli -------------------------------------------------------------------------

    void stimulus(const ast::Stimulus& s) {
        ir::Stimulus out;
        out.range = s.range;
        out.target = find_population(s.target, s.target_range);
        const ast::Expr& gen = *s.generator;
        if (gen.kind != ast::ExprKind::Call || (gen.name != "poisson" && gen.name != "dc")) {
            std::string name = gen.kind == ast::ExprKind::Call || gen.kind == ast::ExprKind::Name
                                   ? gen.name
                                   : std::string{};
            std::string hint = did_you_mean(name, generators);
            if (hint.empty()) hint = "the generators are: poisson(rate = ...), dc(amplitude = ...)";
            error(gen.range, fmt::format("unknown generator '{}'", name), hint);
            return;
        }
        if (gen.name == "poisson")
            poisson(s, out);
        else
            dc(s, out);
        out_.stimuli.push_back(std::move(out));
    }

    void poisson(const ast::Stimulus& s, ir::Stimulus& out) {
        out.kind = ir::Stimulus::Kind::Poisson;
        auto opts = settings(s.options, {"weight", "receptor"}, "poisson option");
        if (auto args = call_arguments(*s.generator, {"rate"})) {
            if (!(*args)[0])
                error(s.generator->range, "`poisson` needs a rate: `poisson(rate = 10 Hz)`");
            else if (auto q = evaluate_as(*(*args)[0], dims::rate, "a rate")) {
                if (q->value < 0)
                    error((*args)[0]->range, "a rate must not be negative");
                else
                    out.rate_hz = q->value * 1000.0;
            }
        }
        auto r =
            receptor(opts[1] ? opts[1]->value.get() : nullptr, out.target, s.range, "receptor");
        if (r) out.receptor = *r;
        if (!opts[0]) {
            error(s.range, "a poisson stimulus needs a weight", "add `weight ...` after it");
        } else if (r) {
            const auto& m = *model_of(out.target);
            const auto& receptor = m.receptors[size_t(*r)];
            if (auto w = value_spec(*opts[0]->value, receptor.weight_dim,
                                    fmt::format("the weight of receptor '{}' of neuron '{}'",
                                                receptor.name, m.name),
                                    false))
                out.weight = w->a;
        }
    }

    void dc(const ast::Stimulus& s, ir::Stimulus& out) {
        out.kind = ir::Stimulus::Kind::DC;
        auto opts = settings(s.options, {"into"}, "dc option");
        const ir::NeuronModel* m = model_of(out.target);
        bool known = m && model_ok_of(out.target);
        if (known) {
            std::vector<std::string> inputs = m->input_names();
            const ast::Expr* into = opts[0] ? opts[0]->value.get() : nullptr;
            if (into && into->kind != ast::ExprKind::Name) {
                error(into->range, "expected the name of an input");
            } else if (into) {
                out.input = m->find_input(into->name);
                if (out.input < 0) {
                    std::string hint = did_you_mean(into->name, inputs);
                    if (hint.empty())
                        hint = inputs.empty() ? "it has no inputs"
                                              : "its inputs are: " + join_names(inputs);
                    error(into->range,
                          fmt::format("neuron '{}' has no input '{}'", m->name, into->name), hint);
                }
            } else if (inputs.size() == 1) {
                out.input = 0;
            } else if (inputs.empty()) {
                error(s.range, fmt::format("neuron '{}' has no input for a current", m->name),
                      "declare one in the neuron, e.g. `input I_stim : pA`");
            } else {
                error(s.range,
                      fmt::format("neuron '{}' has several inputs ({}); say which one", m->name,
                                  join_names(inputs)),
                      fmt::format("for example `into {}`", inputs[0]));
            }
        }
        auto args = call_arguments(*s.generator, {"amplitude", "start", "stop"});
        if (!args) return;
        const auto& a = *args;
        if (!a[0]) {
            error(s.generator->range, "`dc` needs an amplitude: `dc(amplitude = 100 pA)`");
        } else if (known && out.input >= 0) {
            const auto& in = m->inputs[size_t(out.input)];
            if (auto q = evaluate_as(*a[0], in.dim, fmt::format("input '{}'", in.name)))
                out.amplitude = q->value;
        } else {
            evaluate(*a[0]);
        }
        if (a[1])
            if (auto q = evaluate_as(*a[1], dims::time, "the start")) out.start_ms = q->value;
        if (a[2])
            if (auto q = evaluate_as(*a[2], dims::time, "the stop")) out.stop_ms = q->value;
        if (out.stop_ms < out.start_ms)
            error(s.generator->range,
                  fmt::format("the stop ({} ms) is before the start ({} ms)",
                              number_text(out.stop_ms), number_text(out.start_ms)));
    }

    // ---- recording -----------------------------------------------------------------------

    void record(const ast::Record& r) {
        const bool spikes = std::any_of(r.what.begin(), r.what.end(),
                                        [](const auto& w) { return w.name == "spikes"; });
        if (spikes && r.what.size() > 1) {
            error(r.what[1].range, "`spikes` cannot be recorded together with state variables",
                  "write `record spikes of ...` and `record VARIABLE of ...` on separate lines");
            return;
        }
        if (!r.every_word.empty() && r.every_word != "every") {
            error(r.every_range,
                  fmt::format("expected `every` before the interval, not '{}'", r.every_word),
                  "write `record V_m of E every 0.5 ms`");
            return;
        }
        std::vector<int> pops;
        if (r.target == "all" && !population_index_.count("all")) {
            for (size_t i = 0; i < out_.populations.size(); ++i)
                pops.push_back(int(i));
        } else if (auto it = population_index_.find(r.target); it != population_index_.end()) {
            pops.push_back(it->second);
        } else {
            if (population_items_.count(r.target)) return; // its declaration failed
            std::vector<std::string> names;
            for (const auto& [n, item] : population_items_)
                names.push_back(n);
            std::string hint = did_you_mean(r.target, names);
            if (hint.empty()) hint = "name a population, or write `record spikes of all`";
            error(r.target_range, fmt::format("unknown population '{}'", r.target), hint);
            return;
        }
        if (spikes) {
            if (r.first || r.interval) {
                error(r.first ? r.slice_range : r.interval->range,
                      "a slice or an interval applies to state variables only",
                      "spikes are recorded for the whole population as they happen");
                return;
            }
            for (int pop : pops)
                if (std::none_of(out_.spike_recorders.begin(), out_.spike_recorders.end(),
                                 [&](const auto& rec) { return rec.population == pop; }))
                    out_.spike_recorders.push_back(ir::SpikeRecorder{pop, r.range});
            return;
        }
        const auto interval = record_interval(r);
        if (!interval) return;
        for (int pop : pops)
            record_states(r, pop, *interval);
    }

    /// The sampling interval in steps: a positive whole multiple of dt (1 if none is given).
    std::optional<uint64_t> record_interval(const ast::Record& r) {
        if (!r.interval) return 1;
        auto q = evaluate_as(*r.interval, dims::time, "the recording interval");
        if (!q) return std::nullopt;
        const double dt = out_.simulation.dt_ms;
        if (!(q->value > 0)) {
            error(r.interval->range, fmt::format("the recording interval must be positive, not {}",
                                                 quantity_text(q->value, q->dim)));
            return std::nullopt;
        }
        const double steps = q->value / dt;
        const double whole = std::round(steps);
        // Samples are taken at the end of a step, so the interval must be whole steps; a
        // relative tolerance accepts 0.3 ms at dt = 0.1 ms despite rounding.
        if (whole < 1 || std::abs(steps - whole) > 1e-9 * whole) {
            // The two nearest multiples, printed short (3 * 0.1 is 0.30000000000000004).
            const double below = std::max(1.0, std::floor(steps));
            error(r.interval->range,
                  fmt::format("the recording interval {} is not a whole multiple of the time "
                              "step dt = {}",
                              quantity_text(q->value, q->dim), quantity_text(dt, dims::time)),
                  fmt::format("use {:.12g} ms or {:.12g} ms", below * dt, (below + 1) * dt));
            return std::nullopt;
        }
        return uint64_t(whole);
    }

    void record_states(const ast::Record& r, int pop, uint64_t interval) {
        const auto& population = out_.populations[size_t(pop)];
        if (population.model < 0) return; // its unknown model is reported already
        const auto& model = models_[size_t(population.model)];
        ir::StateRecorder rec;
        rec.population = pop;
        rec.interval_steps = interval;
        rec.range = r.range;
        for (const auto& w : r.what) {
            const int j = model.find_state(w.name);
            if (j < 0) {
                std::string hint = did_you_mean(w.name, model.state_names());
                if (hint.empty())
                    hint = fmt::format(
                        "{}the states of '{}' are: {}",
                        model.find_parameter(w.name) >= 0 ? "a parameter is constant; " : "",
                        model.name, fmt::join(model.state_names(), ", "));
                error(w.range,
                      fmt::format("'{}' is not a state variable of model '{}' (population '{}')",
                                  w.name, model.name, population.name),
                      hint);
                return;
            }
            if (std::find(rec.states.begin(), rec.states.end(), j) != rec.states.end()) {
                error(w.range, fmt::format("'{}' is named twice", w.name));
                return;
            }
            for (const auto& other : out_.state_recorders)
                if (other.population == pop &&
                    std::find(other.states.begin(), other.states.end(), j) != other.states.end()) {
                    error(w.range,
                          fmt::format("'{}' of population '{}' is already recorded", w.name,
                                      population.name),
                          "record each variable of a population once");
                    return;
                }
            rec.states.push_back(j);
        }
        rec.last = population.size;
        if (r.first) {
            auto bound = [&](const ast::Expr& e, const char* what) -> std::optional<uint64_t> {
                auto q = evaluate_as(e, Dimension::none(), what);
                if (!q) return std::nullopt;
                if (!is_whole(q->value) || q->value < 0 || q->value > double(population.size)) {
                    error(
                        e.range,
                        fmt::format("{} {} is not a neuron index of population '{}', which has {} "
                                    "neurons",
                                    what, number_text(q->value), population.name, population.size),
                        "a slice [first:last] takes neurons first <= i < last");
                    return std::nullopt;
                }
                return uint64_t(q->value);
            };
            auto first = bound(*r.first, "the slice start");
            auto last = bound(*r.last, "the slice end");
            if (!first || !last) return;
            if (*first >= *last) {
                error(r.slice_range,
                      fmt::format("the slice [{}:{}] selects no neurons", *first, *last),
                      "the end is one past the last neuron recorded: [0:10] is neurons 0 to 9");
                return;
            }
            rec.first = *first;
            rec.last = *last;
        }
        out_.state_recorders.push_back(std::move(rec));
    }

    const ast::Network& net_;
    const std::vector<ir::NeuronModel>& models_;
    const std::vector<bool>& model_ok_;
    const std::vector<ConstantOverride>& overrides_;
    const std::string* overriding_ = nullptr; ///< the constant whose -D value is evaluated
    SourceManager& sources_;
    DiagnosticEngine& diags_;
    const ast::Expr* pending_csv_ = nullptr; ///< the file of the `from_csv` being elaborated
    ir::Network out_;
    size_t item_ = 0;
    std::vector<Constant> constants_;
    std::map<std::string, size_t> constant_index_;
    std::map<std::string, size_t> let_items_;        ///< name -> item of its first `let`
    std::map<std::string, size_t> population_items_; ///< name -> item of its declaration
    std::map<std::string, int> population_index_;    ///< declared so far
    const ast::Simulate* simulate_ = nullptr;
};

Resolution NetworkScope::resolve(const std::string& name) const {
    const Constant* c = e_.find_constant(name);
    auto let = e_.let_items_.find(name);
    if (!c && let == e_.let_items_.end()) return {};
    if ((!c || c->item >= e_.item_) && e_.overriding_)
        return Resolution::forbidden(
            fmt::format("constant '{}' is not defined before `let {}`", name, *e_.overriding_),
            fmt::format("a -D value may use the constants defined above `let {}`",
                        *e_.overriding_));
    if (!c || c->item >= e_.item_)
        return Resolution::forbidden(fmt::format("constant '{}' is used before its `let`", name),
                                     fmt::format("move `let {} = ...` above this line", name));
    if (!c->ok) return Resolution::poisoned();
    return Resolution::found(ir::Expr::constant(c->q.value, c->q.dim));
}

std::vector<std::string> NetworkScope::visible_names() const {
    std::vector<std::string> names;
    for (const auto& c : e_.constants_)
        if (c.item < e_.item_) names.push_back(c.name);
    return names;
}

ir::ExprPtr Elaborator::pair_expression(const ast::Expr& e, const Dimension& want,
                                        const std::string& what, int source, int target, bool any) {
    using K = ir::Positions::Kind;
    const auto& src = out_.populations[size_t(source)];
    const auto& tgt = out_.populations[size_t(target)];
    const ir::Population* unplaced = src.positions.kind == K::None   ? &src
                                     : tgt.positions.kind == K::None ? &tgt
                                                                     : nullptr;
    const std::string place_hint = "give it positions in its block, e.g. `positions = "
                                   "random_box(1 mm, 1 mm)`";
    const auto depth_problem = [&](const ir::Population& p, const char* name, const char* role) {
        if (p.positions.kind == K::CorticalDepth) return std::pair<std::string, std::string>{};
        return std::pair<std::string, std::string>{
            fmt::format("`{}` is the cortical depth of the {} neuron, but population '{}' is not "
                        "placed by depth",
                        name, role, p.name),
            "give it `positions = cortical_depth(top = 0.1, bottom = 0.3)`"};
    };
    std::array<std::pair<std::string, std::string>, 3> why_not;
    if (unplaced)
        why_not[size_t(ir::pair_variable::distance)] = {
            fmt::format("the distance `d` needs the positions of both populations, but '{}' has "
                        "none",
                        unplaced->name),
            place_hint};
    why_not[size_t(ir::pair_variable::source_depth)] = depth_problem(src, "pre_depth", "source");
    why_not[size_t(ir::pair_variable::target_depth)] = depth_problem(tgt, "post_depth", "target");
    if (any && unplaced) {
        error(e.range,
              fmt::format("a distance-dependent rule needs the positions of both populations, "
                          "but '{}' has none",
                          unplaced->name),
              place_hint);
        return nullptr;
    }
    if (!unplaced && (src.positions.periodic || tgt.positions.periodic) &&
        (src.positions.periodic != tgt.positions.periodic ||
         src.positions.extent() != tgt.positions.extent())) {
        error(e.range,
              fmt::format("distances between '{}' and '{}' cannot wrap: periodic boundaries "
                          "need both populations periodic, with the same extent",
                          src.name, tgt.name),
              "give both the same layout extent and `periodic = true`, or neither");
        return nullptr;
    }
    std::vector<Problem> problems;
    NetworkScope network(*this);
    PairScope scope(network, why_not);
    auto r = ExprBuilder(scope, problems).build(e);
    for (const auto& p : problems)
        error(p.at, p.message, p.hint);
    if (!r) return nullptr;
    if (r->dim != want) {
        error(e.range,
              fmt::format("dimension mismatch: {} is {}, but this expression is {}", what,
                          dimension_text(want), dimension_text(r->dim)),
              want == Dimension::none()
                  ? "`d` is a length: divide it by one, e.g. `exp(-d / 150 um)`"
                  : "");
        return nullptr;
    }
    return r;
}

} // namespace

ir::Network elaborate_network(const ast::Network& network,
                              const std::vector<ir::NeuronModel>& models,
                              const std::vector<bool>& model_ok,
                              const std::vector<ConstantOverride>& overrides,
                              SourceManager& sources, DiagnosticEngine& diags) {
    return Elaborator(network, models, model_ok, overrides, sources, diags).run();
}

} // namespace nnc::sema
