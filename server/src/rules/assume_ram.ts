// RAM the board does not describe. About a third of the Linux boards leave the memory size to the
// boot loader (`reg = <0x80000000 0>` or no memory node); the kernel would then see whatever the
// boot loader writes. To still predict the reserved-memory outcomes, callers (CLI, corpus run,
// analyzeBoard) may simulate a copy of the tree with ONE assumed RAM bank: from the memory node's
// base (else the lowest static region or alloc-ranges window, 256 MiB aligned, else 0x80000000)
// up to the end of the highest one rounded to 1 GiB, at least 2 GiB, within the root's address cells.
// Rules that judge RAM itself (rmem-outside-ram, chosen-initrd) stay silent on an assumed bank and
// `memory-size-unknown` says what was assumed. This is an input assumption, not kernel logic.
import { getProp, readRegs, readString, type DtNode, type DtTree } from '../dts/tree.js';
import type { Rule } from './index.js';
import { hex, isAvailable, reservedMemory, rootCells, sizeStr } from './util.js';

const GiB = 1n << 30n;

function encode(v: bigint, cells: number): number[] {
  const out: number[] = [];
  for (let i = cells - 1; i >= 0; i--) {
    const w = (v >> BigInt(32 * i)) & 0xffffffffn;
    out.push(Number((w >> 24n) & 0xffn), Number((w >> 16n) & 0xffn), Number((w >> 8n) & 0xffn), Number(w & 0xffn));
  }
  return out;
}

/** True when some available memory node has a non-empty reg (the board describes its RAM). A
 * `memory@...` node without device_type counts too: its author gave a size, so nothing is
 * assumed and memory-no-device-type reports that the kernel ignores it. */
export function hasRam(tree: DtTree): boolean {
  const { addr, size } = rootCells(tree);
  return tree.root.children.some((n) => {
    if ((readString(n, 'device_type') !== 'memory' && !/^memory(@|$)/.test(n.name)) || !isAvailable(n)) return false;
    const p = getProp(n, 'linux,usable-memory') ?? getProp(n, 'reg');
    return !!p && readRegs(p.value, addr, size).some((r) => r.size > 0n);
  });
}

/** The tree unchanged when it describes RAM, else a copy whose root gets one assumed bank. */
export function assumeRam(tree: DtTree): { tree: DtTree; assumed?: { base: bigint; size: bigint } } {
  if (hasRam(tree)) return { tree };
  const { addr, size } = rootCells(tree);
  if (addr < 1 || addr > 2 || size < 1 || size > 2) return { tree };
  const limit = addr === 1 ? 1n << 32n : 1n << 48n;
  const mem = tree.root.children.find((n) => readString(n, 'device_type') === 'memory' && getProp(n, 'reg'));
  const memBase = mem ? readRegs(getProp(mem, 'reg')!.value, addr, size)[0]?.base : undefined;
  let lo: bigint | undefined;
  let hi = 0n;
  const rmn = reservedMemory(tree);
  const note = (base: bigint, size: bigint) => {
    if (!size) return;
    if (lo === undefined || base < lo) lo = base;
    if (base + size > hi) hi = base + size;
  };
  for (const c of rmn?.children ?? []) {
    if (!isAvailable(c)) continue;
    // static regions and the windows of dynamic ones both say where the board's RAM is
    for (const name of ['reg', 'alloc-ranges']) {
      const p = getProp(c, name);
      if (p) for (const r of readRegs(p.value, addr, size)) note(r.base, r.size);
    }
  }
  let base = memBase ?? (lo !== undefined ? (lo / (256n << 20n)) * (256n << 20n) : 0x80000000n);
  if (base >= limit) base = 0n;
  let end = ((hi + GiB - 1n) / GiB) * GiB;
  if (end < base + 2n * GiB) end = base + 2n * GiB;
  if (end > limit) end = limit;
  const sizeV = end - base;
  const node: DtNode = {
    name: `memory@${base.toString(16)}`, parent: tree.root, children: [], labels: [],
    props: [
      { name: 'device_type', value: new TextEncoder().encode('memory\0'), labels: [] },
      { name: 'reg', value: new Uint8Array([...encode(base, addr), ...encode(sizeV, size)]), labels: [] },
    ],
  };
  const children = tree.root.children.filter((n) => readString(n, 'device_type') !== 'memory');
  // the synthetic bank goes first so that /chosen etc. keep their order
  const r = tree.root;
  const root: DtNode = { name: r.name, parent: r.parent, props: r.props, children: [node, ...children], labels: r.labels, range: r.range, ranges: r.ranges };
  return { tree: { root, memreserves: tree.memreserves }, assumed: { base, size: sizeV } };
}

export const memorySizeUnknown: Rule = {
  code: 'memory-size-unknown',
  title: 'RAM size not in the devicetree (assumed for the simulation)',
  kernel: 'drivers/of/fdt.c:early_init_dt_scan_memory',
  run(ctx) {
    const a = ctx.assumedRam;
    if (!a) return [];
    const mem = ctx.tree.root.children.find((n) => readString(n, 'device_type') === 'memory');
    return [{
      severity: 'info', code: this.code, ...(mem?.range ? { range: mem.range, node: mem } : {}),
      message: `No memory node gives a RAM size (the boot loader fills it in); the simulation assumes ${sizeStr(a.size)} of RAM at ${hex(a.base)}. Checks that depend on the RAM extent are skipped.`,
    }];
  },
};
