// Preprocessing tokens as GCC's libcpp (cpp 12, `-x assembler-with-cpp`) sees them, and the two
// spacing rules its -E printer uses: PREV_WHITE and cpp_avoid_paste (c-ppoutput.cc / lex.cc).
// dtc reads cpp's text, so where cpp puts or omits a space (`&label`, `name@unit`) matters.

export const T_NAME = 1;
export const T_NUMBER = 2;
export const T_CHAR = 3;
export const T_STRING = 4;
/** A stray character, or an unterminated '...' / "..." running to the end of the line (asm mode). */
export const T_OTHER = 5;
export const T_PUNCT = 6;
/** libcpp's CPP_PADDING: marks a macro boundary; `src` is the token whose PREV_WHITE it carries. */
export const T_PADDING = 7;
export const T_EOF = 8;
/** A parameter reference inside a function-like macro body; `a` is the parameter index. */
export const T_MACRO_ARG = 9;

export const F_PREV_WHITE = 1;
/** First token of a logical line (after line splicing; a comment spanning lines does not end one). */
export const F_BOL = 2;
/** A macro name seen while that macro was disabled: never expanded again (C11 6.10.3.4p2). */
export const F_NO_EXPAND = 4;
/** Macro body token followed by `##`. */
export const F_PASTE_LEFT = 8;
/** Macro body parameter preceded by `#`. */
export const F_STRINGIFY = 16;

export interface Tok {
  t: number;
  /** Spelling (line splices removed). */
  s: string;
  f: number;
  /** Start and end offsets in the file the token was lexed from (meaningless for synthesized tokens). */
  o: number;
  e: number;
  /** T_MACRO_ARG: parameter index. */
  a: number;
  /** T_PADDING: source token or null. */
  src: Tok | null;
  /** Cached padding token whose source is this token (paddings are immutable). */
  pad: Tok | undefined;
}

/** Every token is built here so all share one object shape (V8 keeps property access monomorphic). */
export function mkTok(t: number, s: string, f: number, o: number, e: number, a = 0, src: Tok | null = null): Tok {
  return { t, s, f, o, e, a, src, pad: undefined };
}

/** A copy of `tok` with other flags. */
export function withFlags(tok: Tok, f: number): Tok {
  return { t: tok.t, s: tok.s, f, o: tok.o, e: tok.e, a: tok.a, src: tok.src, pad: undefined };
}

/** libcpp's pfile->avoid_paste: padding with no source, inserted where a macro expansion ends. */
export const AVOID_PASTE: Tok = mkTok(T_PADDING, '', 0, 0, 0);
/** The end of a macro argument during pre-expansion (libcpp's pfile->endarg). */
export const END_ARG: Tok = mkTok(T_EOF, '', 0, 0, 0);
/** End of file / end of directive line. */
export const EOF_TOK: Tok = mkTok(T_EOF, '', 0, 0, 0);

export function padding(source: Tok | null): Tok {
  if (source === null) return AVOID_PASTE;
  return (source.pad ??= mkTok(T_PADDING, '', 0, 0, 0, 0, source));
}

export function isPunct(tok: Tok, s: string): boolean {
  return tok.t === T_PUNCT && tok.s === s;
}

// Operators that paste with a following '=' (libcpp: every type <= CPP_LAST_EQ).
const EQ_PASTERS = new Set(['=', '!', '>', '<', '+', '-', '*', '/', '%', '&', '|', '^', '>>', '<<']);

/** cpp_avoid_paste (libcpp lex.cc): would printing b right after a change the tokens? Only
 * consulted after a macro boundary; within copied text cpp trusts PREV_WHITE. */
export function avoidPaste(a: Tok, b: Tok): boolean {
  const c = b.t === T_PUNCT ? b.s[0] : '';
  if (a.t === T_PUNCT) {
    if (c === '=' && EQ_PASTERS.has(a.s)) return true;
    switch (a.s) {
      case '>': return c === '>';
      case '<': return c === '<' || c === '%' || c === ':';
      case '+': return c === '+';
      case '-': return c === '-' || c === '>';
      case '/': return c === '/' || c === '*';
      case '%': return c === ':' || c === '%';
      case '&': return c === '&';
      case '|': return c === '|';
      case ':': return c === ':' || c === '>';
      case '->': return c === '*';
      case '.': return c === '.' || c === '%' || b.t === T_NUMBER;
      case '#': return c === '#' || c === '%';
      case '<=': return c === '>';
      default: return false;
    }
  }
  switch (a.t) {
    // NAME followed by a NUMBER that spells an identifier cannot happen with lexed numbers.
    case T_NAME: return b.t === T_NAME || b.t === T_CHAR || b.t === T_STRING;
    case T_NUMBER: return b.t === T_NUMBER || b.t === T_NAME || b.t === T_CHAR || c === '.' || c === '+' || c === '-';
    case T_OTHER: return a.s[0] === '\\' && b.t === T_NAME;
    default: return false;
  }
}
