// Seeded generator of plausible-but-varied devicetree fragments for the boot-oracle's QEMU virt
// base (RAM at 0x40000000): RAM size, /memory edits (holes, extra banks, unaligned bases),
// 0..12 /reserved-memory children (static with 1..3 reg entries, dynamic with size/alignment/
// alloc-ranges, no-map, reusable, shared-dma-pool, linux,cma-default, status) and a command
// line (cma= forms, mem=, vmalloc=, movablecore=). Used to find where the simulator does not
// generalise: boot each case on the real kernels (run.sh), then compare (check.ts).
//
// The inputs stay inside what QEMU virt can boot: static CMA and no-map regions avoid the
// kernel, the DTB and the first MiBs of RAM (a no-map below the 32-bit kernel hangs it, a CMA
// over the image or outside RAM crashes every kernel: test/golden/cases/README.md), memory
// edits keep [0x40000000, 0x48400000) in bank 0, mem= stays below the RAM size.
//
// Usage: node --import tsx test/golden/random/gen.ts --seed N --count N --out DIR [--first N]
//   [--hard] [--extra] writes DIR/rand-<n>.dtsi and DIR/manifest.txt (the golden manifest's format).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const K = 1n << 10n;
const M = 1n << 20n;
const RAM0 = 0x40000000n;
/** Start of the area where no-map and CMA regions may go: above the DTB (0x48000000 + 2 MiB). */
const SAFE = 0x48400000n;

import { prng as rng } from '../../prng.js';

export { rng };

export interface GenCase {
  name: string;
  mem: string;
  fragment: string;
  append: string;
}

interface Bank {
  base: bigint;
  size: bigint;
}

const hex = (v: bigint) => '0x' + v.toString(16);
const cells2 = (v: bigint) => `${hex(v >> 32n)} ${hex(v & 0xffffffffn)}`;

