#include "frontend/ast_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace nnc::frontend_detail {

using ast::ExprKind;
using grammar::NmlParser;

AstBuilder::AstBuilder(FileId file, std::string_view source, DiagnosticEngine& diags)
    : file_(file), source_(source), diags_(diags) {}

SourceRange AstBuilder::range(antlr4::ParserRuleContext* ctx) const {
    if (!ctx || !ctx->getStart()) return {};
    return token_range(file_, ctx->getStart(), ctx->getStop());
}

SourceRange AstBuilder::range(const antlr4::Token* token) const {
    if (!token) return {};
    return token_range(file_, token, token);
}

std::string AstBuilder::text(const antlr4::Token* token) const {
    return token ? std::string(token_text(source_, token)) : std::string();
}

std::string AstBuilder::context_text(antlr4::ParserRuleContext* ctx) const {
    if (!ctx || !ctx->getStart() || !ctx->getStop()) return {};
    size_t start = ctx->getStart()->getStartIndex(), stop = ctx->getStop()->getStopIndex();
    if (start == INVALID_INDEX || stop == INVALID_INDEX || stop < start || stop >= source_.size())
        return {};
    return std::string(source_.substr(start, stop - start + 1));
}

void AstBuilder::error(SourceRange at, const std::string& message, const std::string& hint) {
    failed_ = true;
    diags_.error(at, message, hint);
}

// ---------------------------------------------------------------------------------------
// Files, models and networks

std::optional<ast::File> AstBuilder::build(NmlParser::FileContext* tree) {
    ast::File file;
    file.file = file_;
    if (!tree) return std::nullopt;
    for (auto* child : tree->children) {
        if (auto* import_ctx = dynamic_cast<NmlParser::ImportDeclContext*>(child))
            file.imports.push_back(import(import_ctx));
        else if (auto* neuron_ctx = dynamic_cast<NmlParser::NeuronDeclContext*>(child)) {
            if (neuron_ctx->aliasBody())
                file.aliases.push_back(neuron_alias(neuron_ctx));
            else
                file.neurons.push_back(neuron(neuron_ctx));
        } else if (auto* channel_ctx = dynamic_cast<NmlParser::ChannelDeclContext*>(child))
            file.channels.push_back(channel(channel_ctx));
        else if (auto* synapse_ctx = dynamic_cast<NmlParser::SynapseDeclContext*>(child))
            file.synapses.push_back(synapse(synapse_ctx));
        else if (auto* network_ctx = dynamic_cast<NmlParser::NetworkDeclContext*>(child))
            file.networks.push_back(network(network_ctx));
    }
    if (failed_) return std::nullopt;
    return file;
}

ast::ExprPtr AstBuilder::build(NmlParser::StandaloneExprContext* tree) {
    if (!tree) return nullptr;
    ast::ExprPtr result = expression(tree->expr());
    if (failed_) return nullptr;
    return result;
}

std::optional<ast::SessionInput> AstBuilder::build(NmlParser::SessionInputContext* tree) {
    ast::SessionInput input;
    input.declarations.file = file_;
    if (!tree) return std::nullopt;
    for (auto* child : tree->children) {
        if (auto* import_ctx = dynamic_cast<NmlParser::ImportDeclContext*>(child))
            input.declarations.imports.push_back(import(import_ctx));
        else if (auto* neuron_ctx = dynamic_cast<NmlParser::NeuronDeclContext*>(child))
            input.declarations.neurons.push_back(neuron(neuron_ctx));
        else if (auto* synapse_ctx = dynamic_cast<NmlParser::SynapseDeclContext*>(child))
            input.declarations.synapses.push_back(synapse(synapse_ctx));
        else if (auto* network_ctx = dynamic_cast<NmlParser::NetworkDeclContext*>(child))
            input.declarations.networks.push_back(network(network_ctx));
        else if (auto* item_ctx = dynamic_cast<NmlParser::NetworkItemContext*>(child))
            if (auto built = network_item(item_ctx))
                input.network_items.push_back(std::move(*built));
    }
    if (failed_) return std::nullopt;
    return input;
}

