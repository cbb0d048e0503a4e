// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var nl: any;
declare var kw_data: any;
declare var kw_in: any;
declare var kw_param: any;
declare var kw_given: any;
declare var kw_const: any;
declare var kw_let: any;
declare var kw_logp: any;
declare var ident: any;
declare var dotdot: any;
declare var pow: any;
declare var number: any;

import { lexer } from './lexer';
import * as b from './syntax';

interface NearleyToken {
  value: any;
  [key: string]: any;
};

interface NearleyLexer {
  reset: (chunk: string, info: any) => void;
  next: () => NearleyToken | undefined;
  save: () => any;
  formatError: (token: never) => string;
  has: (tokenType: string) => boolean;
};

interface NearleyRule {
  name: string;
  symbols: NearleySymbol[];
  postprocess?: (d: any[], loc?: number, reject?: {}) => any;
};

type NearleySymbol = string | { literal: any } | { test: (token: any) => boolean };

interface Grammar {
  Lexer: NearleyLexer | undefined;
  ParserRules: NearleyRule[];
  ParserStart: string;
};

const grammar: Grammar = /* @__PURE__ */ (() => ({
  Lexer: lexer,
  ParserRules: [
    {"name": "program$ebnf$1", "symbols": []},
    {"name": "program$ebnf$1", "symbols": ["program$ebnf$1", "sep"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "program$ebnf$2$subexpression$1$ebnf$1", "symbols": []},
    {"name": "program$ebnf$2$subexpression$1$ebnf$1$subexpression$1$ebnf$1", "symbols": ["sep"]},
    {"name": "program$ebnf$2$subexpression$1$ebnf$1$subexpression$1$ebnf$1", "symbols": ["program$ebnf$2$subexpression$1$ebnf$1$subexpression$1$ebnf$1", "sep"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "program$ebnf$2$subexpression$1$ebnf$1$subexpression$1", "symbols": ["program$ebnf$2$subexpression$1$ebnf$1$subexpression$1$ebnf$1", "stmt"]},
    {"name": "program$ebnf$2$subexpression$1$ebnf$1", "symbols": ["program$ebnf$2$subexpression$1$ebnf$1", "program$ebnf$2$subexpression$1$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "program$ebnf$2$subexpression$1$ebnf$2", "symbols": []},
    {"name": "program$ebnf$2$subexpression$1$ebnf$2", "symbols": ["program$ebnf$2$subexpression$1$ebnf$2", "sep"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "program$ebnf$2$subexpression$1", "symbols": ["stmt", "program$ebnf$2$subexpression$1$ebnf$1", "program$ebnf$2$subexpression$1$ebnf$2"]},
    {"name": "program$ebnf$2", "symbols": ["program$ebnf$2$subexpression$1"], "postprocess": id},
    {"name": "program$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "program", "symbols": ["program$ebnf$1", "program$ebnf$2"], "postprocess": b.program},
    {"name": "sep", "symbols": [(lexer.has("nl") ? {type: "nl"} : nl)]},
    {"name": "sep", "symbols": [{"literal":";"}], "postprocess": b.nothing},
    {"name": "stmt", "symbols": [(lexer.has("kw_data") ? {type: "kw_data"} : kw_data), "names", (lexer.has("kw_in") ? {type: "kw_in"} : kw_in), "support"], "postprocess": b.dataStmt},
    {"name": "stmt$ebnf$1$subexpression$1", "symbols": [(lexer.has("kw_in") ? {type: "kw_in"} : kw_in), "support"]},
    {"name": "stmt$ebnf$1", "symbols": ["stmt$ebnf$1$subexpression$1"], "postprocess": id},
    {"name": "stmt$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "stmt", "symbols": [(lexer.has("kw_param") ? {type: "kw_param"} : kw_param), "names", "stmt$ebnf$1"], "postprocess": b.paramStmt},
    {"name": "stmt$ebnf$2$subexpression$1", "symbols": [(lexer.has("kw_in") ? {type: "kw_in"} : kw_in), "support"]},
    {"name": "stmt$ebnf$2", "symbols": ["stmt$ebnf$2$subexpression$1"], "postprocess": id},
    {"name": "stmt$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "stmt", "symbols": [(lexer.has("kw_given") ? {type: "kw_given"} : kw_given), "names", "stmt$ebnf$2"], "postprocess": b.givenStmt},
    {"name": "stmt", "symbols": [(lexer.has("kw_const") ? {type: "kw_const"} : kw_const), "name", {"literal":"="}, "expr"], "postprocess": b.constStmt},
    {"name": "stmt", "symbols": [(lexer.has("kw_let") ? {type: "kw_let"} : kw_let), "name", {"literal":"="}, "expr"], "postprocess": b.letStmt},
    {"name": "stmt", "symbols": [(lexer.has("kw_logp") ? {type: "kw_logp"} : kw_logp), {"literal":"="}, "expr"], "postprocess": b.logpStmt},
    {"name": "stmt$ebnf$3", "symbols": ["args"], "postprocess": id},
    {"name": "stmt$ebnf$3", "symbols": [], "postprocess": () => null},
    {"name": "stmt", "symbols": ["names", {"literal":"~"}, "name", {"literal":"("}, "stmt$ebnf$3", {"literal":")"}], "postprocess": b.tildeStmt},
    {"name": "names$ebnf$1", "symbols": []},
    {"name": "names$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "name"]},
    {"name": "names$ebnf$1", "symbols": ["names$ebnf$1", "names$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "names", "symbols": ["name", "names$ebnf$1"], "postprocess": b.names},
    {"name": "name", "symbols": [(lexer.has("ident") ? {type: "ident"} : ident)], "postprocess": b.name},
    {"name": "support", "symbols": ["element"], "postprocess": b.first},
    {"name": "support", "symbols": ["element", {"literal":"["}, "expr", {"literal":"]"}], "postprocess": b.vectorSupport},
    {"name": "element", "symbols": ["name"], "postprocess": b.namedSupport},
    {"name": "element$subexpression$1", "symbols": [{"literal":"("}]},
    {"name": "element$subexpression$1", "symbols": [{"literal":"["}]},
    {"name": "element$subexpression$2", "symbols": [{"literal":")"}]},
    {"name": "element$subexpression$2", "symbols": [{"literal":"]"}]},
    {"name": "element", "symbols": ["element$subexpression$1", "expr", {"literal":","}, "expr", "element$subexpression$2"], "postprocess": b.intervalSupport},
    {"name": "element$ebnf$1", "symbols": []},
    {"name": "element$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "expr"]},
    {"name": "element$ebnf$1", "symbols": ["element$ebnf$1", "element$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "element", "symbols": [{"literal":"{"}, "expr", "element$ebnf$1", {"literal":"}"}], "postprocess": b.setSupport},
    {"name": "element", "symbols": [{"literal":"{"}, "expr", (lexer.has("dotdot") ? {type: "dotdot"} : dotdot), "expr", {"literal":"}"}], "postprocess": b.rangeSupport},
    {"name": "expr", "symbols": ["sum"], "postprocess": b.first},
    {"name": "sum$subexpression$1", "symbols": [{"literal":"+"}]},
    {"name": "sum$subexpression$1", "symbols": [{"literal":"-"}]},
    {"name": "sum", "symbols": ["sum", "sum$subexpression$1", "product"], "postprocess": b.binary},
    {"name": "sum", "symbols": ["product"], "postprocess": b.first},
    {"name": "product$subexpression$1", "symbols": [{"literal":"*"}]},
    {"name": "product$subexpression$1", "symbols": [{"literal":"/"}]},
    {"name": "product", "symbols": ["product", "product$subexpression$1", "unary"], "postprocess": b.binary},
    {"name": "product", "symbols": ["unary"], "postprocess": b.first},
    {"name": "unary$subexpression$1", "symbols": [{"literal":"-"}]},
    {"name": "unary$subexpression$1", "symbols": [{"literal":"+"}]},
    {"name": "unary", "symbols": ["unary$subexpression$1", "unary"], "postprocess": b.unary},
    {"name": "unary", "symbols": ["power"], "postprocess": b.first},
    {"name": "power", "symbols": ["primary", (lexer.has("pow") ? {type: "pow"} : pow), "unary"], "postprocess": b.power},
    {"name": "power", "symbols": ["primary"], "postprocess": b.first},
    {"name": "primary", "symbols": [(lexer.has("number") ? {type: "number"} : number)], "postprocess": b.number},
    {"name": "primary", "symbols": ["name"], "postprocess": b.first},
    {"name": "primary$ebnf$1", "symbols": ["args"], "postprocess": id},
    {"name": "primary$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "primary", "symbols": ["name", {"literal":"("}, "primary$ebnf$1", {"literal":")"}], "postprocess": b.call},
    {"name": "primary", "symbols": ["name", {"literal":"["}, "expr", {"literal":"]"}], "postprocess": b.index},
    {"name": "primary", "symbols": [{"literal":"("}, "expr", {"literal":")"}], "postprocess": b.group},
    {"name": "args$ebnf$1", "symbols": []},
    {"name": "args$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "expr"]},
    {"name": "args$ebnf$1", "symbols": ["args$ebnf$1", "args$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "args", "symbols": ["expr", "args$ebnf$1"], "postprocess": b.args}
  ],
  ParserStart: "program",
}))();

export default grammar;
