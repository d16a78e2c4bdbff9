// Tokenises one file the way libcpp does for `-x assembler-with-cpp` (GCC 12): line splicing,
// comments as whitespace, pp-numbers (with e+/p+ exponents), identifiers with `$`, no digraphs,
// and an unterminated '...' or "..." becoming one T_OTHER token to the end of the line (so `it's`
// in a property value hides the rest of the line from macro expansion, exactly as in cpp).
// The result is cached by (path, content): a .dtsi shared by many boards is lexed once.

import * as _tokens from './tokens.js';
import type { Tok } from './tokens.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const F_BOL = _tokens.F_BOL;
const F_PREV_WHITE = _tokens.F_PREV_WHITE;
const T_CHAR = _tokens.T_CHAR;
const T_NAME = _tokens.T_NAME;
const T_NUMBER = _tokens.T_NUMBER;
const T_OTHER = _tokens.T_OTHER;
const T_PUNCT = _tokens.T_PUNCT;
const mkTok = _tokens.mkTok;
const T_STRING = _tokens.T_STRING;
import type { Macro } from './macros.js';

export interface LexedFile {
  path: string;
  text: string;
  toks: Tok[];
  /** Offsets where physical lines start (for offset -> line/col). */
  lineStarts: number[];
  /** Lexer problems (unterminated comment), as offsets. */
  problems: { code: string; message: string; start: number; end: number }[];
  /** Parsed `#define`s keyed by the index of their `#` token (definitions do not depend on state). */
  defCache: Map<number, Macro | string>;
  /** Include-guard macro when the whole file is `#ifndef X ... #endif` (computed lazily). */
  guard?: string | null;
}

// Character classes.
const ID_START = new Uint8Array(128);
const ID_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_$]/.test(ch)) ID_START[c] = 1;
  if (/[A-Za-z0-9_$]/.test(ch)) ID_CHAR[c] = 1;
}

// Punctuators of C (asm mode: no digraphs, no C++ `::`, `.*`, `->*`), longest match.
const PUNCT1 = new Uint8Array(128);
for (const ch of '[](){}.&*+-~!/%<>^|?:;=,#') PUNCT1[ch.charCodeAt(0)] = 1;

/** Length of the punctuator at s[i] (first char code c), 0 if none. */
function punctLen(s: string, i: number, c: number): number {
  if (c >= 128 || !PUNCT1[c]) return 0;
  const d = s.charCodeAt(i + 1);
  switch (c) {
    case 46: // .
      return d === 46 && s.charCodeAt(i + 2) === 46 ? 3 : 1;
    case 60: // <
    case 62: // >
      if (d === c) return s.charCodeAt(i + 2) === 61 ? 3 : 2; // << <<= >> >>=
      return d === 61 ? 2 : 1;
    case 45: // -
      return d === 45 || d === 62 || d === 61 ? 2 : 1;
    case 43: // +
    case 38: // &
    case 124: // |
      return d === c || d === 61 ? 2 : 1;
    case 35: // #
      return d === 35 ? 2 : 1;
    case 61: // =
    case 33: // !
    case 42: // *
    case 47: // /
    case 37: // %
    case 94: // ^
      return d === 61 ? 2 : 1;
    default:
      return 1;
  }
}

function isExp(c: number): boolean {
  return c === 101 || c === 69 || c === 112 || c === 80;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11;
}

/** Removes backslash-newline splices (also backslash, blanks, newline, as GCC accepts with a
 * warning); returns the clean text and a map clean offset -> original offset. */
function splice(text: string): { clean: string; at: number[]; delta: number[] } | undefined {
  const re = /\\[ \t\f\v\r]*\n/g;
  if (!re.test(text)) return undefined;
  re.lastIndex = 0;
  const parts: string[] = [];
  const at: number[] = [0];
  const delta: number[] = [0];
  let last = 0;
  let removed = 0;
  let cleanLen = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    parts.push(text.slice(last, m.index));
    cleanLen += m.index - last;
    removed += m[0].length;
    last = m.index + m[0].length;
    at.push(cleanLen);
    delta.push(removed);
  }
  parts.push(text.slice(last));
  return { clean: parts.join(''), at, delta };
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i >= 0) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

/** End offset of the token found by the last lexOne call. */
export let lexEnd = 0;

