// Tokenizer for preprocessed devicetree source with dtc 1.7.0's lexical rules (dtc-lexer.l):
// the same three start states (V1 default, PROPNODENAME after `{`/`;`/delete keywords, BYTESTRING
// inside `[ ]`), flex's longest-match rule, strtoull(…, 0) literals (so `010` is octal) with the
// U/L/UL/LL/ULL suffixes, char literals, `&label` and `&{path}` references, and cpp linemarkers.
// Offsets are UTF-16 indexes into the text; the caller maps them to files.

export type TokKind =
  | 'label' | 'ref' | 'pathref' | 'name' | 'literal' | 'char' | 'string' | 'byte'
  | 'v1' | 'plugin' | 'memreserve' | 'bits' | 'delprop' | 'delnode' | 'omit' | 'incbin'
  | 'op' | 'eof';

export interface Token {
  kind: TokKind;
  start: number;
  end: number;
  /** label/ref/pathref/name text, op character(s). */
  text: string;
  /** literal/char value (uint64). */
  value?: bigint;
  /** string bytes without the terminating NUL; byte value for `byte`. */
  bytes?: Uint8Array;
}

export interface LexError { start: number; end: number; message: string }

export const enum State { V1, PropNodeName, ByteString }

const KEYWORDS: Record<string, TokKind> = {
  '/dts-v1/': 'v1', '/plugin/': 'plugin', '/memreserve/': 'memreserve', '/bits/': 'bits',
  '/delete-property/': 'delprop', '/delete-node/': 'delnode', '/omit-if-no-ref/': 'omit', '/incbin/': 'incbin',
};
// Sticky (no `^`: with the y flag it would only match at offset 0); the caller checks line start.
const LINEMARKER = /#(?:line)?[ \t]+[0-9]+[ \t]+"(?:[^\\"\n]|\\.)*"(?:[ \t]+[0-9]+)*/y;
const TWO_CHAR_OPS = new Set(['<<', '>>', '<=', '>=', '==', '!=', '&&', '||']);
const MASK64 = (1n << 64n) - 1n;

// Character classes from dtc-lexer.l.
const PROPNODECHAR = new Uint8Array(128);
const LABELCHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[a-zA-Z0-9,._+*#?@-]/.test(ch)) PROPNODECHAR[c] = 1;
  if (/[a-zA-Z0-9_]/.test(ch)) LABELCHAR[c] = 1;
}
const isProp = (c: number): boolean => c < 128 && PROPNODECHAR[c] === 1;
const isLabel = (c: number): boolean => c < 128 && LABELCHAR[c] === 1;
const isLabelStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isPathChar = (c: number): boolean => isProp(c) || c === 47;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** dtc's get_escape_char on UTF-8 bytes; returns the byte and the index after the escape. */
export function escapeChar(s: Uint8Array, i: number): { value: number; next: number; error?: string } {
  const c = s[i];
  switch (c) {
    case 0x61: return { value: 7, next: i + 1 };
    case 0x62: return { value: 8, next: i + 1 };
    case 0x74: return { value: 9, next: i + 1 };
    case 0x6e: return { value: 10, next: i + 1 };
    case 0x76: return { value: 11, next: i + 1 };
    case 0x66: return { value: 12, next: i + 1 };
    case 0x72: return { value: 13, next: i + 1 };
    case 0x78: { // \x: up to two hex digits (get_hex_char)
      let j = i + 1, v = 0;
      while (j < s.length && j < i + 3 && isHex(s[j])) {
        v = v * 16 + parseInt(String.fromCharCode(s[j]), 16);
        j++;
      }
      if (j === i + 1) return { value: 0, next: j, error: '\\x used with no following hex digits' };
      return { value: v, next: j };
    }
    default:
      if (c !== undefined && c >= 0x30 && c <= 0x37) { // up to three octal digits (get_oct_char)
        let j = i, v = 0;
        while (j < s.length && j < i + 3 && s[j] >= 0x30 && s[j] <= 0x37) {
          v = v * 8 + (s[j] - 0x30);
          j++;
        }
        return { value: v & 0xff, next: j };
      }
      return { value: c ?? 0, next: i + 1 };
  }
}

