# The model language of fisherlab (DESIGN.md §1). This grammar only builds syntax nodes (with
# source offsets); validation of names, supports and families happens in src/lang/parse.ts.
# Compiled by `npm run grammar` into src/lang/grammar.ts: never edit the generated file.
@preprocessor typescript

@{%
import { lexer } from './lexer';
import * as b from './syntax';
%}

@lexer lexer

program     -> sep:* (stmt (sep:+ stmt):* sep:*):?         {% b.program %}
sep         -> %nl | ";"                                   {% b.nothing %}

stmt        -> %kw_data names %kw_in support                {% b.dataStmt %}
             | %kw_param names (%kw_in support):?           {% b.paramStmt %}
             | %kw_given names (%kw_in support):?           {% b.givenStmt %}
             | %kw_const name "=" expr                      {% b.constStmt %}
             | %kw_let name "=" expr                        {% b.letStmt %}
             | %kw_logp "=" expr                            {% b.logpStmt %}
             | names "~" name "(" args:? ")"                {% b.tildeStmt %}

names       -> name ("," name):*                            {% b.names %}
name        -> %ident                                       {% b.name %}

# A support with a length declares a vector: `param beta in real[d]`, `given z in (0, 1)[3]`.
support     -> element                                      {% b.first %}
             | element "[" expr "]"                         {% b.vectorSupport %}
element     -> name                                         {% b.namedSupport %}
             | ("(" | "[") expr "," expr (")" | "]")        {% b.intervalSupport %}
             | "{" expr ("," expr):* "}"                    {% b.setSupport %}
             | "{" expr %dotdot expr "}"                    {% b.rangeSupport %}

expr        -> sum                                          {% b.first %}
sum         -> sum ("+" | "-") product                      {% b.binary %}
             | product                                      {% b.first %}
product     -> product ("*" | "/") unary                    {% b.binary %}
             | unary                                        {% b.first %}
unary       -> ("-" | "+") unary                            {% b.unary %}
             | power                                        {% b.first %}
power       -> primary %pow unary                           {% b.power %}
             | primary                                      {% b.first %}
primary     -> %number                                      {% b.number %}
             | name                                         {% b.first %}
             | name "(" args:? ")"                          {% b.call %}
             | name "[" expr "]"                            {% b.index %}
             | "(" expr ")"                                 {% b.group %}
args        -> expr ("," expr):*                            {% b.args %}