class Gen {
  constructor(private r: () => number) {}
  f(): number {
    return this.r();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  /** A bigint in [lo, hi) aligned down to `align` (lo is rounded up first). */
  addr(lo: bigint, hi: bigint, align: bigint): bigint {
    const a = (lo + align - 1n) / align;
    const b = hi / align;
    if (b <= a) return a * align;
    const span = Number(b - a);
    return (a + BigInt(Math.floor(this.r() * span))) * align;
  }
  /** A size from 4K to 256M, log-uniform, with a mix of alignments (some unaligned). */
  size(maxBits = 28, cma = false): bigint {
    const bits = 12 + this.r() * (maxBits - 12);
    let s = BigInt(Math.floor(2 ** bits));
    const kind = this.f();
    if (cma) {
      const al = this.chance(0.8) ? 2n * M : this.pick([4n * M, 8n * M, 1n * M, 64n * K]);
      s = ((s + al - 1n) / al) * al;
    } else if (kind < 0.45) s = ((s + 4n * K - 1n) / (4n * K)) * 4n * K;
    else if (kind < 0.75) s = ((s + M - 1n) / M) * M;
    else if (kind < 0.9) s = BigInt(this.pick([1, 2, 4, 8, 16, 32, 64])) * M;
    else s = (s & ~0xffn) + BigInt(this.int(1, 255)) * 0x10n; // unaligned
    return s > 0n ? s : 4n * K;
  }
}

function ramBytes(mem: string): bigint {
  const m = /^(\d+)([MG])$/.exec(mem)!;
  return BigInt(m[1]!) * (m[2] === 'G' ? 1n << 30n : M);
}

/** /memory edits: none, a hole, an extra bank in its own node, an unaligned bank base, or a
 * shorter (unaligned) end. Bank 0 always keeps [0x40000000, 0x48400000). */
function memoryEdits(g: Gen, ram: bigint, hard: boolean): { banks: Bank[]; text: string; note: string } {
  const end = RAM0 + ram;
  const whole: Bank[] = [{ base: RAM0, size: ram }];
  const k = g.f();
  if (k < (hard ? 0.3 : 0.62)) return { banks: whole, text: '', note: 'RAM as QEMU says' };
  const reg = (bs: Bank[]) => bs.map((b) => `${cells2(b.base)} ${cells2(b.size)}`).join('\n\t       ');
  if (k < 0.75) {
    // one or two holes in the one node
    const nh = g.int(1, 2);
    const banks: Bank[] = [];
    let cur = RAM0;
    for (let i = 0; i < nh; i++) {
      const lo = i === 0 ? SAFE + 16n * M : cur + 16n * M;
      const hs = g.addr(lo, end - 64n * M, g.pick([4n * K, M, 2n * M, 0x800n]));
      const hsize = g.pick([M, 4n * M, 16n * M, 0x1800n, 64n * M, 256n * M]);
      if (hs <= cur || hs + hsize >= end - 16n * M) break;
      banks.push({ base: cur, size: hs - cur });
      cur = hs + hsize;
    }
    banks.push({ base: cur, size: end - cur });
    return { banks, text: `&{/memory@40000000} {\n\treg = <${reg(banks)}>;\n};\n`, note: `holes: ${banks.map((b) => hex(b.base)).join(',')}` };
  }
  if (k < 0.87) {
    // the upper part in a second memory node, possibly with a hole and an unaligned base
    const split = g.addr(SAFE + 32n * M, end - 32n * M, g.pick([M, 16n * M, 4n * K]));
    const gap = g.pick([0n, 0n, 0x800n, M, 8n * M, 32n * M]);
    const b2 = split + gap;
    const banks: Bank[] = [{ base: RAM0, size: split - RAM0 }, { base: b2, size: end - b2 }];
    const text =
      `&{/memory@40000000} {\n\treg = <${reg([banks[0]!])}>;\n};\n` +
      `/ {\n\tmemory@${b2.toString(16)} {\n\t\tdevice_type = "memory";\n\t\treg = <${reg([banks[1]!])}>;\n\t};\n};\n`;
    return { banks, text, note: `extra bank at ${hex(b2)}` };
  }
  // a shorter end (possibly unaligned) and an unaligned second bank base
  const cut = g.addr(SAFE + 64n * M, end, g.pick([4n * K, 0x100n, M]));
  const mid = g.addr(SAFE + 16n * M, cut - 16n * M, M);
  const b2 = mid + g.pick([0x800n, 0x1000n, 0x10n, 0x200800n]);
  const banks = [{ base: RAM0, size: mid - RAM0 }, { base: b2, size: cut - b2 }];
  return { banks, text: `&{/memory@40000000} {\n\treg = <${reg(banks)}>;\n};\n`, note: `unaligned bank ${hex(b2)}, end ${hex(cut)}` };
}

type Flavour = 'plain' | 'nomap' | 'cma' | 'dma' | 'cma-nomap' | 'pool-plain';

function flavour(g: Gen): Flavour {
  const x = g.f();
  if (x < 0.34) return 'plain';
  if (x < 0.52) return 'nomap';
  if (x < 0.8) return 'cma';
  if (x < 0.92) return 'dma';
  return g.pick(['cma-nomap', 'pool-plain'] as const);
}

function props(g: Gen, fl: Flavour, state: { cmaDefault: number }): string[] {
  const out: string[] = [];
  if (fl === 'cma' || fl === 'dma' || fl === 'cma-nomap' || fl === 'pool-plain') out.push('compatible = "shared-dma-pool";');
  if (fl === 'cma' || fl === 'cma-nomap') out.push('reusable;');
  if (fl === 'nomap' || fl === 'dma' || fl === 'cma-nomap') out.push('no-map;');
  if (fl === 'cma' && state.cmaDefault < 2 && g.chance(0.15)) {
    out.push('linux,cma-default;');
    state.cmaDefault++;
  }
  if (fl === 'dma' && g.chance(0.1)) out.push('linux,dma-default;');
  const s = g.f();
  if (s < 0.07) out.push('status = "disabled";');
  else if (s < 0.1) out.push(`status = "${g.pick(['okay', 'ok', 'fail'])}";`);
  return out;
}

/** A place for a static region: inside a bank (no-map/CMA above SAFE), or for plain regions
 * sometimes low in RAM or straddling the end of RAM. */
function staticBase(g: Gen, banks: Bank[], size: bigint, fl: Flavour, cma: boolean): bigint | undefined {
  const align = cma ? g.pick([2n * M, 2n * M, 8n * M, 4n * M, M]) : g.pick([4n * K, 4n * K, M, 2n * M, 0x800n, 64n * K]);
  if (fl === 'plain' && g.chance(0.08)) return g.addr(RAM0, SAFE, 4n * K);
  const last = banks[banks.length - 1]!;
  if (fl !== 'cma' && g.chance(0.05)) return g.addr(last.base + last.size - size / 2n, last.base + last.size, 4n * K);
  for (let i = 0; i < 8; i++) {
    const b = g.pick(banks);
    const lo = b.base > SAFE ? b.base : SAFE;
    const hi = b.base + b.size - size;
    if (hi <= lo) continue;
    return g.addr(lo, hi, align);
  }
  return undefined;
}

/** hard: more nodes, memory edits and command-line options per case (the second pass). */
export function genCase(seed: number, n: number, hard = false, extra = false): GenCase {
  const g = new Gen(rng(seed * 1000003 + n));
  const mem = g.pick(['512M', '768M', '1G', '1G', '1G', '1536M', '2G', '2G', '3G', '4G']);
  const ram = ramBytes(mem);
  const { banks, text: memText, note } = memoryEdits(g, ram, hard);
  const end = RAM0 + ram;
  const count = hard ? g.int(5, 12) : g.int(0, 12);
  const lines: string[] = [];
  const state = { cmaDefault: 0 };
  let budget = ram / 3n; // keep boots alive: at most a third of RAM asked for
  for (let i = 0; i < count; i++) {
    const fl = flavour(g);
    const cma = fl === 'cma';
    let size = g.size(cma ? 26 : 28, cma);
    if (size > budget) size = budget > 4n * K ? (budget / 2n) & ~0xfffn : 4n * K;
    budget -= size;
    const p = props(g, fl, state);
    if (g.chance(0.45)) {
      // static
      const nreg = g.chance(0.15) ? g.int(2, 3) : 1;
      const regs: Bank[] = [];
      for (let j = 0; j < nreg; j++) {
        const sz = j === 0 ? size : g.size(24, cma);
        const base = staticBase(g, banks, sz, fl, cma);
        if (base !== undefined) regs.push({ base, size: sz });
      }
      if (!regs.length) continue;
      const name = `s${i}-${fl}@${regs[0]!.base.toString(16)}`;
      const reg = regs.map((r) => `${cells2(r.base)} ${cells2(r.size)}`).join('\n\t\t       ');
      lines.push(`\t\t${name} {\n\t\t\treg = <${reg}>;\n${p.map((x) => `\t\t\t${x}\n`).join('')}\t\t};`);
    } else {
      const body = [`size = <${cells2(size)}>;`];
      if (g.chance(0.45)) {
        const al = g.chance(0.08) ? g.pick([0x300000n, 0x1800n, 0x30000n]) : 1n << BigInt(g.int(12, 26));
        body.push(`alignment = <${cells2(al)}>;`);
      }
      if (g.chance(0.5)) {
        const nr = g.int(1, 3);
        const rs: string[] = [];
        for (let j = 0; j < nr; j++) {
          const rsz = g.pick([size, size * 2n, 16n * M, 64n * M, 128n * M, 256n * M, 512n * M]) + (g.chance(0.2) ? 0x1000n : 0n);
          // no-map blocks below the 32-bit kernel's end hang arm (cases/README.md): ranges start
          // above the decompressed image
          const rb = g.addr(fl === 'plain' || fl === 'cma' ? RAM0 : 0x42000000n, end, g.pick([M, 16n * M, 4n * K]));
          rs.push(`${cells2(rb)} ${cells2(rsz)}`);
        }
        body.push(`alloc-ranges = <${rs.join('\n\t\t\t\t\t')}>;`);
      }
      lines.push(`\t\td${i}-${fl} {\n${[...body, ...p].map((x) => `\t\t\t${x}\n`).join('')}\t\t};`);
    }
  }
  // command line
  const args: string[] = [];
  const ramM = Number(ram / M);
  if (g.chance(hard ? 0.5 : 0.3)) {
    const sz = g.pick([0, 3, 4, 16, 24, 32, 48, 64, 96]);
    const form = g.f();
    if (form < 0.5) args.push(`cma=${sz}M`);
    else if (form < 0.75) args.push(`cma=${sz}M@${hex(g.addr(SAFE, end - BigInt(sz) * M, g.pick([2n * M, 8n * M, M])))}`);
    else {
      const lo = g.addr(RAM0, end - 64n * M, 16n * M);
      const hi = g.addr(lo + 32n * M, end + 16n * M, 16n * M);
      args.push(`cma=${sz}M@${hex(lo)}-${hex(hi)}`);
    }
  }
  if (g.chance(hard ? 0.25 : 0.15)) args.push(`mem=${g.int(Math.min(384, ramM - 128), ramM - 64)}M`);
  if (g.chance(hard ? 0.3 : 0.15)) args.push(`vmalloc=${g.pick([128, 200, 256, 320, 400, 480])}M`);
  if (g.chance(hard ? 0.25 : 0.12)) args.push(`movablecore=${g.pick([32, 64, 128, 256, 512].filter((x) => x <= ramM / 2))}M`);
  const name = `rand-${n}`;
  const withRmem = lines.length > 0 || g.chance(0.3);
  // --extra: inputs added after the first passes, drawn from their own stream so that the
  // seeds of those passes still give the same cases: the command line in /chosen/bootargs, an
  // initrd range in /chosen, kernelcore=, and a static CMA pool just past a mem= limit
  let chosen = '';
  let append = args.join(' ');
  let extraNote = '';
  if (extra) {
    const x = new Gen(rng(seed * 7919 + n));
    const memArg = args.find((a) => a.startsWith('mem='));
    if (memArg && x.chance(0.5)) {
      const lim = RAM0 + BigInt(memArg.slice(4, -1)) * M;
      const base = (lim + 2n * M + 8n * M - 1n) & ~(8n * M - 1n);
      if (base + 16n * M <= end) {
        lines.push(`\t\tpast-mem@${base.toString(16)} {\n\t\t\treg = <${cells2(base)} ${cells2(16n * M)}>;\n\t\t\tcompatible = "shared-dma-pool";\n\t\t\treusable;\n\t\t};`);
        extraNote += ', CMA past mem=';
      }
    }
    if (x.chance(0.25)) {
      args.push(`kernelcore=${x.pick([64, 128, 256])}M`);
      extraNote += ', kernelcore=';
    }
    const props: string[] = [];
    if (x.chance(0.3)) {
      const b = banks[0]!;
      const lo = 0x4a000000n;
      const hi = b.base + b.size - 17n * M;
      if (hi > lo) {
        const s0 = x.addr(lo, hi, x.pick([4n * K, 0x800n, M]));
        const e0 = s0 + BigInt(x.int(1, 16)) * M - (x.chance(0.3) ? 0x400n : 0n);
        props.push(`linux,initrd-start = <${cells2(s0)}>;`, `linux,initrd-end = <${cells2(e0)}>;`);
        extraNote += ', initrd';
      }
    }
    append = args.join(' ');
    if (args.length && x.chance(0.35)) {
      props.push(`bootargs = "${append}";`);
      append = '';
      extraNote += ', bootargs in /chosen';
    }
    if (props.length) chosen = `/ {\n\tchosen {\n${props.map((p) => `\t\t${p}\n`).join('')}\t};\n};\n`;
  }
  const head = `// ${name} (gen.ts seed ${seed}${extra ? ' --extra' : ''}): ${mem} RAM, ${note}, ${lines.length} reserved-memory node(s)${args.length ? ', ' + args.join(' ') : ''}${extraNote}\n`;
  const rmem = withRmem || lines.length
    ? `/ {\n\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n${lines.join('\n')}\n\t};\n};\n`
    : '';
  return { name, mem, fragment: head + memText + rmem + chosen, append };
}

function main(argv: string[]): void {
  const opt = (k: string, d: string) => {
    const i = argv.indexOf(k);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : d;
  };
  const seed = Number(opt('--seed', '1'));
  const count = Number(opt('--count', '60'));
  const first = Number(opt('--first', '1'));
  const out = opt('--out', 'rand-cases');
  mkdirSync(out, { recursive: true });
  const man: string[] = ['# name | fragment | --mem | --append | other boot-oracle options'];
  for (let n = first; n < first + count; n++) {
    const c = genCase(seed, n, argv.includes('--hard'), argv.includes('--extra'));
    writeFileSync(join(out, `${c.name}.dtsi`), c.fragment);
    man.push(`${c.name.padEnd(12)} | ${`${c.name}.dtsi`.padEnd(15)} | ${c.mem.padEnd(5)} | ${c.append.padEnd(40)} | --timeout 60`);
  }
  writeFileSync(join(out, 'manifest.txt'), man.join('\n') + '\n');
}

if (require.main === module) main(process.argv.slice(2));
