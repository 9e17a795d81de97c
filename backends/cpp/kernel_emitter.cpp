#include "kernel_emitter.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

namespace nnc::cppgen {

namespace {

// The kernel IR's math functions and how C++ calls them. The JIT calls glibc's libm for the
// transcendental ones (exp, log, sin, cos as LLVM intrinsics lowered to libm calls, pow and
// tanh as nobuiltin calls), so the generated code calls the same functions; sqrt, fabs,
// floor, ceil and round are exact in every implementation. fmin and fmax are the prelude's
// compare-and-select, as in the JIT (operator_emitter.cpp).
struct MathFunction {
    std::string_view name;
    int arity;
    std::string_view cpp_name;
};
constexpr MathFunction kMathFunctions[] = {
    {"exp", 1, "exp"},       {"log", 1, "log"},       {"sqrt", 1, "sqrt"},   {"fabs", 1, "fabs"},
    {"pow", 2, "pow"},       {"sin", 1, "sin"},       {"cos", 1, "cos"},     {"tanh", 1, "tanh"},
    {"fmin", 2, "nnc_fmin"}, {"fmax", 2, "nnc_fmax"}, {"floor", 1, "floor"}, {"ceil", 1, "ceil"},
    {"round", 1, "round"},
};

const MathFunction* find_math_function(std::string_view name) {
    for (const auto& f : kMathFunctions)
        if (f.name == name) return &f;
    return nullptr;
}

/// `prefix` + the name with every character that cannot be in an identifier replaced,
/// made unique among `taken`.
std::string variable_name(const std::string& prefix, const std::string& name,
                          std::set<std::string>& taken) {
    std::string s = prefix;
    for (char c : name)
        s += ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '_';
    std::string unique = s;
    for (int k = 2; taken.count(unique); ++k)
        unique = s + "_" + std::to_string(k);
    taken.insert(unique);
    return unique;
}

std::string comment_lines(const std::string& text, const std::string& indent) {
    std::string out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out += indent + "// " + text.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return out;
}

/// Turns kernel IR expressions into fully parenthesised C++ (so that the C++ compiler
/// evaluates exactly the operations of the IR, in its grouping), given the names of the
/// values an expression may read.
class ExpressionWriter {
public:
    ExpressionWriter(std::string owner, std::vector<std::string> states,
                     std::vector<std::string> inputs, std::vector<std::string> receptors,
                     int locals)
        : owner_(std::move(owner)), states_(std::move(states)), inputs_(std::move(inputs)),
          receptors_(std::move(receptors)), locals_(locals) {}

    std::string expr(const kir::ExprPtr& e) const {
        if (!e) fail("missing expression");
        using kir::Op;
        switch (e->op) {
        case Op::Const: {
            std::string s = double_literal(e->value);
            return s[0] == '-' ? "(" + s + ")" : s;
        }
        case Op::State:
            return named("state", states_, e->index);
        case Op::Input:
            return named("input", inputs_, e->index);
        case Op::Receptor:
            return named("receptor", receptors_, e->index);
        case Op::Local:
            return local(e->index);
        case Op::Param:
            fail("parameter " + std::to_string(e->index) +
                 " is a reference; the specialise pass makes it a number");
        case Op::Neg:
            return "(-" + operand(*e, 0, 1) + ")";
        case Op::Not:
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
        case Op::Eq:
        case Op::Ne:
        case Op::And:
        case Op::Or:
            return "(" + condition(e) + " ? 1.0 : 0.0)";
        case Op::Call:
            return call(*e);
        case Op::Select:
            arity(*e, 3);
            return "(" + condition(e->args[0]) + " ? " + expr(e->args[1]) + " : " +
                   expr(e->args[2]) + ")";
        case Op::Add:
            return binary(*e, "+");
        case Op::Sub:
            return binary(*e, "-");
        case Op::Mul:
            return binary(*e, "*");
        case Op::Div:
            return binary(*e, "/");
        default:
            break;
        }
        fail("unsupported operator");
    }