ast::Import AstBuilder::import(NmlParser::ImportDeclContext* ctx) {
    ast::Import result;
    result.range = range(ctx);
    result.path_range = range(ctx->path);
    result.path = unquote(ctx->path, "write '/' to separate directories");
    return result;
}

// Strips the quotes and undoes the escapes `\"` and `\\` (the only two a string has).
std::string AstBuilder::unquote(const antlr4::Token* token, const char* hint) {
    std::string raw = text(token);
    std::string result;
    SourceRange token_range = range(token);
    std::string_view body =
        raw.size() >= 2 ? std::string_view(raw).substr(1, raw.size() - 2) : std::string_view();
    for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\\' && i + 1 < body.size()) {
            char next = body[++i];
            if (next != '"' && next != '\\') {
                SourceRange at = token_range;
                at.begin.col += static_cast<uint32_t>(i); // the backslash, after the quote
                at.end = at.begin;
                at.end.col += 1;
                error(at, fmt::format("unknown escape sequence '\\{}' in a string", next),
                      fmt::format("only \\\" and \\\\ are escapes; {}", hint));
            }
            result += next;
        } else {
            result += body[i];
        }
    }
    return result;
}

ast::NeuronAlias AstBuilder::neuron_alias(NmlParser::NeuronDeclContext* ctx) {
    ast::NeuronAlias result;
    auto* body = ctx->aliasBody();
    result.name = text(ctx->name);
    result.name_range = range(ctx->name);
    result.target = text(body->target);
    result.target_range = range(body->target);
    result.range = range(ctx);
    result.own.name = result.name;
    result.own.name_range = result.name_range;
    result.own.range = result.range;
    for (auto* item : body->aliasItem()) {
        if (auto* params = dynamic_cast<NmlParser::AliasParametersBlockContext*>(item)) {
            for (auto& b : bindings(params->bindingBlock()))
                result.own.parameters.push_back(std::move(b));
        } else if (auto* mapping = dynamic_cast<NmlParser::AliasMappingContext*>(item)) {
            result.mappings.push_back(binding(mapping->binding()));
        }
    }
    return result;
}

ast::Neuron AstBuilder::neuron(NmlParser::NeuronDeclContext* ctx) {
    ast::Neuron result;
    result.name = text(ctx->name);
    result.name_range = range(ctx->name);
    result.range = range(ctx);
    for (auto* item : ctx->neuronItem()) {
        if (auto* params = dynamic_cast<NmlParser::ParametersBlockContext*>(item)) {
            for (auto& b : bindings(params->bindingBlock()))
                result.parameters.push_back(std::move(b));
        } else if (auto* state = dynamic_cast<NmlParser::StateBlockContext*>(item)) {
            for (auto& b : bindings(state->bindingBlock()))
                result.state.push_back(std::move(b));
        } else if (auto* equations = dynamic_cast<NmlParser::EquationsBlockContext*>(item)) {
            for (auto* ode_ctx : equations->ode())
                result.equations.push_back(ode(ode_ctx));
        } else if (auto* input = dynamic_cast<NmlParser::InputDeclContext*>(item)) {
            ast::Input in;
            in.name = text(input->name);
            in.name_range = range(input->name);
            in.unit = expression(input->unit);
            in.range = range(input);
            result.inputs.push_back(std::move(in));
        } else if (auto* receptor = dynamic_cast<NmlParser::ReceptorHandlerContext*>(item)) {
            ast::Receptor r;
            r.name = text(receptor->name);
            r.name_range = range(receptor->name);
            r.weight = text(receptor->weight);
            r.weight_range = range(receptor->weight);
            r.weight_unit = expression(receptor->unit);
            r.body = block(receptor->block());
            r.range = range(receptor);
            result.receptors.push_back(std::move(r));
        } else if (auto* threshold = dynamic_cast<NmlParser::ThresholdHandlerContext*>(item)) {
            ast::Threshold t;
            t.condition = expression(threshold->condition);
            t.body = block(threshold->block());
            t.range = range(threshold);
            result.thresholds.push_back(std::move(t));
        } else if (auto* solver = dynamic_cast<NmlParser::SolverItemContext*>(item)) {
            ast::Solver sv;
            sv.name = text(solver->name);
            sv.name_range = range(solver->name);
            sv.range = range(solver);
            if (auto* list = solver->argumentList()) {
                for (auto* argument : list->argument()) {
                    ast::Binding option;
                    if (argument->name) {
                        option.name = text(argument->name);
                        option.name_range = range(argument->name);
                    }
                    option.value = expression(argument->expr());
                    option.range = range(argument);
                    sv.options.push_back(std::move(option));
                }
            }
            result.solvers.push_back(std::move(sv));
        } else if (auto* channels = dynamic_cast<NmlParser::ChannelsBlockContext*>(item)) {
            ++result.channels_blocks;
            if (result.channels_blocks > 1) {
                error(range(channels), "a neuron has one 'channels' block",
                      "name every channel in the first one");
                continue;
            }
            result.membrane = text(channels->membrane);
            result.membrane_range = range(channels->membrane);
            result.channels_range = range(channels);
            for (auto* token : channels->channel)
                result.channels.push_back({text(token), range(token)});
        }
    }
    return result;
}

