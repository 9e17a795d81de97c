// Turns an AST expression into a typed IR expression: resolves names through a
// scope (unit names last), infers the dimension of every node, checks the
// dimension rules of every operator and function, and folds constant subtrees.
// The same builder serves models (names become Param/State/Input/Weight
// references) and the network layer (names become constants, so the result
// folds to one number). Problems are collected, not reported, so that the
// caller can add a better hint (a parameter declared without a unit) first.
#pragma once

#include "frontend/ast.h"
#include "ir/expr.h"

#include <optional>
#include <string>
#include <vector>

namespace nnc::sema {

/// One problem found while building an expression.
struct Problem {
    SourceRange at;
    std::string message;
    std::string hint;
    bool dimension = false; ///< a dimension mismatch, which a missing unit may explain
};

/// What a name means where it is used.
struct Resolution {
    enum class Kind {
        NotFound,  ///< not a symbol here: try unit names, then report "unknown name"
        Found,     ///< `expr` (a reference or a constant)
        Forbidden, ///< a symbol that may not be used here: report `message`/`hint`
        Poisoned,  ///< a symbol whose own definition failed: fail quietly
    };
    Kind kind = Kind::NotFound;
    ir::ExprPtr expr;
    std::string message;
    std::string hint;

    static Resolution found(ir::ExprPtr e) { return {Kind::Found, std::move(e), {}, {}}; }
    static Resolution forbidden(std::string message, std::string hint = {}) {
        return {Kind::Forbidden, nullptr, std::move(message), std::move(hint)};
    }
    static Resolution poisoned() { return {Kind::Poisoned, nullptr, {}, {}}; }
};

class NameScope {
public:
    virtual ~NameScope() = default;
    virtual Resolution resolve(const std::string& name) const = 0;
    /// Names to suggest from when a name is unknown.
    virtual std::vector<std::string> visible_names() const = 0;
    /// A table expression where a number is expected: `N[i]`, `len(N)`, `sum(N)`, an array
    /// literal or a string. Only the network layer has tables; elsewhere they are refused.
    virtual Resolution resolve_table(const ast::Expr& e) const;
};

/// A scope with no symbols: only unit names resolve (for `input I : pA`).
class UnitScope final : public NameScope {
public:
    Resolution resolve(const std::string&) const override { return {}; }
    std::vector<std::string> visible_names() const override { return {}; }
};

class ExprBuilder {
public:
    /// `unit_context`: the expression is a unit (`pA`, `mV/ms`), so an unknown name is an
    /// unknown unit.
    ExprBuilder(const NameScope& scope, std::vector<Problem>& problems, bool unit_context = false)
        : scope_(scope), problems_(problems), unit_context_(unit_context) {}

    /// The typed expression; null if there was a problem (recorded in `problems`).
    ir::ExprPtr build(const ast::Expr& e);

private:
    ir::ExprPtr number(const ast::Expr& e);
    ir::ExprPtr name(const ast::Expr& e);
    ir::ExprPtr unary(const ast::Expr& e);
    ir::ExprPtr binary(const ast::Expr& e);
    ir::ExprPtr compare(const ast::Expr& e);
    ir::ExprPtr logical(const ast::Expr& e);
    ir::ExprPtr call(const ast::Expr& e);
    ir::ExprPtr table(const ast::Expr& e);

    /// Builds the node, folding it into a constant if all its operands are constants.
    ir::ExprPtr finish(ir::Op op, std::vector<ir::ExprPtr> args, Dimension dim, const ast::Expr& at,
                       std::string fn = {});
    /// Records "dimension mismatch: left side is ..., right side is ...".
    void mismatch(const ast::Expr& at, const std::string& what, const std::string& left_label,
                  const std::string& right_label, const ast::Expr& left, const ast::Expr& right,
                  const ir::Expr& l, const ir::Expr& r);
    void problem(SourceRange at, std::string message, std::string hint = {}, bool dim = false);

    const NameScope& scope_;
    std::vector<Problem>& problems_;
    bool unit_context_;
};

/// The value of `e` if it is a number written without a unit (`10`, `-70`).
std::optional<double> bare_literal(const ast::Expr& e);

/// For a literal of the wrong dimension: "write `0 pA`: ..." when it is a bare number,
/// "`mS` is a unit of conductance; did you mean `ms`?" when its unit differs from a wanted
/// one by case; empty otherwise.
std::string literal_hint(const ast::Expr& literal, const Dimension& wanted);

/// The language's math functions (for "did you mean").
const std::vector<std::string>& math_function_names();

} // namespace nnc::sema
