// Seeded mutators for the fuzz test: each takes a corpus file's text (or a whole case) and a PRNG
// and returns broken or pathological input of one kind: truncation, byte flips, deleted braces,
// huge numbers, deep nesting, 10 MB files, macro bombs, include cycles, binary garbage, splices,
// and random but well-formed memory descriptions (reserved-memory, memory, /memreserve/,
// command lines) that reach deep into the simulator.
import type { FuzzCase } from './harness.js';

export { prng } from '../prng.js';

export type Rng = () => number;
const int = (r: Rng, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rng, a: readonly T[]): T => a[int(r, a.length)]!;

function spliceAt(t: string, at: number, del: number, ins: string): string {
  return t.slice(0, at) + ins + t.slice(at + del);
}

const HUGE = ['0xffffffffffffffff', '0xffffffffffffffffffffffff', '18446744073709551616', '99999999999999999999999999', '-1', '0x8000000000000000',
  '(~0)', '(1 << 63)', '(1 << 64)', '(0x7fffffffffffffff + 1)', '(-9223372036854775807 - 1) / -1', '(1 / 0)', '(1 % 0)', "'\\777'"];

const GARBAGE = ['\0', '\uFFFD', '\uD800', '\u00ff', '\x1b', '\r', '\t', '"', '\\', '/*', '*/', '//', '#', '&', '<', '>', '{', '}', ';', '=', '/delete-node/', '/bits/ 64', '&{/', '@', ',', '$'];

type TextMutator = (t: string, r: Rng, others: string[]) => string;

export const textMutators: Record<string, TextMutator> = {
  truncate: (t, r) => t.slice(0, int(r, t.length + 1)),
  byteFlips: (t, r) => {
    let s = t;
    const n = 1 + int(r, 16);
    for (let i = 0; i < n; i++) s = spliceAt(s, int(r, s.length + 1), 1, String.fromCharCode(int(r, 256)));
    return s;
  },
  deleteBraces: (t, r) => {
    const idx: number[] = [];
    for (let i = 0; i < t.length; i++) if ('{};<>"'.includes(t[i]!)) idx.push(i);
    let s = t;
    const n = 1 + int(r, 6);
    for (let i = 0; i < n && idx.length; i++) {
      const k = idx.splice(int(r, idx.length), 1)[0]!;
      s = spliceAt(s, k, 1, ' '); // same length: later indices stay valid
    }
    return s;
  },
  hugeNumbers: (t, r) => {
    const nums = [...t.matchAll(/\b(0x[0-9a-fA-F]+|\d+)\b/g)];
    let s = t;
    for (let i = 0, n = 1 + int(r, 8); i < n && nums.length; i++) {
      const m = nums[int(r, nums.length)]!;
      const rep = pick(r, HUGE);
      if (s.slice(m.index!, m.index! + m[0].length) === m[0]) s = spliceAt(s, m.index!, m[0].length, rep.padEnd(m[0].length));
    }
    return s;
  },
  deepNesting: (t, r) => {
    const depth = pick(r, [100, 1000, 5000, 20000]);
    const open = Array.from({ length: depth }, (_, i) => `n${i} {`).join('');
    return `${t}\n/ { ${open} x = <1>; ${'};'.repeat(depth)} };\n`;
  },
  deepExpression: (t, r) => {
    const depth = pick(r, [100, 1000, 10000]);
    return `${t}\n/ { e = <${'('.repeat(depth)}1${')'.repeat(depth)}>; f = <${'-'.repeat(depth)}1>; };\n`;
  },
  garbage: (t, r) => {
    let s = t;
    for (let i = 0, n = 1 + int(r, 20); i < n; i++) s = spliceAt(s, int(r, s.length + 1), 0, pick(r, GARBAGE));
    return s;
  },
  binary: (_t, r) => Array.from({ length: 1 + int(r, 4096) }, () => String.fromCharCode(int(r, 65536))).join(''),
  splice: (t, r, others) => {
    const o = pick(r, others);
    const a = int(r, o.length);
    return spliceAt(t, int(r, t.length + 1), int(r, 64), o.slice(a, a + int(r, 2000)));
  },
  duplicateLines: (t, r) => {
    const lines = t.split('\n');
    const i = int(r, lines.length);
    lines.splice(i, 0, ...lines.slice(i, i + 1 + int(r, 20)));
    return lines.join('\n');
  },
};