    /// `e != 0` as a C++ bool. Comparisons and logic yield 1.0 or 0.0 in the kernel IR, so
    /// testing one is the comparison itself: `a < b` rather than `(a < b ? 1.0 : 0.0) != 0.0`.
    std::string condition(const kir::ExprPtr& e) const {
        if (!e) fail("missing expression");
        using kir::Op;
        switch (e->op) {
        // Ordered comparisons except !=, as in C and in the JIT: NaN compares false but
        // NaN != x.
        case Op::Lt:
            return comparison(*e, "<");
        case Op::Le:
            return comparison(*e, "<=");
        case Op::Gt:
            return comparison(*e, ">");
        case Op::Ge:
            return comparison(*e, ">=");
        case Op::Eq:
            return comparison(*e, "==");
        case Op::Ne:
            return comparison(*e, "!=");
        // Both sides are pure, so && and || compute what the JIT's branch-free code does.
        case Op::And:
            arity(*e, 2);
            return "(" + condition(e->args[0]) + " && " + condition(e->args[1]) + ")";
        case Op::Or:
            arity(*e, 2);
            return "(" + condition(e->args[0]) + " || " + condition(e->args[1]) + ")";
        case Op::Not:
            arity(*e, 1);
            return "!" + condition(e->args[0]);
        default:
            return "(" + expr(e) + " != 0.0)";
        }
    }

    std::string local(int index) const {
        if (index < 0 || index >= locals_)
            fail(fmt::format("local index {} out of range ({} declared)", index, locals_));
        return fmt::format("local_{}", index);
    }

    [[noreturn]] void fail(const std::string& what) const { throw EmitError(owner_ + ": " + what); }

private:
    std::string owner_;
    std::vector<std::string> states_, inputs_, receptors_;
    int locals_;

    std::string named(const char* what, const std::vector<std::string>& names, int index) const {
        if (index < 0 || size_t(index) >= names.size())
            fail(fmt::format("{} index {} out of range ({} declared)", what, index, names.size()));
        return names[size_t(index)];
    }

    void arity(const kir::Expr& e, size_t expected) const {
        if (e.args.size() != expected)
            fail(fmt::format("operator with {} operands, expected {}", e.args.size(), expected));
    }

    std::string operand(const kir::Expr& e, size_t i, size_t expected) const {
        arity(e, expected);
        return expr(e.args[i]);
    }

    std::string binary(const kir::Expr& e, const char* op) const {
        return "(" + operand(e, 0, 2) + " " + op + " " + operand(e, 1, 2) + ")";
    }

    std::string comparison(const kir::Expr& e, const char* op) const {
        return "(" + operand(e, 0, 2) + " " + op + " " + operand(e, 1, 2) + ")";
    }

