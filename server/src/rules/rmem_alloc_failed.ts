// rmem-alloc-failed: a dynamic region (`size`) the kernel cannot place. drivers/of/of_reserved_mem.c
// __reserved_mem_alloc_size tries each `alloc-ranges` entry (or all of RAM) with
// memblock_phys_alloc_range and prints "failed to allocate memory for node '%s': size %lu MiB";
// the node is then dropped. The message names the largest free gap in the requested window, taken
// from the simulator's memblock snapshot (memory minus reserved; NOMAP memory is not free).
import { nodePath } from '../dts/tree.js';
import type { SimResult, StepSnapshot } from '../sim/types.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, simOk, sizeStr } from './util.js';

/** Largest free [start, end) inside [from, to) in a memblock snapshot. */
export function largestFree(snap: StepSnapshot, from: bigint, to: bigint): { start: bigint; end: bigint } | undefined {
  let best: { start: bigint; end: bigint } | undefined;
  const reserved = [...snap.reserved].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  for (const m of snap.memory) {
    if (m.flags & 4) continue; // MEMBLOCK_NOMAP
    let cur = m.base > from ? m.base : from;
    const mEnd = m.base + m.size < to ? m.base + m.size : to;
    for (const r of reserved) {
      if (cur >= mEnd) break;
      const rEnd = r.base + r.size;
      if (rEnd <= cur || r.base >= mEnd) continue;
      if (r.base > cur && (!best || r.base - cur > best.end - best.start)) best = { start: cur, end: r.base };
      cur = rEnd;
    }
    if (cur < mEnd && (!best || mEnd - cur > best.end - best.start)) best = { start: cur, end: mEnd };
  }
  return best;
}

/** The snapshot closest to the reserved-memory allocation: the first one taken after it. */
function snapshotAfterRmem(sim: SimResult): StepSnapshot | undefined {
  return sim.steps.find((s) => /reserved_mem|arm_memblock_init|arm64_memblock_init/.test(s.step)) ?? sim.steps[0];
}

export const rmemAllocFailed: Rule = {
  code: 'rmem-alloc-failed',
  title: 'Dynamic reserved region cannot be allocated',
  kernel: 'drivers/of/of_reserved_mem.c:__reserved_mem_alloc_size',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    const snap = snapshotAfterRmem(sim);
    for (const rm of sim.rmem) {
      const res = rm.results.find((r) => r.kind === 'alloc-failed');
      if (!res) continue;
      const path = nodePath(rm.node);
      const tries = sim.memblockEvents.filter((e) => e.op === 'alloc' && e.result === null && e.owner === path);
      const windows = tries.map((e) => ({ from: e.from ?? 0n, to: e.maxAddr ?? 0n }));
      const gaps: string[] = [];
      if (snap) {
        for (const w of windows.length ? windows : [{ from: 0n, to: (1n << 64n) - 1n }]) {
          const g = largestFree(snap, w.from, w.to === 0n ? (1n << 64n) - 1n : w.to);
          const win = w.to >= (1n << 32n) - 1n && w.from === 0n ? 'RAM' : `[${hex(w.from)}-${hex(w.to - 1n)}]`;
          const hasRam = snap.memory.some((m) => m.base < (w.to === 0n ? (1n << 64n) - 1n : w.to) && w.from < m.base + m.size);
          gaps.push(g ? `largest free gap in ${win}: ${sizeStr(g.end - g.start)} at ${hex(g.start)}` : hasRam ? `no free memory in ${win}` : `${win} contains no RAM`);
        }
      }
      const line = rm.messages.find((m) => m.includes('failed to allocate'));
      const size = res.size ?? 0n;
      out.push(finding('error', this.code, rm.node,
        `${line ? `"${line}"` : `failed to allocate memory for node '${rm.name}': size ${size >> 20n} MiB`}: no free, suitably aligned ${sizeStr(size)} exists ${windows.length > 1 || rm.node.props.some((p) => p.name === 'alloc-ranges') ? 'in any alloc-ranges entry' : 'in RAM'}${gaps.length ? ` (${gaps.join('; ')})` : ''}; the region does not exist at run time.`));
    }
    return out;
  },
};
