// rmem-outside-ram / rmem-cma-outside-ram: a static region wholly or partly outside the RAM the
// kernel knows (memblock.memory after early_init_dt_scan_memory and mem=, as simulated). A plain or
// no-map region there is reserved/marked silently and protects nothing (drivers/of/fdt.c
// early_init_dt_reserve_memory); a CMA pool there is "created" but mm/cma.c
// cma_init_reserved_areas -> cma_activate_area then runs on pages that have no struct page and
// the kernel crashes at core_initcall (oracle case outside-ram, all three kernels).
// Silent when the board describes no RAM (the boot loader fills the memory node in).
import type { Rule, RuleFinding } from './index.js';
import { coveredBytes, finding, hex, ramRanges, simOk } from './util.js';

export const rmemOutsideRam: Rule = {
  code: 'rmem-outside-ram',
  title: 'Reserved region outside RAM',
  kernel: 'drivers/of/fdt.c:early_init_dt_reserve_memory, mm/cma.c:cma_activate_area',
  also: [{ code: 'rmem-cma-outside-ram', title: 'CMA pool outside RAM (the kernel crashes at boot)' }],
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    if (ctx.assumedRam) return []; // RAM extent unknown
    const ram = ramRanges(sim);
    if (!ram.length) return [];
    const ramDesc = ram.slice(0, 4).map((r) => `[${hex(r.start)}-${hex(r.end - 1n)}]`).join(', ') + (ram.length > 4 ? ', ...' : '');
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      if (rm.kind !== 'static') continue;
      const cma = rm.results.some((r) => r.kind === 'initialized' && r.type === 'cma');
      for (const r of rm.regs) {
        if (!r.size) continue;
        const inRam = coveredBytes(ram, r.base, r.size);
        if (inRam === r.size) continue;
        const wholly = inRam === 0n;
        const where = `${rm.name} [${hex(r.base)}-${hex(r.base + r.size - 1n)}] is ${wholly ? 'wholly' : 'partly'} outside RAM (${ramDesc})`;
        if (cma) {
          const f = finding('error', 'rmem-cma-outside-ram', rm.node,
            `${where}: the kernel still creates the CMA pool ("created CMA memory pool"), then cma_init_reserved_areas touches pages that have no struct page and the kernel crashes at boot ("Unable to handle kernel paging request").`);
          out.push(f);
        } else {
          // a no-map region wholly outside RAM is the usual way to hand device memory (SRAM, VRAM)
          // to a driver through memory-region: information, not a warning
          out.push(finding(wholly && rm.nomap ? 'info' : 'warning', this.code, rm.node,
            wholly && rm.nomap
              ? `${where}: the kernel ignores it for RAM purposes (nothing to map out); fine if it describes device memory for a memory-region user, otherwise check the memory node.`
              : `${where}: the kernel ${rm.nomap ? 'marks' : 'reserves'} it without a message, but ${wholly ? 'it protects nothing (that memory is not RAM to Linux)' : 'only the part inside RAM means anything'}; check the memory node or the region.`));
        }
      }
    }
    return out;
  },
};
