// Runs the ANTLR4 lexer and parser over a registered file and turns what goes wrong into
// diagnostics in plain words. ANTLR's own recovery (single-token insertion and deletion,
// resynchronisation at loops) is kept, so one run reports several syntax errors; only the
// wording and the locations of its reports are replaced.
#include "frontend/parser.h"

#include "frontend/ast_builder.h"

#include "NmlLexer.h"
#include "NmlParser.h"
#include "antlr4-runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>

namespace nnc {

namespace {

using antlr4::ParserRuleContext;
using antlr4::Token;
using grammar::NmlLexer;
using grammar::NmlParser;
using namespace frontend_detail;

/// `µm`, `μs`: the micro sign U+00B5 or the Greek mu U+03BC (in UTF-8) followed by ASCII
/// letters; sema decides whether it is a unit.
bool is_micro_unit(std::string_view text) {
    for (std::string_view mu : {"\xC2\xB5", "\xCE\xBC"}) {
        if (!text.starts_with(mu) || text.size() == mu.size()) continue;
        std::string_view rest = text.substr(mu.size());
        return std::all_of(rest.begin(), rest.end(),
                           [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    }
    return false;
}

/// After this many syntax errors in one file the rest is skipped: random bytes would
/// otherwise produce one error per few characters.
constexpr unsigned kMaxSyntaxErrors = 25;

/// Feeds the lexer one character per byte. Columns then count bytes, as SourceLoc says,
/// and no byte sequence can make the runtime's UTF-8 decoder throw.
class ByteStream : public antlr4::ANTLRInputStream {
public:
    explicit ByteStream(std::string_view bytes) {
        _data.reserve(bytes.size());
        for (unsigned char c : bytes)
            _data.push_back(static_cast<char32_t>(c));
    }
};

/// Thrown past the parser to stop at kMaxSyntaxErrors.
struct TooManyErrors {};

bool valid_utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        size_t length = c < 0x80           ? 1
                        : (c >> 5) == 0x6  ? 2
                        : (c >> 4) == 0xE  ? 3
                        : (c >> 3) == 0x1E ? 4
                                           : 0;
        if (length == 0 || i + length > text.size()) return false;
        for (size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        i += length;
    }
    return true;
}

/// `'text'`, with control bytes (and non-ASCII bytes unless the text is valid UTF-8)
/// escaped, and long text cut short.
std::string quote(std::string_view text) {
    bool keep_utf8 = valid_utf8(text);
    std::string out = "'";
    size_t shown = 0;
    for (unsigned char c : text) {
        if (++shown > 32 && (c & 0xC0) != 0x80) {
            out += "...";
            break;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && !keep_utf8))
            out += fmt::format("\\x{:02x}", c);
        else
            out += static_cast<char>(c);
    }
    return out + "'";
}

/// Source text of a context with runs of whitespace folded, for messages.
std::string context_text(std::string_view source, ParserRuleContext* ctx, size_t limit = 40) {
    if (!ctx || !ctx->getStart() || !ctx->getStop()) return {};
    size_t start = ctx->getStart()->getStartIndex(), stop = ctx->getStop()->getStopIndex();
    if (start == INVALID_INDEX || stop == INVALID_INDEX || stop < start || stop >= source.size())
        return {};
    std::string out;
    for (char c : source.substr(start, stop - start + 1)) {
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    if (out.size() > limit) out = out.substr(0, limit) + "...";
    return out;
}

/// IntervalSet::contains is overloaded for size_t and ssize_t, which makes a plain token
/// constant ambiguous.
bool contains(const antlr4::misc::IntervalSet& set, size_t type) {
    return set.contains(type);
}

bool is_keyword(size_t type) {
    return type >= NmlLexer::IMPORT && type <= NmlLexer::FALSE;
}

// ---------------------------------------------------------------------------------------
// Reporting

class SyntaxReporter {
public:
    SyntaxReporter(FileId file, const SourceManager& sources, DiagnosticEngine& diags,
                   antlr4::BufferedTokenStream& tokens, std::string eof_name)
        : file_(file), source_(sources.text(file)), name_(sources.name(file)), diags_(diags),
          tokens_(tokens), eof_name_(std::move(eof_name)) {}

    void error(SourceRange at, const std::string& message, const std::string& hint = {}) {
        // The recovery occasionally reaches the same verdict twice at one place.
        if (!entries_.empty() && same_place(entries_.back().at, at) &&
            entries_.back().message == message)
            return;
        entries_.push_back({at, message, hint, {}});
        if (entries_.size() >= kMaxSyntaxErrors) throw TooManyErrors{};
    }
    /// A note on the error reported last.
    void note(SourceRange at, const std::string& message) {
        if (!entries_.empty()) entries_.back().notes.push_back({at, message});
    }

    /// Hands the errors to the engine in source order: the prescan finds stray characters
    /// before the parser finds what they broke.
    void flush(bool too_many) {
        std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
            return std::pair(a.at.begin.line, a.at.begin.col) <
                   std::pair(b.at.begin.line, b.at.begin.col);
        });
        for (const Entry& entry : entries_) {
            diags_.error(entry.at, entry.message, entry.hint);
            for (const auto& [at, message] : entry.notes)
                diags_.note(at, message);
        }
        if (too_many)
            diags_.note({}, fmt::format("too many syntax errors in '{}'; the rest of it was not "
                                        "checked",
                                        name_));
        entries_.clear();
    }

    size_t count() const { return entries_.size(); }
    FileId file() const { return file_; }
    std::string_view source() const { return source_; }
    const std::string& eof_name() const { return eof_name_; }

    /// The token's range; the end of the file is placed just after the last token, where
    /// the missing text belongs, rather than on an empty last line.
    SourceRange range(const Token* token) const {
        if (!token) return {};
        if (token->getType() != Token::EOF) return token_range(file_, token, token);
        if (const Token* last = previous_on_channel(token)) {
            SourceLoc after = token_end(file_, last);
            after.col += 1;
            return {after, after};
        }
        return {{file_, 1, 1}, {file_, 1, 1}};
    }