const encoder = new TextEncoder();

/** The bytes of an all-ASCII string (the common case) without a TextEncoder call; else undefined. */
function asciiBytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return undefined;
    out[i] = c;
  }
  return out;
}

/** data_copy_escape_string: the bytes of a string literal body (without quotes or NUL). */
export function unescapeString(body: string): { bytes: Uint8Array; error?: string } {
  const raw = asciiBytes(body) ?? encoder.encode(body);
  if (raw.indexOf(0x5c) < 0) return { bytes: raw };
  const out: number[] = [];
  let error: string | undefined;
  for (let i = 0; i < raw.length;) {
    if (raw[i] !== 0x5c) { out.push(raw[i++]); continue; }
    const e = escapeChar(raw, i + 1);
    if (e.error) error = e.error;
    out.push(e.value);
    i = e.next;
  }
  return { bytes: Uint8Array.from(out), error };
}

/** dtc's char literal: the body is unescaped like a string and its first byte, as an unsigned
 * char, is the value (so '\xff' is 0xff); more than one byte or none is a lexical error. */
function charLiteral(body: string): { value: bigint; error?: string } {
  const { bytes, error } = unescapeString(body);
  if (bytes.length === 0) return { value: 0n, error: 'Empty character literal' };
  if (bytes.length > 1) return { value: BigInt(bytes[0]), error: `Character literal has ${bytes.length} characters instead of 1` };
  return { value: BigInt(bytes[0]), error };
}

/** strtoull(text, &end, 0) followed by dtc's suffix check. */
function integerLiteral(text: string): { value: bigint; error?: string } {
  // Fast path for the common short hex/decimal literal without suffix (no BigInt parsing of text).
  const n = text.length;
  if (n <= 12 && (text.charCodeAt(0) !== 48 || n === 1 || (n > 2 && (text.charCodeAt(1) | 32) === 120)) && !/[UL]$/.test(text)) {
    return { value: BigInt(Number(text)) };
  }
  let suffixStart = text.length;
  while (suffixStart > 0 && (text[suffixStart - 1] === 'U' || text[suffixStart - 1] === 'L')) suffixStart--;
  const digits = text.slice(0, suffixStart);
  let value: bigint;
  let rest = '';
  if (/^0[xX]/.test(digits)) value = BigInt(digits);
  else if (digits.length > 1 && digits[0] === '0') {
    const m = /^[0-7]+/.exec(digits)!;
    value = BigInt('0o' + m[0]);
    rest = digits.slice(m[0].length);
  } else value = BigInt(digits);
  if (rest) return { value, error: `Bad integer literal '${text}'` };
  if (value > MASK64) return { value: MASK64, error: `Integer literal '${text}' out of range` };
  return { value };
}

export class Lexer {
  private pos = 0;
  /** One past the furthest character any token so far depended on (a resumed parse may start
   * after a token only when the text up to here is unchanged). */
  far = 0;
  private state = State.PropNodeName;
  readonly errors: LexError[] = [];
  private readonly n: number;

  /** The start state in which the latest token was lexed. */
  stateBefore = State.PropNodeName;

  constructor(readonly text: string, start = 0, end = text.length, state: State = State.PropNodeName) {
    this.pos = start;
    this.n = end;
    this.state = state;
  }

  get offset(): number { return this.pos; }