/** Lexes one token of `s` at `i` (no whitespace/comments); returns its type, sets lexEnd. */
export function lexOne(s: string, i: number): number {
  const n = s.length;
  const c = s.charCodeAt(i);
  if (c < 128 && ID_START[c]) {
    if (c === 76 /* L */ && i + 1 < n && (s[i + 1] === "'" || s[i + 1] === '"')) {
      return lexQuoted(s, i + 1);
    }
    let j = i + 1;
    while (j < n) {
      const d = s.charCodeAt(j);
      if (d < 128 && ID_CHAR[d]) j++;
      else break;
    }
    lexEnd = j;
    return T_NAME;
  }
  if ((c >= 48 && c <= 57) || (c === 46 && i + 1 < n && s.charCodeAt(i + 1) >= 48 && s.charCodeAt(i + 1) <= 57)) {
    let j = i + 1;
    while (j < n) {
      const d = s.charCodeAt(j);
      if ((d < 128 && ID_CHAR[d]) || d === 46) j++;
      else if ((d === 43 || d === 45) && isExp(s.charCodeAt(j - 1))) j++;
      else break;
    }
    lexEnd = j;
    return T_NUMBER;
  }
  if (c === 39 || c === 34) return lexQuoted(s, i);
  const p = punctLen(s, i, c);
  if (p) {
    lexEnd = i + p;
    return T_PUNCT;
  }
  // A stray character; keep surrogate pairs whole.
  lexEnd = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? i + 2 : i + 1;
  return T_OTHER;
}

function lexQuoted(s: string, q: number): number {
  const term = s.charCodeAt(q);
  const n = s.length;
  let j = q + 1;
  while (j < n) {
    const d = s.charCodeAt(j);
    if (d === 92 /* \ */ && j + 1 < n && s.charCodeAt(j + 1) !== 10) j += 2;
    else if (d === term) {
      lexEnd = j + 1;
      return term === 39 ? T_CHAR : T_STRING;
    } else if (d === 10) break;
    else j++;
  }
  // Unterminated: in assembler mode cpp makes the rest of the line one CPP_OTHER, silently.
  lexEnd = Math.min(j, n);
  return T_OTHER;
}

export function lexText(path: string, text: string): LexedFile {
  const sp = splice(text);
  const s = sp ? sp.clean : text;
  const toks: Tok[] = [];
  const problems: LexedFile['problems'] = [];
  const n = s.length;
  // A UTF-8 byte order mark is not part of the text (libcpp skips it when reading the file).
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  let flags = F_BOL;
  // Maps a clean offset back to the original text.
  let seg = 0;
  const orig = sp
    ? (off: number): number => {
        while (seg + 1 < sp.at.length && sp.at[seg + 1] <= off) seg++;
        while (seg > 0 && sp.at[seg] > off) seg--;
        return off + sp.delta[seg];
      }
    : (off: number): number => off;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 10) {
      i++;
      flags = F_BOL;
      continue;
    }
    if (isWs(c)) {
      i++;
      flags |= F_PREV_WHITE;
      continue;
    }
    if (c === 47 /* / */ && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d === 42 /* * */) {
        const end = s.indexOf('*/', i + 2);
        if (end < 0) {
          problems.push({ code: 'unterminated-comment', message: 'unterminated comment', start: orig(i), end: orig(i) + 2 });
          i = n;
        } else i = end + 2;
        flags |= F_PREV_WHITE;
        continue;
      }
      if (d === 47) {
        const end = s.indexOf('\n', i + 2);
        i = end < 0 ? n : end;
        flags |= F_PREV_WHITE;
        continue;
      }
    }
    const type = lexOne(s, i);
    const end = lexEnd;
    const o = orig(i);
    const e = sp ? orig(end - 1) + 1 : end;
    toks.push(mkTok(type, s.slice(i, end), flags, o, e));
    flags = 0;
    i = end;
  }
  return { path, text, toks, lineStarts: computeLineStarts(text), problems, defCache: new Map() };
}

// Least-recently-used cache (Map keeps insertion order; a hit is moved to the end). Bounded by
// source size: measured on the 5 boards of corpus/big (108 files, 1.46M source chars), lexed
// files retain ~16.5 bytes of heap per source char (24 MB), so 3M chars is ~50 MB: twice what
// the 5 largest boards need, inside the language server's 150 MB budget (8M chars was ~130-220 MB).
const cache = new Map<string, LexedFile>();
let cacheChars = 0;
const CACHE_MAX_CHARS = 3 * 1024 * 1024;

/** The lexed form of `path` with this exact content, from the cache when unchanged. */
export function lexFile(path: string, text: string): LexedFile {
  const hit = cache.get(path);
  if (hit) {
    cache.delete(path);
    if (hit.text === text) {
      cache.set(path, hit);
      return hit;
    }
    cacheChars -= hit.text.length;
  }
  const lexed = lexText(path, text);
  cache.set(path, lexed);
  cacheChars += text.length;
  for (const [k, v] of cache) {
    if (cacheChars <= CACHE_MAX_CHARS || v === lexed) break;
    cache.delete(k);
    cacheChars -= v.text.length;
  }
  return lexed;
}

export function clearLexCache(): void {
  cache.clear();
  cacheChars = 0;
}

/** Offset -> 0-based line and UTF-16 column. */
export function lineCol(lf: { lineStarts: number[] }, offset: number): { line: number; col: number } {
  const ls = lf.lineStarts;
  let lo = 0;
  let hi = ls.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ls[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, col: offset - ls[lo] };
}