    /// `'foo'`, or "end of file".
    std::string describe(const Token* token) const {
        if (!token || token->getType() == Token::EOF) return eof_name_;
        return quote(token_text(source_, token));
    }

    /// The closest token before `token` that the parser sees (skipping bad characters).
    const Token* previous_on_channel(const Token* token) const {
        size_t index = token->getTokenIndex();
        if (index == INVALID_INDEX) return nullptr;
        while (index-- > 0) {
            Token* t = tokens_.get(index);
            if (t->getChannel() == Token::DEFAULT_CHANNEL && t->getType() != Token::EOF) return t;
        }
        return nullptr;
    }

private:
    FileId file_;
    std::string_view source_;
    std::string name_;
    DiagnosticEngine& diags_;
    antlr4::BufferedTokenStream& tokens_;
    std::string eof_name_;
    struct Entry {
        SourceRange at;
        std::string message, hint;
        std::vector<std::pair<SourceRange, std::string>> notes;
    };
    static bool same_place(SourceRange a, SourceRange b) {
        return a.begin.line == b.begin.line && a.begin.col == b.begin.col;
    }
    std::vector<Entry> entries_;
};

/// `on V_m = V_th { ... }`: '=' where a condition wants '=='. Reported and read as '==',
/// because by the time the parser meets the '=' the condition has ended and the rest of
/// the handler would be lost.
void repair_conditions(antlr4::CommonTokenStream& tokens, SyntaxReporter& reporter) {
    std::vector<Token*> seen;
    for (Token* token : tokens.getTokens())
        if (token->getChannel() == Token::DEFAULT_CHANNEL) seen.push_back(token);
    for (size_t i = 0; i + 1 < seen.size(); ++i) {
        if (seen[i]->getType() != NmlLexer::ON || seen[i + 1]->getType() == NmlLexer::SPIKE)
            continue;
        int depth = 0;
        for (size_t k = i + 1; k < seen.size(); ++k) {
            size_t type = seen[k]->getType();
            if (type == NmlLexer::LPAREN)
                ++depth;
            else if (type == NmlLexer::RPAREN)
                --depth;
            else if (type == NmlLexer::LBRACE || type == NmlLexer::RBRACE || type == Token::EOF ||
                     (is_keyword(type) && type != NmlLexer::AND && type != NmlLexer::OR &&
                      type != NmlLexer::NOT && type != NmlLexer::TRUE && type != NmlLexer::FALSE))
                break;
            else if (type == NmlLexer::ASSIGN && depth == 0) {
                reporter.error(reporter.range(seen[k]), "'=' in a condition",
                               "'=' assigns; write '==' to compare");
                if (auto* writable = dynamic_cast<antlr4::WritableToken*>(seen[k]))
                    writable->setType(NmlLexer::EQ);
            }
        }
    }
}

/// `×`, `−`, `≥`: a character outside ASCII that looks like an operator of the language.
struct OperatorLookAlike {
    std::string_view utf8;
    size_t type;
    const char* ascii;
};

const OperatorLookAlike* operator_look_alike(std::string_view text) {
    static const OperatorLookAlike look_alikes[] = {
        {"\xC3\x97", NmlLexer::STAR, "*"},       // × multiplication sign
        {"\xC2\xB7", NmlLexer::STAR, "*"},       // · middle dot
        {"\xE2\x8B\x85", NmlLexer::STAR, "*"},   // ⋅ dot operator
        {"\xC3\xB7", NmlLexer::SLASH, "/"},      // ÷ division sign
        {"\xE2\x88\x92", NmlLexer::MINUS, "-"},  // − minus sign
        {"\xE2\x80\x93", NmlLexer::MINUS, "-"},  // – en dash
        {"\xE2\x89\xA4", NmlLexer::LE, "<="},    // ≤
        {"\xE2\x89\xA5", NmlLexer::GE, ">="},    // ≥
        {"\xE2\x89\xA0", NmlLexer::NE, "!="},    // ≠
        {"\xE2\x86\x92", NmlLexer::ARROW, "->"}, // → rightwards arrow
    };
    for (const auto& look_alike : look_alikes)
        if (text == look_alike.utf8) return &look_alike;
    return nullptr;
}

/// `1e+ mV`, `2.5E ms`: a number whose exponent has no digits. The lexer reads the number
/// without it and then a name `e`; reported here as the malformed number it is, and the
/// `e` and its sign are dropped so that the rest parses. `all[i]` is the name.
bool exponent_without_digits(const std::vector<Token*>& all, size_t i, SyntaxReporter& reporter) {
    std::string_view source = reporter.source();
    Token* e = all[i];
    Token* number = i > 0 ? all[i - 1] : nullptr;
    std::string_view e_text = token_text(source, e);
    if (!number || number->getType() != NmlLexer::NUMBER ||
        number->getStopIndex() + 1 != e->getStartIndex() || (e_text != "e" && e_text != "E"))
        return false;
    std::string_view digits = token_text(source, number);
    if (digits.find_first_of("eE") != std::string_view::npos) return false;
    Token* last = e;
    if (i + 1 < all.size() && e->getStopIndex() + 1 == all[i + 1]->getStartIndex() &&
        (all[i + 1]->getType() == NmlLexer::PLUS || all[i + 1]->getType() == NmlLexer::MINUS))
        last = all[i + 1];
    reporter.error(
        token_range(reporter.file(), number, last),
        fmt::format("malformed number {}: the exponent has no digits",
                    quote(source.substr(number->getStartIndex(),
                                        last->getStopIndex() - number->getStartIndex() + 1))),
        "an exponent is written with digits, as in 1e-3 or 2.5E+2");
    for (Token* dropped : {e, last})
        if (auto* writable = dynamic_cast<antlr4::WritableToken*>(dropped))
            writable->setChannel(Token::HIDDEN_CHANNEL);
    return true;
}

/// Reports what the lexer and the token stream reveal before parsing: stray characters,
/// unterminated strings, and nesting that would overflow the parser's stack. Returns false
/// if parsing must not be attempted.
bool prescan(antlr4::CommonTokenStream& tokens, SyntaxReporter& reporter) {
    tokens.fill();
    std::vector<Token*> all = tokens.getTokens();
    unsigned depth = 0;
    int previous = -1; ///< type of the last token on the parser's channel
    for (size_t i = 0; i < all.size(); ++i) {
        Token* token = all[i];
        const int before = previous;
        if (token->getChannel() == Token::DEFAULT_CHANNEL) previous = int(token->getType());
        switch (token->getType()) {
        case NmlLexer::ERROR_CHAR: {
            // One report for a run of stray characters on one line.
            size_t last = i;
            while (last + 1 < all.size() && all[last + 1]->getType() == NmlLexer::ERROR_CHAR &&
                   all[last + 1]->getLine() == token->getLine() &&
                   all[last + 1]->getStartIndex() == all[last]->getStopIndex() + 1)
                ++last;
            std::string_view bytes = reporter.source().substr(
                token->getStartIndex(), all[last]->getStopIndex() - token->getStartIndex() + 1);
            bool non_ascii = std::any_of(bytes.begin(), bytes.end(), [](char c) {
                return static_cast<unsigned char>(c) >= 0x80;
            });
            reporter.error(token_range(reporter.file(), token, all[last]),
                           fmt::format("unexpected {} {}",
                                       bytes.size() == 1 ? "character" : "characters",
                                       quote(bytes)),
                           non_ascii ? "names use only ASCII letters, digits and '_'; other "
                                       "characters may appear in comments and strings"
                                     : "");
            i = last;
            break;
        }
        case NmlLexer::ID:
            if (before == NmlLexer::NUMBER && exponent_without_digits(all, i, reporter))
                previous = NmlLexer::NUMBER;
            break;
        case NmlLexer::BAD_ID:
            if (const OperatorLookAlike* look_alike =
                    operator_look_alike(token_text(reporter.source(), token))) {
                reporter.error(reporter.range(token),
                               fmt::format("unexpected character {}",
                                           quote(token_text(reporter.source(), token))),
                               fmt::format("write '{}' for this operator", look_alike->ascii));
                // Read as the operator it looks like, so that the rest of the line parses.
                if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token))
                    writable->setType(look_alike->type);
                previous = int(look_alike->type);
                break;
            }
            // `10 µs`, `mV/µs`, `: µA`: the micro sign (or Greek mu) before a unit is what
            // people write. Only where a unit can stand, so that no name is declared with it.
            if (is_micro_unit(token_text(reporter.source(), token)) &&
                (before == NmlLexer::NUMBER || before == NmlLexer::STAR ||
                 before == NmlLexer::SLASH || before == NmlLexer::COLON)) {
                if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token))
                    writable->setType(NmlLexer::ID);
                break;
            }
            reporter.error(reporter.range(token),
                           fmt::format("invalid character in the name {}",
                                       quote(token_text(reporter.source(), token))),
                           "names use only ASCII letters, digits and '_'; other characters may "
                           "appear in comments and strings");
            if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token))
                writable->setType(NmlLexer::ID);
            break;
        case NmlLexer::UNTERMINATED_STRING:
            reporter.error(reporter.range(token), "unterminated string",
                           "a string ends with '\"' on the line where it starts");
            // Reported once here; the parser takes it for the string it was meant to be.
            if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token))
                writable->setType(NmlLexer::STRING);
            break;
        case NmlLexer::LPAREN:
        case NmlLexer::LBRACK:
            if (++depth > max_bracket_depth) {
                reporter.error(reporter.range(token), "expression nested too deeply",
                               fmt::format("at most {} parentheses and brackets may be open at "
                                           "once",
                                           max_bracket_depth));
                return false;
            }
            break;
        case NmlLexer::RPAREN:
        case NmlLexer::RBRACK:
            if (depth > 0) --depth;
            break;
        default:
            break;
        }
    }
    repair_conditions(tokens, reporter);
    return true;
}