  /** Skips whitespace, comments and linemarker lines; returns false at the end. */
  private skip(): void {
    const t = this.text;
    while (this.pos < this.n) {
      const c = t.charCodeAt(this.pos);
      if (isSpace(c)) { this.pos++; continue; }
      if (c === 47 /* / */) {
        const d = t.charCodeAt(this.pos + 1);
        if (d === 42 /* * */) {
          const e = t.indexOf('*/', this.pos + 2);
          this.pos = e < 0 || e + 2 > this.n ? this.n : e + 2;
          if (this.pos === this.n) this.far = this.n;
          continue;
        }
        if (d === 47) {
          const e = t.indexOf('\n', this.pos);
          this.pos = e < 0 || e > this.n ? this.n : e + 1;
          continue;
        }
        return;
      }
      if (c === 35 /* # */ && (this.pos === 0 || t.charCodeAt(this.pos - 1) === 10)) {
        // cpp linemarker `# 12 "file" 2` (dtc handles these in its lexer); the offset map
        // (srcmap.ts) already knows where they are.
        const m = LINEMARKER;
        m.lastIndex = this.pos;
        if (m.exec(t)) { this.pos = m.lastIndex; continue; }
      }
      return;
    }
  }

  next(): Token {
    this.stateBefore = this.state;
    const tok = this.lex();
    // A token is decided by its characters and the one after it; `/keyword/` looks up to 20
    // ahead; an unterminated string or comment by everything to the end (set where they scan).
    const f = Math.max(tok.end + 1, tok.start + 21);
    if (f > this.far) this.far = Math.min(f, this.n);
    return tok;
  }