    std::string call(const kir::Expr& e) const {
        const MathFunction* f = find_math_function(e.fn);
        if (!f) fail("unknown function '" + e.fn + "'");
        std::string s = std::string(f->cpp_name) + "(";
        for (size_t i = 0; i < e.args.size(); ++i)
            s += (i ? ", " : "") + operand(e, i, size_t(f->arity));
        if (e.args.empty()) operand(e, 0, size_t(f->arity)); // reports the missing operands
        return s + ")";
    }
};

/// A statement of one line, broken before it reaches 100 columns, at the spaces between
/// operators that are least deeply parenthesised; continuation lines are indented by 8 more
/// than `indent`. Expressions hold no string literals, so a break never changes a token.
bool after_operator(const std::string& line, size_t space) {
    size_t start = line.rfind(' ', space - 1);
    if (start == std::string::npos) return false;
    const std::string token = line.substr(start + 1, space - start - 1);
    return !token.empty() && token != "=" &&
           token.find_first_not_of("+-*/<>=!&|?:") == std::string::npos;
}

std::string wrapped(std::string line, const std::string& indent) {
    constexpr size_t kWidth = 100;
    const std::string continuation = indent + "        ";
    std::string out;
    while (line.size() > kWidth) {
        size_t best = std::string::npos;
        int best_depth = 0, depth = 0;
        for (size_t i = 0; i < kWidth && i < line.size(); ++i) {
            depth += line[i] == '(' ? 1 : line[i] == ')' ? -1 : 0;
            // A space after an operator (`a + b` breaks after `+`), not in the indentation.
            if (line[i] == ' ' && i > continuation.size() && after_operator(line, i) &&
                (best == std::string::npos || depth <= best_depth)) {
                best = i;
                best_depth = depth;
            }
        }
        if (best == std::string::npos) break;
        out += line.substr(0, best) + "\n";
        line = continuation + line.substr(best + 1);
    }
    return out + line + "\n";
}

/// `c` in the parentheses of an if or while (once).
std::string parenthesised(const std::string& c) {
    if (c.size() >= 2 && c.front() == '(' && c.back() == ')') {
        int depth = 0;
        for (size_t i = 0; i < c.size(); ++i) {
            depth += c[i] == '(' ? 1 : c[i] == ')' ? -1 : 0;
            if (depth == 0 && i + 1 < c.size()) return "(" + c + ")"; // (a) && (b)
        }
        return c;
    }
    return "(" + c + ")";
}

// What a kernel touches, so that the function reads only the arrays it uses (an unused
// input may be a null pointer) and writes back only the states it assigns.
struct Usage {
    std::vector<bool> state_read, state_written, input, receptor, local_read;
    bool emits = false;

    explicit Usage(const kir::PopulationKernel& k)
        : state_read(k.state_names.size()), state_written(k.state_names.size()),
          input(k.input_names.size()), receptor(k.receptor_names.size()),
          local_read(size_t(std::max(k.local_count, 0))) {
        stmts(k.body);
    }

    static void mark(std::vector<bool>& used, int index) {
        if (index >= 0 && size_t(index) < used.size()) used[size_t(index)] = true;
    }

    void expr(const kir::ExprPtr& e) {
        if (!e) return;
        switch (e->op) {
        case kir::Op::State:
            mark(state_read, e->index);
            break;
        case kir::Op::Input:
            mark(input, e->index);
            break;
        case kir::Op::Receptor:
            mark(receptor, e->index);
            break;
        case kir::Op::Local:
            mark(local_read, e->index);
            break;
        default:
            for (const auto& a : e->args)
                expr(a);
        }
    }

    void stmts(const std::vector<kir::Stmt>& body) {
        for (const kir::Stmt& s : body) {
            if (s.kind == kir::Stmt::Kind::SetState) mark(state_written, s.index);
            if (s.kind == kir::Stmt::Kind::EmitSpike) emits = true;
            expr(s.value);
            stmts(s.body);
        }
    }
};

class KernelWriter {
public:
    explicit KernelWriter(const kir::PopulationKernel& k) : k_(k), use_(k) {}

    std::string run(const std::string& origin);

private:
    const kir::PopulationKernel& k_;
    Usage use_;
    std::vector<std::string> state_array_, state_value_, input_array_, input_value_,
        receptor_array_, receptor_value_;
    std::string out_;

