// Writes the token stream as text the way `cpp -E` spaces it (c-ppoutput.cc scan_translation_unit):
// a space where the source had white space (PREV_WHITE), and after a macro boundary only where the
// two tokens would otherwise lex differently (cpp_avoid_paste). Copied runs keep their original
// white space, so an unexpanded line reads as in the file and maps to it with one segment.
// It also spots dtc's `/include/ "file"` in the stream and hands it to the raw inserter.

import { F_PREV_WHITE, T_NAME, T_PADDING, T_PUNCT, T_STRING, avoidPaste, type Tok } from './tokens.js';
import { SourceMapBuilder } from './sourcemap.js';
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

/** Raw text of one file for a copy segment. */
export type FileText = (fid: number) => string;

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}

export class Printer {
  chunks: string[] = [];
  len = 0;
  map = new SourceMapBuilder();
  private prev: Tok | null = null;
  private source: Tok | null | undefined = null;
  private avoid = false;
  private newLine = false;
  private lastCopyFid = -1;
  private lastCopyEnd = -1;
  private pending: Pending[] = [];

  constructor(
    private text: FileText,
    private maxBytes: number,
    /** Called for `/include/ "x"`: inserts the file raw; returns false when not handled. */
    private onDtcInclude: (nameTok: Tok, first: Origin, last: Origin, ws: number) => boolean,
  ) {}

  /** libcpp's cb_line_change: the next token starts a new source line. */
  lineChange(): void {
    this.newLine = true;
    this.prev = null;
    this.source = null;
  }

  token(tok: Tok, org: Origin): void {
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
    this.queue({ tok, ws, org });
  }

  /** Holds `/`, `/include`, `/include/` until the next token shows whether it is a dtc include. */
  private queue(p: Pending): void {
    const q = this.pending;
    const t = p.tok;
    if (q.length === 0) {
      if (t.t === T_PUNCT && t.s === '/') q.push(p);
      else this.write(p);
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
      for (const x of q) this.write(x);
      this.write(p);
      return;
    }
    this.pending = [];
    for (const x of q) this.write(x);
    this.queue(p);
  }

  flush(): void {
    const q = this.pending;
    this.pending = [];
    for (const x of q) this.write(x);
  }

  append(s: string): void {
    this.chunks.push(s);
    this.len += s.length;
    if (this.len > this.maxBytes) throw new LimitError('output-limit', `preprocessed output exceeds ${this.maxBytes} bytes`);
  }

  /** White space before a token: the original run when it directly follows the previous copied
   * token of the same file, else a single space or new line. */
  private space(ws: number, org: Origin): void {
    if (org.copy && org.fid === this.lastCopyFid && this.lastCopyEnd <= org.start) {
      const text = this.text(org.fid);
      if (org.start - this.lastCopyEnd > 0 && isBlank(text, this.lastCopyEnd, org.start)) {
        const run = text.slice(this.lastCopyEnd, org.start);
        if (ws === 2 ? run.includes('\n') : !run.includes('\n')) {
          this.append(run);
          return;
        }
      }
    }
    if (ws === 2) {
      if (this.len === 0) {
        // first line: keep its indentation
      } else this.append('\n');
      if (org.copy) {
        const text = this.text(org.fid);
        let i = org.start;
        while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
        if (i < org.start && (i === 0 || text.charCodeAt(i - 1) === 10)) this.append(text.slice(i, org.start));
      }
    } else if (ws === 1) this.append(' ');
  }

  private write(p: Pending): void {
    if (p.ws) this.space(p.ws, p.org);
    const out = this.len;
    const o = p.org;
    if (o.copy) {
      this.map.copy(out, o.fid, o.start, o.end);
      this.lastCopyFid = o.fid;
      this.lastCopyEnd = o.end;
    } else {
      this.map.expansion(out, o.fid, o.start, o.end);
      this.lastCopyFid = -1;
    }
    this.append(p.tok.s);
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
