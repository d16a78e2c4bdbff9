// rmem-overlap-unreported: static regions that overlap although the kernel prints nothing.
// drivers/of/of_reserved_mem.c __rmem_check_for_overlap only compares NEIGHBOURS of the sorted
// reserved_mem[] array and only each node's first `reg` entry, so a region overlapping a
// non-adjacent one, or a second/third reg entry, goes unreported; memblock_reserve
// (drivers/of/fdt.c early_init_dt_reserve_memory) merges them silently. The reg entries are the
// simulator's decoding (RmemNode.regs); intersecting two ranges is plain geometry.
import type { RmemNode } from '../sim/types.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, relatedNode, simOk } from './util.js';

const MAX_REGS = 4096;

export const rmemOverlapUnreported: Rule = {
  code: 'rmem-overlap-unreported',
  title: 'Reserved regions overlap (not reported by the kernel)',
  kernel: 'drivers/of/of_reserved_mem.c:__rmem_check_for_overlap (neighbours only), drivers/of/fdt.c:early_init_dt_reserve_memory',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const regs: { rm: RmemNode; base: bigint; end: bigint; idx: number }[] = [];
    for (const rm of sim.rmem) {
      if (rm.kind !== 'static') continue;
      rm.regs.forEach((r, idx) => {
        if (r.size === 0n || regs.length >= MAX_REGS) return;
        // a no-map entry the kernel refused is reported by rmem-nomap-reserve-failed
        if (rm.results.some((x) => x.kind === 'reserve-failed' && x.base === r.base)) return;
        regs.push({ rm, base: r.base, end: r.base + r.size, idx });
      });
    }
    const reported = (a: RmemNode, b: RmemNode) =>
      a.results.some((x) => x.kind === 'overlap' && x.other === b.name) || b.results.some((x) => x.kind === 'overlap' && x.other === a.name);
    regs.sort((x, y) => (x.base < y.base ? -1 : x.base > y.base ? 1 : 0));
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < regs.length; i++) {
      const a = regs[i]!;
      for (let j = i + 1; j < regs.length && regs[j]!.base < a.end; j++) {
        const b = regs[j]!;
        if (a.rm === b.rm || reported(a.rm, b.rm)) continue;
        const key = `${a.rm.name}\0${a.idx}\0${b.rm.name}\0${b.idx}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const s = b.base;
        const e = a.end < b.end ? a.end : b.end;
        const why = a.idx > 0 || b.idx > 0
          ? 'the kernel only checks the first reg entry of each node'
          : 'the kernel only compares neighbours in the sorted region list';
        for (const [x, y] of [[a, b], [b, a]] as const) {
          const f = finding('warning', this.code, x.rm.node,
            `${x.rm.name} [${hex(x.base)}-${hex(x.end - 1n)}] overlaps ${y.rm.name} [${hex(y.base)}-${hex(y.end - 1n)}] at [${hex(s)}-${hex(e - 1n)}]; boot prints no "OVERLAP DETECTED" for it (${why}) and memblock merges both reservations silently.`);
          f.related = relatedNode(y.rm.node, `${y.rm.name} overlaps here`);
          out.push(f);
        }
      }
    }
    return out;
  },
};
