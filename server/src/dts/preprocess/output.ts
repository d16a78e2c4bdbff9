// Writes the token stream as text the way `cpp -E` spaces it (c-ppoutput.cc scan_translation_unit):
// a space where the source had white space (PREV_WHITE), and after a macro boundary only where the
// two tokens would otherwise lex differently (cpp_avoid_paste). Copied runs keep their original
// white space, so an unexpanded line reads as in the file and maps to it with one segment.
// It also spots dtc's `/include/ "file"` in the stream and hands it to the raw inserter.

import * as _tokens from './tokens.js';
import type { Tok } from './tokens.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const F_PREV_WHITE = _tokens.F_PREV_WHITE;
const T_NAME = _tokens.T_NAME;
const T_PADDING = _tokens.T_PADDING;
const T_PUNCT = _tokens.T_PUNCT;
const T_STRING = _tokens.T_STRING;
const avoidPaste = _tokens.avoidPaste;
import { SourceMapBuilder, type MapMark } from './sourcemap.js';
import { LimitError } from './expand.js';

export interface Origin {
  copy: boolean;
  fid: number;
  start: number;
  end: number;
}

interface Pending {
  tok: Tok;
  ws: number; // 0 none, 1 space, 2 new line
  org: Origin;
}

export interface PrinterState {
  outLen: number;
  len: number;
  map: MapMark;
  prev: Tok | null;
  source: Tok | null | undefined;
  avoid: boolean;
  newLine: boolean;
  lastCopyFid: number;
  lastCopyEnd: number;
  runFid: number;
  runStart: number;
  runEnd: number;
}

/** Raw text of one file for a copy segment. */
export type FileText = (fid: number) => string;

export class Printer {
  /** Text written so far, not counting the pending verbatim run. */
  out = '';
  /** Logical output length (including the pending run). */
  len = 0;
  map = new SourceMapBuilder();
  private prev: Tok | null = null;
  private source: Tok | null | undefined = null;
  private avoid = false;
  private newLine = false;
  // The last copied token (file and end offset), for reusing the original white space.
  private lastCopyFid = -1;
  private lastCopyEnd = -1;
  // Pending verbatim run [runStart, runEnd) of file runFid, appended lazily in one piece.
  private runFid = -1;
  private runStart = 0;
  private runEnd = 0;
  private pending: Pending[] = [];

  constructor(
    private text: FileText,
    private maxBytes: number,
    /** Called for `/include/ "x"`: inserts the file raw; returns false when not handled. */
    private onDtcInclude: (nameTok: Tok, first: Origin, last: Origin, ws: number) => boolean,
  ) {}

  /** No `/`, `/include`, `/include/` held back (a checkpoint may be taken). */
  idle(): boolean {
    return this.pending.length === 0;
  }

  /** The printer's state when idle (resume.ts): `out` is kept as its length, a prefix of the
   * finished text, and the source map as its mark. */
  save(): PrinterState {
    return {
      outLen: this.out.length, len: this.len, map: this.map.mark(), prev: this.prev, source: this.source, avoid: this.avoid, newLine: this.newLine,
      lastCopyFid: this.lastCopyFid, lastCopyEnd: this.lastCopyEnd, runFid: this.runFid, runStart: this.runStart, runEnd: this.runEnd,
    };
  }

  /** Back to `st`, saved by a printer that went on to write `text` with the map `later`. */
  restore(st: PrinterState, text: string, later: SourceMapBuilder): void {
    this.out = text.slice(0, st.outLen);
    this.len = st.len;
    this.map = SourceMapBuilder.restore(later, st.map);
    this.prev = st.prev;
    this.source = st.source;
    this.avoid = st.avoid;
    this.newLine = st.newLine;
    this.lastCopyFid = st.lastCopyFid;
    this.lastCopyEnd = st.lastCopyEnd;
    this.runFid = st.runFid;
    this.runStart = st.runStart;
    this.runEnd = st.runEnd;
    this.pending = [];
  }

  /** libcpp's cb_line_change: the next token starts a new source line. */
  lineChange(): void {
    this.newLine = true;
    this.prev = null;
    this.source = null;
  }

  /** One token from the expander: copied from file `fid` at [start, end) or, when !copy, produced
   * by the macro invocation at [start, end) of file `fid`. */
  token(tok: Tok, copy: boolean, fid: number, start: number, end: number): void {
    if (tok.t === T_PADDING) {
      this.avoid = true;
      if (this.source == null || (!(this.source.f & F_PREV_WHITE) && tok.src == null)) this.source = tok.src;
      return;
    }
    let ws = 0;
    if (this.avoid) {
      const src = this.source ?? tok;
      if (src.f & F_PREV_WHITE || (this.prev && avoidPaste(this.prev, tok)) || (this.prev === null && tok.t === T_PUNCT && tok.s === '#')) ws = 1;
    } else if (tok.f & F_PREV_WHITE) ws = 1;
    if (this.newLine) ws = 2;
    this.avoid = false;
    this.source = null;
    this.prev = tok;
    this.newLine = false;
    if (this.pending.length === 0 && !(tok.t === T_PUNCT && tok.s === '/')) this.write(tok, ws, copy, fid, start, end);
    else this.queue({ tok, ws, org: { copy, fid, start, end } });
  }

