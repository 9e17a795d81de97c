// The grammar of .nml files: neuron models and networks with physical units.
//
// Whitespace and newlines are insignificant; ';' is an optional separator wherever
// bindings, statements or items follow one another. The expression rules are layered one
// rule per precedence level, and every run of operators is a loop rather than a recursion,
// so that only parentheses and brackets make the generated parser recurse (the front end
// limits their depth before parsing). The AST builder (compiler/frontend/ast_builder.cpp)
// is the only reader of these parse trees; see grammar/README.md.
grammar Nml;

// ---------------------------------------------------------------------------------------
// Files

file
    : (importDecl | neuronDecl | channelDecl | synapseDecl | networkDecl | SEMI)* EOF
    ;

importDecl
    : IMPORT path=STRING
    ;

// A whole input that is one expression (a `-D name=value` from the command line).
standaloneExpr
    : expr EOF
    ;

// What is typed at `nnc repl`'s prompt: declarations as in a file, and the items of a
// network, which belong to the session's implicit network.
sessionInput
    : (importDecl | neuronDecl | synapseDecl | networkDecl | networkItem)* EOF
    ;

// ---------------------------------------------------------------------------------------
// Neuron models

// `neuron NAME { ... }`, or an alias: `neuron NAME = TARGET { ... }` (one rule, so that a
// missing name is reported as such).
neuronDecl
    : NEURON name=ID (LBRACE neuronItem* RBRACE | aliasBody)
    ;

neuronItem
    : PARAMETERS bindingBlock                                          # parametersBlock
    | STATE bindingBlock                                               # stateBlock
    | EQUATIONS LBRACE (ode | SEMI)* RBRACE                            # equationsBlock
    | INPUT name=ID COLON unit=expr                                    # inputDecl
    | ON SPIKE name=ID LPAREN weight=ID COLON unit=expr RPAREN block   # receptorHandler
    | ON condition=expr block                                          # thresholdHandler
    | SOLVER name=ID (LPAREN argumentList? RPAREN)?                    # solverItem
    | CHANNELS LPAREN membrane=ID RPAREN
      LBRACE (channel+=ID | SEMI)* RBRACE                              # channelsBlock
    | SEMI                                                             # emptyNeuronItem
    ;

// `neuron IF_curr_exp = iaf_psc_exp { parameters { cm = 1 nF ... } C_m = cm ... }`: another
// model under new parameter names, units and defaults; each binding outside the
// parameters block gives a parameter of the target from the alias's parameters.
aliasBody
    : ASSIGN target=ID LBRACE aliasItem* RBRACE
    ;

aliasItem
    : PARAMETERS bindingBlock                                          # aliasParametersBlock
    | binding                                                          # aliasMapping
    | SEMI                                                             # emptyAliasItem
    ;

// ---------------------------------------------------------------------------------------
// Channels

// `channel na_hh { parameters {...} state {...} equations {...} current I_Na = ... }`: a
// membrane current with its own gates, which a neuron composes with `channels(V_m) { ... }`.
// `current` is an ID (checked by the AST builder), so that it stays free as a name elsewhere.
channelDecl
    : CHANNEL name=ID LBRACE channelItem* RBRACE
    ;

channelItem
    : PARAMETERS bindingBlock                                          # channelParametersBlock
    | STATE bindingBlock                                               # channelStateBlock
    | EQUATIONS LBRACE (ode | SEMI)* RBRACE                            # channelEquationsBlock
    | keyword=ID name=ID ASSIGN expr                                   # channelCurrent
    | SEMI                                                             # emptyChannelItem
    ;

// ---------------------------------------------------------------------------------------
// Synapse models

synapseDecl
    : SYNAPSE name=ID LBRACE synapseItem* RBRACE
    ;

