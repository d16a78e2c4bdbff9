// Maps every byte of the preprocessed text back to the user's files. Compact: one segment per run
// of text copied verbatim from a file (copy: out offset, file, source offset, length) and one per
// top-level macro invocation (expansion: the invocation's [start, end) in the file that wrote it),
// binary-searched by output offset; the inverse (file position -> output offset) uses a per-file
// index of copy segments built on first use.

import type { SourcePos, SourceRange } from '../tree.js';
import * as _lexer from './lexer.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const lineCol = _lexer.lineCol;

export interface SourceMap {
  /** Where the byte at `offset` of the expanded text came from: for copied text the exact file/line/col;
   *  for text produced by a macro expansion, the macro use site in the user's file. */
  locate(offset: number): SourcePos | undefined;
  /** The source range of expanded text [start, end) (start and end located, clamped to one file). */
  range(start: number, end: number): SourceRange | undefined;
  /** Offsets in the expanded text that come from `file` at (line, col) — the inverse, used by hover/edits. */
  toOffset(file: string, line: number, col: number): number | undefined;
}

export interface MappedFile {
  path: string;
  lineStarts: number[];
}

export interface MapMark {
  n: number;
  outStart: number;
  file: number;
  srcStart: number;
  srcEnd: number;
  kind: number;
}

export const K_COPY = 0;
export const K_EXPANSION = 1;

// Segments live in typed arrays (grown by doubling): 4 bytes a field instead of an 8-byte
// JS array slot, off the JS heap (the garbage collector neither scans nor copies them), and a
// resumed run copies a prefix with one memcpy (macro-heavy boards have ~50k segments).
export class SourceMapBuilder {
  /** Number of segments. */
  n = 0;
  outStart = new Int32Array(256);
  file = new Int32Array(256);
  srcStart = new Int32Array(256);
  /** copy: bytes mirrored exactly; expansion: end offset of the invocation in the file. */
  srcEnd = new Int32Array(256);
  kind = new Uint8Array(256);

  /** Records that the token at output offset `out` is a copy of file[fid] at [o, e). */
  copy(out: number, fid: number, o: number, e: number): void {
    const n = this.n - 1;
    if (n >= 0 && this.kind[n] === K_COPY && this.file[n] === fid && out - this.outStart[n] === o - this.srcStart[n]) {
      if (e > this.srcEnd[n]) this.srcEnd[n] = e;
      return;
    }
    this.push(out, fid, o, e, K_COPY);
  }

  /** Records that output from `out` comes from the macro invocation at file[fid] [o, e). */
  expansion(out: number, fid: number, o: number, e: number): void {
    const n = this.n - 1;
    if (n >= 0 && this.kind[n] === K_EXPANSION && this.file[n] === fid && this.srcStart[n] === o) {
      if (e > this.srcEnd[n]) this.srcEnd[n] = e;
      return;
    }
    this.push(out, fid, o, e, K_EXPANSION);
  }

  private push(out: number, fid: number, o: number, e: number, k: number): void {
    // A later segment starting at the same output offset replaces an empty one.
    let n = this.n - 1;
    if (n < 0 || this.outStart[n] !== out) {
      n = this.n++;
      if (n === this.kind.length) this.grow(n * 2);
    }
    this.outStart[n] = out;
    this.file[n] = fid;
    this.srcStart[n] = o;
    this.srcEnd[n] = e;
    this.kind[n] = k;
  }

  private grow(cap: number): void {
    const g = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a.subarray(0, Math.min(a.length, cap)));
      return b;
    };
    this.outStart = g(this.outStart);
    this.file = g(this.file);
    this.srcStart = g(this.srcStart);
    this.srcEnd = g(this.srcEnd);
    this.kind = g(this.kind);
  }

  /** The segment count and the last segment, which later calls may still change in place
   * (resume.ts restores a builder from a later one with these). */
  mark(): MapMark {
    const n = this.n - 1;
    return n < 0 ? { n: 0, outStart: 0, file: 0, srcStart: 0, srcEnd: 0, kind: 0 } : { n: n + 1, outStart: this.outStart[n], file: this.file[n], srcStart: this.srcStart[n], srcEnd: this.srcEnd[n], kind: this.kind[n] };
  }

  /** A builder as `later` was when it gave `m` (later only appended and updated its last segment). */
  static restore(later: SourceMapBuilder, m: MapMark): SourceMapBuilder {
    const b = new SourceMapBuilder();
    const n = m.n;
    b.n = n;
    const cap = Math.max(256, n + (n >> 1));
    b.outStart = copyPrefix(later.outStart, n, cap);
    b.file = copyPrefix(later.file, n, cap);
    b.srcStart = copyPrefix(later.srcStart, n, cap);
    b.srcEnd = copyPrefix(later.srcEnd, n, cap);
    b.kind = copyPrefix(later.kind, n, cap);
    if (n > 0) {
      b.outStart[n - 1] = m.outStart;
      b.file[n - 1] = m.file;
      b.srcStart[n - 1] = m.srcStart;
      b.srcEnd[n - 1] = m.srcEnd;
      b.kind[n - 1] = m.kind;
    }
    return b;
  }

  build(files: MappedFile[], outLength: number): SourceMapImpl {
    return new SourceMapImpl(files, this, outLength);
  }
}

function copyPrefix<T extends Int32Array | Uint8Array>(a: T, n: number, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a.subarray(0, n));
  return b;
}

