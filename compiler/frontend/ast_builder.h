// Private to the front end: the bridge between ANTLR's parse trees and the AST. It is a
// header only so that parser.cpp (which runs ANTLR) and ast_builder.cpp (which reads the
// trees) share the token-to-location rules; nothing outside compiler/frontend includes it.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

#include "NmlParser.h"

#include <optional>
#include <string>
#include <string_view>

namespace nnc::frontend_detail {

/// Parentheses and brackets deeper than this are refused before parsing, because the
/// generated parser recurses once per level and would overflow the stack.
inline constexpr unsigned max_bracket_depth = 256;
/// An expression tree deeper than this (`a + a + ... + a`, `- - - x`) is refused, because
/// every later stage walks expressions recursively.
inline constexpr unsigned max_expression_depth = 1024;

/// Where a token starts; columns are 1-based and count bytes, because the lexer reads one
/// byte per character (see parser.cpp).
inline SourceLoc token_begin(FileId file, const antlr4::Token* token) {
    return {file, static_cast<uint32_t>(token->getLine()),
            static_cast<uint32_t>(token->getCharPositionInLine() + 1)};
}

/// The last character of a token (tokens never span lines in this grammar).
inline SourceLoc token_end(FileId file, const antlr4::Token* token) {
    SourceLoc loc = token_begin(file, token);
    size_t start = token->getStartIndex(), stop = token->getStopIndex();
    if (start != INVALID_INDEX && stop != INVALID_INDEX && stop >= start)
        loc.col += static_cast<uint32_t>(stop - start);
    return loc;
}

inline SourceRange token_range(FileId file, const antlr4::Token* first, const antlr4::Token* last) {
    return {token_begin(file, first), token_end(file, last ? last : first)};
}

/// The bytes of the source that a token covers (token->getText() would re-encode bytes
/// above 0x7f as UTF-8).
inline std::string_view token_text(std::string_view source, const antlr4::Token* token) {
    size_t start = token->getStartIndex(), stop = token->getStopIndex();
    if (start == INVALID_INDEX || stop == INVALID_INDEX || stop < start || stop >= source.size())
        return {};
    return source.substr(start, stop - start + 1);
}

/// Builds the AST of a parse tree that had no syntax errors. Problems the grammar cannot
/// express (chained comparisons, a stimulus that is not a call, nesting too deep, a number
/// out of range) are reported here; the result is empty if there were any.
class AstBuilder {
public:
    AstBuilder(FileId file, std::string_view source, DiagnosticEngine& diags);

    std::optional<ast::File> build(grammar::NmlParser::FileContext* tree);
    ast::ExprPtr build(grammar::NmlParser::StandaloneExprContext* tree);
    std::optional<ast::SessionInput> build(grammar::NmlParser::SessionInputContext* tree);

private:
    struct Built {
        ast::ExprPtr expr;
        unsigned depth = 0;
    };

    SourceRange range(antlr4::ParserRuleContext* ctx) const;
    SourceRange range(const antlr4::Token* token) const;
    std::string text(const antlr4::Token* token) const;
    std::string context_text(antlr4::ParserRuleContext* ctx) const;
    void error(SourceRange at, const std::string& message, const std::string& hint = {});

    /// The text of a string token, quotes removed and escapes undone (unknown ones reported,
    /// with `hint`).
    ast::Import import(grammar::NmlParser::ImportDeclContext* ctx);
    ast::Neuron neuron(grammar::NmlParser::NeuronDeclContext* ctx);
    ast::NeuronAlias neuron_alias(grammar::NmlParser::NeuronDeclContext* ctx);
    ast::Channel channel(grammar::NmlParser::ChannelDeclContext* ctx);
    ast::Synapse synapse(grammar::NmlParser::SynapseDeclContext* ctx);
    ast::Ode ode(grammar::NmlParser::OdeContext* ctx);
    ast::Network network(grammar::NmlParser::NetworkDeclContext* ctx);
    std::optional<ast::NetworkItem> network_item(grammar::NmlParser::NetworkItemContext* ctx);
    std::vector<ast::Binding> bindings(grammar::NmlParser::BindingBlockContext* ctx);
    ast::Binding binding(grammar::NmlParser::BindingContext* ctx);
    std::vector<ast::Statement> block(grammar::NmlParser::BlockContext* ctx);
    std::optional<ast::Statement> statement(grammar::NmlParser::StatementContext* ctx);
    std::vector<ast::PopulationRef> population_set(grammar::NmlParser::PopulationSetContext* ctx);
    Built table_lookup(const antlr4::Token* table,
                       const std::vector<grammar::NmlParser::ExprContext*>& indices);
    std::string unquote(const antlr4::Token* token, const char* hint);

    ast::ExprPtr expression(grammar::NmlParser::ExprContext* ctx);
    Built expr(grammar::NmlParser::ExprContext* ctx);
    Built or_expr(grammar::NmlParser::OrExprContext* ctx);
    Built and_expr(grammar::NmlParser::AndExprContext* ctx);
    Built not_expr(grammar::NmlParser::NotExprContext* ctx);
    Built comparison(grammar::NmlParser::ComparisonContext* ctx);
    Built additive(grammar::NmlParser::AdditiveContext* ctx);
    Built multiplicative(grammar::NmlParser::MultiplicativeContext* ctx);
    Built unary(grammar::NmlParser::UnaryContext* ctx);
    Built power(grammar::NmlParser::PowerContext* ctx);
    Built primary(grammar::NmlParser::PrimaryContext* ctx);

    template <typename Operand, typename F>
    Built fold_left(antlr4::ParserRuleContext* ctx, const std::vector<Operand*>& operands,
                    const std::vector<antlr4::Token*>& ops, ast::ExprKind kind, F build);
    Built make_unary(const antlr4::Token* op, SourceRange range, Built operand);
    Built make_binary(ast::ExprKind kind, const antlr4::Token* op, SourceRange range, Built lhs,
                      Built rhs);
    Built limit_depth(Built built);
    /// Stands in for an expression the parser could not build after a syntax error it has
    /// already reported, so that the rest of the file can still be checked.
    static Built recovery_expr(SourceRange range);

    FileId file_;
    std::string_view source_;
    DiagnosticEngine& diags_;
    bool failed_ = false;
    bool reported_depth_ = false;
};

} // namespace nnc::frontend_detail