    void stmts(const std::vector<kir::Stmt>& body, const ExpressionWriter& w,
               const std::string& indent);
};

void KernelWriter::stmts(const std::vector<kir::Stmt>& body, const ExpressionWriter& w,
                         const std::string& indent) {
    for (const kir::Stmt& s : body) {
        if (!s.comment.empty()) out_ += comment_lines(s.comment, indent);
        switch (s.kind) {
        case kir::Stmt::Kind::SetLocal: {
            const std::string local = w.local(s.index);
            const std::string value = w.expr(s.value);
            // A local nobody reads is not declared; its value has no effect.
            if (use_.local_read[size_t(s.index)])
                out_ += wrapped(indent + local + " = " + value + ";", indent);
            break;
        }
        case kir::Stmt::Kind::SetState:
            if (s.index < 0 || size_t(s.index) >= k_.state_names.size())
                w.fail(fmt::format("state index {} out of range", s.index));
            out_ += wrapped(indent + state_value_[size_t(s.index)] + " = " + w.expr(s.value) + ";",
                            indent);
            break;
        case kir::Stmt::Kind::If:
            out_ += indent + "if " + parenthesised(w.condition(s.value)) + " {\n";
            stmts(s.body, w, indent + "    ");
            out_ += indent + "}\n";
            break;
        case kir::Stmt::Kind::While:
            out_ += indent + "while " + parenthesised(w.condition(s.value)) + " {\n";
            stmts(s.body, w, indent + "    ");
            out_ += indent + "}\n";
            break;
        case kir::Stmt::Kind::EmitSpike:
            if (k_.kind == kir::KernelKind::SynapseEvent)
                w.fail("a synapse event kernel cannot emit spikes");
            out_ += indent + "spiked[n_spiked] = static_cast<uint32_t>(i);\n";
            out_ += indent + "++n_spiked;\n";
            break;
        }
    }
}

std::string KernelWriter::run(const std::string& origin) {
    const bool event = k_.kind == kir::KernelKind::SynapseEvent;
    if (!kir::is_c_identifier(k_.name))
        throw EmitError("kernel name '" + k_.name + "' is not a C identifier");
    if (find_math_function(k_.name))
        throw EmitError("kernel name '" + k_.name + "' is reserved (a math function)");
    if (k_.local_count < 0) throw EmitError("kernel '" + k_.name + "': negative local_count");
    if (event && (k_.input_names.size() != 1 || !k_.receptor_names.empty()))
        throw EmitError("kernel '" + k_.name +
                        "': a synapse event kernel has one input (the event time) and no "
                        "receptors");

    std::set<std::string> taken{"n", "i", "e", "args", "spiked", "n_spiked", "synapses"};
    for (const auto& name : k_.state_names) {
        state_array_.push_back(variable_name("state_", name, taken));
        state_value_.push_back(variable_name("s_", name, taken));
    }
    for (const auto& name : k_.input_names) {
        input_array_.push_back(variable_name("input_", name, taken));
        input_value_.push_back(variable_name("in_", name, taken));
    }
    for (const auto& name : k_.receptor_names) {
        receptor_array_.push_back(variable_name("receptor_", name, taken));
        receptor_value_.push_back(variable_name("r_", name, taken));
    }
    ExpressionWriter w("kernel '" + k_.name + "'", state_value_, input_value_, receptor_value_,
                       k_.local_count);

    if (!origin.empty()) out_ += comment_lines(origin, "");
    out_ += fmt::format("extern \"C\" void {}(const {}* args) {{\n", k_.name,
                        event ? "nncrt_synapse_event_args" : "nncrt_kernel_args");
    out_ += "    const uint64_t n = args->n;\n";
    if (event) out_ += "    const uint64_t* const synapses = args->synapses;\n";
    for (size_t j = 0; j < k_.state_names.size(); ++j)
        if (use_.state_read[j] || use_.state_written[j])
            out_ += fmt::format("    double* const {} = args->state[{}];\n", state_array_[j], j);
    if (event) {
        if (use_.input[0]) out_ += "    const double " + input_value_[0] + " = args->t_ms;\n";
    } else {
        for (size_t k = 0; k < k_.input_names.size(); ++k)
            if (use_.input[k])
                out_ += fmt::format("    const double* const {} = args->input[{}];\n",
                                    input_array_[k], k);
        for (size_t r = 0; r < k_.receptor_names.size(); ++r)
            if (use_.receptor[r])
                out_ += fmt::format("    const double* const {} = args->receptor[{}];\n",
                                    receptor_array_[r], r);
        if (use_.emits) out_ += "    uint32_t* const spiked = args->spiked;\n";
        out_ += "    uint64_t n_spiked = 0;\n";
    }

    out_ += "    for (uint64_t i = 0; i < n; ++i) {\n";
    const std::string element = event ? "e" : "i";
    if (event) out_ += "        const uint64_t e = synapses[i];\n";
    for (size_t j = 0; j < k_.state_names.size(); ++j)
        if (use_.state_read[j] || use_.state_written[j])
            out_ += fmt::format("        double {} = {}[{}];\n", state_value_[j], state_array_[j],
                                element);
    if (!event) {
        for (size_t k = 0; k < k_.input_names.size(); ++k)
            if (use_.input[k])
                out_ += fmt::format("        const double {} = {}[i];\n", input_value_[k],
                                    input_array_[k]);
        for (size_t r = 0; r < k_.receptor_names.size(); ++r)
            if (use_.receptor[r])
                out_ += fmt::format("        const double {} = {}[i];\n", receptor_value_[r],
                                    receptor_array_[r]);
    }
    // A local read before it is set reads 0, as in the JIT: no value crosses neurons.
    for (int l = 0; l < k_.local_count; ++l)
        if (use_.local_read[size_t(l)]) out_ += fmt::format("        double local_{} = 0.0;\n", l);

    stmts(k_.body, w, "        ");

    for (size_t j = 0; j < k_.state_names.size(); ++j)
        if (use_.state_written[j])
            out_ +=
                fmt::format("        {}[{}] = {};\n", state_array_[j], element, state_value_[j]);
    out_ += "    }\n";
    if (!event) out_ += "    *args->n_spiked = n_spiked;\n";
    out_ += "}\n";
    return out_;
}

} // namespace

std::string double_literal(double value) {
    if (!std::isfinite(value))
        return fmt::format("nnc_double_from_bits(0x{:016x}ULL)", std::bit_cast<uint64_t>(value));
    // fmt writes the shortest decimal that reads back as the same double; C++ compilers
    // round decimal literals correctly, so the literal is exact.
    std::string s = fmt::format("{}", value);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

std::string kernel_file_prelude() {
    return R"(#include "nncrt/abi.h"

#include <bit>
#include <math.h>
#include <stdint.h>

namespace {

// The kernel IR's fmin and fmax: the second operand on equality, the other one if exactly
// one is NaN (as the JIT computes them, and the constant folder).
[[maybe_unused]] inline double nnc_fmin(double x, double y) {
    return y != y ? x : (x < y ? x : y);
}
[[maybe_unused]] inline double nnc_fmax(double x, double y) {
    return y != y ? x : (x > y ? x : y);
}
// An infinity or NaN, by its bits.
[[maybe_unused]] constexpr double nnc_double_from_bits(uint64_t bits) {
    return std::bit_cast<double>(bits);
}

} // namespace
)";
}

std::string emit_kernel(const kir::PopulationKernel& kernel, const std::string& origin) {
    return KernelWriter(kernel).run(origin);
}

std::string emit_scalar_function(const kir::ScalarFunction& function, const std::string& origin) {
    if (!kir::is_c_identifier(function.name) || find_math_function(function.name))
        throw EmitError("scalar function name '" + function.name + "' is not usable in C");
    std::vector<std::string> args;
    for (size_t k = 0; k < function.argument_names.size(); ++k)
        args.push_back(fmt::format("args[{}]", k));
    ExpressionWriter w("scalar function '" + function.name + "'", {}, args, {}, 0);
    std::string out = origin.empty() ? "" : comment_lines(origin, "");
    std::string arguments;
    for (size_t k = 0; k < function.argument_names.size(); ++k)
        arguments += fmt::format("{}args[{}] = {}", k ? ", " : "", k, function.argument_names[k]);
    if (!arguments.empty()) out += "// " + arguments + "\n";
    // A constant function does not read its arguments (-Wunused-parameter).
    const std::string body = w.expr(function.value);
    const bool reads = body.find("args[") != std::string::npos;
    out += fmt::format("extern \"C\" double {}(const double* {}) {{\n", function.name,
                       reads ? "args" : "/*args*/");
    out += wrapped("    return " + body + ";", "    ");
    out += "}\n";
    return out;
}

} // namespace nnc::cppgen
