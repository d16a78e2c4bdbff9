// Property values as dtc-parser.y's propdata / arrayprefix / bytestring rules build them: strings
// (escaped, NUL-terminated), `< >` cells of integer_prim with `/bits/ 8|16|32|64` (truncated to the
// element size, flagged when the dropped bits are not a sign extension), `[ ]` bytes, `&x` path
// references outside cells and phandle references inside 32-bit cells (placeholder cells plus
// markers), labels anywhere. /incbin/ is reported as unsupported.
import type { Token } from './lexer.js';
import { parsePrim, type ExprContext } from './expr.js';
import { NO_MARKERS, type Data, type Label, type Marker } from './ast.js';

/** What the value rules need from the statement parser. */
export interface ValueParser extends ExprContext {
  isOp(op: string): boolean;
  expectOp(op: string): Token;
  labels(): Label[];
  error(code: string, message: string, start: number, end: number, severity?: 'error' | 'warning'): void;
}

/** Growable byte buffer; one shared scratch instance is reused for every value (done() copies out). */
class ByteBuf {
  buf = new Uint8Array(4096);
  len = 0;
  reset(): this { this.len = 0; return this; }
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  push(b: number): void { this.grow(1); this.buf[this.len++] = b; }
  append(bytes: Uint8Array): void { this.grow(bytes.length); this.buf.set(bytes, this.len); this.len += bytes.length; }
  /** data_append_integer: big-endian, truncated to `bits`. */
  integer(v: bigint, bits: number): void {
    this.grow(bits / 8);
    if (bits === 32) {
      const n = Number(v & 0xffffffffn);
      this.buf[this.len++] = n >>> 24; this.buf[this.len++] = (n >>> 16) & 0xff;
      this.buf[this.len++] = (n >>> 8) & 0xff; this.buf[this.len++] = n & 0xff;
      return;
    }
    for (let s = bits - 8; s >= 0; s -= 8) this.buf[this.len++] = Number((v >> BigInt(s)) & 0xffn);
  }
  /** The value so far, copied out: small values into the current slab (views on one shared
   * ArrayBuffer instead of an ArrayBuffer and a malloc'd store each), large ones on their own. */
  done(): Uint8Array {
    const n = this.len;
    if (n > SLAB_VALUE_MAX) return this.buf.slice(0, n);
    if (slabUsed + n > slab.length) {
      slab = new Uint8Array(SLAB_SIZE);
      slabUsed = 0;
    }
    const out = slab.subarray(slabUsed, slabUsed + n);
    for (let i = 0; i < n; i++) out[i] = this.buf[i]!;
    slabUsed += n;
    return out;
  }
}

// A slab is kept alive by any value on it, so it stays small: a board's values fill ~10 of them,
// and a re-parse after an edit fills new ones while the old tail's become garbage together.
const SLAB_SIZE = 16384;
const SLAB_VALUE_MAX = 256;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

// Values are built here and copied out by done(); parsing never nests two values.
const SCRATCH = new ByteBuf();

/** propdata: items separated by ',', labels before and after each. */
export function parsePropData(p: ValueParser): { data: Data; end: number } {
  let lastEnd = p.peek().start;
  const buf = SCRATCH.reset();
  const markers: Marker[] = [];
  for (;;) {
    for (const l of p.labels()) markers.push({ kind: 'label', offset: buf.len, ref: l.name, start: l.start, end: l.end });
    const t = p.peek();
    if (t.kind === 'string') {
      p.take();
      buf.append(t.bytes!);
      buf.push(0);
      lastEnd = t.end;
    } else if (t.kind === 'bits' || p.isOp('<')) {
      lastEnd = cells(p, buf, markers);
    } else if (p.isOp('[')) {
      p.take();
      while (!p.isOp(']')) {
        const b = p.peek();
        if (b.kind === 'byte') { p.take(); buf.push(b.bytes![0]); continue; }
        if (b.kind === 'label') { p.take(); markers.push({ kind: 'label', offset: buf.len, ref: b.text, start: b.start, end: b.end - 1 }); continue; }
        p.syntax(b);
      }
      lastEnd = p.take().end;
    } else if (t.kind === 'ref' || t.kind === 'pathref') {
      p.take();
      markers.push({ kind: 'path', offset: buf.len, ref: t.text, start: t.start, end: t.end });
      lastEnd = t.end;
    } else if (t.kind === 'incbin') {
      p.error('incbin-unsupported', '/incbin/ is not supported', t.start, t.end);
      p.take();
      p.expectOp('(');
      while (!p.isOp(')')) {
        if (p.peek().kind === 'eof' || p.isOp(';')) p.syntax(p.peek());
        p.take();
      }
      lastEnd = p.take().end;
    } else {
      p.syntax(t);
    }
    while (p.peek().kind === 'label') {
      const l = p.take();
      markers.push({ kind: 'label', offset: buf.len, ref: l.text, start: l.start, end: l.end - 1 });
      lastEnd = l.end;
    }
    if (!p.isOp(',')) break;
    p.take();
  }
  return { data: { bytes: buf.done(), markers: markers.length ? markers : NO_MARKERS }, end: lastEnd };
}

/** arrayprefix ... '>' : `/bits/ N <` or `<`, then prims, references and labels; returns the end. */
function cells(p: ValueParser, buf: ByteBuf, markers: Marker[]): number {
  let bits = 32;
  if (p.peek().kind === 'bits') {
    p.take();
    const n = p.peek();
    if (n.kind !== 'literal') p.syntax(n);
    p.take();
    const v = n.value!;
    if (v === 8n || v === 16n || v === 32n || v === 64n) bits = Number(v);
    else p.error('bits-size', 'Array elements must be 8, 16, 32 or 64-bits', n.start, n.end);
  }
  p.expectOp('<');
  const mask = (1n << BigInt(bits)) - 1n;
  const all = (1n << 64n) - 1n;
  for (;;) {
    const t = p.peek();
    if (t.kind === 'op' && t.text === '>') return p.take().end;
    if (t.kind === 'ref' || t.kind === 'pathref') {
      p.take();
      if (bits === 32) markers.push({ kind: 'phandle', offset: buf.len, ref: t.text, start: t.start, end: t.end });
      else p.error('ref-bits', 'References are only allowed in arrays with 32-bit elements.', t.start, t.end);
      buf.integer(all >> BigInt(64 - bits), bits);
      continue;
    }
    if (t.kind === 'label') {
      p.take();
      markers.push({ kind: 'label', offset: buf.len, ref: t.text, start: t.start, end: t.end - 1 });
      continue;
    }
    if (t.kind === 'literal' && bits === 32 && t.value! <= 0xffffffffn) {
      // Fast path: a plain literal cell.
      p.take();
      buf.integer(t.value!, 32);
      continue;
    }
    const v = parsePrim(p);
    if (bits < 64 && v.v > mask && (v.v | mask) !== all) {
      p.error('value-truncated', `Value 0x${v.v.toString(16).padStart(16, '0')} truncated to 0x${(v.v & mask).toString(16).padStart(bits / 4, '0')}`, v.start, v.end, 'warning');
    }
    buf.integer(v.v, bits);
  }
}