ast::Channel AstBuilder::channel(NmlParser::ChannelDeclContext* ctx) {
    ast::Channel result;
    result.name = text(ctx->name);
    result.name_range = range(ctx->name);
    result.range = range(ctx);
    for (auto* item : ctx->channelItem()) {
        if (auto* params = dynamic_cast<NmlParser::ChannelParametersBlockContext*>(item)) {
            for (auto& b : bindings(params->bindingBlock()))
                result.parameters.push_back(std::move(b));
        } else if (auto* state = dynamic_cast<NmlParser::ChannelStateBlockContext*>(item)) {
            for (auto& b : bindings(state->bindingBlock()))
                result.state.push_back(std::move(b));
        } else if (auto* equations = dynamic_cast<NmlParser::ChannelEquationsBlockContext*>(item)) {
            for (auto* ode_ctx : equations->ode())
                result.equations.push_back(ode(ode_ctx));
        } else if (auto* current = dynamic_cast<NmlParser::ChannelCurrentContext*>(item)) {
            if (text(current->keyword) != "current") {
                error(
                    range(current->keyword),
                    fmt::format("expected 'parameters', 'state', 'equations' or 'current' in "
                                "a channel, found '{}'",
                                text(current->keyword)),
                    "a channel's current is written `current I_Na = g_Na * m^3 * h * (E_Na - V)`");
                continue;
            }
            ast::Binding b;
            b.name = text(current->name);
            b.name_range = range(current->name);
            b.value = expression(current->expr());
            b.range = range(current);
            result.currents.push_back(std::move(b));
        }
    }
    return result;
}

ast::Ode AstBuilder::ode(NmlParser::OdeContext* ctx) {
    ast::Ode result;
    result.var = text(ctx->name);
    result.var_range = range(ctx->name);
    result.rhs = expression(ctx->expr());
    result.range = range(ctx);
    return result;
}