/// For errors that reach ANTLR's listeners without passing through the strategy (the
/// lexer's, which the catch-all ERROR_CHAR rule should make impossible).
class FallbackListener : public antlr4::BaseErrorListener {
public:
    explicit FallbackListener(SyntaxReporter& reporter) : reporter_(reporter) {}
    void syntaxError(antlr4::Recognizer*, Token* token, size_t line, size_t column,
                     const std::string& message, std::exception_ptr) override {
        if (token) {
            reporter_.error(reporter_.range(token), message);
        } else {
            SourceLoc at{reporter_.file(), static_cast<uint32_t>(line),
                         static_cast<uint32_t>(column + 1)};
            reporter_.error({at, at}, message);
        }
    }

private:
    SyntaxReporter& reporter_;
};

// ---------------------------------------------------------------------------------------
// Blocks: for "expected '}' to close the block of neuron 'x'".

Token* child_token(ParserRuleContext* ctx, size_t type) {
    for (auto* child : ctx->children) {
        // Error nodes are tokens skipped or conjured by the recovery, not real matches.
        if (dynamic_cast<antlr4::tree::ErrorNode*>(child)) continue;
        if (auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child))
            if (terminal->getSymbol()->getType() == type) return terminal->getSymbol();
    }
    return nullptr;
}

