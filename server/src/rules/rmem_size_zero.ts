// rmem-size-zero: a region of size 0. drivers/of/fdt.c __reserved_mem_reserve_reg fails a static
// `reg` entry of size 0 ("Reserved memory: failed to reserve memory for node '%s': base %pa, size
// 0 MiB"); a dynamic `size = <0>` is never allocated (nothing is printed) and a zero-size CMA
// pool fails in rmem_cma_setup ("compatible matching fail"). Outcomes from the simulator; the
// zero size itself is a static fact of `reg`/`size`.
import { getProp, readNumber } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, simOk } from './util.js';

export const rmemSizeZero: Rule = {
  code: 'rmem-size-zero',
  title: 'Reserved region of size 0',
  kernel: 'drivers/of/fdt.c:__reserved_mem_reserve_reg, drivers/of/of_reserved_mem.c:__reserved_mem_alloc_size',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      if (rm.kind === 'static') {
        for (const r of rm.results) {
          if (r.kind !== 'reserve-failed' || r.size !== 0n) continue;
          const line = rm.messages.find((m) => m.includes('failed to reserve memory'));
          out.push(finding('warning', this.code, rm.node, `${line ? `"${line}"` : 'failed to reserve memory'}: the reg entry at ${hex(r.base ?? 0n)} has size 0, so nothing is reserved.`, getProp(rm.node, 'reg')?.range));
        }
      } else if (rm.kind === 'dynamic') {
        const p = getProp(rm.node, 'size');
        if (!p || p.value.length === 0 || p.value.length % 4 || readNumber(p.value, 0, p.value.length / 4) !== 0n) continue;
        const failed = rm.results.some((r) => r.kind === 'compatible-matching-fail');
        out.push(finding(failed ? 'error' : 'warning', this.code, rm.node,
          failed ? `"OF: reserved mem: node ${rm.name} compatible matching fail": size is 0, so no pool can be created.`
            : `${rm.name} has size 0: the kernel allocates nothing for it and drivers that use it get an empty region.`, p.range));
      }
    }
    return out;
  },
};