ast::Synapse AstBuilder::synapse(NmlParser::SynapseDeclContext* ctx) {
    ast::Synapse result;
    result.name = text(ctx->name);
    result.name_range = range(ctx->name);
    result.range = range(ctx);
    for (auto* item : ctx->synapseItem()) {
        if (auto* params = dynamic_cast<NmlParser::SynapseParametersBlockContext*>(item)) {
            for (auto& b : bindings(params->bindingBlock()))
                result.parameters.push_back(std::move(b));
        } else if (auto* state = dynamic_cast<NmlParser::SynapseStateBlockContext*>(item)) {
            for (auto& b : bindings(state->bindingBlock()))
                result.state.push_back(std::move(b));
        } else if (auto* equations = dynamic_cast<NmlParser::SynapseEquationsBlockContext*>(item)) {
            for (auto* ode_ctx : equations->ode())
                result.equations.push_back(ode(ode_ctx));
        } else if (auto* handler = dynamic_cast<NmlParser::SynapseHandlerContext*>(item)) {
            ast::SynapseHandler h;
            h.event = text(handler->event);
            h.event_range = range(handler->event);
            h.body = block(handler->block());
            h.range = range(handler);
            result.handlers.push_back(std::move(h));
        }
    }
    return result;
}

std::vector<ast::Binding> AstBuilder::bindings(NmlParser::BindingBlockContext* ctx) {
    std::vector<ast::Binding> result;
    if (!ctx) return result;
    for (auto* b : ctx->binding())
        result.push_back(binding(b));
    return result;
}

ast::Binding AstBuilder::binding(NmlParser::BindingContext* ctx) {
    ast::Binding result;
    result.name = text(ctx->name);
    result.name_range = range(ctx->name);
    result.value = expression(ctx->expr());
    result.range = range(ctx);
    return result;
}

std::vector<ast::Statement> AstBuilder::block(NmlParser::BlockContext* ctx) {
    std::vector<ast::Statement> result;
    if (!ctx) return result;
    for (auto* s : ctx->statement())
        if (auto st = statement(s)) result.push_back(std::move(*st));
    return result;
}

std::optional<ast::Statement> AstBuilder::statement(NmlParser::StatementContext* ctx) {
    ast::Statement result;
    result.range = range(ctx);
    if (dynamic_cast<NmlParser::EmitStatementContext*>(ctx)) {
        result.kind = ast::Statement::Kind::Emit;
        return result;
    }
    if (auto* assign = dynamic_cast<NmlParser::AssignStatementContext*>(ctx)) {
        switch (assign->op->getType()) {
        case NmlParser::PLUS_ASSIGN:
            result.kind = ast::Statement::Kind::Add;
            break;
        case NmlParser::MINUS_ASSIGN:
            result.kind = ast::Statement::Kind::Subtract;
            break;
        case NmlParser::TIMES_ASSIGN:
            result.kind = ast::Statement::Kind::Multiply;
            break;
        default:
            result.kind = ast::Statement::Kind::Assign;
            break;
        }
        result.target = text(assign->target);
        result.target_range = range(assign->target);
        result.value = expression(assign->expr());
        return result;
    }
    if (auto* deliver = dynamic_cast<NmlParser::DeliverStatementContext*>(ctx)) {
        result.kind = ast::Statement::Kind::Deliver;
        result.value = expression(deliver->value);
        return result;
    }
    if (auto* refractory = dynamic_cast<NmlParser::RefractoryStatementContext*>(ctx)) {
        result.kind = ast::Statement::Kind::Refractory;
        result.value = expression(refractory->period);
        // The period's names sit inside the expression's own contexts, so the ID tokens
        // directly under this context are exactly the clamped variables.
        for (auto* id : refractory->ID()) {
            ast::Binding clamped;
            clamped.name = text(id->getSymbol());
            clamped.name_range = range(id->getSymbol());
            clamped.range = clamped.name_range;
            result.clamped.push_back(std::move(clamped));
        }
        return result;
    }
    return std::nullopt;
}

ast::Network AstBuilder::network(NmlParser::NetworkDeclContext* ctx) {
    ast::Network result;
    result.name = text(ctx->name);
    result.name_range = range(ctx->name);
    result.range = range(ctx);
    for (auto* item : ctx->networkItem())
        if (auto built = network_item(item)) result.items.push_back(std::move(*built));
    return result;
}

