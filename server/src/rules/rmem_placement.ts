// rmem-placement (information): where each dynamic region (`size`) lands and in which zone, as the
// simulator placed it (drivers/of/of_reserved_mem.c __reserved_mem_alloc_size top-down in each
// alloc-ranges entry or all of RAM, zones from zone_sizes_init), and what it became.
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, simOk, sizeStr, zonesOf } from './util.js';

export const rmemPlacement: Rule = {
  code: 'rmem-placement',
  title: 'Where a dynamic region lands (information)',
  kernel: 'drivers/of/of_reserved_mem.c:__reserved_mem_alloc_size',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      if (rm.kind !== 'dynamic' || !rm.saved || rm.size === 0n || rm.results.some((r) => r.kind === 'alloc-failed' || r.kind === 'invalid-property')) continue;
      const init = rm.results.find((r) => r.kind === 'initialized');
      const what = init?.type === 'cma' ? 'CMA pool'
        : init?.type === 'dma-coherent' ? 'DMA-coherent pool'
          : rm.results.some((r) => r.kind === 'compatible-matching-fail' || r.kind === 'bypassed-by-cmdline-cma') ? `not initialised (${rm.nomap ? 'stays reserved' : 'freed'})`
            : rm.nomap ? 'reserved, no-map' : 'reserved';
      const zones = zonesOf(sim, rm.base, rm.size);
      out.push(finding('info', this.code, rm.node,
        `${rm.name}: ${sizeStr(rm.size)} at [${hex(rm.base)}-${hex(rm.base + rm.size - 1n)}]${zones.length ? ` in zone ${zones.join('+')}` : ''}: ${what}.`));
    }
    return out;
  },
};
