// rmem-overlap: two reserved-memory regions the kernel itself reports as overlapping.
// drivers/of/of_reserved_mem.c __rmem_check_for_overlap sorts reserved_mem[] by base and size and
// compares neighbours: "OF: reserved mem: OVERLAP DETECTED!\n%s (%pa--%pa) overlaps with %s
// (%pa--%pa)". Boot continues; both stay reserved and memblock merges them, so two drivers may
// own the same memory. The report is placed on both nodes, each pointing at the other.
import type { RmemNode } from '../sim/types.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, relatedNode, simOk } from './util.js';

export const rmemOverlap: Rule = {
  code: 'rmem-overlap',
  title: 'Reserved regions overlap (reported by the kernel)',
  kernel: 'drivers/of/of_reserved_mem.c:__rmem_check_for_overlap',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    const byName = (name: string, not: RmemNode) => sim.rmem.find((r) => r !== not && r.name === name && r.results.some((x) => x.kind === 'overlap' && x.other === not.name));
    for (const a of sim.rmem) {
      for (const res of a.results) {
        if (res.kind !== 'overlap' || !res.other) continue;
        const b = byName(res.other, a);
        if (!b) continue;
        const key = [a.name, b.name].sort().join('\0');
        if (seen.has(key)) continue;
        seen.add(key);
        const line = a.messages.find((m) => m.includes('OVERLAP DETECTED') && m.includes(b.name))?.replace('\n', ' ');
        const desc = line ? `"${line}"` : `"OF: reserved mem: OVERLAP DETECTED! ${a.name} (${hex(a.base)}--${hex(a.base + a.size)}) overlaps with ${b.name} (${hex(b.base)}--${hex(b.base + b.size)})"`;
        for (const [x, y] of [[a, b], [b, a]] as const) {
          const f = finding('warning', this.code, x.node,
            `${desc}: ${x.name} [${hex(x.base)}-${hex(x.base + x.size - 1n)}] and ${y.name} [${hex(y.base)}-${hex(y.base + y.size - 1n)}] share memory; the kernel reserves both and two users may own the same pages.`);
          f.related = relatedNode(y.node, `${y.name} overlaps here`);
          out.push(f);
        }
      }
    }
    return out;
  },
};