std::optional<ast::NetworkItem> AstBuilder::network_item(NmlParser::NetworkItemContext* ctx) {
    if (auto* let = dynamic_cast<NmlParser::LetItemContext*>(ctx)) {
        ast::Let result{binding(let->binding())};
        result.binding.range = range(let); // includes the `let`
        return result;
    }
    if (auto* pop = dynamic_cast<NmlParser::PopulationItemContext*>(ctx)) {
        ast::Population result;
        auto* name = pop->name;
        result.name = text(name->name);
        result.name_range = range(name->name);
        if (!name->index.empty())
            result.name_from_table = table_lookup(name->name, name->index).expr;
        result.model = text(pop->model);
        result.model_range = range(pop->model);
        result.size = expression(pop->size);
        result.overrides = bindings(pop->bindingBlock());
        result.range = range(pop);
        return result;
    }
    if (auto* project = dynamic_cast<NmlParser::ProjectItemContext*>(ctx)) {
        ast::Projection result;
        result.source = population_set(project->source);
        result.target = population_set(project->target);
        result.settings = bindings(project->bindingBlock());
        result.range = range(project);
        return result;
    }
    if (auto* stim = dynamic_cast<NmlParser::StimulateItemContext*>(ctx)) {
        ast::Stimulus result;
        result.target = population_set(stim->target);
        result.generator = expression(stim->generator);
        if (result.generator && result.generator->kind != ExprKind::Call)
            error(range(stim->generator), "expected a generator call after 'with'",
                  "write for example 'poisson(rate = 8 Hz)' or 'dc(amplitude = 376 pA)'");
        for (auto* option : stim->stimulusOption()) {
            ast::Binding b;
            b.name = text(option->name);
            b.name_range = range(option->name);
            b.value = expression(option->value);
            b.range = range(option);
            result.options.push_back(std::move(b));
        }
        result.range = range(stim);
        return result;
    }
    if (auto* record = dynamic_cast<NmlParser::RecordItemContext*>(ctx)) {
        ast::Record result;
        for (auto* w : record->what)
            result.what.push_back({text(w), range(w)});
        result.target = population_set(record->target);
        if (record->every) {
            result.every_word = text(record->every);
            result.every_range = range(record->every);
            result.interval = expression(record->interval);
        }
        result.range = range(record);
        return result;
    }
    if (auto* loop = dynamic_cast<NmlParser::ForItemContext*>(ctx)) {
        auto result = std::make_unique<ast::Loop>();
        for (auto* r : loop->loopRange()) {
            ast::LoopRange lr;
            lr.var = text(r->var);
            lr.var_range = range(r->var);
            lr.first = expression(r->first);
            lr.last = expression(r->last);
            lr.range = range(r);
            result->ranges.push_back(std::move(lr));
        }
        for (auto* item : loop->networkItem())
            if (auto built = network_item(item)) result->body.push_back(std::move(*built));
        result->range = range(loop);
        return ast::NetworkItem(std::move(result));
    }
    if (auto* simulate = dynamic_cast<NmlParser::SimulateItemContext*>(ctx)) {
        ast::Simulate result;
        result.settings = bindings(simulate->bindingBlock());
        result.range = range(simulate);
        return result;
    }
    return std::nullopt; // `;`
}

std::vector<ast::PopulationRef> AstBuilder::population_set(NmlParser::PopulationSetContext* ctx) {
    std::vector<ast::PopulationRef> result;
    if (!ctx) return result;
    for (auto* term : ctx->populationTerm()) {
        ast::PopulationRef ref;
        ref.name = text(term->name);
        ref.name_range = range(term->name);
        if (!term->index.empty()) ref.name_from_table = table_lookup(term->name, term->index).expr;
        if (term->first) {
            ref.first = expression(term->first);
            ref.last = expression(term->last);
            auto brackets = term->LBRACK();
            ref.slice_range = {range(brackets.back()->getSymbol()).begin,
                               range(term->RBRACK().back()->getSymbol()).end};
        }
        ref.range = range(term);
        result.push_back(std::move(ref));
    }
    return result;
}