/// What owns the braces of a BindingBlock or Block: "'parameters'", "population 'E'",
/// "'on spike exc'", ...
std::string owner_of_braces(antlr4::tree::ParseTree* owner, std::string_view source) {
    auto bare = [&](Token* token) { return token ? std::string(token_text(source, token)) : "?"; };
    if (dynamic_cast<NmlParser::ParametersBlockContext*>(owner) ||
        dynamic_cast<NmlParser::SynapseParametersBlockContext*>(owner) ||
        dynamic_cast<NmlParser::ChannelParametersBlockContext*>(owner))
        return "'parameters'";
    if (dynamic_cast<NmlParser::StateBlockContext*>(owner) ||
        dynamic_cast<NmlParser::SynapseStateBlockContext*>(owner) ||
        dynamic_cast<NmlParser::ChannelStateBlockContext*>(owner))
        return "'state'";
    if (auto* c = dynamic_cast<NmlParser::SynapseHandlerContext*>(owner))
        return fmt::format("'on {}'", bare(c->event));
    if (dynamic_cast<NmlParser::SimulateItemContext*>(owner)) return "'simulate'";
    if (auto* c = dynamic_cast<NmlParser::PopulationItemContext*>(owner))
        return "population " + (c->name ? quote(context_text(source, c->name)) : "?");
    if (auto* c = dynamic_cast<NmlParser::ProjectItemContext*>(owner))
        return fmt::format("'project {} -> {}'", c->source ? context_text(source, c->source) : "?",
                           c->target ? context_text(source, c->target) : "?");
    if (auto* c = dynamic_cast<NmlParser::ReceptorHandlerContext*>(owner))
        return fmt::format("'on spike {}'", bare(c->name));
    if (auto* c = dynamic_cast<NmlParser::ThresholdHandlerContext*>(owner))
        return fmt::format("'on {}'", context_text(source, c->condition));
    return "a block";
}

/// "neuron 'x'", "'parameters'", "'on V_m >= V_th'", ...: what a context's `{ }` belong
/// to; empty for contexts without braces of their own.
std::string block_owner(ParserRuleContext* ctx, std::string_view source) {
    auto name = [&](Token* token) { return token ? quote(token_text(source, token)) : "?"; };
    if (auto* c = dynamic_cast<NmlParser::NeuronDeclContext*>(ctx))
        return "neuron " + name(c->name);
    if (auto* c = dynamic_cast<NmlParser::SynapseDeclContext*>(ctx))
        return "synapse " + name(c->name);
    if (auto* c = dynamic_cast<NmlParser::ChannelDeclContext*>(ctx))
        return "channel " + name(c->name);
    if (dynamic_cast<NmlParser::ChannelsBlockContext*>(ctx)) return "'channels'";
    if (auto* c = dynamic_cast<NmlParser::NetworkDeclContext*>(ctx))
        return "network " + name(c->name);
    if (dynamic_cast<NmlParser::EquationsBlockContext*>(ctx) ||
        dynamic_cast<NmlParser::SynapseEquationsBlockContext*>(ctx) ||
        dynamic_cast<NmlParser::ChannelEquationsBlockContext*>(ctx))
        return "'equations'";
    if (dynamic_cast<NmlParser::BindingBlockContext*>(ctx) ||
        dynamic_cast<NmlParser::BlockContext*>(ctx))
        return owner_of_braces(ctx->parent, source);
    return {};
}

struct OpenBlock {
    ParserRuleContext* ctx;
    Token* lbrace;
    std::string owner;
};

/// Blocks whose `{` has been read and whose `}` has not, innermost first.
std::vector<OpenBlock> open_blocks(ParserRuleContext* ctx, std::string_view source) {
    std::vector<OpenBlock> result;
    for (; ctx; ctx = dynamic_cast<ParserRuleContext*>(ctx->parent)) {
        std::string owner = block_owner(ctx, source);
        if (owner.empty()) continue;
        Token* lbrace = child_token(ctx, NmlParser::LBRACE);
        if (lbrace && !child_token(ctx, NmlParser::RBRACE))
            result.push_back({ctx, lbrace, std::move(owner)});
    }
    return result;
}

uint32_t indentation_of_line(std::string_view source, const Token* token) {
    size_t start = token->getStartIndex();
    size_t line_start = source.rfind('\n', start == 0 ? 0 : start - 1);
    line_start = (line_start == std::string_view::npos || start == 0) ? 0 : line_start + 1;
    uint32_t indent = 0;
    while (line_start + indent < source.size() &&
           (source[line_start + indent] == ' ' || source[line_start + indent] == '\t'))
        ++indent;
    return indent;
}