// `on pre` / `on post`: the event is an ID (checked by the AST builder), so that `pre` and
// `post` stay free as names elsewhere (`for post in 0..8`).
synapseItem
    : PARAMETERS bindingBlock                                          # synapseParametersBlock
    | STATE bindingBlock                                               # synapseStateBlock
    | EQUATIONS LBRACE (ode | SEMI)* RBRACE                            # synapseEquationsBlock
    | ON event=ID block                                                # synapseHandler
    | SEMI                                                             # emptySynapseItem
    ;

// `V_m' = rhs`
ode
    : name=ID PRIME ASSIGN expr
    ;

// The body of an `on ...` handler.
block
    : LBRACE (statement | SEMI)* RBRACE
    ;

statement
    : EMIT SPIKE                                                            # emitStatement
    | target=ID op=(ASSIGN | PLUS_ASSIGN | MINUS_ASSIGN | TIMES_ASSIGN) expr # assignStatement
    | REFRACTORY period=expr (CLAMP ID (COMMA ID)*)?                        # refractoryStatement
    | DELIVER value=expr                                                    # deliverStatement
    ;

// ---------------------------------------------------------------------------------------
// Networks

networkDecl
    : NETWORK name=ID LBRACE networkItem* RBRACE
    ;

networkItem
    : LET binding                                                           # letItem
    | POPULATION name=populationName ASSIGN model=ID LBRACK size=expr RBRACK
      bindingBlock?                                                         # populationItem
    | PROJECT source=populationSet ARROW target=populationSet bindingBlock  # projectItem
    | STIMULATE target=populationSet WITH generator=expr stimulusOption*    # stimulateItem
    | RECORD what+=ID (COMMA what+=ID)* OF target=populationSet
      (every=ID interval=expr)?                                             # recordItem
    | SIMULATE bindingBlock                                                 # simulateItem
    | FOR loopRange (COMMA loopRange)* LBRACE networkItem* RBRACE           # forItem
    | SEMI                                                                  # emptyNetworkItem
    ;

// `i in 0..8`: the whole numbers from 0 up to, not including, 8.
loopRange
    : var=ID IN first=expr DOTDOT last=expr
    ;

// `E`, or a name picked from a table of strings: `names[i]`.
populationName
    : name=ID (LBRACK index+=expr RBRACK)*
    ;

// `E`, `names[pre]`, `E[0:100]`, `E + I`: populations, slices of them and their unions.
populationSet
    : populationTerm (PLUS populationTerm)*
    ;

populationTerm
    : name=ID (LBRACK index+=expr RBRACK)* (LBRACK first=expr COLON last=expr RBRACK)?
    ;

// `weight J`, `receptor exc`, `into I_stim`: any name followed by a value; sema checks them.
stimulusOption
    : name=ID value=expr
    ;

// ---------------------------------------------------------------------------------------
// Bindings

// The loop is written out in every braced block, rather than in a rule of its own that
// could end anywhere, so that ANTLR's recovery skips a stray token inside the block and
// carries on with the next item instead of taking the stray token for the block's end.
bindingBlock
    : LBRACE (binding | SEMI)* RBRACE
    ;

// `synapse` is a keyword, and also the projection setting that names a synapse model.
binding
    : name=(ID | SYNAPSE) ASSIGN expr
    ;

// ---------------------------------------------------------------------------------------
// Expressions, lowest precedence first

expr
    : orExpr
    ;

orExpr
    : andExpr (OR andExpr)*
    ;

andExpr
    : notExpr (AND notExpr)*
    ;

notExpr
    : NOT* comparison
    ;

// Comparisons do not associate; the AST builder reports a chain such as `a < b < c`.
comparison
    : additive (op+=(LT | LE | GT | GE | EQ | NE) additive)*
    ;

additive
    : multiplicative (op+=(PLUS | MINUS) multiplicative)*
    ;

multiplicative
    : unary (op+=(STAR | SLASH) unary)*
    ;

unary
    : op+=(MINUS | PLUS)* power
    ;