// `table[i][j]` as nested Index expressions.
AstBuilder::Built AstBuilder::table_lookup(const antlr4::Token* table,
                                           const std::vector<NmlParser::ExprContext*>& indices) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ExprKind::Name;
    e->name = text(table);
    e->range = range(table);
    unsigned depth = 1;
    for (auto* index : indices) {
        auto indexed = std::make_unique<ast::Expr>();
        indexed->kind = ExprKind::Index;
        indexed->range = {e->range.begin, range(index->getStop()).end};
        indexed->range.end.col += 1; // the closing bracket
        Built i = expr(index);
        depth = std::max(depth, i.depth) + 1;
        indexed->args.push_back(std::move(e));
        indexed->args.push_back(std::move(i.expr));
        e = std::move(indexed);
    }
    return limit_depth({std::move(e), depth});
}

// ---------------------------------------------------------------------------------------
// Expressions. Each rule of the grammar is a loop over operands; the loops are folded here
// into binary trees (left-associative, `^` right-associative), tracking the depth of what
// is built so that a tree too deep for the later recursive stages is refused.

AstBuilder::Built AstBuilder::recovery_expr(SourceRange range) {
    auto e = std::make_unique<ast::Expr>();
    e->range = range;
    return {std::move(e), 1};
}

AstBuilder::Built AstBuilder::limit_depth(Built built) {
    if (built.depth <= max_expression_depth) return built;
    SourceRange at = built.expr ? built.expr->range : SourceRange{};
    if (!reported_depth_) {
        reported_depth_ = true;
        error(at, "expression nested too deeply",
              fmt::format("an expression may be at most {} operators deep; split it into "
                          "smaller named parts",
                          max_expression_depth));
    }
    failed_ = true;
    // Keep what is built shallow so that neither this builder nor the destructor recurses
    // without bound; the result is discarded anyway.
    return recovery_expr(at);
}

AstBuilder::Built AstBuilder::make_unary(const antlr4::Token* op, SourceRange r, Built operand) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = ExprKind::Unary;
    e->range = r;
    e->op = text(op);
    e->args.push_back(std::move(operand.expr));
    return limit_depth({std::move(e), operand.depth + 1});
}

AstBuilder::Built AstBuilder::make_binary(ExprKind kind, const antlr4::Token* op, SourceRange r,
                                          Built lhs, Built rhs) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = kind;
    e->range = r;
    e->op = text(op);
    unsigned depth = std::max(lhs.depth, rhs.depth) + 1;
    e->args.push_back(std::move(lhs.expr));
    e->args.push_back(std::move(rhs.expr));
    return limit_depth({std::move(e), depth});
}

ast::ExprPtr AstBuilder::expression(NmlParser::ExprContext* ctx) {
    return expr(ctx).expr;
}

AstBuilder::Built AstBuilder::expr(NmlParser::ExprContext* ctx) {
    if (!ctx || !ctx->orExpr()) return recovery_expr(range(ctx));
    return or_expr(ctx->orExpr());
}

static std::vector<antlr4::Token*> symbols(const std::vector<antlr4::tree::TerminalNode*>& nodes) {
    std::vector<antlr4::Token*> result;
    result.reserve(nodes.size());
    for (auto* node : nodes)
        result.push_back(node->getSymbol());
    return result;
}

// Folds `operand (op operand)*` to the left; ops[i] stands between operands i and i+1.
template <typename Operand, typename F>
AstBuilder::Built
AstBuilder::fold_left(antlr4::ParserRuleContext* ctx, const std::vector<Operand*>& operands,
                      const std::vector<antlr4::Token*>& ops, ExprKind kind, F build) {
    if (operands.empty() || ops.size() + 1 != operands.size()) return recovery_expr(range(ctx));
    Built result = build(operands.front());
    for (size_t i = 1; i < operands.size(); ++i) {
        SourceRange r = token_range(file_, operands.front()->getStart(), operands[i]->getStop());
        Built rhs = build(operands[i]);
        result = make_binary(kind, ops[i - 1], r, std::move(result), std::move(rhs));
    }
    return result;
}

