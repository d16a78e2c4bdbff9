// rmem-cma-no-map: a `shared-dma-pool` with both `reusable` and `no-map`. kernel/dma/contiguous.c
// rmem_cma_setup only takes reusable regions without no-map and kernel/dma/coherent.c
// rmem_dma_setup refuses reusable ones, so drivers/of/of_reserved_mem.c __reserved_mem_init_node
// prints "node %s compatible matching fail"; fdt_init_reserved_mem then gives a static region back
// to RAM, while a dynamic one stays memblock-reserved (leaked). Fix: drop `no-map`.
import { getProp } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, fix, hex, isCompatible, removePropEdit, simOk, sizeStr } from './util.js';

export const cmaNoMap: Rule = {
  code: 'rmem-cma-no-map',
  title: 'CMA pool with no-map is rejected',
  kernel: 'kernel/dma/contiguous.c:rmem_cma_setup, drivers/of/of_reserved_mem.c:__reserved_mem_init_node',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      if (!rm.reusable || !rm.nomap || !isCompatible(rm.node, 'shared-dma-pool')) continue;
      if (!rm.results.some((r) => r.kind === 'compatible-matching-fail')) continue;
      const what = rm.kind === 'dynamic'
        ? `the ${sizeStr(rm.size)} it allocated at ${hex(rm.base)} stays reserved and is lost to the system (leaked)`
        : 'its memory goes back to the page allocator as ordinary RAM';
      const f = finding('error', this.code, rm.node,
        `"OF: reserved mem: node ${rm.name} compatible matching fail": a shared-dma-pool that is both reusable and no-map is refused by the CMA setup (needs no no-map) and by the coherent-pool setup (refuses reusable), so no pool is created and ${what}. Remove no-map to get a CMA pool.`);
      const nm = getProp(rm.node, 'no-map');
      if (nm) f.fixes = fix('Remove no-map (make it a CMA pool)', [removePropEdit(ctx, nm)]);
      out.push(f);
    }
    return out;
  },
};