export class SourceMapImpl implements SourceMap {
  private inverse = new Map<number, { src: number[]; seg: number[] }>();
  private fileIds = new Map<string, number>();
  constructor(public files: MappedFile[], private s: SourceMapBuilder, public outLength: number) {
    files.forEach((f, i) => {
      if (!this.fileIds.has(f.path)) this.fileIds.set(f.path, i);
    });
  }

  get segmentCount(): number {
    return this.s.n;
  }

  /** True when `o` maps every offset exactly as this map does (same files, lines and segments). */
  sameAs(o: SourceMap): boolean {
    if (!(o instanceof SourceMapImpl) || o.outLength !== this.outLength || o.s.n !== this.s.n || o.files.length !== this.files.length) return false;
    const n = this.s.n;
    const eq = (a: Int32Array | Uint8Array, b: Int32Array | Uint8Array): boolean => Buffer.compare(
      new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT), new Uint8Array(b.buffer, b.byteOffset, n * b.BYTES_PER_ELEMENT)) === 0;
    const a = this.s, b = o.s;
    if (!eq(a.outStart, b.outStart) || !eq(a.file, b.file) || !eq(a.srcStart, b.srcStart) || !eq(a.srcEnd, b.srcEnd) || !eq(a.kind, b.kind)) return false;
    return this.files.every((f, i) => {
      const g = o.files[i];
      return f.path === g.path && (f.lineStarts === g.lineStarts || (f.lineStarts.length === g.lineStarts.length && f.lineStarts.every((x, k) => x === g.lineStarts[k])));
    });
  }

  /** Index of the segment containing output offset `off`, or -1. */
  segmentAt(off: number): number {
    const a = this.s.outStart;
    if (off < 0 || off >= this.outLength || this.s.n === 0) return -1;
    if (off < a[0]) return 0; // leading white space belongs to the first token
    let lo = 0;
    let hi = this.s.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (a[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** File id and source offset for output offset `off` (start of the invocation for expansions). */
  sourceOffset(off: number, atEnd = false): { fid: number; offset: number; kind: number } | undefined {
    const i = this.segmentAt(off);
    if (i < 0) return undefined;
    const s = this.s;
    if (s.kind[i] === K_COPY) {
      // Generated white space after the mirrored bytes maps to the end of the copied run.
      const o = Math.max(s.srcStart[i], Math.min(s.srcStart[i] + (off - s.outStart[i]), s.srcEnd[i]));
      return { fid: s.file[i], offset: o, kind: K_COPY };
    }
    return { fid: s.file[i], offset: atEnd ? s.srcEnd[i] : s.srcStart[i], kind: K_EXPANSION };
  }

  private pos(fid: number, offset: number): SourcePos {
    const f = this.files[fid];
    const lc = lineCol(f, offset);
    return { file: f.path, line: lc.line, col: lc.col };
  }

  locate(offset: number): SourcePos | undefined {
    const r = this.sourceOffset(offset);
    return r ? this.pos(r.fid, r.offset) : undefined;
  }

  range(start: number, end: number): SourceRange | undefined {
    const a = this.sourceOffset(start);
    if (!a) return undefined;
    const b = end > start ? this.sourceOffset(end - 1, true) : a;
    let endOff: number;
    if (!b || b.fid !== a.fid) {
      // Clamp to the first file: the end of the first segment's run.
      endOff = this.s.srcEnd[this.segmentAt(start)];
    } else endOff = b.kind === K_COPY ? b.offset + 1 : b.offset;
    if (endOff < a.offset) endOff = a.offset;
    const p = this.pos(a.fid, a.offset);
    const q = this.pos(a.fid, endOff);
    return { file: p.file, start: { line: p.line, col: p.col }, end: { line: q.line, col: q.col } };
  }

  toOffset(file: string, line: number, col: number): number | undefined {
    const fid = this.fileIds.get(file);
    if (fid === undefined) return undefined;
    const f = this.files[fid];
    if (line < 0 || line >= f.lineStarts.length) return undefined;
    const off = f.lineStarts[line] + col;
    let idx = this.inverse.get(fid);
    if (!idx) {
      const seg: number[] = [];
      for (let i = 0; i < this.s.n; i++) if (this.s.kind[i] === K_COPY && this.s.file[i] === fid) seg.push(i);
      seg.sort((x, y) => this.s.srcStart[x] - this.s.srcStart[y]);
      idx = { src: seg.map((i) => this.s.srcStart[i]), seg };
      this.inverse.set(fid, idx);
    }
    // Last copy segment starting at or before `off` that still covers it.
    let lo = 0;
    let hi = idx.src.length - 1;
    if (hi < 0 || idx.src[0] > off) return this.expansionCovering(fid, off);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (idx.src[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    // Several runs can cover it when the file was included more than once: take the first in
    // the output. Runs of one file do not nest, so a short look back suffices.
    let best: number | undefined;
    for (let k = lo; k >= 0 && k >= lo - 64; k--) {
      const i = idx.seg[k];
      if (off < this.s.srcEnd[i]) {
        const o = this.s.outStart[i] + (off - this.s.srcStart[i]);
        if (best === undefined || o < best) best = o;
      }
    }
    return best ?? this.expansionCovering(fid, off);
  }

  /** A position inside a macro invocation maps to the start of its expansion. */
  private expansionCovering(fid: number, off: number): number | undefined {
    for (let i = 0; i < this.s.n; i++) {
      if (this.s.kind[i] === K_EXPANSION && this.s.file[i] === fid && this.s.srcStart[i] <= off && off < this.s.srcEnd[i]) return this.s.outStart[i];
    }
    return undefined;
  }
}