// `^` is right-associative and binds tighter than a unary sign on its left, but an
// exponent may carry its own signs: `-x^2` is -(x^2), `2^-x^2` is 2^(-(x^2)).
power
    : primary (CARET exponent)*
    ;

exponent
    : op+=(MINUS | PLUS)* primary
    ;

primary
    : value=NUMBER unit=ID?                    # quantity
    | callee=ID LPAREN argumentList? RPAREN    # call
    | name=ID (LBRACK index+=expr RBRACK)+     # indexed
    | name=ID                                  # name
    | value=(TRUE | FALSE)                     # bool
    | LPAREN expr RPAREN                       # parens
    | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK # arrayLiteral
    | value=STRING                             # text
    ;

argumentList
    : argument (COMMA argument)*
    ;

argument
    : (name=ID ASSIGN)? expr
    ;

// ---------------------------------------------------------------------------------------
// Tokens

IMPORT     : 'import';
NEURON     : 'neuron';
NETWORK    : 'network';
PARAMETERS : 'parameters';
STATE      : 'state';
EQUATIONS  : 'equations';
INPUT      : 'input';
ON         : 'on';
SPIKE      : 'spike';
EMIT       : 'emit';
REFRACTORY : 'refractory';
CLAMP      : 'clamp';
SOLVER     : 'solver';
CHANNEL    : 'channel';
CHANNELS   : 'channels';
LET        : 'let';
POPULATION : 'population';
PROJECT    : 'project';
STIMULATE  : 'stimulate';
WITH       : 'with';
RECORD     : 'record';
OF         : 'of';
SIMULATE   : 'simulate';
SYNAPSE    : 'synapse';
DELIVER    : 'deliver';
FOR        : 'for';
IN         : 'in';
AND        : 'and';
OR         : 'or';
NOT        : 'not';
TRUE       : 'true';
FALSE      : 'false';

PLUS_ASSIGN  : '+=';
MINUS_ASSIGN : '-=';
TIMES_ASSIGN : '*=';
ARROW        : '->';
DOTDOT       : '..';
LE           : '<=';
GE           : '>=';
EQ           : '==';
NE           : '!=';
LT           : '<';
GT           : '>';
ASSIGN       : '=';
PLUS         : '+';
MINUS        : '-';
STAR         : '*';
SLASH        : '/';
CARET        : '^';
LPAREN       : '(';
RPAREN       : ')';
LBRACE       : '{';
RBRACE       : '}';
LBRACK       : '[';
RBRACK       : ']';
COMMA        : ',';
SEMI         : ';';
COLON        : ':';
PRIME        : '\'';

// `10`, `0.5`, `1e-3`, `2.5E+2`, `.5`, `1.`; a unit is a separate ID token.
// `0..8` is 0, `..`, 8: a '.' right before another '.' does not belong to the number.
NUMBER
    : DIGITS ('.' DIGITS)? EXPONENT?
    | DIGITS '.' {_input->LA(1) != '.'}? EXPONENT?
    | '.' DIGITS EXPONENT?
    ;

ID : [A-Za-z_] [A-Za-z0-9_]*;

STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';

// A string that reaches the end of its line: the front end reports it and then treats it
// as a STRING, so that the parser does not report a second error for it.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '\\'?;

COMMENT : '#' ~[\r\n]* -> skip;
WS      : [ \t\r\n\f]+ -> skip;

// A name with bytes outside ASCII in it (`τ_m`, the `µs` of `10 µs`): reported by the front
// end, then parsed as an ID so that one wrong character does not derail the parse.
BAD_ID : [A-Za-z_\u0080-\u00FF] [A-Za-z0-9_\u0080-\u00FF]*;

// Any other character: kept off the parser's channel and reported by the front end.
ERROR_CHAR : . -> channel(HIDDEN);

fragment DIGITS   : [0-9]+;
fragment EXPONENT : [eE] [+-]? DIGITS;