/// A `}` that starts its line indented less than the line of its `{`: after a forgotten
/// `}`, the next one closes the inner block although it was written for an outer one.
/// Searches the blocks (not expressions) under `ctx` in source order.
ParserRuleContext* misplaced_close(ParserRuleContext* ctx, std::string_view source) {
    for (auto* child : ctx->children) {
        auto* sub = dynamic_cast<ParserRuleContext*>(child);
        if (!sub || dynamic_cast<NmlParser::ExprContext*>(sub)) continue;
        Token* open = child_token(sub, NmlParser::LBRACE);
        Token* close = child_token(sub, NmlParser::RBRACE);
        if (open && close && close->getLine() > open->getLine() &&
            !block_owner(sub, source).empty() &&
            indentation_of_line(source, close) == close->getCharPositionInLine() &&
            close->getCharPositionInLine() < indentation_of_line(source, open))
            return sub;
        if (auto* found = misplaced_close(sub, source)) return found;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------
// Expected tokens in words

std::string join_alternatives(const std::vector<std::string>& items) {
    if (items.empty()) return {};
    if (items.size() == 1) return items[0];
    std::string out;
    for (size_t i = 0; i + 1 < items.size(); ++i)
        out += (i ? ", " : "") + items[i];
    return (items.size() == 2 ? "" : "one of ") + out + " or " + items.back();
}

/// "expected one of 'parameters', 'state', ... or '}'", with the many tokens that can
/// start an expression or continue one folded into "an expression" / "an operator", and
/// the optional ';' left out.
std::string describe_expected(const antlr4::misc::IntervalSet& set,
                              const antlr4::dfa::Vocabulary& vocabulary,
                              const std::string& eof_name) {
    std::vector<size_t> types;
    for (ssize_t t : set.toList())
        types.push_back(t < 0 ? Token::EOF : static_cast<size_t>(t));
    auto has = [&](size_t t) { return std::find(types.begin(), types.end(), t) != types.end(); };
    auto drop = [&](std::initializer_list<size_t> ts) {
        std::erase_if(types,
                      [&](size_t t) { return std::find(ts.begin(), ts.end(), t) != ts.end(); });
    };
    bool expression = has(NmlParser::NUMBER) && has(NmlParser::LPAREN) && has(NmlParser::TRUE);
    bool operators = has(NmlParser::STAR) && has(NmlParser::SLASH) && has(NmlParser::CARET);
    if (expression)
        // A string is an expression too (`from_csv("c.csv")`), but rarely the one meant.
        drop({NmlParser::ID, NmlParser::NUMBER, NmlParser::LPAREN, NmlParser::MINUS,
              NmlParser::PLUS, NmlParser::NOT, NmlParser::TRUE, NmlParser::FALSE, NmlParser::STRING,
              NmlParser::LBRACK});
    if (operators)
        drop({NmlParser::OR, NmlParser::AND, NmlParser::LT, NmlParser::LE, NmlParser::GT,
              NmlParser::GE, NmlParser::EQ, NmlParser::NE, NmlParser::PLUS, NmlParser::MINUS,
              NmlParser::STAR, NmlParser::SLASH, NmlParser::CARET, NmlParser::LPAREN,
              NmlParser::LBRACK});
    if (types.size() > 1 || expression || operators) drop({NmlParser::SEMI});
    // `synapse` may name a binding (the projection setting); where any name may come, it is
    // one of them, not worth a mention of its own.
    if (has(NmlParser::ID)) drop({NmlParser::SYNAPSE});

    // Kinds of token first ("a name or '}'"), then literal tokens, then the open-ended.
    std::vector<std::string> items, literals;
    if (has(NmlParser::ID) && !expression) items.push_back("a name");
    if (has(NmlParser::NUMBER) && !expression) items.push_back("a number");
    if (has(NmlParser::STRING)) items.push_back("a string");
    if (expression) items.push_back("an expression");
    for (size_t t : types) {
        switch (t) {
        case NmlParser::ID:
        case NmlParser::NUMBER:
        case NmlParser::STRING:
        case Token::EOF:
            break;
        case NmlParser::PRIME:
            literals.push_back("\"'\"");
            break;
        default: {
            std::string literal = vocabulary.getLiteralName(t);
            literals.push_back(literal.empty() ? vocabulary.getDisplayName(t) : literal);
        }
        }
    }
    items.insert(items.end(), literals.begin(), literals.end());
    if (operators) items.push_back("an operator");
    if (has(Token::EOF)) items.push_back(eof_name);
    if (items.empty()) return {};
    return "expected " + join_alternatives(items);
}

// ---------------------------------------------------------------------------------------
// The error strategy: ANTLR's recovery, our words.

/// Keywords that begin an item of a file, model or network: good places to resume after an
/// error, so never dropped as a stray token.
bool starts_item(size_t type) {
    switch (type) {
    case NmlParser::IMPORT:
    case NmlParser::NEURON:
    case NmlParser::SYNAPSE:
    case NmlParser::NETWORK:
    case NmlParser::PARAMETERS:
    case NmlParser::STATE:
    case NmlParser::EQUATIONS:
    case NmlParser::INPUT:
    case NmlParser::ON:
    case NmlParser::SOLVER:
    case NmlParser::LET:
    case NmlParser::POPULATION:
    case NmlParser::PROJECT:
    case NmlParser::STIMULATE:
    case NmlParser::RECORD:
    case NmlParser::SIMULATE:
    case NmlParser::FOR:
        return true;
    default:
        return false;
    }
}

/// Whether the token at LT(1) is followed by what follows a name (`state = 1`,
/// `input : pA`, `on * 2`), as opposed to starting an item of its own.
bool used_as_name(antlr4::Parser* parser) {
    switch (parser->getTokenStream()->LA(2)) {
    case NmlParser::ASSIGN:
    case NmlParser::PLUS_ASSIGN:
    case NmlParser::MINUS_ASSIGN:
    case NmlParser::TIMES_ASSIGN:
    case NmlParser::PRIME:
    case NmlParser::COLON:
    case NmlParser::STAR:
    case NmlParser::SLASH:
    case NmlParser::CARET:
    case NmlParser::PLUS:
    case NmlParser::MINUS:
    case NmlParser::RPAREN:
    case NmlParser::RBRACK:
    case NmlParser::COMMA:
    case NmlParser::LT:
    case NmlParser::LE:
    case NmlParser::GT:
    case NmlParser::GE:
    case NmlParser::EQ:
    case NmlParser::NE:
        return true;
    default:
        return false;
    }
}

class ErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
    explicit ErrorStrategy(SyntaxReporter& reporter) : reporter_(reporter) {}

    void sync(antlr4::Parser* parser) override {
        if (repair_keyword_as_name(parser)) return;
        DefaultErrorStrategy::sync(parser);
    }

    Token* recoverInline(antlr4::Parser* parser) override {
        if (repair_keyword_as_name(parser)) {
            Token* name = parser->getCurrentToken();
            parser->consume();
            return name;
        }
        if (Token* bracket = repair_parens_for_brackets(parser)) {
            parser->consume();
            return bracket;
        }
        // An opening bracket is rarely stray: in `on spike (w: pA)` the name is missing,
        // rather than the '(' being extra, although ANTLR would try deleting it first.
        size_t type = parser->getInputStream()->LA(1);
        if ((type == NmlParser::LPAREN || type == NmlParser::LBRACK || type == NmlParser::LBRACE) &&
            singleTokenInsertion(parser))
            return getMissingSymbol(parser);
        return DefaultErrorStrategy::recoverInline(parser);
    }

protected:
    /// ANTLR skips to a token that may follow the rules being parsed, and `}` always may;
    /// but the `}` of a block whose `{` was skipped too is no place to resume. Skipping
    /// whole blocks keeps a broken handler header from ending its model.
    void consumeUntil(antlr4::Parser* parser, const antlr4::misc::IntervalSet& set) override {
        size_t depth = 0;
        for (size_t type = parser->getInputStream()->LA(1); type != Token::EOF;
             type = parser->getInputStream()->LA(1)) {
            if (depth == 0 && set.contains(type)) return;
            if (type == NmlParser::LBRACE)
                ++depth;
            else if (type == NmlParser::RBRACE && depth > 0)
                --depth;
            parser->consume();
        }
    }

    Token* singleTokenDeletion(antlr4::Parser* parser) override {
        // `into` followed by `record spikes of E` on the next line lacks a value; dropping
        // `record` to read `spikes` as the value would wreck the next item too.
        if (starts_item(parser->getTokenStream()->LA(1))) return nullptr;
        return DefaultErrorStrategy::singleTokenDeletion(parser);
    }

    void reportNoViableAlternative(antlr4::Parser* parser,
                                   const antlr4::NoViableAltException& e) override {
        // When the decision failed several tokens into its lookahead, what it expected at
        // its start says little about the token where it failed.
        bool at_start = e.getStartToken() == e.getOffendingToken();
        diagnose(parser, e.getOffendingToken(), expected_at(parser), at_start);
    }

    void reportInputMismatch(antlr4::Parser* parser,
                             const antlr4::InputMismatchException& e) override {
        diagnose(parser, e.getOffendingToken(), e.getExpectedTokens(), true);
    }

    void reportFailedPredicate(antlr4::Parser* parser,
                               const antlr4::FailedPredicateException& e) override {
        diagnose(parser, e.getOffendingToken(), expected_at(parser), false);
    }

    void reportUnwantedToken(antlr4::Parser* parser) override {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        diagnose(parser, parser->getCurrentToken(), expected_at(parser), true);
    }

    void reportMissingToken(antlr4::Parser* parser) override {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        diagnose(parser, parser->getCurrentToken(), expected_at(parser), true);
    }

private:
    static antlr4::misc::IntervalSet expected_at(antlr4::Parser* parser) {
        try {
            return parser->getExpectedTokens();
        } catch (const std::exception&) {
            return {};
        }
    }

    void diagnose(antlr4::Parser* parser, Token* offending, const antlr4::misc::IntervalSet& set,
                  bool list_expected) {
        auto* ctx = parser->getContext();
        std::string_view source = reporter_.source();
        std::string expected =
            list_expected ? describe_expected(set, parser->getVocabulary(), reporter_.eof_name())
                          : std::string();
        std::vector<OpenBlock> blocks = open_blocks(ctx, source);

        if (offending->getType() == Token::EOF) {
            end_of_input(ctx, offending, set, expected, blocks);
            return;
        }
        if (junk_after_item(parser, ctx, offending)) return;

        // The rules entered at the offending token have read nothing yet; the item the
        // error belongs to is the first rule up that has.
        ParserRuleContext* item = ctx;
        while (item && item->getStart() == offending)
            item = dynamic_cast<ParserRuleContext*>(item->parent);
        // The first token of that item, when the error comes right after it.
        Token* item_start = nullptr;
        if (item &&
            (dynamic_cast<NmlParser::BindingContext*>(item) ||
             dynamic_cast<NmlParser::OdeContext*>(item) ||
             dynamic_cast<NmlParser::AssignStatementContext*>(item) ||
             dynamic_cast<NmlParser::StimulusOptionContext*>(item)) &&
            parser->getTokenStream()->LT(-1) == item->getStart())
            item_start = item->getStart();
        ctx = item ? item : ctx;

        if (item_start && dynamic_cast<NmlParser::OdeContext*>(ctx) &&
            offending->getType() == NmlParser::ASSIGN) {
            std::string var(token_text(source, item_start));
            reporter_.error(reporter_.range(item_start),
                            fmt::format("expected a derivative such as {}' = ... in the "
                                        "'equations' block",
                                        var),
                            fmt::format("write {}' for the derivative of {}; initial values "
                                        "belong in the 'state' block",
                                        var, var));
            return;
        }
        if (dynamic_cast<NmlParser::StimulusOptionContext*>(ctx) && item_start) {
            reporter_.error(reporter_.range(item_start),
                            fmt::format("expected a value after {}, found {}",
                                        quote(token_text(source, item_start)),
                                        reporter_.describe(offending)),
                            "stimulus options are written 'word value', as in 'weight J', "
                            "'receptor exc' or 'into I_stim'");
            return;
        }

        std::string message = "unexpected " + reporter_.describe(offending);
        if (!blocks.empty() && contains(set, NmlParser::RBRACE))
            message += " in the block of " + blocks.front().owner;
        if (!expected.empty()) message += "; " + expected;
        if (item_start) message += " after " + quote(token_text(source, item_start));
        reporter_.error(reporter_.range(offending), message, hint_for(parser, ctx, offending, set));
        note_open_bracket(ctx, set);
    }

    /// The file (or the -D value) ended too early.
    void end_of_input(ParserRuleContext* ctx, Token* eof, const antlr4::misc::IntervalSet& set,
                      const std::string& expected, const std::vector<OpenBlock>& blocks) {
        std::string_view source = reporter_.source();
        if (!blocks.empty() && (contains(set, NmlParser::RBRACE) || ctx == blocks.front().ctx)) {
            const OpenBlock& inner = blocks.front();
            reporter_.error(reporter_.range(eof),
                            fmt::format("expected '}}' to close the block of {} opened at line {}",
                                        inner.owner, inner.lbrace->getLine()));
            reporter_.note(reporter_.range(inner.lbrace),
                           fmt::format("the block of {} opens here", inner.owner));
            for (size_t i = 1; i < blocks.size(); ++i)
                reporter_.note(
                    reporter_.range(blocks[i].lbrace),
                    fmt::format("the block of {} is not closed either", blocks[i].owner));
            if (auto* early = misplaced_close(blocks.back().ctx, source)) {
                Token* close = child_token(early, NmlParser::RBRACE);
                reporter_.note(reporter_.range(close),
                               fmt::format("this '}}' closes the block of {} (opened at line {}) "
                                           "but is indented like an outer block; is a '}}' "
                                           "missing before it?",
                                           block_owner(early, source),
                                           child_token(early, NmlParser::LBRACE)->getLine()));
            }
            return;
        }
        std::string message = "unexpected " + reporter_.eof_name();
        if (!expected.empty()) message += "; " + expected;
        reporter_.error(reporter_.range(eof), message);
        note_open_bracket(ctx, set);
        if (!blocks.empty())
            reporter_.note(reporter_.range(blocks.front().lbrace),
                           fmt::format("the block of {} is still open", blocks.front().owner));
    }

    /// `C_m = 250 pF pF`, `tau = 10 m s`: a binding, equation or statement that begins on
    /// the line of the previous one, without ';', and goes wrong right after its first
    /// token. The fault is that first token, left over from the previous item.
    bool junk_after_item(antlr4::Parser* parser, ParserRuleContext* ctx, Token* offending) {
        const char* what = nullptr;
        if (dynamic_cast<NmlParser::BindingContext*>(ctx) &&
            dynamic_cast<NmlParser::BindingBlockContext*>(ctx->parent))
            what = "binding";
        else if (dynamic_cast<NmlParser::OdeContext*>(ctx))
            what = "equation";
        else if (dynamic_cast<NmlParser::AssignStatementContext*>(ctx))
            what = "statement";
        if (!what) return false;
        Token* start = ctx->getStart();
        if (parser->getTokenStream()->LT(-1) != start || start->getType() != NmlParser::ID)
            return false;
        const Token* before = reporter_.previous_on_channel(start);
        if (!before || before->getLine() != start->getLine() ||
            before->getType() == NmlParser::SEMI || before->getType() == NmlParser::LBRACE)
            return false;
        // The item that `before` ends, for the message.
        ParserRuleContext* previous = nullptr;
        auto* parent = dynamic_cast<ParserRuleContext*>(ctx->parent);
        for (auto* child : parent ? parent->children : std::vector<antlr4::tree::ParseTree*>{}) {
            if (child == ctx) break;
            if (auto* sibling = dynamic_cast<ParserRuleContext*>(child)) previous = sibling;
        }
        if (!previous || previous->getStop() != before) return false;
        std::string_view source = reporter_.source();
        const char* unit_hint = "a number takes a single unit name; write a compound unit as an "
                                "expression, as in '1 mV / ms'";
        // `C_m = 250 pF pF`: the parser took the first unit for the start of the next item,
        // but it is the second name that is too many.
        if (before->getType() == NmlParser::NUMBER && offending->getType() == NmlParser::ID &&
            offending->getLine() == start->getLine()) {
            reporter_.error(reporter_.range(offending),
                            fmt::format("unexpected {} after '{} {}'",
                                        quote(token_text(source, offending)),
                                        context_text(source, previous), token_text(source, start)),
                            unit_hint);
            return true;
        }
        std::string hint;
        const Token* before_before = reporter_.previous_on_channel(before);
        if (before->getType() == NmlParser::ID && before_before &&
            before_before->getType() == NmlParser::NUMBER)
            hint = unit_hint;
        else
            hint = fmt::format("put each {} on its own line or separate them with ';'", what);
        reporter_.error(reporter_.range(start),
                        fmt::format("unexpected {} after '{}'", quote(token_text(source, start)),
                                    context_text(source, previous)),
                        hint);
        return true;
    }

    std::string hint_for(antlr4::Parser* parser, ParserRuleContext* ctx, Token* offending,
                         const antlr4::misc::IntervalSet& set) const {
        size_t type = offending->getType();
        std::string_view text = token_text(reporter_.source(), offending);
        if (is_keyword(type) && contains(set, NmlParser::ID) && used_as_name(parser))
            return fmt::format("'{}' is a reserved word and cannot be used as a name", text);
        if (type == NmlParser::COMMA && contains(set, NmlParser::RBRACE))
            return "separate bindings and statements with a newline or ';', not ','";
        if (type == NmlParser::PRIME && contains(set, NmlParser::STRING))
            return "strings are written in double quotes";
        if (dynamic_cast<NmlParser::ImportDeclContext*>(ctx) && contains(set, NmlParser::STRING))
            return "an import path is written in double quotes, as in "
                   "'import \"stdlib/neurons/iaf_psc_exp.nml\"'";
        if (type == NmlParser::PRIME)
            return "derivatives (V_m' = ...) belong in an 'equations' block";
        if (type == NmlParser::ASSIGN && (contains(set, NmlParser::EQ) ||
                                          dynamic_cast<NmlParser::ThresholdHandlerContext*>(ctx)))
            return "'=' assigns; write '==' to compare";
        if (type == NmlParser::LBRACE && dynamic_cast<NmlParser::StimulateItemContext*>(ctx))
            return "stimulus options follow the generator call without braces, as in "
                   "'stimulate E with poisson(rate = 8 Hz) weight J receptor exc'";
        return {};
    }

    /// `input state : pA`, `parameters { on = 1 }`: a reserved word where a name belongs,
    /// followed by what follows a name. Reported once, then read as the name it was meant
    /// to be, so that the rest of the item parses.
    bool repair_keyword_as_name(antlr4::Parser* parser) {
        Token* token = parser->getCurrentToken();
        if (!is_keyword(token->getType()) || inErrorRecoveryMode(parser) || !used_as_name(parser))
            return false;
        antlr4::misc::IntervalSet expected = expected_at(parser);
        if (!contains(expected, NmlParser::ID) || contains(expected, token->getType()))
            return false; // `true` in `f(x = true)` is what it seems

        auto* writable = dynamic_cast<antlr4::WritableToken*>(token);
        if (!writable) return false;
        reporter_.error(reporter_.range(token),
                        fmt::format("'{}' is a reserved word and cannot be used as a name",
                                    token_text(reporter_.source(), token)),
                        "choose another name, for example with a suffix or a capital letter");
        writable->setType(NmlParser::ID);
        return true;
    }

    /// `population E = iaf(100)`: parentheses where the size wants brackets. Reported once
    /// and read as brackets, so that the rest of the population parses.
    Token* repair_parens_for_brackets(antlr4::Parser* parser) {
        Token* open = parser->getCurrentToken();
        if (open->getType() != NmlParser::LPAREN || inErrorRecoveryMode(parser) ||
            !contains(expected_at(parser), NmlParser::LBRACK))
            return nullptr;
        auto* stream = parser->getTokenStream();
        Token* close = nullptr;
        int depth = 0;
        for (ssize_t k = 1; !close; ++k) {
            Token* t = stream->LT(k);
            if (!t || t->getType() == Token::EOF) return nullptr;
            if (t->getType() == NmlParser::LPAREN)
                ++depth;
            else if (t->getType() == NmlParser::RPAREN && --depth == 0)
                close = t;
        }
        auto* writable_open = dynamic_cast<antlr4::WritableToken*>(open);
        auto* writable_close = dynamic_cast<antlr4::WritableToken*>(close);
        if (!writable_open || !writable_close) return nullptr;
        reporter_.error(reporter_.range(open), "expected '[' before the size of the population",
                        "a population's size is written in brackets, as in "
                        "'population E = iaf_psc_delta[100]'");
        writable_open->setType(NmlParser::LBRACK);
        writable_close->setType(NmlParser::RBRACK);
        return open;
    }

    /// "to match this '('" under the innermost unclosed parenthesis or bracket, when the
    /// parser wanted its closing partner.
    void note_open_bracket(ParserRuleContext* ctx, const antlr4::misc::IntervalSet& set) {
        bool paren = contains(set, NmlParser::RPAREN), bracket = contains(set, NmlParser::RBRACK);
        if (!paren && !bracket) return;
        for (; ctx; ctx = dynamic_cast<ParserRuleContext*>(ctx->parent)) {
            if (paren) {
                Token* open = child_token(ctx, NmlParser::LPAREN);
                if (open && !child_token(ctx, NmlParser::RPAREN)) {
                    reporter_.note(reporter_.range(open), "to match this '('");
                    return;
                }
            }
            if (bracket) {
                Token* open = child_token(ctx, NmlParser::LBRACK);
                if (open && !child_token(ctx, NmlParser::RBRACK)) {
                    reporter_.note(reporter_.range(open), "to match this '['");
                    return;
                }
            }
            if (!block_owner(ctx, reporter_.source()).empty()) return;
        }
    }

    SyntaxReporter& reporter_;
};

// ---------------------------------------------------------------------------------------

/// Lexes, prescans and parses with `start`, then builds with `build` if all went well.
template <typename Result, typename Start, typename Build>
Result run(FileId file, const SourceManager& sources, DiagnosticEngine& diags,
           const std::string& eof_name, Start start, Build build) {
    const std::string& text = sources.text(file);
    ByteStream input(text);
    NmlLexer lexer(&input);
    antlr4::CommonTokenStream tokens(&lexer);
    SyntaxReporter reporter(file, sources, diags, tokens, eof_name);
    FallbackListener listener(reporter);
    lexer.removeErrorListeners();
    lexer.addErrorListener(&listener);

    Result result{};
    bool too_many = false;
    try {
        if (prescan(tokens, reporter)) {
            NmlParser parser(&tokens);
            parser.removeErrorListeners();
            parser.addErrorListener(&listener);
            parser.setErrorHandler(std::make_shared<ErrorStrategy>(reporter));
            auto* tree = start(parser);
            if (reporter.count() == 0) {
                AstBuilder builder(file, text, diags);
                result = build(builder, tree);
            }
        }
    } catch (const TooManyErrors&) {
        too_many = true;
    } catch (const std::exception& e) {
        // The runtime's own failures (it throws on internal inconsistencies) must not take
        // the compiler down with them.
        reporter.flush(false);
        diags.error(
            fmt::format("internal error while parsing '{}': {}", sources.name(file), e.what()));
        return Result{};
    }
    reporter.flush(too_many);
    return result;
}

} // namespace

std::optional<ast::File> parse_file(FileId file, const SourceManager& sources,
                                    DiagnosticEngine& diags) {
    return run<std::optional<ast::File>>(
        file, sources, diags, "end of file", [](NmlParser& p) { return p.file(); },
        [](AstBuilder& b, NmlParser::FileContext* tree) { return b.build(tree); });
}

ast::ExprPtr parse_expression(FileId file, const SourceManager& sources, DiagnosticEngine& diags) {
    return run<ast::ExprPtr>(
        file, sources, diags, "end of input", [](NmlParser& p) { return p.standaloneExpr(); },
        [](AstBuilder& b, NmlParser::StandaloneExprContext* tree) { return b.build(tree); });
}

std::optional<ast::SessionInput> parse_session_input(FileId file, const SourceManager& sources,
                                                     DiagnosticEngine& diags) {
    return run<std::optional<ast::SessionInput>>(
        file, sources, diags, "end of input", [](NmlParser& p) { return p.sessionInput(); },
        [](AstBuilder& b, NmlParser::SessionInputContext* tree) { return b.build(tree); });
}

} // namespace nnc