  /** Holds `/`, `/include`, `/include/` until the next token shows whether it is a dtc include. */
  private queue(p: Pending): void {
    const q = this.pending;
    const t = p.tok;
    if (q.length === 0) {
      if (t.t === T_PUNCT && t.s === '/') q.push(p);
      else this.writeP(p);
      return;
    }
    if (q.length === 1 && t.t === T_NAME && t.s === 'include' && p.ws === 0) {
      q.push(p);
      return;
    }
    if (q.length === 2 && t.t === T_PUNCT && t.s === '/' && p.ws === 0) {
      q.push(p);
      return;
    }
    if (q.length === 3 && t.t === T_STRING) {
      this.pending = [];
      if (this.onDtcInclude(t, q[0].org, p.org, q[0].ws)) {
        // Nothing may paste onto the inserted text.
        this.prev = null;
        this.newLine = true;
        this.lastCopyFid = -1;
        return;
      }
      for (const x of q) this.writeP(x);
      this.writeP(p);
      return;
    }
    this.pending = [];
    for (const x of q) this.writeP(x);
    this.queue(p);
  }

  flush(): void {
    const q = this.pending;
    this.pending = [];
    for (const x of q) this.writeP(x);
    this.flushRun();
  }

  private flushRun(): void {
    if (this.runFid >= 0) {
      if (this.runEnd > this.runStart) this.out += this.text(this.runFid).slice(this.runStart, this.runEnd);
      this.runFid = -1;
    }
  }

  append(s: string): void {
    this.flushRun();
    this.out += s;
    this.len += s.length;
    if (this.len > this.maxBytes) throw new LimitError('output-limit', `preprocessed output exceeds ${this.maxBytes} bytes`);
  }

  /** The finished text. */
  result(): string {
    this.flush();
    return this.out;
  }

  private writeP(p: Pending): void {
    this.write(p.tok, p.ws, p.org.copy, p.org.fid, p.org.start, p.org.end);
  }

  private write(tok: Tok, ws: number, copy: boolean, fid: number, start: number, end: number): void {
    if (copy && end - start !== tok.s.length) {
      // A token with a line splice inside: its spelling differs from the source bytes.
      if (ws) this.space(ws, fid, start);
      this.map.copy(this.len, fid, start, end);
      this.lastCopyFid = -1;
      this.append(tok.s);
      return;
    }
    if (copy) {
      // Continue the verbatim run when only the original white space separates the tokens.
      if (fid === this.lastCopyFid && this.lastCopyEnd <= start) {
        const gap = start - this.lastCopyEnd;
        if (gap === 0 ? ws === 0 : ws !== 0 && this.blankRun(fid, this.lastCopyEnd, start, ws === 2)) {
          this.map.copy(this.len + gap, fid, start, end);
          this.extendRun(fid, this.lastCopyEnd, end);
          this.len += end - this.lastCopyEnd;
          this.lastCopyEnd = end;
          if (this.len > this.maxBytes) throw new LimitError('output-limit', `preprocessed output exceeds ${this.maxBytes} bytes`);
          return;
        }
      }
      if (ws) this.space(ws, fid, start);
      this.map.copy(this.len, fid, start, end);
      this.extendRun(fid, start, end);
      this.len += end - start;
      this.lastCopyFid = fid;
      this.lastCopyEnd = end;
      if (this.len > this.maxBytes) throw new LimitError('output-limit', `preprocessed output exceeds ${this.maxBytes} bytes`);
      return;
    }
    if (ws) this.space(ws, -1, 0);
    this.map.expansion(this.len, fid, start, end);
    this.lastCopyFid = -1;
    this.append(tok.s);
  }

  /** Adds [from, to) of file fid to the pending verbatim run (starting a new one if needed). */
  private extendRun(fid: number, from: number, to: number): void {
    if (this.runFid === fid && this.runEnd === from) {
      this.runEnd = to;
      return;
    }
    this.flushRun();
    this.runFid = fid;
    this.runStart = from;
    this.runEnd = to;
  }

  private blankRun(fid: number, from: number, to: number, newline: boolean): boolean {
    const text = this.text(fid);
    let nl = false;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) nl = true;
      else if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
    }
    return nl === newline;
  }

  /** Generated white space: a new line (plus the token's original indentation) or a space. */
  private space(ws: number, fid: number, start: number): void {
    if (ws === 2) {
      if (this.len > 0) this.append('\n');
      if (fid >= 0) {
        const text = this.text(fid);
        let i = start;
        while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
        if (i < start && (i === 0 || text.charCodeAt(i - 1) === 10)) this.append(text.slice(i, start));
      }
    } else if (this.len > 0) this.append(' ');
  }

  /** Inserts text [from, to) of file `fid` verbatim (dtc /include/). */
  rawPiece(fid: number, text: string, from: number, to: number): void {
    if (to > from) {
      this.map.copy(this.len, fid, from, to);
      this.append(text.slice(from, to));
    }
    this.lastCopyFid = -1;
  }
}
