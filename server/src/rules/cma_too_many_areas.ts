// cma-too-many-areas: more CMA areas than MAX_CMA_AREAS (1 + CONFIG_CMA_AREAS, the default area
// included: 20 on Debian arm64, 8 on arm). mm/cma.c cma_init_reserved_mem prints "Not enough slots
// for CMA reserved regions!", kernel/dma/contiguous.c rmem_cma_setup "unable to setup CMA region",
// and the node gets "compatible matching fail". Outcome from the simulator.
import type { Rule, RuleFinding } from './index.js';
import { finding, simOk } from './util.js';

export const cmaTooManyAreas: Rule = {
  code: 'cma-too-many-areas',
  title: 'More CMA areas than CONFIG_CMA_AREAS allows',
  kernel: 'mm/cma.c:cma_init_reserved_mem',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    const slotLines = new Set(sim.log.filter((l) => l.text.includes('Not enough slots for CMA')).map((l) => l.node));
    for (const rm of sim.rmem) {
      const failed = rm.results.some((r) => r.kind === 'compatible-matching-fail' && r.cause?.includes('unable to setup CMA'));
      if (!failed || !slotLines.has(rm.node)) continue;
      out.push(finding('error', this.code, rm.node,
        `"cma: Not enough slots for CMA reserved regions!": all ${sim.profile.cmaAreas + 1} CMA slots of this kernel (MAX_CMA_AREAS = CONFIG_CMA_AREAS + 1, the default area included) are taken before ${rm.name}, so no pool is created ("compatible matching fail").`));
    }
    return out;
  },
};