  private lex(): Token {
    this.skip();
    const t = this.text;
    const start = this.pos;
    if (start >= this.n) return { kind: 'eof', start, end: start, text: '' };
    const c = t.charCodeAt(start);

    if (this.state === State.ByteString) {
      // `ab:` is a label (3 chars) rather than the byte `ab` (2): flex's longest match.
      const l = this.labelLength(start);
      if (l > 2) return this.label(start, l);
      if (isHex(c) && this.pos + 1 < this.n && isHex(t.charCodeAt(start + 1))) {
        this.pos += 2;
        return { kind: 'byte', start, end: this.pos, text: t.slice(start, this.pos), bytes: Uint8Array.of(parseInt(t.slice(start, start + 2), 16)) };
      }
      if (c === 93 /* ] */) {
        this.pos++;
        this.state = State.V1;
        return { kind: 'op', start, end: this.pos, text: ']' };
      }
    }

    // Candidates with flex's longest match; ties go to the earlier rule.
    if (c === 34 /* " */) return this.string(start);
    if (c === 47 /* / */) {
      const e = t.indexOf('/', start + 1);
      if (e > 0 && e < this.n && e - start < 20) {
        const kw = KEYWORDS[t.slice(start, e + 1)];
        if (kw && (kw !== 'incbin' || this.state === State.V1)) {
          this.pos = e + 1;
          if (kw === 'delprop' || kw === 'delnode' || kw === 'omit') this.state = State.PropNodeName;
          else if (kw === 'v1' || kw === 'memreserve' || kw === 'bits') this.state = State.V1;
          return { kind: kw, start, end: this.pos, text: t.slice(start, this.pos) };
        }
      }
    }
    // {LABEL}: in every state
    const labelLen = this.labelLength(start);
    if (this.state === State.PropNodeName) {
      let e = start;
      if (c === 92 /* \ */) e++;
      const nameStart = e;
      while (e < this.n && isProp(t.charCodeAt(e))) e++;
      const nameLen = e > nameStart ? e - start : 0;
      if (labelLen > nameLen && labelLen > 0) return this.label(start, labelLen);
      if (nameLen > 0) {
        this.pos = e;
        this.state = State.V1;
        return { kind: 'name', start, end: e, text: t.slice(nameStart, e) };
      }
    }
    if (labelLen > 0) {
      // A number cannot compete: labels start with a letter or `_`.
      return this.label(start, labelLen);
    }
    if (this.state === State.V1 && isDigit(c)) {
      let e = start;
      if (c === 48 && (t.charCodeAt(start + 1) | 32) === 120 && isHex(t.charCodeAt(start + 2))) {
        e = start + 2;
        while (e < this.n && isHex(t.charCodeAt(e))) e++;
      } else while (e < this.n && isDigit(t.charCodeAt(e))) e++;
      // (U|L|UL|LL|ULL)?
      const rest = t.slice(e, e + 3);
      const suf = /^(ULL|UL|LL|U|L)/.exec(rest);
      if (suf) e += suf[0].length;
      this.pos = e;
      const text = t.slice(start, e);
      const lit = integerLiteral(text);
      if (lit.error) this.errors.push({ start, end: e, message: lit.error });
      return { kind: 'literal', start, end: e, text, value: lit.value };
    }
    if (c === 39 /* ' */) {
      // '([^']|\\')*'
      let e = start + 1;
      while (e < this.n) {
        const d = t.charCodeAt(e);
        if (d === 39) break;
        if (d === 92 && t.charCodeAt(e + 1) === 39) { e += 2; continue; }
        e++;
      }
      if (e < this.n) {
        this.pos = e + 1;
        const ch = charLiteral(t.slice(start + 1, e));
        if (ch.error) this.errors.push({ start, end: this.pos, message: ch.error });
        return { kind: 'char', start, end: this.pos, text: t.slice(start, this.pos), value: ch.value };
      }
    }
    if (c === 38 /* & */) {
      const d = t.charCodeAt(start + 1);
      if (isLabelStart(d)) {
        let e = start + 2;
        while (e < this.n && isLabel(t.charCodeAt(e))) e++;
        this.pos = e;
        return { kind: 'ref', start, end: e, text: t.slice(start + 1, e) };
      }
      if (d === 123 /* { */) {
        let e = start + 2;
        while (e < this.n && isPathChar(t.charCodeAt(e))) e++;
        if (t.charCodeAt(e) === 125 /* } */ && e < this.n) {
          this.pos = e + 1;
          return { kind: 'pathref', start, end: this.pos, text: t.slice(start + 2, e) };
        }
      }
    }
    const two = t.slice(start, start + 2);
    if (two.length === 2 && start + 2 <= this.n && TWO_CHAR_OPS.has(two)) {
      this.pos += 2;
      return { kind: 'op', start, end: this.pos, text: two };
    }
    // <*>. : any single character
    this.pos = start + 1;
    const ch = t[start];
    if (ch === '[') this.state = State.ByteString;
    else if (ch === '{' || ch === ';') this.state = State.PropNodeName;
    return { kind: 'op', start, end: this.pos, text: ch };
  }

  /** Length of `{LABEL}:` at `start`, or 0. */
  private labelLength(start: number): number {
    const t = this.text;
    if (!isLabelStart(t.charCodeAt(start))) return 0;
    let e = start + 1;
    while (e < this.n && isLabel(t.charCodeAt(e))) e++;
    return e < this.n && t.charCodeAt(e) === 58 /* : */ ? e + 1 - start : 0;
  }

  private label(start: number, len: number): Token {
    this.pos = start + len;
    return { kind: 'label', start, end: this.pos, text: this.text.slice(start, start + len - 1) };
  }

  private string(start: number): Token {
    const t = this.text;
    let e = start + 1;
    while (e < this.n) {
      const d = t.charCodeAt(e);
      if (d === 34) break;
      if (d === 92) e++;
      e++;
    }
    if (e >= this.n) {
      // Unterminated: flex falls back to `.` for the quote.
      this.far = this.n;
      this.pos = start + 1;
      return { kind: 'op', start, end: this.pos, text: '"' };
    }
    this.pos = e + 1;
    const s = unescapeString(t.slice(start + 1, e));
    if (s.error) this.errors.push({ start, end: this.pos, message: s.error });
    return { kind: 'string', start, end: this.pos, text: t.slice(start, this.pos), bytes: s.bytes };
  }
}
