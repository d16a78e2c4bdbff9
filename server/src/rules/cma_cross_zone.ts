// cma-cross-zone: a CMA area whose pages are not all in one zone. mm/cma.c cma_activate_area
// requires every pfn of the area in the zone of its first pfn, else "CMA area %s could not be
// activated": the memory is counted as CMA but never usable (32-bit arm: a pool across the
// lowmem/highmem boundary; arm64: across the 4 GiB DMA32/Normal limit). Activation is the
// simulator's (CmaArea.activated); the zones named are its zone_sizes_init result.
import { findNode } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, simOk, sizeStr, zonesOf } from './util.js';

export const cmaCrossZone: Rule = {
  code: 'cma-cross-zone',
  title: 'CMA area spans two zones and cannot be activated',
  kernel: 'mm/cma.c:cma_activate_area',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const a of sim.cmaAreas) {
      if (a.activated !== false || !a.activationError?.includes('could not be activated')) continue;
      const zones = zonesOf(sim, a.base, a.size);
      const boundary = sim.zones.find((z) => z.spanned > 0n && z.startPfn * sim.profile.pageSize > a.base && z.startPfn * sim.profile.pageSize < a.base + a.size);
      const b = boundary ? boundary.startPfn * sim.profile.pageSize : undefined;
      const chosen = a.isDefault ? findNode(ctx.tree, '/chosen') : undefined;
      const f = finding('error', this.code, a.node ?? chosen,
        `"cma: CMA area ${a.name} could not be activated": [${hex(a.base)}-${hex(a.base + a.size - 1n)}] (${sizeStr(a.size)}) spans zones ${zones.join(' and ')}${b !== undefined ? ` (boundary ${hex(b)}${sim.lowmemLimit === b ? ', the lowmem/highmem limit' : ''})` : ''}; the pages stay counted as CMA but no allocation can use them. Keep the pool wholly ${b !== undefined ? `below or above ${hex(b)}` : 'inside one zone'}.`);
      out.push(f);
    }
    return out;
  },
};
