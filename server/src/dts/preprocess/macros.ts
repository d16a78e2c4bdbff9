// Macro definitions: parsing a `#define` line into libcpp's form (create_iso_definition): the
// parameters become T_MACRO_ARG tokens, `#param` becomes F_STRINGIFY on the parameter, `a ## b`
// becomes F_PASTE_LEFT on `a`. In assembler mode a `#` not followed by a parameter is kept as an
// ordinary token (cpp "lets assembler get away with murder").

import * as _tokens from './tokens.js';
import type { Tok } from './tokens.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const F_PASTE_LEFT = _tokens.F_PASTE_LEFT;
const F_PREV_WHITE = _tokens.F_PREV_WHITE;
const F_STRINGIFY = _tokens.F_STRINGIFY;
const T_MACRO_ARG = _tokens.T_MACRO_ARG;
const T_NAME = _tokens.T_NAME;
const T_PUNCT = _tokens.T_PUNCT;
const mkTok = _tokens.mkTok;
const withFlags = _tokens.withFlags;
import type { LexedFile } from './lexer.js';

export const B_FILE = 1;
export const B_LINE = 2;
export const B_COUNTER = 3;
export const B_INCLUDE_LEVEL = 4;
export const B_BASE_FILE = 5;
export const B_DATE = 6;
export const B_TIME = 7;

export interface Macro {
  name: string;
  fn: boolean;
  params: string[];
  variadic: boolean;
  body: Tok[];
  builtin?: number;
  /** Run id that currently disables it (macro being expanded); 0 = enabled. */
  dis: number;
  /** Where it was defined: the file and the offsets of the `#define` line. */
  file?: LexedFile;
  start?: number;
  end?: number;
}

/** Parses the tokens of a #define after the `define` keyword (toks[from..to)). Returns the macro or
 * an error message. */
export function parseDefine(toks: Tok[], from: number, to: number): Macro | string {
  if (from >= to) return 'no macro name given in #define directive';
  const nameTok = toks[from];
  if (nameTok.t !== T_NAME) return 'macro names must be identifiers';
  if (nameTok.s === 'defined') return '"defined" cannot be used as a macro name';
  const m: Macro = { name: nameTok.s, fn: false, params: [], variadic: false, body: [], dis: 0 };
  let i = from + 1;
  if (i < to && toks[i].t === T_PUNCT && toks[i].s === '(' && !(toks[i].f & F_PREV_WHITE)) {
    m.fn = true;
    i++;
    let expectParam = true;
    for (;;) {
      if (i >= to) return 'missing \')\' in macro parameter list';
      const t = toks[i++];
      if (t.t === T_PUNCT && t.s === ')' && (m.params.length === 0 || !expectParam)) break;
      if (expectParam) {
        if (t.t === T_NAME) {
          if (t.s === '__VA_ARGS__') return '__VA_ARGS__ can only appear in the expansion of a variadic macro';
          if (m.params.includes(t.s)) return `duplicate macro parameter "${t.s}"`;
          m.params.push(t.s);
          // GNU named variadic parameter: `args...`
          if (i < to && toks[i].t === T_PUNCT && toks[i].s === '...') {
            m.variadic = true;
            i++;
            if (i >= to || toks[i].s !== ')') return 'missing \')\' in macro parameter list';
            i++;
            break;
          }
          expectParam = false;
          continue;
        }
        if (t.t === T_PUNCT && t.s === '...') {
          m.variadic = true;
          m.params.push('__VA_ARGS__');
          if (i >= to || toks[i].s !== ')') return 'missing \')\' in macro parameter list';
          i++;
          break;
        }
        return 'expected parameter name, found "' + t.s + '"';
      }
      if (t.t === T_PUNCT && t.s === ',') {
        expectParam = true;
        continue;
      }
      return 'expected \',\' or \')\', found "' + t.s + '"';
    }
  }
  const body: Tok[] = [];
  for (; i < to; i++) {
    const src = toks[i];
    let t: Tok = src;
    if (m.fn && src.t === T_NAME) {
      const idx = m.params.indexOf(src.s);
      if (idx >= 0) t = mkTok(T_MACRO_ARG, src.s, src.f, src.o, src.e, idx);
    }
    const prev = body.length ? body[body.length - 1] : undefined;
    if (m.fn && prev && prev.t === T_PUNCT && prev.s === '#' && !(prev.f & F_PASTE_LEFT) && t.t === T_MACRO_ARG) {
      // `#param`: the parameter takes the `#`'s place and its leading white space.
      body[body.length - 1] = withFlags(t, (t.f & ~F_PREV_WHITE) | F_STRINGIFY | (prev.f & F_PREV_WHITE));
      continue;
    }
    if (t.t === T_PUNCT && t.s === '##') {
      if (body.length === 0) return '\'##\' cannot appear at either end of a macro expansion';
      if (i + 1 >= to) return '\'##\' cannot appear at either end of a macro expansion';
      if (prev && !(prev.f & F_PASTE_LEFT)) body[body.length - 1] = withFlags(prev, prev.f | F_PASTE_LEFT);
      continue;
    }
    body.push(t === src ? withFlags(src, src.f) : t);
  }
  if (body.length) body[0].f &= ~F_PREV_WHITE;
  m.body = body;
  return m;
}

/** The replacement text as written (for hover), re-spelled from the tokens. */
export function macroBodyText(m: Macro): string {
  let s = '';
  for (let i = 0; i < m.body.length; i++) {
    const t = m.body[i];
    if (i > 0 && t.f & F_PREV_WHITE) s += ' ';
    if (t.f & F_STRINGIFY) s += '#';
    s += t.s;
    if (t.f & F_PASTE_LEFT) s += ' ## ';
  }
  return s;
}

/** Two definitions are the same when their parameters and replacement lists (including where
 * white space separates tokens) are identical (C11 6.10.3p2); otherwise cpp warns "redefined". */
export function sameDefinition(a: Macro, b: Macro): boolean {
  if (a.fn !== b.fn || a.variadic !== b.variadic || a.params.join(',') !== b.params.join(',')) return false;
  if (a.body.length !== b.body.length) return false;
  const mask = F_PREV_WHITE | F_PASTE_LEFT | F_STRINGIFY;
  for (let i = 0; i < a.body.length; i++) {
    const x = a.body[i];
    const y = b.body[i];
    if (x.t !== y.t || x.s !== y.s || (x.f & mask) !== (y.f & mask)) return false;
  }
  return true;
}
