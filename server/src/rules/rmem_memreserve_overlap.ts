// rmem-overlap-memreserve: a static reserved-memory region overlapping a /memreserve/ entry of the
// DTB header. drivers/of/fdt.c early_init_fdt_scan_reserved_mem memblock_reserve()s the header
// entries as well; the two reservations merge silently (no message), which usually means the same
// carve-out is described twice, possibly with different sizes. The regions are the simulator's
// decoding of `reg`; the test is plain interval intersection.
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, simOk } from './util.js';

export const rmemMemreserveOverlap: Rule = {
  code: 'rmem-overlap-memreserve',
  title: 'Reserved region overlaps /memreserve/',
  kernel: 'drivers/of/fdt.c:early_init_fdt_scan_reserved_mem',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim || !ctx.tree.memreserves.length) return [];
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      if (rm.kind !== 'static') continue;
      for (const r of rm.regs) {
        for (const m of ctx.tree.memreserves) {
          if (!r.size || !m.size || !(r.base < m.address + m.size && m.address < r.base + r.size)) continue;
          const same = r.base === m.address && r.size === m.size;
          const f = finding('warning', this.code, rm.node,
            `${rm.name} [${hex(r.base)}-${hex(r.base + r.size - 1n)}] ${same ? 'duplicates' : 'overlaps'} /memreserve/ [${hex(m.address)}-${hex(m.address + m.size - 1n)}]; the kernel reserves both and merges them without a message${rm.nomap ? ' (the range is still mapped out for no-map)' : ''}.`);
          if (m.range) f.related = [{ range: m.range, message: '/memreserve/ entry' }];
          out.push(f);
        }
      }
    }
    return out;
  },
};
