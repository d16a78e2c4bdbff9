// Offset -> file/line/column mapping for text the front end parses. `OffsetMap` is the small part
// of the preprocessor's SourceMap the front end needs; `LinemarkerMap` implements it for text that
// carries cpp linemarkers (`# 12 "board.dts" 2`, which dtc itself honours) or none at all.
import type { SourceRange } from './tree.js';

export interface OffsetMap {
  range(start: number, end: number): SourceRange | undefined;
}

interface Segment { textLine: number; file: string; srcLine: number }

function upperBound(arr: ArrayLike<number>, x: number): number {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid] <= x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export class LinemarkerMap implements OffsetMap {
  private readonly lineStarts: number[] = [0];
  private readonly segs: Segment[] = [];

  constructor(text: string, private readonly file: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    if (text.indexOf('#') < 0) return;
    const re = /^#(?:line)?[ \t]+([0-9]+)[ \t]+"((?:[^\\"\n]|\\.)*)"/gm;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const line = upperBound(this.lineStarts, m.index) - 1;
      this.segs.push({ textLine: line + 1, file: m[2].replace(/\\(.)/g, '$1'), srcLine: Number(m[1]) - 1 });
    }
  }

  pos(offset: number): { file: string; line: number; col: number } {
    const l = upperBound(this.lineStarts, offset) - 1;
    const col = offset - this.lineStarts[l];
    if (!this.segs.length) return { file: this.file, line: l, col };
    let lo = 0, hi = this.segs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.segs[mid].textLine <= l) lo = mid + 1; else hi = mid;
    }
    const seg = this.segs[lo - 1];
    if (!seg) return { file: this.file, line: l, col };
    return { file: seg.file, line: seg.srcLine + (l - seg.textLine), col };
  }

  range(start: number, end: number): SourceRange {
    const a = this.pos(start);
    const b = end > start ? this.pos(end) : a;
    if (b.file !== a.file) return { file: a.file, start: { line: a.line, col: a.col }, end: { line: a.line, col: a.col } };
    return { file: a.file, start: { line: a.line, col: a.col }, end: { line: b.line, col: b.col } };
  }
}
