// rmem-too-many: more regions than MAX_RESERVED_REGIONS (64 in 6.1). drivers/of/of_reserved_mem.c
// fdt_reserved_mem_save_node prints "not enough space for all defined regions." and the extra
// regions are never initialised (a static one is still reserved, but no driver can look it up; a
// dynamic one is never allocated). The simulator marks them `dropped`.
import type { Rule, RuleFinding } from './index.js';
import { finding, simOk } from './util.js';

export const rmemTooMany: Rule = {
  code: 'rmem-too-many',
  title: 'More than MAX_RESERVED_REGIONS reserved-memory regions',
  kernel: 'drivers/of/of_reserved_mem.c:fdt_reserved_mem_save_node',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      if (!rm.results.some((r) => r.kind === 'dropped')) continue;
      out.push(finding('error', this.code, rm.node,
        `"OF: reserved mem: not enough space for all defined regions.": ${rm.name} is past the kernel's limit of ${sim.profile.maxReservedRegions} regions, so it is ${rm.kind === 'dynamic' ? 'never allocated' : 'reserved but never initialised'} and drivers cannot find it.`));
    }
    return out;
  },
};
