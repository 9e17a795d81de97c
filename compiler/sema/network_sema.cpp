#include "sema/network_sema.h"

#include "ir/evaluate.h"
#include "ir/linearity.h"
#include "sema/connection_csv.h"
#include "sema/expr_builder.h"
#include "sema/names.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <type_traits>

namespace nnc::sema {

namespace {

struct Quantity {
    double value = 0.0;
    Dimension dim;
};

/// A value of the network layer: a quantity, a string (a population's name) or an array of
/// values (a row of a table, or a whole table: an array of rows).
struct Value {
    enum class Kind { Quantity, String, Array };
    Kind kind = Kind::Quantity;
    Quantity q;
    std::string text;
    std::vector<Value> elements;

    static Value quantity(Quantity q) { return {Kind::Quantity, q, {}, {}}; }
    static Value string(std::string s) { return {Kind::String, {}, std::move(s), {}}; }
    static Value array(std::vector<Value> e) { return {Kind::Array, {}, {}, std::move(e)}; }
};

/// "an array of 8 values", "the string "L23E"", "mV (voltage)": what a value is, in messages.
std::string describe(const Value& v) {
    switch (v.kind) {
    case Value::Kind::Quantity:
        return fmt::format("a number ({})", dimension_text(v.q.dim));
    case Value::Kind::String:
        return fmt::format("the string \"{}\"", v.text);
    case Value::Kind::Array:
        return fmt::format("an array of {} value{}", v.elements.size(),
                           v.elements.size() == 1 ? "" : "s");
    }
    return {};
}

bool is_name(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

struct Constant {
    std::string name;
    Value v;
    size_t item = 0; ///< index of its `let` among the network's items (top level)
    SourceRange range;
    bool ok = false;
    bool local = false; ///< a loop variable or a `let` inside a loop
};

bool is_call(const ast::Expr& e, const char* callee) {
    return e.kind == ast::ExprKind::Call && e.name == callee;
}

/// `uniform(...)`, `normal(...)`, `lognormal(...)`, `exponential(...)`: a value drawn per
/// neuron or synapse.
bool is_distribution(const ast::Expr& e) {
    return is_call(e, "uniform") || is_call(e, "normal") || is_call(e, "lognormal") ||
           is_call(e, "exponential");
}

/// The probability that a normal value lies within [v.low, v.high].
double normal_share(const ir::ValueSpec& v) {
    if (v.b == 0) return v.a >= v.low && v.a <= v.high ? 1.0 : 0.0;
    const auto cdf = [&](double x) { return 0.5 * std::erfc(-(x - v.a) / (v.b * std::sqrt(2.0))); };
    return cdf(v.high) - cdf(v.low);
}

bool is_whole(double v) {
    return std::isfinite(v) && v == std::floor(v);
}

const std::vector<std::string> projection_settings = {"connect", "weight", "delay", "receptor",
                                                      "synapse"};
const std::vector<std::string> connection_rules = {
    "all_to_all",           "one_to_one",      "fixed_probability",
    "fixed_indegree",       "fixed_outdegree", "fixed_total_number",
    "distance_probability", "from_csv",        "from_list"};
const char* const connection_rule_list =
    "all_to_all(), one_to_one(), fixed_probability(p), fixed_indegree(k), fixed_outdegree(k), "
    "fixed_total_number(n), distance_probability(p), from_csv(\"FILE\"), "
    "from_list(sources = [...], targets = [...])";
const std::vector<std::string> position_layouts = {"grid", "random_box", "cortical_depth"};
const std::vector<std::string> generators = {"poisson", "spike_times", "dc", "step_current",
                                             "noise_current"};
const std::vector<std::string> simulate_settings = {"dt", "duration", "seed", "warmup"};

class Elaborator;

class NetworkScope final : public NameScope {
public:
    explicit NetworkScope(const Elaborator& e) : e_(e) {}
    Resolution resolve(const std::string& name) const override;
    std::vector<std::string> visible_names() const override;
    Resolution resolve_table(const ast::Expr& e) const override;

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
    Resolution resolve_table(const ast::Expr& e) const override { return outer_.resolve_table(e); }
    std::vector<std::string> visible_names() const override {
        auto names = outer_.visible_names();
        names.insert(names.end(), ir::pair_variable::names.begin(), ir::pair_variable::names.end());
        return names;
    }

private:
    const NameScope& outer_;
    std::array<std::pair<std::string, std::string>, 3> why_not_;
};

/// `t`, the time (ms), for a value given as a function of time; the network's names
/// otherwise. The time is the model's input 0, bound when the function is tabulated.
class TimeScope final : public NameScope {
public:
    explicit TimeScope(const NameScope& network) : network_(network) {}
    Resolution resolve(const std::string& name) const override {
        if (name == "t") return Resolution::found(ir::Expr::ref(ir::Op::Input, 0, dims::time));
        return network_.resolve(name);
    }
    std::vector<std::string> visible_names() const override {
        auto names = network_.visible_names();
        names.push_back("t");
        return names;
    }
    Resolution resolve_table(const ast::Expr& e) const override {
        return network_.resolve_table(e);
    }

private:
    const NameScope& network_;
};

class Elaborator {
public:
    Elaborator(const ast::Network& net, AnalysedModels<ir::NeuronModel> neurons,
               AnalysedModels<ir::SynapseModel> synapses,
               const std::vector<ConstantOverride>& overrides, SourceManager& sources,
               DiagnosticEngine& diags)
        : net_(net), models_(neurons.models), model_ok_(neurons.ok), synapses_(synapses),
          overrides_(overrides), sources_(sources), diags_(diags) {
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
        elaborate_items(net_.items, true);
        for (auto& deferred : records_) {
            item_ = deferred.item;
            locals_ = std::move(deferred.locals);
            record(*deferred.record);
        }
        locals_.clear();
        return std::move(out_);
    }

private:
    friend class NetworkScope;

    /// Populations, projections and stimuli in source order, loops unrolled; recorders are
    /// kept for the end with the loop variables they see.
    void elaborate_items(const std::vector<ast::NetworkItem>& items, bool top) {
        for (size_t k = 0; k < items.size(); ++k) {
            if (top) item_ = k;
            const auto& item = items[k];
            if (auto* let = std::get_if<ast::Let>(&item); let && !top) define(let->binding, true);
            if (auto* sim = std::get_if<ast::Simulate>(&item); sim && !top)
                error(sim->range, "`simulate` cannot be inside a loop",
                      "a network has one `simulate` block; move it out of the loop");
            if (auto* pop = std::get_if<ast::Population>(&item)) population(*pop);
            if (auto* proj = std::get_if<ast::Projection>(&item)) projection(*proj);
            if (auto* stim = std::get_if<ast::Stimulus>(&item)) stimulus(*stim);
            if (auto* rec = std::get_if<ast::Record>(&item))
                records_.push_back({rec, item_, locals_});
            if (auto* loop = std::get_if<std::unique_ptr<ast::Loop>>(&item)) iterate(**loop, 0);
        }
    }

    /// The body of `loop` for every value of its ranges from `r` on, the last varying fastest.
    void iterate(const ast::Loop& loop, size_t r) {
        if (r == loop.ranges.size()) {
            const size_t scope = locals_.size();
            elaborate_items(loop.body, false);
            locals_.resize(scope);
            return;
        }
        const ast::LoopRange& range = loop.ranges[r];
        if (const Constant* c = find_constant(range.var); c || let_items_.count(range.var)) {
            error(range.var_range,
                  fmt::format("the loop variable '{}' hides the {} '{}'", range.var,
                              c && c->local ? "loop variable or local constant" : "constant",
                              range.var),
                  "give the loop variable a name of its own");
            if (c) note(c->range, fmt::format("'{}' is defined here", range.var));
            return;
        }
        auto bound = [&](const ast::Expr& e, const char* what) -> std::optional<double> {
            auto q = evaluate_as(e, Dimension::none(), what);
            if (!q) return std::nullopt;
            if (!is_whole(q->value) || std::abs(q->value) > 1e9) {
                error(e.range, fmt::format("{} must be a whole number, not {}", what,
                                           number_text(q->value)));
                return std::nullopt;
            }
            return q->value;
        };
        auto first = bound(*range.first, "the start of a loop range");
        auto last = bound(*range.last, "the end of a loop range");
        if (!first || !last) return;
        // A network is elaborated item by item; a range this long is a mistake, not a model.
        constexpr double longest = 1e6;
        if (*last - *first > longest) {
            error(range.range,
                  fmt::format("the loop range {}..{} has {} values; at most {} are allowed",
                              number_text(*first), number_text(*last), number_text(*last - *first),
                              number_text(longest)),
                  "loop over tables of populations, not over neurons: a population holds many "
                  "neurons, and slices name some of them");
            return;
        }
        for (double v = *first; v < *last; ++v) {
            locals_.push_back(Constant{range.var, Value::quantity({v, Dimension::none()}), item_,
                                       range.var_range, true, true});
            iterate(loop, r + 1);
            locals_.resize(locals_.size() - 1);
        }
    }

    /// Reports an error once: an item in a loop is elaborated once per iteration, and the
    /// same mistake there is one mistake.
    void error(SourceRange at, const std::string& message, const std::string& hint = {}) {
        auto key = std::make_tuple(at.begin.file, at.begin.line, at.begin.col, message);
        shown_ = reported_.insert(key).second;
        if (shown_) diags_.error(at, message, hint);
    }

    /// A warning, reported once however many members of a union it is found for.
    void warning(SourceRange at, const std::string& message) {
        auto key = std::make_tuple(at.begin.file, at.begin.line, at.begin.col, message);
        if (reported_.insert(key).second) diags_.warning(at, message);
    }

    /// A note to the error just reported, shown only if that error was.
    void note(SourceRange at, const std::string& message) {
        if (shown_) diags_.note(at, message);
    }

    // ---- constants -----------------------------------------------------------------------

    /// A loop variable or local `let` in scope (innermost first), else a top-level constant.
    const Constant* find_constant(const std::string& name) const {
        for (auto it = locals_.rbegin(); it != locals_.rend(); ++it)
            if (it->name == name) return &*it;
        auto it = constant_index_.find(name);
        return it == constant_index_.end() ? nullptr : &constants_[it->second];
    }

    /// A constant visible here, for the table lookups that bypass the expression builder;
    /// nullopt (quietly) otherwise, to let the builder report the name.
    const Constant* visible_constant(const std::string& name) const {
        const Constant* c = find_constant(name);
        if (!c || (!c->local && c->item >= item_) || overriding_) return nullptr;
        return c;
    }

    /// The value of a constant expression over the constants visible here: a quantity, a
    /// string or an array; nullopt after reporting.
    std::optional<Value> evaluate_value(const ast::Expr& e) {
        switch (e.kind) {
        case ast::ExprKind::String:
            return Value::string(e.name);
        case ast::ExprKind::Array: {
            std::vector<Value> elements;
            bool ok = true;
            for (const auto& a : e.args) {
                auto v = evaluate_value(*a);
                ok = ok && v.has_value();
                if (v) elements.push_back(std::move(*v));
            }
            if (!ok) return std::nullopt;
            // One kind, and quantities of one dimension, so that every element of a table
            // can stand where any other can.
            for (size_t i = 1; i < elements.size(); ++i) {
                const Value& first = elements[0];
                const Value& v = elements[i];
                bool same = v.kind == first.kind &&
                            (v.kind != Value::Kind::Quantity || v.q.dim == first.q.dim);
                if (same) continue;
                if (v.kind == Value::Kind::Quantity && first.kind == Value::Kind::Quantity)
                    error(e.args[i]->range,
                          fmt::format("dimension mismatch: the elements of an array must all have "
                                      "one dimension, but element 0 is {} and element {} is {}",
                                      dimension_text(first.q.dim), i, dimension_text(v.q.dim)),
                          literal_hint(*e.args[i], first.q.dim));
                else
                    error(e.args[i]->range,
                          fmt::format("the elements of an array must all be alike, but element 0 "
                                      "is {} and element {} is {}",
                                      describe(first), i, describe(v)),
                          "make a table of numbers, of strings or of arrays");
                return std::nullopt;
            }
            return Value::array(std::move(elements));
        }
        case ast::ExprKind::Index:
            return index(e);
        case ast::ExprKind::Name:
            if (const Constant* c = visible_constant(e.name);
                c && c->ok && c->v.kind != Value::Kind::Quantity)
                return c->v;
            break;
        default:
            break;
        }
        auto q = evaluate_number(e);
        if (!q) return std::nullopt;
        return Value::quantity(*q);
    }

    /// `table[i]`: the element, or nullopt after reporting an index out of range.
    std::optional<Value> index(const ast::Expr& e) {
        auto table = evaluate_value(*e.args[0]);
        auto i = evaluate_as(*e.args[1], Dimension::none(), "an index");
        if (!table || !i) return std::nullopt;
        if (table->kind != Value::Kind::Array) {
            error(e.args[0]->range,
                  fmt::format("only an array can be indexed, but this is {}", describe(*table)));
            return std::nullopt;
        }
        const size_t n = table->elements.size();
        if (!is_whole(i->value)) {
            error(e.args[1]->range,
                  fmt::format("an index must be a whole number, not {}", number_text(i->value)),
                  "round it, e.g. `N[round(x)]`");
            return std::nullopt;
        }
        if (i->value < 0 || i->value >= double(n)) {
            std::string name =
                e.args[0]->kind == ast::ExprKind::Name ? "'" + e.args[0]->name + "'" : "the array";
            error(e.args[1]->range,
                  fmt::format("index {} is out of range: {} has {} element{}",
                              number_text(i->value), name, n, n == 1 ? "" : "s"),
                  n == 0 ? std::string("it is empty")
                         : fmt::format("indices start at 0: the last one is {}", n - 1));
            return std::nullopt;
        }
        return table->elements[size_t(i->value)];
    }

    /// The value of a constant expression that must be one number; nullopt after reporting.
    std::optional<Quantity> evaluate(const ast::Expr& e) {
        auto v = evaluate_value(e);
        if (!v) return std::nullopt;
        if (v->kind != Value::Kind::Quantity) {
            error(e.range, fmt::format("expected a number, but this is {}", describe(*v)),
                  v->kind == Value::Kind::Array ? "pick one element, e.g. `N[i]`" : "");
            return std::nullopt;
        }
        return v->q;
    }

    /// A number, by the expression builder (arithmetic, units, math functions), which comes
    /// back here for the table lookups inside it.
    std::optional<Quantity> evaluate_number(const ast::Expr& e) {
        if (is_distribution(e)) {
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

    /// `len(table)` and `sum(table)`, and tables where the builder needs a number.
    Resolution table_number(const ast::Expr& e) {
        if (e.kind == ast::ExprKind::Call) {
            for (size_t i = 0; i < e.arg_names.size(); ++i)
                if (!e.arg_names[i].empty())
                    return Resolution::forbidden(
                        fmt::format("'{}' takes no named arguments", e.name));
            if (e.args.size() != 1)
                return Resolution::forbidden(
                    fmt::format("'{}' takes 1 argument, not {}", e.name, e.args.size()));
            auto v = evaluate_value(*e.args[0]);
            if (!v) return Resolution::poisoned();
            if (v->kind != Value::Kind::Array)
                return Resolution::forbidden(fmt::format("'{}' needs an array, but its argument "
                                                         "is {}",
                                                         e.name, describe(*v)));
            if (e.name == "len") return Resolution::found(ir::Expr::constant(v->elements.size()));
            Quantity total;
            for (size_t i = 0; i < v->elements.size(); ++i) {
                const Value& x = v->elements[i];
                if (x.kind != Value::Kind::Quantity)
                    return Resolution::forbidden(fmt::format("'sum' needs an array of numbers, "
                                                             "but element {} is {}",
                                                             i, describe(x)));
                total.dim = x.q.dim; // the elements share one dimension
                total.value += x.q.value;
            }
            return Resolution::found(ir::Expr::constant(total.value, total.dim));
        }
        auto v = evaluate_value(e);
        if (!v) return Resolution::poisoned();
        if (v->kind != Value::Kind::Quantity)
            return Resolution::forbidden(
                fmt::format("expected a number, but this is {}", describe(*v)),
                v->kind == Value::Kind::Array ? "pick one element, e.g. `N[i]`" : "");
        return Resolution::found(ir::Expr::constant(v->q.value, v->q.dim));
    }

public:
    /// An array of quantities of dimension `want`, in canonical units: `[1 ms, 2 ms]`, a
    /// constant holding one, a row of a table (`P[i]`). Nullopt after reporting. This is how
    /// an item reads a list of values (spike times, amplitudes, connection lists).
    std::optional<std::vector<double>>
    evaluate_quantities(const ast::Expr& e, const Dimension& want, const std::string& what) {
        auto v = evaluate_value(e);
        if (!v) return std::nullopt;
        if (v->kind != Value::Kind::Array) {
            error(e.range, fmt::format("{} must be an array, but this is {}", what, describe(*v)),
                  "write the values in brackets, e.g. `[1 ms, 2 ms]`");
            return std::nullopt;
        }
        std::vector<double> out;
        for (size_t i = 0; i < v->elements.size(); ++i) {
            const Value& x = v->elements[i];
            if (x.kind != Value::Kind::Quantity || x.q.dim != want) {
                error(e.range,
                      fmt::format("dimension mismatch: {} must hold {}, but element {} is {}", what,
                                  dimension_text(want), i, describe(x)),
                      e.kind == ast::ExprKind::Array && i < e.args.size()
                          ? literal_hint(*e.args[i], want)
                          : std::string());
                return std::nullopt;
            }
            out.push_back(x.q.value);
        }
        return out;
    }

private:
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

    /// Whether values `a` and `b` can stand for each other (a -D value for a `let`'s).
    static bool alike(const Value& a, const Value& b) {
        if (a.kind != b.kind) return false;
        if (a.kind == Value::Kind::Quantity) return a.q.dim == b.q.dim;
        if (a.kind == Value::Kind::Array && !a.elements.empty() && !b.elements.empty())
            return alike(a.elements[0], b.elements[0]);
        return true;
    }

    static std::string kind_text(const Value& v) {
        return v.kind == Value::Kind::Quantity ? dimension_text(v.q.dim) : describe(v);
    }

    void define(const ast::Binding& b, bool local = false) {
        if (local && let_items_.count(b.name)) {
            error(b.name_range,
                  fmt::format("the `let {}` in this loop hides the network's constant '{}'", b.name,
                              b.name),
                  "give it a name of its own");
            return;
        }
        if (const Constant* first = find_constant(b.name)) {
            error(b.name_range, fmt::format("constant '{}' is already defined", b.name));
            note(first->range, fmt::format("'{}' is first defined here", b.name));
            return;
        }
        Constant c{b.name, {}, item_, b.name_range, false, local};
        auto v = evaluate_value(*b.value);
        c.ok = v.has_value();
        if (v) c.v = *v;
        const ConstantOverride* ov = nullptr;
        for (const auto& o : overrides_)
            if (o.name == b.name && !local && !o.simulate_setting) ov = &o; // the last one wins
        if (ov && ov->value) {
            overriding_ = &b.name;
            auto nv = evaluate_value(*ov->value);
            overriding_ = nullptr;
            c.ok = c.ok && nv.has_value();
            if (nv && v && nv->kind != v->kind) {
                error(ov->range, fmt::format("-D {}: '{}' is {}, but the new value is {}", b.name,
                                             b.name, describe(*v), describe(*nv)));
                c.ok = false;
            } else if (nv && v && !alike(*nv, *v)) {
                error(ov->range,
                      fmt::format("dimension mismatch in -D {}: '{}' is {}, the new value is {}",
                                  b.name, b.name, kind_text(*v), kind_text(*nv)),
                      v->kind == Value::Kind::Quantity ? literal_hint(*ov->value, v->q.dim)
                                                       : std::string());
                c.ok = false;
            }
            if (nv) c.v = *nv;
        }
        if (local) {
            locals_.push_back(std::move(c));
            return;
        }
        constant_index_.emplace(b.name, constants_.size());
        constants_.push_back(std::move(c));
    }

    // ---- simulate ------------------------------------------------------------------------

    void simulate(const ast::Simulate& sim) {
        if (simulate_) {
            error(sim.range, "more than one `simulate` block");
            note(simulate_->range, "the first `simulate` block is here");
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
        } else if (name == "warmup") {
            auto q = evaluate_as(value, dims::time, "the warm-up");
            if (q && !(q->value >= 0))
                error(value.range, "the warm-up must not be negative",
                      "it is the model time simulated, and not recorded, before `duration`");
            else if (q)
                s.warmup_ms = q->value;
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
                note(found[i]->name_range, "first set here");
            } else {
                found[i] = &b;
            }
        }
        return found;
    }

    /// Whether one of `bindings` is an unknown name that `settings` suggested `wanted` for:
    /// then a missing `wanted` has been reported as that misspelling already.
    static bool misspelt(const std::vector<ast::Binding>& bindings,
                         const std::vector<std::string>& known, const std::string& wanted) {
        return std::any_of(bindings.begin(), bindings.end(), [&](const ast::Binding& b) {
            return std::find(known.begin(), known.end(), b.name) == known.end() &&
                   closest_name(b.name, known) == wanted;
        });
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
        if (std::find(generators.begin(), generators.end(), name) != generators.end())
            hint = fmt::format("'{}' is a generator, not a population: drive a population with "
                               "`stimulate POPULATION with {}(...)`",
                               name, name);
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

    /// The name a population is declared with: as written, or a string from a table
    /// (`names[i]`); nullopt after reporting.
    std::optional<std::string> population_name(const ast::Population& p) {
        if (!p.name_from_table) {
            if (find_constant(p.name) || let_items_.count(p.name)) {
                error(p.name_range,
                      fmt::format("'{}' is a constant; a population cannot have its name", p.name),
                      "to take a population's name from a table of strings, index it: "
                      "`population names[i] = ...`");
                return std::nullopt;
            }
            return p.name;
        }
        auto v = evaluate_value(*p.name_from_table);
        if (!v) return std::nullopt;
        if (v->kind != Value::Kind::String) {
            error(p.name_from_table->range,
                  fmt::format("a population's name must be a string, but this is {}", describe(*v)),
                  "make a table of names, e.g. `let names = [\"E\", \"I\"]`");
            return std::nullopt;
        }
        if (!is_name(v->text) || find_constant(v->text) || let_items_.count(v->text)) {
            error(p.name_from_table->range,
                  fmt::format("\"{}\" cannot name a population: {}", v->text,
                              is_name(v->text) ? "it is the name of a constant"
                                               : "a name is letters, digits and '_', not "
                                                 "starting with a digit"));
            return std::nullopt;
        }
        return v->text;
    }

    void population(const ast::Population& p) {
        auto name = population_name(p);
        if (!name) return;
        if (population_index_.count(*name)) {
            error(p.name_from_table ? p.name_from_table->range : p.name_range,
                  fmt::format("population '{}' is already declared", *name));
            note(out_.populations[size_t(population_index_[*name])].range,
                 "the first declaration is here");
            return;
        }
        ir::Population pop;
        pop.name = *name;
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
        population_index_.emplace(pop.name, int(out_.populations.size()));
        out_.populations.push_back(std::move(pop));
    }

    // Parameter values and initial states of a population: its overrides, then the model's
    // defaults evaluated with the population's parameters.
    void values(const ast::Population& p, ir::Population& pop) {
        std::vector<Override> overrides;
        const ast::Binding* placed = nullptr;
        for (const auto& b : p.overrides) {
            if (b.name != "positions") {
                overrides.push_back({b.name, b.name_range, b.value.get()});
            } else if (placed) {
                error(b.name_range, "'positions' is set twice");
                note(placed->name_range, "first set here");
            } else {
                placed = &b;
                positions(*b.value, pop);
            }
        }
        ModelValues v = model_values(models_[size_t(pop.model)], model_ok_[size_t(pop.model)],
                                     overrides, fmt::format("population '{}'", pop.name),
                                     "the population's block", p.range);
        pop.parameters = std::move(v.parameters);
        pop.initial = std::move(v.initial);
    }

    /// `name = value` given for one parameter or state variable of a model.
    struct Override {
        std::string name;
        SourceRange name_range;
        const ast::Expr* value;
    };

    struct ModelValues {
        std::vector<double> parameters;     ///< empty if the model has errors of its own
        std::vector<ir::ValueSpec> initial; ///< empty if the model has errors of its own
    };

    // A model's parameter values (one per instance: a population, a projection) and its
    // state variables' initial values (drawn per neuron or per synapse): the overrides, then
    // the model's defaults evaluated with the instance's parameters. `owner` names the
    // instance in messages ("population 'E'"), `where` where the user can set a value.
    template <class Model>
    ModelValues model_values(const Model& m, bool ok_model, const std::vector<Override>& overrides,
                             const std::string& owner, const std::string& where, SourceRange at) {
        constexpr bool is_neuron = std::is_same_v<Model, ir::NeuronModel>;
        const char* kind = is_neuron ? "neuron" : "synapse";
        std::vector<std::optional<double>> params(m.parameters.size());
        std::vector<std::optional<ir::ValueSpec>> initial(m.states.size());
        std::map<std::string, SourceRange> seen;
        for (const auto& b : overrides) {
            if (auto [it, inserted] = seen.try_emplace(b.name, b.name_range); !inserted) {
                error(b.name_range, fmt::format("'{}' is set twice", b.name));
                note(it->second, "first set here");
                continue;
            }
            if (int i = m.find_parameter(b.name); i >= 0) {
                const auto& param = m.parameters[size_t(i)];
                if (is_distribution(*b.value)) {
                    error(b.value->range,
                          fmt::format("parameter '{}' has one value for the whole {}", b.name,
                                      is_neuron ? "population" : "projection"),
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
                      fmt::format("{} '{}' has no parameter or state variable '{}'", kind, m.name,
                                  b.name),
                      hint);
            }
        }
        ModelValues out;
        if (!ok_model) return out; // its defaults may be missing; its errors are reported
        out.parameters.assign(m.parameters.size(), 0.0);
        for (size_t i = 0; i < m.parameters.size(); ++i) {
            if (params[i]) {
                out.parameters[i] = *params[i];
                continue;
            }
            std::span<const double> earlier(out.parameters.data(), i);
            auto v =
                ir::evaluate(*m.parameters[i].default_value, ir::Bindings{earlier, {}, {}, {}});
            if (!v || !std::isfinite(*v))
                error(at,
                      fmt::format("the default of parameter '{}' evaluates to {} in {}",
                                  m.parameters[i].name,
                                  v ? number_text(*v) : std::string("nothing"), owner),
                      "set it in " + where);
            out.parameters[i] = v.value_or(0.0);
        }
        out.initial.resize(m.states.size());
        for (size_t s = 0; s < m.states.size(); ++s) {
            if (initial[s]) {
                out.initial[s] = *initial[s];
                continue;
            }
            auto v = ir::evaluate(*m.states[s].initial, ir::Bindings{out.parameters, {}, {}, {}});
            if (!v || !std::isfinite(*v))
                error(at,
                      fmt::format("the initial value of '{}' evaluates to {} in {}",
                                  m.states[s].name, v ? number_text(*v) : std::string("nothing"),
                                  owner),
                      "set it in " + where);
            out.initial[s] = ir::ValueSpec{ir::ValueSpec::Kind::Constant, v.value_or(0.0), 0.0};
        }
        return out;
    }

    /// A number or a distribution of dimension `want`: `uniform(low, high)`, `normal(mean,
    /// sd, low = L, high = H)` (redrawn outside [L, H]; both optional), `lognormal(mu,
    /// sigma, unit = U)` (exp of a normal, in U) or `exponential(mean)`.
    std::optional<ir::ValueSpec> value_spec(const ast::Expr& e, const Dimension& want,
                                            const std::string& what, bool distributions) {
        using K = ir::ValueSpec::Kind;
        if (!distributions || !is_distribution(e)) {
            auto q = evaluate_as(e, want, what);
            if (!q) return std::nullopt;
            return ir::ValueSpec{K::Constant, q->value, 0.0};
        }
        const std::string& f = e.name;
        std::vector<std::string> names;
        size_t required = 2, positional = 2;
        if (f == "uniform") names = {"low", "high"};
        if (f == "normal") names = {"mean", "sd", "low", "high"};
        if (f == "lognormal") names = {"mu", "sigma", "unit"}, positional = 3;
        if (f == "exponential") names = {"mean"}, required = 1, positional = 1;
        auto args = call_arguments(e, names, positional);
        if (!args) return std::nullopt;
        for (size_t i = 0; i < required; ++i) {
            if ((*args)[i]) continue;
            error(e.range, fmt::format("`{}` needs {}: {}({})", f,
                                       required == 1 ? "its " + names[0]
                                                     : fmt::format("{} and {}", names[0], names[1]),
                                       f,
                                       join_names(std::vector<std::string>(
                                           names.begin(), names.begin() + long(required)))));
            return std::nullopt;
        }
        const auto arg = [&](size_t i) { return (*args)[i]; };
        if (f == "uniform") {
            auto a = evaluate_as(*arg(0), want, what);
            auto b = evaluate_as(*arg(1), want, what);
            if (!a || !b) return std::nullopt;
            if (a->value > b->value) {
                error(e.range,
                      fmt::format("uniform(low, high) needs low <= high, but {} > {}",
                                  quantity_text(a->value, want), quantity_text(b->value, want)));
                return std::nullopt;
            }
            return ir::ValueSpec{K::Uniform, a->value, b->value};
        }
        if (f == "exponential") {
            auto m = evaluate_as(*arg(0), want, what);
            if (!m) return std::nullopt;
            if (!(m->value > 0)) {
                error(arg(0)->range, "the mean of an exponential distribution must be positive");
                return std::nullopt;
            }
            return ir::ValueSpec{K::Exponential, m->value, 0.0};
        }
        if (f == "lognormal") return lognormal(e, *args, want, what);
        // normal
        auto a = evaluate_as(*arg(0), want, what);
        auto b = evaluate_as(*arg(1), want, what);
        std::optional<Quantity> low, high;
        if (arg(2)) low = evaluate_as(*arg(2), want, "the low bound");
        if (arg(3)) high = evaluate_as(*arg(3), want, "the high bound");
        if (!a || !b || (arg(2) && !low) || (arg(3) && !high)) return std::nullopt;
        if (b->value < 0) {
            error(arg(1)->range, "the standard deviation must not be negative");
            return std::nullopt;
        }
        ir::ValueSpec v{K::Normal, a->value, b->value};
        if (low) v.low = low->value;
        if (high) v.high = high->value;
        if (v.low > v.high) {
            error(e.range, fmt::format("normal(...) needs low <= high, but {} > {}",
                                       quantity_text(v.low, want), quantity_text(v.high, want)));
            return std::nullopt;
        }
        // Values outside [low, high] are redrawn: refuse bounds that keep almost nothing, as
        // the runtime does, but here with the place to fix.
        if (normal_share(v) < 1e-6) {
            std::string bounds = !std::isfinite(v.high) ? "above " + quantity_text(v.low, want)
                                 : !std::isfinite(v.low)
                                     ? "below " + quantity_text(v.high, want)
                                     : fmt::format("within [{}, {}]", quantity_text(v.low, want),
                                                   quantity_text(v.high, want));
            error(e.range,
                  fmt::format("normal({}, {}) has almost no values {}: they would be redrawn "
                              "without end",
                              quantity_text(v.a, want), quantity_text(v.b, want), bounds),
                  "the bounds should keep a fair part of the distribution around its mean");
            return std::nullopt;
        }
        return v;
    }

    /// `lognormal(mu, sigma, unit = U)`: exp(mu + sigma Z) U, with mu and sigma those of the
    /// underlying normal (NEST's and PyNN's parameters); U is required for a value with a
    /// dimension, and folded into mu as its logarithm in canonical units.
    std::optional<ir::ValueSpec> lognormal(const ast::Expr& e,
                                           const std::vector<const ast::Expr*>& args,
                                           const Dimension& want, const std::string& what) {
        auto mu = evaluate_as(*args[0], Dimension::none(), "mu (of the underlying normal)");
        auto sigma = evaluate_as(*args[1], Dimension::none(), "sigma (of the underlying normal)");
        if (!mu || !sigma) return std::nullopt;
        if (sigma->value < 0) {
            error(args[1]->range, "sigma must not be negative");
            return std::nullopt;
        }
        double unit = 1.0;
        if (args[2]) {
            auto u = evaluate_as(*args[2], want, what);
            if (!u) return std::nullopt;
            if (!(u->value > 0)) {
                error(args[2]->range, "the unit of a lognormal distribution must be positive");
                return std::nullopt;
            }
            unit = u->value;
        } else if (!want.dimensionless()) {
            error(e.range,
                  fmt::format("lognormal(mu, sigma) draws plain numbers, but {} is {}", what,
                              dimension_text(want)),
                  fmt::format("say in which unit mu and sigma are meant: `lognormal({}, {}, unit "
                              "= {})`",
                              number_text(mu->value), number_text(sigma->value), want.unit_name()));
            return std::nullopt;
        }
        return ir::ValueSpec{ir::ValueSpec::Kind::LogNormal, mu->value + std::log(unit),
                             sigma->value};
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
                          : next < names.size()
                              ? fmt::format("it takes: {}; give {} by name, as in `{} = ...`",
                                            join_names(names), names[next], names[next])
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

    // ---- populations named in items ------------------------------------------------------

    /// A population, or a slice of its neurons, as an item names it.
    struct Selection {
        int population = -1;
        uint64_t first = 0, last = 0; ///< the neurons first <= i < last
        bool sliced = false;
        SourceRange range;
    };

    /// The population (and slice) `ref` names: `E`, `names[i]`, a string constant, `E[0:10]`;
    /// nullopt after reporting.
    std::optional<Selection> select(const ast::PopulationRef& ref) {
        std::string name = ref.name;
        SourceRange at = ref.name_range;
        if (ref.name_from_table) {
            at = ref.name_from_table->range;
            auto v = evaluate_value(*ref.name_from_table);
            if (!v) return std::nullopt;
            if (v->kind != Value::Kind::String) {
                error(at,
                      fmt::format("expected a population's name, but this is {}", describe(*v)));
                return std::nullopt;
            }
            name = v->text;
        } else if (!population_index_.count(name) && !population_items_.count(name)) {
            if (const Constant* c = visible_constant(name);
                c && c->ok && c->v.kind == Value::Kind::String)
                name = c->v.text;
        }
        const int pop = find_population(name, at);
        if (pop < 0) return std::nullopt;
        const auto& population = out_.populations[size_t(pop)];
        Selection sel{pop, 0, population.size, false, ref.range};
        if (!ref.first) return sel;
        auto bound = [&](const ast::Expr& e, const char* what) -> std::optional<uint64_t> {
            auto q = evaluate_as(e, Dimension::none(), what);
            if (!q) return std::nullopt;
            if (!is_whole(q->value) || q->value < 0 || q->value > double(population.size)) {
                error(e.range,
                      fmt::format("{} {} is not a neuron index of population '{}', which has {} "
                                  "neurons",
                                  what, number_text(q->value), population.name, population.size),
                      "a slice [first:last] takes neurons first <= i < last");
                return std::nullopt;
            }
            return uint64_t(q->value);
        };
        auto first = bound(*ref.first, "the slice start");
        auto last = bound(*ref.last, "the slice end");
        if (!first || !last) return std::nullopt;
        if (*first >= *last) {
            error(ref.slice_range,
                  fmt::format("the slice [{}:{}] selects no neurons", *first, *last),
                  "the end is one past the last neuron: [0:10] is neurons 0 to 9");
            return std::nullopt;
        }
        sel.first = *first;
        sel.last = *last;
        sel.sliced = true;
        return sel;
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
            error(e.range, fmt::format("`{}` must be true or false", name),
                  fmt::format("write `{} = true` or `{} = false`", name, name));
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

    /// One side of a projection as its connection rule sees it: a population, a slice or a
    /// union of them, with its number of neurons, and the population when it is one (or a
    /// slice of one), else -1.
    struct Side {
        std::string name; ///< as in messages: `E`, `E[0:10]`, `E + I`
        uint64_t size = 0;
        int population = -1;
        bool whole = false; ///< the whole of `population`
    };

    /// The connection rule; `src` and `tgt` are null where their populations are unknown.
    /// same_neurons: the source and target are the very same neurons, so that autapses can
    /// arise.
    std::optional<ir::Connector> connector(const ast::Expr& e, const Side* src, const Side* tgt,
                                           bool same_neurons) {
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
        } else if (e.name == "from_list") {
            c.kind = K::List;
            names = {"sources", "targets", "weights", "delays"};
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
        for (size_t i = 1; i < names.size() && e.name != "from_list"; ++i) {
            if (!(*args)[i]) continue;
            auto f = flag(*(*args)[i], names[i]);
            if (!f)
                ok = false;
            else if (names[i] == "autapses")
                c.allow_autapses = *f;
            else
                c.allow_multapses = *f;
        }
        if (e.name == "from_list") {
            if (!(*args)[0] || !(*args)[1]) {
                error(e.range, "`from_list` needs the sources and the targets",
                      "for example `from_list(sources = [0, 1], targets = [2, 2])`, and "
                      "optionally `weights = [...]` and `delays = [...]`");
                return std::nullopt;
            }
            pending_list_ = &e;
        } else if (!positional && !names.empty() && (*args)[0]) { // all_to_all, one_to_one
            auto f = flag(*(*args)[0], names[0]);
            if (!f)
                ok = false;
            else
                c.allow_autapses = *f;
        }
        const ast::Expr* first = needs ? (*args)[0] : nullptr;
        const bool same = same_neurons;
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
        const bool one_each = src && tgt && src->population >= 0 && tgt->population >= 0;
        if ((c.kind == K::DistanceProbability && src && tgt && !one_each) ||
            (c.kind == K::List && src && tgt && !(src->whole && tgt->whole))) {
            error(e.range,
                  fmt::format("`{}` needs {} on each side, not `{}` -> `{}`", e.name,
                              c.kind == K::List ? "a whole population" : "one population",
                              src->name, tgt->name),
                  c.kind == K::List ? "a list's indices are those of the whole populations"
                                    : "write one projection per population");
            return std::nullopt;
        }
        if (first && c.kind == K::DistanceProbability) {
            if (!one_each) return std::nullopt;
            const auto& src_pop = out_.populations[size_t(src->population)];
            const auto& tgt_pop = out_.populations[size_t(tgt->population)];
            c.probability_of_pair =
                pair_expression(*first, Dimension::none(), "a connection probability",
                                src->population, tgt->population, true);
            if (!c.probability_of_pair) {
                ok = false;
            } else if (const ir::Expr& p = *c.probability_of_pair;
                       p.op == ir::Op::Const && (p.value < 0 || p.value > 1)) {
                error(first->range,
                      fmt::format("a connection probability must be between 0 and 1, not {}",
                                  number_text(p.value)));
                ok = false;
            } else if (!probability_in_range(p, src_pop, tgt_pop, first->range)) {
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

    /// The populations or slices `refs` name (`E[0:10] + I`); nullopt after reporting.
    std::optional<std::vector<Selection>> selections(const std::vector<ast::PopulationRef>& refs) {
        std::vector<Selection> out;
        bool ok = !refs.empty();
        for (const auto& ref : refs) {
            auto sel = select(ref);
            ok = ok && sel.has_value();
            if (sel) out.push_back(*sel);
        }
        if (!ok) return std::nullopt;
        return out;
    }

    Side side(const std::vector<Selection>& members) const {
        Side out;
        for (const auto& m : members) {
            if (!out.name.empty()) out.name += " + ";
            out.name += out_.populations[size_t(m.population)].name;
            if (m.sliced) out.name += fmt::format("[{}:{}]", m.first, m.last);
            out.size += m.last - m.first;
        }
        if (members.size() == 1) {
            out.population = members[0].population;
            out.whole = !members[0].sliced;
        }
        return out;
    }

    static ir::NeuronRange neurons(const Selection& s) {
        return s.sliced ? ir::NeuronRange{s.first, s.last - s.first} : ir::NeuronRange{};
    }

    /// The (source, target) pairs of members that a projection between unions becomes, each
    /// with its part of the neurons; nullopt after reporting a rule that a split would change.
    std::optional<std::vector<std::pair<Selection, Selection>>>
    split(const ir::Connector& c, const std::vector<Selection>& sources,
          const std::vector<Selection>& targets, const ast::Projection& p) {
        using K = ir::Connector::Kind;
        std::vector<std::pair<Selection, Selection>> pairs;
        if (c.kind == K::OneToOne) {
            // The i-th neuron of the source union to the i-th of the target union, in runs
            // that stay within one member on each side.
            size_t a = 0, b = 0;
            uint64_t at_a = sources[0].first, at_b = targets[0].first;
            while (a < sources.size() && b < targets.size()) {
                const uint64_t n = std::min(sources[a].last - at_a, targets[b].last - at_b);
                Selection s = sources[a], t = targets[b];
                s.first = at_a, s.last = at_a + n, t.first = at_b, t.last = at_b + n;
                const auto& ps = out_.populations[size_t(s.population)];
                const auto& pt = out_.populations[size_t(t.population)];
                s.sliced = !(s.first == 0 && s.last == ps.size);
                t.sliced = !(t.first == 0 && t.last == pt.size);
                if (n > 0) pairs.emplace_back(s, t);
                at_a += n, at_b += n;
                if (at_a == sources[a].last && ++a < sources.size()) at_a = sources[a].first;
                if (at_b == targets[b].last && ++b < targets.size()) at_b = targets[b].first;
            }
        } else {
            const bool per_pair = c.kind == K::AllToAll || c.kind == K::FixedProbability;
            // fixed_indegree draws each target's k sources from all the sources together: a
            // union of targets splits, one of sources does not; fixed_outdegree the other way.
            const bool per_target = c.kind == K::FixedIndegree;
            const bool per_source = c.kind == K::FixedOutdegree;
            const bool sources_split = sources.size() == 1 || per_pair || per_source;
            const bool targets_split = targets.size() == 1 || per_pair || per_target;
            if (!sources_split || !targets_split) {
                const bool source_side = !sources_split;
                const auto& refs = source_side ? p.source : p.target;
                error({refs.front().range.begin, refs.back().range.end},
                      fmt::format("this connection rule counts connections over the whole {}, so "
                                  "a union of populations cannot be its {}",
                                  source_side ? "source" : "target",
                                  source_side ? "source" : "target"),
                      per_target ? "a union of targets is fine for fixed_indegree; for the "
                                   "sources, project from each population with its own in-degree"
                      : per_source
                          ? "a union of sources is fine for fixed_outdegree; for the "
                            "targets, project to each population with its own out-degree"
                          : "write one projection per population, each with its own count");
                return std::nullopt;
            }
            for (const auto& s : sources)
                for (const auto& t : targets)
                    pairs.emplace_back(s, t);
        }
        for (const auto& [s, t] : pairs) {
            if (s.population != t.population || c.allow_autapses ||
                (s.first == t.first && s.last == t.last))
                continue;
            if (s.first < t.last && t.first < s.last) {
                error(p.range,
                      fmt::format("without autapses, a projection within population '{}' needs "
                                  "the same neurons on both sides or neurons apart, not [{}:{}] "
                                  "and [{}:{}]",
                                  out_.populations[size_t(s.population)].name, s.first, s.last,
                                  t.first, t.last),
                      "an overlap of two different slices has neurons that would connect to "
                      "themselves");
                return std::nullopt;
            }
        }
        return pairs;
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

    /// The synapses of a `from_list(sources = [...], targets = [...], weights, delays)`
    /// projection, once its receptor (the weight's dimension) is known.
    bool inline_list(ir::Projection& out, const ast::Expr& call, const Dimension& weight_dim) {
        auto args = call_arguments(call, {"sources", "targets", "weights", "delays"});
        if (!args) return false;
        const auto& a = *args;
        const auto& src = out_.populations[size_t(out.source)];
        const auto& tgt = out_.populations[size_t(out.target)];
        ir::ConnectionList list;
        const auto indices = [&](const ast::Expr& e, const ir::Population& pop,
                                 std::vector<uint32_t>& into) {
            auto v = evaluate_quantities(e, Dimension::none(), "a list of neuron indices");
            if (!v) return false;
            for (size_t i = 0; i < v->size(); ++i) {
                const double x = (*v)[i];
                if (!is_whole(x) || x < 0 || x >= double(pop.size)) {
                    error(element_range(e, i),
                          fmt::format("{} is not a neuron of population '{}', which has {} neurons",
                                      number_text(x), pop.name, pop.size),
                          "indices count from 0");
                    return false;
                }
                into.push_back(uint32_t(x));
            }
            return true;
        };
        if (!indices(*a[0], src, list.sources) || !indices(*a[1], tgt, list.targets)) return false;
        const auto same_length = [&](size_t n, const ast::Expr& e, const char* what) {
            if (n == list.sources.size()) return true;
            error(e.range, fmt::format("{} {} given for {} sources; each synapse needs one", n,
                                       what, list.sources.size()));
            return false;
        };
        if (!same_length(list.targets.size(), *a[1], "targets")) return false;
        if (a[2]) {
            auto w = evaluate_quantities(*a[2], weight_dim, "the weights of the list");
            if (!w || !same_length(w->size(), *a[2], "weights")) return false;
            list.weights = std::move(*w);
        }
        if (a[3]) {
            auto d = evaluate_quantities(*a[3], dims::time, "the delays of the list");
            if (!d || !same_length(d->size(), *a[3], "delays")) return false;
            const double dt = out_.simulation.dt_ms;
            for (size_t i = 0; i < d->size(); ++i)
                if ((*d)[i] < dt * (1 - 1e-12)) {
                    error(element_range(*a[3], i),
                          fmt::format("delay {} ms is shorter than the time step {} ms",
                                      number_text((*d)[i]), number_text(dt)),
                          "a spike needs at least one time step to arrive");
                    return false;
                }
            list.delays_ms = std::move(*d);
        }
        out.connector.list = std::make_shared<const ir::ConnectionList>(std::move(list));
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
        auto sources = selections(p.source);
        auto targets = selections(p.target);
        out.source = sources ? (*sources)[0].population : -1;
        out.target = targets ? (*targets)[0].population : -1;
        auto s = settings(p.settings, projection_settings, "projection setting");
        const ast::Binding *connect = s[0], *weight = s[1], *delay = s[2], *rec = s[3];
        const ast::Binding* syn = s[4];
        std::optional<Side> src, tgt;
        if (sources) src = side(*sources);
        if (targets) tgt = side(*targets);
        // Whether some source neurons are the very targets (for the in-degree a rule without
        // autapses can reach).
        bool same_neurons = false;
        if (sources && targets)
            for (const auto& a : *sources)
                for (const auto& b : *targets)
                    same_neurons = same_neurons || (a.population == b.population &&
                                                    a.first == b.first && a.last == b.last);
        bool connector_ok = false;
        if (connect) {
            if (auto c = connector(*connect->value, src ? &*src : nullptr, tgt ? &*tgt : nullptr,
                                   same_neurons))
                out.connector = *c, connector_ok = true;
        } else if (!misspelt(p.settings, projection_settings, "connect")) {
            error(p.range, "a projection needs a connection rule",
                  std::string("add `connect = ...`, one of: ") + connection_rule_list);
        }
        // The one population on each side, where there is one (pair expressions need it).
        const int source_pop = src ? src->population : -1;
        const int target_pop = tgt ? tgt->population : -1;
        // The receptor and the weight of each target population (a union may mix models).
        std::map<int, ir::Projection> by_target;
        const ir::ConnectionList* list = nullptr;
        if (targets)
            for (const auto& t : *targets)
                if (!by_target.count(t.population)) {
                    ir::Projection member = out;
                    member.source = source_pop;
                    member.target = t.population;
                    target_settings(p, rec, weight, syn, connector_ok, member);
                    if (member.connector.list) list = member.connector.list.get();
                    by_target.emplace(t.population, std::move(member));
                }
        if (delay && list && !list->delays_ms.empty())
            from_file(delay, "delay", *list);
        else
            delay_setting(delay, out, source_pop, target_pop);
        pending_csv_ = nullptr;
        pending_list_ = nullptr;
        if (!sources || !targets || !connector_ok) return;
        auto pairs = split(out.connector, *sources, *targets, p);
        if (!pairs) return;
        for (const auto& [from, to] : *pairs) {
            ir::Projection member = by_target.at(to.population);
            member.source = from.population;
            member.delay = out.delay;
            member.delay_of_pair = out.delay_of_pair;
            member.source_neurons = neurons(from);
            member.target_neurons = neurons(to);
            out_.projections.push_back(std::move(member));
        }
    }

    /// An error for a setting that the file of a `from_csv` projection gives too.
    void from_file(const ast::Binding* b, const char* what, const ir::ConnectionList& list) {
        error(b->value->range,
              list.path.empty() ? fmt::format("the {}s of this projection come from its list", what)
                                : fmt::format("the {}s of this projection come from the file '{}'",
                                              what, list.path),
              list.path.empty()
                  ? fmt::format("remove `{} = ...`, or the {}s of the list", what, what)
                  : fmt::format("remove `{} = ...`, or the {} column of the file", what, what));
    }

    /// The receptor, weight and synapse model of a projection into population `out.target`
    /// (and the synapses of a `from_csv` rule, read once the weight's unit is known).
    void target_settings(const ast::Projection& p, const ast::Binding* rec,
                         const ast::Binding* weight, const ast::Binding* syn, bool connected,
                         ir::Projection& out) {
        auto r = receptor(rec ? rec->value.get() : nullptr, out.target, p.range, "receptor =");
        if (r) out.receptor = *r;
        // A list read from a file may bring each synapse's weight and delay.
        const ir::ConnectionList* list = nullptr;
        if (connected && (pending_csv_ || pending_list_) && r) {
            const auto& m = *model_of(out.target);
            const Dimension& weight_dim = m.receptors[size_t(*r)].weight_dim;
            if (pending_csv_ ? read_list(out, *pending_csv_, weight_dim)
                             : inline_list(out, *pending_list_, weight_dim))
                list = out.connector.list.get();
        }
        if (syn) synapse(*syn->value, weight ? weight->value.get() : nullptr, r, out);
        // A synapse model (reported if it is wrong) holds the weight in its state.
        const bool is_static = !syn || syn->value->name == "static";
        if (list && !list->weights.empty()) {
            if (weight) from_file(weight, "weight", *list);
            if (!is_static)
                error(syn->value->range,
                      "a synapse model holds its weights in its state, so the list cannot give "
                      "them",
                      "leave the weights out of the list, and set the synapse's initial weight "
                      "with `weight = ...`");
        } else if (is_static && !weight) {
            if (!misspelt(p.settings, projection_settings, "weight") &&
                (!(pending_csv_ || pending_list_) || list))
                error(p.range, "a projection needs a weight", "add `weight = ...`");
        } else if (is_static && r) {
            const auto& m = *model_of(out.target);
            const auto& receptor = m.receptors[size_t(*r)];
            const std::string what =
                fmt::format("the weight of receptor '{}' of neuron '{}'", receptor.name, m.name);
            if (uses_pair_variables(*weight->value)) {
                if (out.source < 0)
                    error(weight->value->range,
                          "a weight of the distance or depth needs one population on each side",
                          "write one projection per population");
                else
                    out.weight_of_pair = pair_expression(*weight->value, receptor.weight_dim, what,
                                                         out.source, out.target, false);
            } else if (auto w = value_spec(*weight->value, receptor.weight_dim, what, true)) {
                out.weight = *w;
            }
        }
    }

    /// The delay of a projection: `dt` unless given; an expression of the distance or depth
    /// needs one population on each side (`source`, `target`, else -1).
    void delay_setting(const ast::Binding* delay, ir::Projection& out, int source, int target) {
        double dt = out_.simulation.dt_ms;
        out.delay = ir::ValueSpec{ir::ValueSpec::Kind::Constant, dt, 0.0};
        if (delay && uses_pair_variables(*delay->value)) {
            // Its values are known per synapse only: the runtime checks each against dt.
            if (source < 0 || target < 0)
                error(delay->value->range,
                      "a delay of the distance or depth needs one population on each side",
                      "write one projection per population");
            else
                out.delay_of_pair =
                    pair_expression(*delay->value, dims::time, "a delay", source, target, false);
        } else if (delay) {
            if (auto d = value_spec(*delay->value, dims::time, "a delay", true)) {
                using K = ir::ValueSpec::Kind;
                // The constant, the lowest or the mean.
                const double shortest =
                    d->kind == K::LogNormal ? std::exp(d->a + d->b * d->b / 2) : d->a;
                if (shortest < dt * (1 - 1e-12)) {
                    std::string what = d->kind == ir::ValueSpec::Kind::Constant ? "delay"
                                       : d->kind == ir::ValueSpec::Kind::Uniform
                                           ? "the shortest delay"
                                           : "the mean delay";
                    error(delay->value->range,
                          fmt::format("{} {} ms is shorter than the time step {} ms", what,
                                      number_text(shortest), number_text(dt)),
                          "a spike needs at least one time step to arrive");
                } else if (double longest = d->kind == K::Uniform ? d->b
                                            : d->kind == K::Normal && std::isfinite(d->high)
                                                ? d->high
                                                : shortest;
                           std::round(longest / dt) > double(ir::max_delay_steps)) {
                    error(delay->value->range,
                          fmt::format("{} {} ms is {} time steps; at most {} are supported",
                                      d->kind == K::Uniform ? "the longest delay" : "a delay of",
                                      number_text(longest), number_text(std::round(longest / dt)),
                                      ir::max_delay_steps),
                          fmt::format("with dt = {} ms, delays reach up to {} ms", number_text(dt),
                                      number_text(double(ir::max_delay_steps) * dt)));
                } else {
                    out.delay = *d;
                }
            }
        }
    }

    /// `synapse = stdp` or `synapse = stdp(tau_plus = 15 ms, w = uniform(0 pA, 50 pA))`: the
    /// model of a projection's synapses, with its parameters and initial states. A `weight`
    /// setting is the initial value of the state the model delivers.
    void synapse(const ast::Expr& e, const ast::Expr* weight, std::optional<int> receptor,
                 ir::Projection& out) {
        if (e.kind != ast::ExprKind::Name && e.kind != ast::ExprKind::Call) {
            error(e.range, "expected a synapse model",
                  "write its name, e.g. `synapse = stdp`, or its name with values, e.g. "
                  "`synapse = stdp(tau_plus = 15 ms)`");
            return;
        }
        if (e.name == "static") {
            if (!e.args.empty())
                error(e.range, "`static` takes no arguments",
                      "a static synapse has only the projection's weight and delay");
            return;
        }
        int index = -1;
        std::vector<std::string> names;
        for (size_t i = 0; i < synapses_.models.size(); ++i) {
            if (synapses_.models[i].name == e.name) index = int(i);
            names.push_back(synapses_.models[i].name);
        }
        if (index < 0) {
            std::string hint = did_you_mean(e.name, names);
            if (hint.empty())
                hint = fmt::format("import the file that defines it, e.g. `import "
                                   "\"stdlib/synapses/{}.nml\"`; `static` is the default",
                                   e.name);
            error(e.range, fmt::format("unknown synapse model '{}'", e.name), hint);
            return;
        }
        const ir::SynapseModel& m = synapses_.models[size_t(index)];
        const bool ok_model = synapses_.ok[size_t(index)];
        std::vector<Override> overrides;
        for (size_t i = 0; i < e.args.size(); ++i) {
            const std::string& name = i < e.arg_names.size() ? e.arg_names[i] : "";
            if (name.empty()) {
                error(e.args[i]->range, "the values of a synapse model are named",
                      fmt::format("write `{}(name = value)`; its parameters are: {}; its state "
                                  "variables: {}",
                                  m.name, join_names(m.parameter_names()),
                                  join_names(m.state_names())));
                return;
            }
            overrides.push_back({name, e.args[i]->range, e.args[i].get()});
        }
        // The weight is the delivered state's initial value, when `deliver` sends a state.
        const ir::Expr* delivered = ok_model ? m.on_pre.deliver.get() : nullptr;
        if (weight && delivered) {
            if (delivered->op != ir::Op::State) {
                error(weight->range,
                      fmt::format("synapse '{}' delivers an expression, not one state "
                                  "variable, so `weight` cannot set it",
                                  m.name),
                      fmt::format("set its state variables instead: `synapse = {}(...)`", m.name));
                return;
            }
            const std::string& w = m.states[size_t(delivered->index)].name;
            for (const auto& o : overrides)
                if (o.name == w) {
                    error(weight->range,
                          fmt::format("the weight is set twice: `weight` is the initial value "
                                      "of '{}', which `{}(...)` sets too",
                                      w, m.name));
                    return;
                }
            overrides.push_back({w, weight->range, weight});
        }
        ModelValues v = model_values(m, ok_model, overrides, "this projection",
                                     fmt::format("`synapse = {}(...)`", m.name), e.range);
        if (!ok_model) return;
        if (receptor && out.target >= 0) {
            const auto& tm = *model_of(out.target);
            const auto& r = tm.receptors[size_t(*receptor)];
            if (r.weight_dim != m.weight_dim) {
                error(e.range,
                      fmt::format("synapse '{}' delivers {}, but receptor '{}' of neuron '{}' "
                                  "takes {}",
                                  m.name, dimension_text(m.weight_dim), r.name, tm.name,
                                  dimension_text(r.weight_dim)),
                      "the delivered weight must have the unit of the receptor's weight");
                return;
            }
        }
        // The exact solution between events needs finite coefficients (tau = 0 would not do).
        for (const auto& ode : m.odes) {
            auto form = ir::affine_in_state(ode.rhs, ode.state);
            if (!form) continue;
            for (const auto& part : {form->slope, form->offset}) {
                auto value = part ? ir::evaluate(*part, ir::Bindings{v.parameters, {}, {}, {}})
                                  : std::optional<double>(0.0);
                if (value && std::isfinite(*value)) continue;
                error(e.range,
                      fmt::format("with these parameters, the equation of synapse state '{}' "
                                  "has a coefficient of {}",
                                  m.states[size_t(ode.state)].name,
                                  value ? number_text(*value) : std::string("no value")),
                      "a time constant of 0 divides by zero; give it a positive value");
                return;
            }
        }
        out.synapse = index;
        out.synapse_parameters = std::move(v.parameters);
        out.synapse_initial = std::move(v.initial);
    }

    // ---- stimuli -------------------------------------------------------------------------

    /// A stimulus of a union is one per member (every neuron gets its own train or
    /// current either way); of a slice, one for its neurons.
    void stimulus(const ast::Stimulus& s) {
        auto targets = selections(s.target);
        const ast::Expr& gen = *s.generator;
        const bool known =
            gen.kind == ast::ExprKind::Call &&
            std::find(generators.begin(), generators.end(), gen.name) != generators.end();
        if (!known) {
            std::string name = gen.kind == ast::ExprKind::Call || gen.kind == ast::ExprKind::Name
                                   ? gen.name
                                   : std::string{};
            std::string hint = did_you_mean(name, generators);
            if (hint.empty())
                hint = "the generators are: poisson(rate = ...), spike_times([...]), "
                       "dc(amplitude = ...), step_current(times = [...], amplitudes = [...]), "
                       "noise_current(mean = ..., std = ...)";
            error(gen.range, fmt::format("unknown generator '{}'", name), hint);
            return;
        }
        if (!targets) return;
        for (const auto& t : *targets) {
            ir::Stimulus out;
            out.range = s.range;
            out.target = t.population;
            out.target_neurons = neurons(t);
            if (gen.name == "poisson")
                poisson(s, out);
            else if (gen.name == "spike_times")
                spike_times(s, out);
            else if (gen.name == "dc")
                dc(s, out);
            else if (gen.name == "step_current")
                step_current(s, out);
            else
                noise_current(s, out);
            out_.stimuli.push_back(std::move(out));
        }
    }

    /// The `weight` and `receptor` options of a generator of spikes.
    void spike_weight(const ast::Stimulus& s, ir::Stimulus& out) {
        const std::string what = s.generator->name + " option";
        const std::vector<std::string> options = {"weight", "receptor"};
        auto opts = settings(s.options, options, what.c_str());
        auto r =
            receptor(opts[1] ? opts[1]->value.get() : nullptr, out.target, s.range, "receptor");
        if (r) out.receptor = *r;
        if (!opts[0]) {
            if (!misspelt(s.options, options, "weight"))
                error(s.range, fmt::format("a {} stimulus needs a weight", s.generator->name),
                      "add `weight ...` after it");
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

    /// The input a current generator feeds (its `into` option), also stored in out.input;
    /// null if unknown (reported, or quietly when the model has errors of its own).
    const ir::InputVar* current_input(const ast::Stimulus& s, ir::Stimulus& out) {
        const std::string what = s.generator->name + " option";
        auto opts = settings(s.options, {"into"}, what.c_str());
        const ir::NeuronModel* m = model_of(out.target);
        if (!m || !model_ok_of(out.target)) return nullptr;
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
        return out.input >= 0 ? &m->inputs[size_t(out.input)] : nullptr;
    }

    /// `start` and `stop` of a generator, into out.
    void on_window(const ast::Expr* start, const ast::Expr* stop, const ast::Stimulus& s,
                   ir::Stimulus& out) {
        if (start)
            if (auto q = evaluate_as(*start, dims::time, "the start")) out.start_ms = q->value;
        if (stop)
            if (auto q = evaluate_as(*stop, dims::time, "the stop")) out.stop_ms = q->value;
        if (out.stop_ms < out.start_ms)
            error(stop ? stop->range : s.generator->range,
                  fmt::format("the stop ({} ms) is before the start ({} ms)",
                              number_text(out.stop_ms), number_text(out.start_ms)));
    }

    /// Where element i of a list is written: the element of an array literal, else the list.
    static SourceRange element_range(const ast::Expr& list, size_t i) {
        return list.kind == ast::ExprKind::Array && i < list.args.size() ? list.args[i]->range
                                                                         : list.range;
    }

    /// The times of a table (`times = [...]`), checked: not negative, strictly increasing.
    std::optional<std::vector<double>> table_times(const ast::Expr& e) {
        auto times = evaluate_quantities(e, dims::time, "`times`");
        if (!times) return std::nullopt;
        for (size_t i = 0; i < times->size(); ++i) {
            const double t = (*times)[i];
            if (t < 0) {
                error(element_range(e, i),
                      fmt::format("a time must not be negative, but this one is {} ms",
                                  number_text(t)));
                return std::nullopt;
            }
            if (i > 0 && !(t > (*times)[i - 1])) {
                error(element_range(e, i),
                      fmt::format("the times must increase, but {} ms follows {} ms",
                                  number_text(t), number_text((*times)[i - 1])),
                      "each value holds from its time until the next one");
                return std::nullopt;
            }
        }
        return times;
    }

    /// Reports a table whose values and times differ in number.
    bool same_length(const std::vector<double>& times, const std::vector<double>& values,
                     const ast::Expr& at, const char* name) {
        if (times.size() == values.size()) return true;
        error(at.range,
              fmt::format("`{}` has {} value{} but `times` has {}", name, values.size(),
                          values.size() == 1 ? "" : "s", times.size()),
              fmt::format("give one value of `{}` per time", name));
        return false;
    }

    /// A generator of spikes: its arguments, then its options, as they are written.
    void poisson(const ast::Stimulus& s, ir::Stimulus& out) {
        poisson_rate(s, out);
        spike_weight(s, out);
    }

    void spike_times(const ast::Stimulus& s, ir::Stimulus& out) {
        spike_times_list(s, out);
        spike_weight(s, out);
    }

    void poisson_rate(const ast::Stimulus& s, ir::Stimulus& out) {
        out.kind = ir::Stimulus::Kind::Poisson;
        const ast::Expr& gen = *s.generator;
        auto args = call_arguments(gen, {"rate", "start", "stop", "times", "rates"}, 3);
        if (!args) return;
        const auto& a = *args;
        on_window(a[1], a[2], s, out);
        if (a[3] || a[4]) {
            if (a[0]) {
                error(a[0]->range, "give either a rate or a table of `times` and `rates`, not "
                                   "both");
                return;
            }
            if (!a[3] || !a[4]) {
                error(gen.range, "a rate table needs both `times` and `rates`",
                      "for example `poisson(times = [0 ms, 100 ms], rates = [5 Hz, 20 Hz])`");
                return;
            }
            out.kind = ir::Stimulus::Kind::PoissonTable;
            auto times = table_times(*a[3]);
            auto rates = evaluate_quantities(*a[4], dims::rate, "`rates`");
            if (!times || !rates || !same_length(*times, *rates, *a[4], "rates")) return;
            for (size_t i = 0; i < rates->size(); ++i) {
                if ((*rates)[i] < 0) {
                    error(element_range(*a[4], i),
                          fmt::format("a rate must not be negative, but the rate from {} ms is "
                                      "{} Hz",
                                      number_text((*times)[i]), number_text((*rates)[i] * 1e3)));
                    return;
                }
                out.values.push_back((*rates)[i] * 1e3);
            }
            out.times_ms = std::move(*times);
            return;
        }
        if (!a[0]) {
            error(gen.range, "`poisson` needs a rate: `poisson(rate = 10 Hz)`");
            return;
        }
        auto rate = time_function(*a[0], dims::rate, "a rate");
        if (!rate) return;
        if (rate->op == ir::Op::Const) {
            if (rate->value < 0) {
                error(a[0]->range, "a rate must not be negative");
                return;
            }
            out.rate_hz = rate->value * 1e3;
            if (!a[1] && !a[2]) return;
            // On only within start and stop: a table of one rate.
            out.kind = ir::Stimulus::Kind::PoissonTable;
            out.times_ms = {0.0};
            out.values = {out.rate_hz};
            return;
        }
        out.kind = ir::Stimulus::Kind::PoissonTable;
        tabulate_rate(*rate, *a[0], out);
    }

    /// The most time steps a rate that depends on `t` is tabulated over (16 bytes each).
    static constexpr uint64_t max_tabulated_steps = 10'000'000;

    /// A rate of `t` as a table of its values at the middle of every time step on within
    /// start and stop: the mean number of spikes of step k, rate((k + 1/2) dt) dt, is the
    /// midpoint rule for the integral of the rate over the step. Equal neighbours are merged.
    void tabulate_rate(const ir::Expr& rate, const ast::Expr& at, ir::Stimulus& out) {
        const double dt = out_.simulation.dt_ms;
        const auto step_of = [&](double t) {
            return uint64_t(std::clamp(std::round(t / dt), 0.0, 0x1p62));
        };
        const uint64_t steps = step_of(out_.simulation.end_ms());
        const uint64_t first = step_of(out.start_ms);
        const uint64_t last = std::min(steps, step_of(out.stop_ms));
        if (last > first && last - first > max_tabulated_steps) {
            error(at.range,
                  fmt::format("a rate that depends on `t` is tabulated once per time step, and "
                              "this one is on for {} steps; at most {} are supported",
                              last - first, max_tabulated_steps),
                  "give the rate as a table, `poisson(times = [...], rates = [...])`, or use a "
                  "larger time step");
            return;
        }
        for (uint64_t k = first; k < last; ++k) {
            const double t = (double(k) + 0.5) * dt;
            const double hz = ir::evaluate(rate, {{}, {}, std::span<const double>(&t, 1), {}})
                                  .value_or(std::nan("")) *
                              1e3;
            if (!(hz >= 0) || !std::isfinite(hz)) {
                error(at.range,
                      fmt::format("the rate is {:g} Hz at t = {:g} ms; it must be a finite rate, "
                                  "not negative",
                                  hz, t),
                      "the rate is evaluated at the middle of every time step");
                out.times_ms.clear();
                out.values.clear();
                return;
            }
            if (out.values.empty() || hz != out.values.back()) {
                out.times_ms.push_back(double(k) * dt);
                out.values.push_back(hz);
            }
        }
    }

    /// A value that may depend on the time `t` (a rate of a Poisson generator): a constant or
    /// an expression of `t`; null after reporting.
    ir::ExprPtr time_function(const ast::Expr& e, const Dimension& want, const std::string& what) {
        if (is_distribution(e)) {
            error(e.range,
                  fmt::format("`{}(...)` is not allowed here: this value is one number", e.name),
                  "only a population's state variables and a projection's weight and delay can "
                  "be drawn from a distribution");
            return nullptr;
        }
        std::vector<Problem> problems;
        NetworkScope network(*this);
        TimeScope scope(network);
        auto r = ExprBuilder(scope, problems).build(e);
        for (const auto& p : problems)
            error(p.at, p.message, p.hint);
        if (!r) return nullptr;
        if (r->dim != want) {
            error(e.range,
                  fmt::format("dimension mismatch: {} is {}, but this value is {}", what,
                              dimension_text(want), dimension_text(r->dim)),
                  literal_hint(e, want));
            return nullptr;
        }
        return r;
    }

    void spike_times_list(const ast::Stimulus& s, ir::Stimulus& out) {
        out.kind = ir::Stimulus::Kind::SpikeTimes;
        auto args = call_arguments(*s.generator, {"times"});
        if (!args) return;
        const ast::Expr* list = (*args)[0];
        if (!list) {
            error(s.generator->range,
                  "`spike_times` needs the times: `spike_times([10 ms, 20 ms])`");
            return;
        }
        auto times = evaluate_quantities(*list, dims::time, "the spike times");
        if (!times) return;
        const double dt = out_.simulation.dt_ms;
        for (size_t i = 0; i < times->size(); ++i) {
            const double t = (*times)[i];
            if (t < 0) {
                error(element_range(*list, i),
                      fmt::format("a spike time must not be negative, but this one is {} ms",
                                  number_text(t)));
                return;
            }
            if (std::round(t / dt) < 1) {
                error(element_range(*list, i),
                      fmt::format("spike time {} ms is before the end of the first time step "
                                  "(dt = {} ms)",
                                  number_text(t), number_text(dt)),
                      "a spike arrives at the earliest at t = dt: times are rounded to the "
                      "nearest step");
                return;
            }
            if (i > 0 && t < (*times)[i - 1]) {
                error(element_range(*list, i),
                      fmt::format("spike times must be in order, but {} ms follows {} ms",
                                  number_text(t), number_text((*times)[i - 1])),
                      "sort them (a time given twice is two spikes)");
                return;
            }
        }
        const double end = out_.simulation.end_ms();
        if (!times->empty() && std::round(times->back() / dt) > std::round(end / dt))
            warning(element_range(*list, times->size() - 1),
                    fmt::format("spike time {} ms is after the end of the simulation "
                                "({} ms); the spikes after it are never delivered",
                                number_text(times->back()), number_text(end)));
        out.times_ms = std::move(*times);
    }

    void dc(const ast::Stimulus& s, ir::Stimulus& out) {
        out.kind = ir::Stimulus::Kind::DC;
        const ir::InputVar* in = current_input(s, out);
        auto args = call_arguments(*s.generator, {"amplitude", "start", "stop"});
        if (!args) return;
        const auto& a = *args;
        if (!a[0]) {
            error(s.generator->range, "`dc` needs an amplitude: `dc(amplitude = 100 pA)`");
        } else if (in) {
            if (auto q = evaluate_as(*a[0], in->dim, fmt::format("input '{}'", in->name)))
                out.amplitude = q->value;
        } else {
            evaluate(*a[0]);
        }
        on_window(a[1], a[2], s, out);
    }

    void step_current(const ast::Stimulus& s, ir::Stimulus& out) {
        out.kind = ir::Stimulus::Kind::StepCurrent;
        const ir::InputVar* in = current_input(s, out);
        auto args = call_arguments(*s.generator, {"times", "amplitudes", "start", "stop"}, 2);
        if (!args) return;
        const auto& a = *args;
        on_window(a[2], a[3], s, out);
        if (!a[0] || !a[1]) {
            error(s.generator->range, "`step_current` needs `times` and `amplitudes`",
                  "for example `step_current(times = [0 ms, 100 ms], amplitudes = [50 pA, 0 pA])`");
            return;
        }
        auto times = table_times(*a[0]);
        if (!in) return;
        auto amplitudes = evaluate_quantities(
            *a[1], in->dim, fmt::format("the amplitudes of input '{}'", in->name));
        if (!times || !amplitudes || !same_length(*times, *amplitudes, *a[1], "amplitudes")) return;
        out.times_ms = std::move(*times);
        out.values = std::move(*amplitudes);
    }

    void noise_current(const ast::Stimulus& s, ir::Stimulus& out) {
        out.kind = ir::Stimulus::Kind::NoiseCurrent;
        const ir::InputVar* in = current_input(s, out);
        auto args = call_arguments(*s.generator, {"mean", "std", "dt", "start", "stop"}, 3);
        if (!args) return;
        const auto& a = *args;
        on_window(a[3], a[4], s, out);
        const double dt = out_.simulation.dt_ms;
        out.interval_ms = dt;
        if (a[2])
            if (auto q = evaluate_as(*a[2], dims::time, "the interval `dt`")) {
                const double steps = std::round(q->value / dt);
                if (!(steps >= 1) || std::abs(steps * dt - q->value) > 1e-9 * q->value)
                    error(a[2]->range,
                          fmt::format("the noise interval {} ms is not a whole number of time "
                                      "steps (dt = {} ms)",
                                      number_text(q->value), number_text(dt)),
                          "a new value is drawn at the start of a step; use a multiple of dt");
                else
                    out.interval_ms = q->value;
            }
        if (!a[1]) {
            error(s.generator->range, "`noise_current` needs a standard deviation",
                  "for example `noise_current(mean = 0 pA, std = 50 pA)`");
            return;
        }
        if (!in) return;
        const std::string what = fmt::format("input '{}'", in->name);
        if (a[0])
            if (auto q = evaluate_as(*a[0], in->dim, what)) out.amplitude = q->value;
        if (auto q = evaluate_as(*a[1], in->dim, what)) {
            if (q->value < 0)
                error(a[1]->range, "a standard deviation must not be negative");
            else
                out.std_dev = q->value;
        }
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
        std::vector<Selection> selections;
        const auto& refs = r.target;
        if (refs.size() == 1 && refs[0].name == "all" && !refs[0].name_from_table &&
            !refs[0].first && !population_index_.count("all")) {
            for (size_t i = 0; i < out_.populations.size(); ++i)
                selections.push_back({int(i), 0, out_.populations[i].size, false, refs[0].range});
        } else {
            for (const auto& ref : refs) {
                if (!ref.name_from_table && !population_index_.count(ref.name) &&
                    population_items_.count(ref.name))
                    return; // its declaration failed
                auto sel = select(ref);
                if (!sel) return;
                selections.push_back(*sel);
            }
        }
        if (spikes) {
            if (r.interval) {
                error(r.interval->range, "an interval applies to state variables only",
                      "spikes are recorded as they happen");
                return;
            }
            for (const auto& sel : selections)
                record_spikes(sel, r.range);
            return;
        }
        const auto interval = record_interval(r);
        if (!interval) return;
        for (const auto& sel : selections)
            record_states(r, sel, *interval);
    }

    /// Spikes of a population or a slice. A population has one range of recorded neurons:
    /// records of it merge into the smallest range that holds them all, if that adds no
    /// neuron that none of them names.
    void record_spikes(const Selection& sel, SourceRange at) {
        const auto& population = out_.populations[size_t(sel.population)];
        auto it = std::find_if(out_.spike_recorders.begin(), out_.spike_recorders.end(),
                               [&](const auto& rec) { return rec.population == sel.population; });
        if (it == out_.spike_recorders.end()) {
            out_.spike_recorders.push_back(ir::SpikeRecorder{sel.population, at, neurons(sel)});
            return;
        }
        const uint64_t first = it->neurons.first;
        const uint64_t last = it->neurons.whole() ? population.size : first + it->neurons.count;
        if (sel.last < first || last < sel.first) {
            error(at,
                  fmt::format("the spikes of population '{}' are recorded for one range of "
                              "neurons, but [{}:{}] and [{}:{}] are apart",
                              population.name, first, last, sel.first, sel.last),
                  fmt::format("record `{}[{}:{}]` instead, or the whole population",
                              population.name, std::min(first, sel.first),
                              std::max(last, sel.last)));
            return;
        }
        Selection merged = sel;
        merged.first = std::min(first, sel.first);
        merged.last = std::max(last, sel.last);
        merged.sliced = !(merged.first == 0 && merged.last == population.size);
        it->neurons = neurons(merged);
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
        if (steps < 1 - 1e-9) {
            error(r.interval->range,
                  fmt::format("the recording interval {} is shorter than the time step dt = {}",
                              quantity_text(q->value, q->dim), quantity_text(dt, dims::time)),
                  "a state is sampled at most once a step; leave out `every` to sample every "
                  "step");
            return std::nullopt;
        }
        // Samples are taken at the end of a step, so the interval must be whole steps; a
        // relative tolerance accepts 0.3 ms at dt = 0.1 ms despite rounding.
        if (std::abs(steps - whole) > 1e-9 * whole) {
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

    void record_states(const ast::Record& r, const Selection& sel, uint64_t interval) {
        const int pop = sel.population;
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
        rec.first = sel.first;
        rec.last = sel.last;
        out_.state_recorders.push_back(std::move(rec));
    }

    const ast::Network& net_;
    const std::vector<ir::NeuronModel>& models_;
    const std::vector<bool>& model_ok_;
    AnalysedModels<ir::SynapseModel> synapses_;
    const std::vector<ConstantOverride>& overrides_;
    const std::string* overriding_ = nullptr; ///< the constant whose -D value is evaluated
    SourceManager& sources_;
    DiagnosticEngine& diags_;
    const ast::Expr* pending_csv_ = nullptr;  ///< the file of the `from_csv` being elaborated
    const ast::Expr* pending_list_ = nullptr; ///< the `from_list(...)` being elaborated
    ir::Network out_;
    size_t item_ = 0;
    std::vector<Constant> constants_;
    std::vector<Constant> locals_; ///< loop variables and `let`s of the loops being elaborated
    std::set<std::tuple<FileId, uint32_t, uint32_t, std::string>> reported_;
    bool shown_ = false; ///< whether the last error was reported (not a repetition)
    std::map<std::string, size_t> constant_index_;
    std::map<std::string, size_t> let_items_;        ///< name -> item of its first `let`
    std::map<std::string, size_t> population_items_; ///< name -> item of its declaration
    std::map<std::string, int> population_index_;    ///< declared so far
    const ast::Simulate* simulate_ = nullptr;
    struct DeferredRecord {
        const ast::Record* record;
        size_t item;
        std::vector<Constant> locals;
    };
    std::vector<DeferredRecord> records_;
};

Resolution NetworkScope::resolve(const std::string& name) const {
    const Constant* c = e_.find_constant(name);
    auto let = e_.let_items_.find(name);
    if (!c && let == e_.let_items_.end()) return {};
    const bool later = !c || (!c->local && c->item >= e_.item_);
    if ((later || (c && c->local)) && e_.overriding_)
        return Resolution::forbidden(
            fmt::format("constant '{}' is not defined before `let {}`", name, *e_.overriding_),
            fmt::format("a -D value may use the constants defined above `let {}`",
                        *e_.overriding_));
    if (later)
        return Resolution::forbidden(fmt::format("constant '{}' is used before its `let`", name),
                                     fmt::format("move `let {} = ...` above this line", name));
    if (!c->ok) return Resolution::poisoned();
    if (c->v.kind == Value::Kind::Array)
        return Resolution::forbidden(
            fmt::format("'{}' is {}, not a number", name, describe(c->v)),
            fmt::format("pick one element with `{}[i]`, or use `len({})` or `sum({})`", name, name,
                        name));
    if (c->v.kind == Value::Kind::String)
        return Resolution::forbidden(fmt::format("'{}' is {}, not a number", name, describe(c->v)),
                                     "a string can only name a population");
    return Resolution::found(ir::Expr::constant(c->v.q.value, c->v.q.dim));
}

std::vector<std::string> NetworkScope::visible_names() const {
    std::vector<std::string> names;
    for (const auto& c : e_.constants_)
        if (c.item < e_.item_) names.push_back(c.name);
    for (const auto& c : e_.locals_)
        names.push_back(c.name);
    return names;
}

Resolution NetworkScope::resolve_table(const ast::Expr& e) const {
    // Evaluating a table lookup reports its own errors; the scope is otherwise read-only.
    return const_cast<Elaborator&>(e_).table_number(e);
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

ir::Network elaborate_network(const ast::Network& network, AnalysedModels<ir::NeuronModel> neurons,
                              AnalysedModels<ir::SynapseModel> synapses,
                              const std::vector<ConstantOverride>& overrides,
                              SourceManager& sources, DiagnosticEngine& diags) {
    return Elaborator(network, neurons, synapses, overrides, sources, diags).run();
}

} // namespace nnc::sema
