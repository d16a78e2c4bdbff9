// chosen-elfcorehdr-in-ram: /chosen linux,elfcorehdr (a crash-kernel property) pointing into RAM
// this kernel owns, on 32-bit arm. /proc/vmcore reads the header with copy_oldmem_page, which
// ioremaps it, and arch/arm/mm/ioremap.c __arm_ioremap_pfn_caller refuses to ioremap RAM:
// "WARNING: ... at arch/arm/mm/ioremap.c:318 __arm_ioremap_pfn_caller" during boot and no
// /proc/vmcore (golden case chosen-usable-range on arm/arm-lpae). arm64 memremaps it and is fine.
// RAM is the simulator's memblock.memory; the header range is a static fact of /chosen.
import { findNode, getProp, readNumber } from '../dts/tree.js';
import type { Rule } from './index.js';
import { coveredBytes, finding, hex, ramRanges, simOk } from './util.js';

export const chosenElfcorehdr: Rule = {
  code: 'chosen-elfcorehdr-in-ram',
  title: 'linux,elfcorehdr inside RAM on 32-bit arm',
  kernel: 'arch/arm/mm/ioremap.c:__arm_ioremap_pfn_caller',
  run(ctx) {
    const sim = simOk(ctx);
    const chosen = findNode(ctx.tree, '/chosen');
    if (!sim || !chosen || (sim.arch !== 'arm' && sim.arch !== 'arm-lpae') || ctx.assumedRam) return [];
    const p = getProp(chosen, 'linux,elfcorehdr');
    const { addr, size } = { addr: 2, size: 2 };
    if (!p || p.value.length === 0) return [];
    // fdt_reserve_elfcorehdr reads it with the root's cells; both 1/1 and 2/2 are handled
    const cells = p.value.length / 4;
    const ac = cells >= addr + size ? addr : 1;
    const base = readNumber(p.value, 0, ac);
    const len = readNumber(p.value, ac * 4, Math.max(1, cells - ac));
    if (!len || coveredBytes(ramRanges(sim), base, 1n) === 0n) return [];
    return [finding('warning', this.code, chosen,
      `linux,elfcorehdr [${hex(base)}-${hex(base + len - 1n)}] is in RAM this kernel uses: on ${sim.arch} /proc/vmcore ioremaps it and __arm_ioremap_pfn_caller refuses RAM ("WARNING: ... arch/arm/mm/ioremap.c"), so the crash dump is not readable.`, p.range)];
  },
};