AstBuilder::Built AstBuilder::or_expr(NmlParser::OrExprContext* ctx) {
    return fold_left(ctx, ctx->andExpr(), symbols(ctx->OR()), ExprKind::Logical,
                     [this](NmlParser::AndExprContext* c) { return and_expr(c); });
}

AstBuilder::Built AstBuilder::and_expr(NmlParser::AndExprContext* ctx) {
    return fold_left(ctx, ctx->notExpr(), symbols(ctx->AND()), ExprKind::Logical,
                     [this](NmlParser::NotExprContext* c) { return not_expr(c); });
}

AstBuilder::Built AstBuilder::not_expr(NmlParser::NotExprContext* ctx) {
    Built result = ctx->comparison() ? comparison(ctx->comparison()) : recovery_expr(range(ctx));
    auto nots = ctx->NOT();
    // Innermost `not` last in the source, so apply them from the right.
    for (size_t i = nots.size(); i-- > 0;) {
        antlr4::Token* op = nots[i]->getSymbol();
        result = make_unary(op, token_range(file_, op, ctx->getStop()), std::move(result));
    }
    return result;
}

AstBuilder::Built AstBuilder::comparison(NmlParser::ComparisonContext* ctx) {
    auto operands = ctx->additive();
    if (operands.size() > 2 && ctx->op.size() >= 2) {
        error(range(ctx->op[1]), "comparisons cannot be chained",
              fmt::format("write '{} {} {} and {} {} {}' to test both", context_text(operands[0]),
                          text(ctx->op[0]), context_text(operands[1]), context_text(operands[1]),
                          text(ctx->op[1]), context_text(operands[2])));
    }
    return fold_left(ctx, operands, ctx->op, ExprKind::Compare,
                     [this](NmlParser::AdditiveContext* c) { return additive(c); });
}

AstBuilder::Built AstBuilder::additive(NmlParser::AdditiveContext* ctx) {
    return fold_left(ctx, ctx->multiplicative(), ctx->op, ExprKind::Binary,
                     [this](NmlParser::MultiplicativeContext* c) { return multiplicative(c); });
}

AstBuilder::Built AstBuilder::multiplicative(NmlParser::MultiplicativeContext* ctx) {
    return fold_left(ctx, ctx->unary(), ctx->op, ExprKind::Binary,
                     [this](NmlParser::UnaryContext* c) { return unary(c); });
}

AstBuilder::Built AstBuilder::unary(NmlParser::UnaryContext* ctx) {
    Built result = ctx->power() ? power(ctx->power()) : recovery_expr(range(ctx));
    for (size_t i = ctx->op.size(); i-- > 0;)
        result = make_unary(ctx->op[i], token_range(file_, ctx->op[i], ctx->getStop()),
                            std::move(result));
    return result;
}

// `p0 ^ s1 p1 ^ s2 p2 ...` means p0 ^ (s1 (p1 ^ (s2 (p2 ...)))): fold from the right, each
// exponent's signs applying to everything to its right.
AstBuilder::Built AstBuilder::power(NmlParser::PowerContext* ctx) {
    auto exponents = ctx->exponent();
    std::vector<antlr4::Token*> carets = symbols(ctx->CARET());
    if (carets.size() != exponents.size()) return recovery_expr(range(ctx));
    antlr4::Token* end = ctx->getStop();
    Built rhs;
    for (size_t i = exponents.size(); i-- > 0;) {
        auto* exponent = exponents[i];
        Built operand =
            exponent->primary() ? primary(exponent->primary()) : recovery_expr(range(exponent));
        if (rhs.expr) {
            operand = make_binary(ExprKind::Binary, carets[i + 1],
                                  token_range(file_, exponent->primary()->getStart(), end),
                                  std::move(operand), std::move(rhs));
        }
        for (size_t k = exponent->op.size(); k-- > 0;)
            operand = make_unary(exponent->op[k], token_range(file_, exponent->op[k], end),
                                 std::move(operand));
        rhs = std::move(operand);
    }
    Built base = ctx->primary() ? primary(ctx->primary()) : recovery_expr(range(ctx));
    if (!rhs.expr) return base;
    return make_binary(ExprKind::Binary, carets.front(), range(ctx), std::move(base),
                       std::move(rhs));
}

