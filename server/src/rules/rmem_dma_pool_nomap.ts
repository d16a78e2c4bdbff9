// rmem-dma-pool-needs-no-map: on 32-bit arm a coherent shared-dma-pool (no `reusable`) must have
// `no-map`: kernel/dma/coherent.c rmem_dma_setup prints "Reserved memory: regions without no-map
// are not yet supported" under CONFIG_ARM, the node gets "compatible matching fail" and the region
// is freed. arm64 accepts it. (When the node looks like CMA, rmem-cma-not-reusable reports it
// instead.) Fixes: add `no-map` (a coherent pool) or `reusable` (a CMA pool).
import { getProp } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { cmaIntent } from './rmem_cma_not_reusable.js';
import { finding, fix, insertAfterPropEdit, isCompatible, simOk } from './util.js';

export const dmaPoolNeedsNomap: Rule = {
  code: 'rmem-dma-pool-needs-no-map',
  title: 'Coherent DMA pool without no-map fails on 32-bit arm',
  kernel: 'kernel/dma/coherent.c:rmem_dma_setup',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      if (rm.reusable || !isCompatible(rm.node, 'shared-dma-pool') || cmaIntent(rm.node, ctx.tree)) continue;
      const res = rm.results.find((r) => r.kind === 'compatible-matching-fail' && r.cause?.includes('without no-map'));
      if (!res) continue;
      const f = finding('error', this.code, rm.node,
        `"Reserved memory: regions without no-map are not yet supported", "OF: reserved mem: node ${rm.name} compatible matching fail": on ${sim.arch} a coherent DMA pool must be no-map, so no pool is created and the memory returns to RAM. Add no-map for a coherent pool, or reusable for a CMA pool.`);
      const compat = getProp(rm.node, 'compatible');
      if (compat) {
        const a = fix('Add no-map (coherent DMA pool)', [insertAfterPropEdit(ctx, compat, 'no-map;')]);
        const b = fix('Add reusable (CMA pool)', [insertAfterPropEdit(ctx, compat, 'reusable;')]);
        f.fixes = [...(a ?? []), ...(b ?? [])];
      }
      out.push(f);
    }
    return out;
  },
};