/** Random but well-formed memory description nodes (what the simulator and rules read). */
export function memoryNodes(r: Rng): string {
  const cells = pick(r, [0, 1, 2, 3]);
  const sc = pick(r, [0, 1, 2]);
  const val = (n: number): string => Array.from({ length: n }, () => pick(r, ['0x0', '0x1', '0x80000000', '0xffffffff', '0x1000', '0x400000', '0xfffff000', '0x10000000'])).join(' ');
  const out: string[] = [];
  out.push(`/memreserve/ ${pick(r, ['0x0', '0xffffffffffffffff', '0x80000000', '0xfffffffffffff000'])} ${pick(r, ['0x0', '0x1000', '0xffffffffffffffff', '0x100000'])};`);
  out.push('/ {');
  out.push(`\tmemory@0 { device_type = "memory"; reg = <${val(2 * 2 * (1 + int(r, 3)))}>; };`);
  out.push(`\tchosen { bootargs = "${pick(r, ['', 'mem=1G', 'mem=0', 'cma=0', 'cma=4G', 'cma=64M@0x80000000', 'memblock=debug', 'mem=99999999999999999999G', 'cma=-1', 'nr_cpus=0', 'vmalloc=0', 'crashkernel=512M', 'initrd=0xffffffff,0xffffffff', 'mem=4096M@0xfffff000'])}"; };`);
  out.push(`\treserved-memory { #address-cells = <${cells}>; #size-cells = <${sc}>; ranges;`);
  const n = pick(r, [1, 3, 20, 100, 300]);
  for (let i = 0; i < n; i++) {
    const props: string[] = [];
    if (r() < 0.7) props.push(`reg = <${val(int(r, 6))}>;`);
    if (r() < 0.4) props.push(`size = <${val(int(r, 3))}>;`);
    if (r() < 0.3) props.push(`alignment = <${val(int(r, 3))}>;`);
    if (r() < 0.3) props.push(`alloc-ranges = <${val(int(r, 5))}>;`);
    if (r() < 0.3) props.push('no-map;');
    if (r() < 0.3) props.push('reusable;');
    if (r() < 0.2) props.push('linux,cma-default;');
    if (r() < 0.4) props.push(`compatible = "${pick(r, ['shared-dma-pool', 'restricted-dma-pool', 'ramoops', 'x'])}";`);
    out.push(`\t\tr${i}@${int(r, 0x100000).toString(16)} { ${props.join(' ')} };`);
  }
  out.push('\t};', '};');
  return out.join('\n');
}

/** A macro that expands exponentially (each level doubles), or a self-referencing one. */
function macroBomb(r: Rng): string {
  const levels = pick(r, [10, 20, 30, 64]);
  const defs = [`#define M0 x`];
  for (let i = 1; i <= levels; i++) defs.push(`#define M${i} M${i - 1} M${i - 1}`);
  const kind = int(r, 3);
  if (kind === 0) return `${defs.join('\n')}\n/ { p = <M${levels}>; };\n`;
  if (kind === 1) return `#define F(x) F(x) x x\n#define G G G\n/ { p = <F(1) G>; };\n`;
  return `${defs.join('\n')}\n#if M${levels}\n#endif\n#define S(x) #x\n/ { p = S(M${Math.min(levels, 24)}); };\n`;
}

/** A whole-case mutation: adds files to the case (cycles, 10 MB files, many includes). */
export const caseMutators: Record<string, (c: FuzzCase, r: Rng) => void> = {
  includeCycle: (c, r) => {
    const dir = c.entry.replace(/\/[^/]*$/, '');
    const a = `${dir}/fuzz-cycle-a.dtsi`, b = `${dir}/fuzz-cycle-b.dtsi`;
    const kw = pick(r, ['#include', '/include/']);
    c.files[a] = `${kw} "fuzz-cycle-b.dtsi"\n/ { a; };\n`;
    c.files[b] = `${kw} "fuzz-cycle-a.dtsi"\n/ { b; };\n`;
    c.files[c.entry] = `${kw} "fuzz-cycle-a.dtsi"\n${c.files[c.entry] ?? ''}`;
  },
  selfInclude: (c, r) => {
    const name = c.entry.replace(/.*\//, '');
    c.files[c.entry] = `${pick(r, ['#include', '/include/'])} "${name}"\n${c.files[c.entry] ?? ''}`;
  },
  tenMegabytes: (c, r) => {
    const kind = int(r, 3);
    const unit = kind === 0 ? '\tp = <0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8>;\n' : kind === 1 ? '\tn@0 { reg = <0 0>; };\n' : '/* comment comment comment comment comment */\n';
    const body = unit.repeat(Math.ceil((10 * 1024 * 1024) / unit.length));
    c.files[c.entry] = `${c.files[c.entry] ?? ''}\n/ {\n${body}};\n`;
  },
  macroBomb: (c, r) => {
    c.files[c.entry] = `${c.files[c.entry] ?? ''}\n${macroBomb(r)}`;
  },
  memoryNodes: (c, r) => {
    c.files[c.entry] = `${c.files[c.entry] ?? ''}\n${memoryNodes(r)}\n`;
  },
  manyIncludes: (c, r) => {
    const dir = c.entry.replace(/\/[^/]*$/, '');
    const n = pick(r, [50, 200, 500]);
    const inc: string[] = [];
    for (let i = 0; i < n; i++) {
      c.files[`${dir}/fuzz-inc-${i}.dtsi`] = `/ { node${i} { id = <${i}>; }; };\n`;
      inc.push(`#include "fuzz-inc-${i}.dtsi"`);
    }
    c.files[c.entry] = `${inc.join('\n')}\n${c.files[c.entry] ?? ''}`;
  },
  bootargs: (c, r) => {
    c.bootargs = Array.from({ length: 1 + int(r, 4) }, () => pick(r, ['mem=', 'mem=1', 'mem=0x', 'cma=', 'cma=1G@', 'cma=@@', 'memblock=', 'vmalloc=-1', 'mem=1P', 'cma=16M@0xffffffffffffffff', '"', 'a="b c', 'loglevel=99999999999999999999', 'log_buf_len=1E', 'nr_cpus=-5', 'crashkernel=1G-2G:64M,high', 'mem=18446744073709551615'])).join(' ');
  },
};