AstBuilder::Built AstBuilder::primary(NmlParser::PrimaryContext* ctx) {
    auto e = std::make_unique<ast::Expr>();
    e->range = range(ctx);
    if (auto* quantity = dynamic_cast<NmlParser::QuantityContext*>(ctx)) {
        e->kind = ExprKind::Number;
        std::string literal = text(quantity->value);
        double value = 0.0;
        auto [end, ec] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
        if (ec == std::errc::result_out_of_range) {
            // from_chars also refuses numbers too small to represent; those are just 0.
            value = std::strtod(literal.c_str(), nullptr);
            if (std::isinf(value))
                error(range(quantity->value), fmt::format("number '{}' is too large", literal));
        } else if (ec != std::errc() || end != literal.data() + literal.size()) {
            error(range(quantity->value), fmt::format("malformed number '{}'", literal));
        }
        e->number = value;
        if (quantity->unit) {
            e->unit = text(quantity->unit);
            e->unit_range = range(quantity->unit);
        }
        return {std::move(e), 1};
    }
    if (auto* name = dynamic_cast<NmlParser::NameContext*>(ctx)) {
        e->kind = ExprKind::Name;
        e->name = text(name->name);
        return {std::move(e), 1};
    }
    if (auto* boolean = dynamic_cast<NmlParser::BoolContext*>(ctx)) {
        e->kind = ExprKind::Bool;
        e->number = boolean->value->getType() == NmlParser::TRUE ? 1.0 : 0.0;
        return {std::move(e), 1};
    }
    if (auto* call = dynamic_cast<NmlParser::CallContext*>(ctx)) {
        e->kind = ExprKind::Call;
        e->name = text(call->callee);
        unsigned depth = 0;
        if (auto* list = call->argumentList()) {
            for (auto* argument : list->argument()) {
                Built arg = expr(argument->expr());
                depth = std::max(depth, arg.depth);
                e->arg_names.push_back(argument->name ? text(argument->name) : std::string());
                e->args.push_back(std::move(arg.expr));
            }
        }
        return limit_depth({std::move(e), depth + 1});
    }
    if (auto* indexed = dynamic_cast<NmlParser::IndexedContext*>(ctx)) {
        Built built = table_lookup(indexed->name, indexed->index);
        if (built.expr) built.expr->range = range(ctx);
        return built;
    }
    if (auto* array = dynamic_cast<NmlParser::ArrayLiteralContext*>(ctx)) {
        e->kind = ExprKind::Array;
        unsigned depth = 0;
        for (auto* element : array->expr()) {
            Built built = expr(element);
            depth = std::max(depth, built.depth);
            e->args.push_back(std::move(built.expr));
        }
        return limit_depth({std::move(e), depth + 1});
    }
    if (auto* string = dynamic_cast<NmlParser::TextContext*>(ctx)) {
        e->kind = ExprKind::String;
        e->name = unquote(string->value, "a string holds a name or a file's path");
        return {std::move(e), 1};
    }
    if (auto* parens = dynamic_cast<NmlParser::ParensContext*>(ctx)) {
        // Parentheses make no node; the inner expression's range grows to include them so
        // that a caret under it covers what the user grouped.
        Built inner = expr(parens->expr());
        if (inner.expr) inner.expr->range = range(ctx);
        return inner;
    }
    return recovery_expr(range(ctx));
}

} // namespace nnc::frontend_detail
