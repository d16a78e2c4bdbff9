// rmem-nomap-reserve-failed: a static `no-map` region over memory that is already reserved (an
// earlier plain region, /memreserve/, the kernel image, the DTB, the initrd). In 6.1
// drivers/of/fdt.c early_init_dt_reserve_memory returns -EBUSY for no-map over reserved memory and
// __reserved_mem_reserve_reg prints "Reserved memory: failed to reserve memory for node '%s': base
// %pa, size %lu MiB": the region is neither marked nomap nor reserved, so it stays in the linear
// map and in the page allocator. Who already holds the range comes from the simulator's memblock
// owners and the other regions' reg entries.
import { nodePath, type SourceRange } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, simOk, sizeStr } from './util.js';

export const rmemNomapBusy: Rule = {
  code: 'rmem-nomap-reserve-failed',
  title: 'no-map region over memory that is already reserved',
  kernel: 'drivers/of/fdt.c:early_init_dt_reserve_memory, drivers/of/fdt.c:__reserved_mem_reserve_reg',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      for (const res of rm.results) {
        if (res.kind !== 'reserve-failed' || res.base === undefined || !res.size) continue; // size 0: rmem-size-zero
        const base = res.base;
        const end = base + res.size;
        const related: { range: SourceRange; message: string }[] = [];
        const holders: string[] = [];
        const bootHolders: string[] = [];
        // DT holders: plain static regions scanned before this one (sim.rmem is in scan order);
        // no-map regions are only marked, and /memreserve/ is reserved after the scan in 6.1
        for (const other of sim.rmem) {
          if (other === rm) break;
          if (other.kind !== 'static' || other.nomap) continue;
          if (other.regs.some((r) => r.size > 0n && r.base < end && base < r.base + r.size)) {
            holders.push(other.name);
            if (other.node.range) related.push({ range: other.node.range, message: `${other.name} is reserved here first` });
          }
        }
        // the snapshot right after the reserved-memory scan (kernel image and DTB included);
        // dynamic regions allocated later may sit on the refused range and are not holders
        const snap = sim.steps.find((s) => /memblock_init/.test(s.step)) ?? sim.steps.find((s) => s.reserved.length);
        const dynamicPaths = new Set(sim.rmem.filter((x) => x.kind === 'dynamic').map((x) => nodePath(x.node)));
        for (const r of snap?.reserved ?? []) {
          if (!(r.base < end && base < r.base + r.size)) continue;
          for (const o of r.owners) {
            // DT regions were matched by their own reg entries above (owners are per merged
            // memblock region, so a DT owner here need not overlap this range)
            if (dynamicPaths.has(o) || o === 'default CMA' || o.startsWith('/') || o.includes('/memreserve/')) continue;
            if (!bootHolders.includes(o)) bootHolders.push(o);
          }
        }
        const line = rm.messages.find((m) => m.includes('failed to reserve memory'));
        // Only boot-loader-placed objects (kernel image, DTB, initrd) in the way: where they sit is
        // the profile's assumption (QEMU virt placement), so this is a warning, not an error.
        const onlyBoot = holders.length === 0 && bootHolders.length > 0;
        const all = [...holders, ...bootHolders];
        const p = sim.profile;
        const placement = onlyBoot
          ? ` (this profile loads the kernel at ${hex(p.kernelLoadAddr ?? 0n) === '0x0' ? `RAM + ${hex(p.kernelLoadOffset)}` : hex(p.kernelLoadAddr!)} and the DTB at ${p.dtbLoadAddr !== undefined ? hex(p.dtbLoadAddr) : `RAM + ${hex(p.dtbLoadOffset)}`}, as QEMU does; your boot loader may differ)`
          : '';
        // with an assumed RAM bank even the RAM base is a guess: information only
        const sev = !onlyBoot ? 'error' : ctx.assumedRam ? 'info' : 'warning';
        const f = finding(sev, this.code, rm.node,
          `${line ? `"${line}"` : `failed to reserve memory for node '${rm.name}'`}: no-map [${hex(base)}-${hex(end - 1n)}] (${sizeStr(res.size)}) overlaps memory that is already reserved${all.length ? ` (${all.join(', ')})` : ''}${placement}; the kernel neither maps it out nor reserves it, so it stays ordinary RAM.`);
        if (related.length) f.related = related;
        out.push(f);
      }
    }
    return out;
  },
};
