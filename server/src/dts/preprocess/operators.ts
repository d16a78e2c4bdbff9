// The two macro operators and a helper of replace_args: `##` (libcpp paste_tokens: the two
// spellings must lex as exactly one token, else in assembler mode they stay apart silently) and
// `#` (stringify_arg: spelling with a space wherever the argument had white space, `"` and `\`
// escaped inside string and character literals).

import * as _tokens from './tokens.js';
import type { Tok } from './tokens.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const F_PREV_WHITE = _tokens.F_PREV_WHITE;
const T_CHAR = _tokens.T_CHAR;
const T_OTHER = _tokens.T_OTHER;
const T_PADDING = _tokens.T_PADDING;
const T_PUNCT = _tokens.T_PUNCT;
const T_STRING = _tokens.T_STRING;
const mkTok = _tokens.mkTok;
import * as _lexer from './lexer.js';
const lexOne = _lexer.lexOne;

/** Index of the ')' matching the '(' at body[open], or -1. */
export function matchingParen(body: Tok[], open: number): number {
  if (open >= body.length || body[open].t !== T_PUNCT || body[open].s !== '(') return -1;
  let depth = 0;
  for (let j = open; j < body.length; j++) {
    const t = body[j];
    if (t.t !== T_PUNCT) continue;
    if (t.s === '(') depth++;
    else if (t.s === ')' && --depth === 0) return j;
  }
  return -1;
}

/** paste_tokens: the spelling of lhs then rhs must lex as exactly one token. */
export function pasteTokens(lhs: Tok, rhs: Tok): Tok | undefined {
  // Avoid creating a comment out of `/` `/` or `/` `*` (libcpp adds a space, so it fails).
  const sep = lhs.t === T_PUNCT && lhs.s === '/' && !(rhs.t === T_PUNCT && rhs.s === '=') ? ' ' : '';
  const text = lhs.s + sep + rhs.s;
  if (text.length === 0) return undefined;
  const c = text.charCodeAt(0);
  if (c === 32 || c === 9) return undefined;
  const type = lexOne(text, 0);
  if (_lexer.lexEnd !== text.length) return undefined;
  return mkTok(type, text, lhs.f & F_PREV_WHITE, lhs.o, rhs.e);
}

/** stringify_arg: the argument's spelling as a string literal; a space wherever the argument had
 * white space between tokens; `"` and `\` escaped inside string and character literals. */
export function stringify(toks: Tok[], warn: (msg: string) => void = () => {}): Tok {
  let s = '"';
  let source: Tok | null | undefined = null;
  let first = true;
  let backslashes = 0;
  for (const t of toks) {
    if (t.t === T_PADDING) {
      if (source == null || (!(source.f & F_PREV_WHITE) && t.src == null)) source = t.src;
      continue;
    }
    if (!first) {
      if (source == null) source = t;
      if (source.f & F_PREV_WHITE) s += ' ';
    }
    source = null;
    first = false;
    if (t.t === T_STRING || t.t === T_CHAR) s += t.s.replace(/[\\"\n]/g, (ch) => (ch === '\n' ? '\\n' : '\\' + ch));
    else s += t.s;
    backslashes = t.t === T_OTHER && t.s[0] === '\\' ? backslashes + 1 : 0;
  }
  if (backslashes & 1) {
    warn("invalid string literal, ignoring final '\\'");
    s = s.slice(0, -1);
  }
  return mkTok(T_STRING, s + '"', 0, 0, 0);
}

