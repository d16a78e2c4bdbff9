// boot-stops: the simulated boot dies before userspace. The boot simulator predicts these fatal
// outcomes itself (SimResult.findings): 32-bit arm paging_init hitting BUG_ON(pmd_bad) for a PTE
// mapping inside a section (sim-arm-hang), arm mem_init freeing pfns that wrapped past 4 GiB or
// setup_boot_config reading a highmem initrd (sim-arm-crash), arm64 patching alternatives through
// the unmapped linear alias of a kernel Image outside RAM (sim-arm64-crash). Each one is a
// boot-stopping error, so it becomes a rule finding with a stable code and the simulator's words;
// the simulator codes are in SIM_FINDINGS_COVERED_BY_RULES so callers do not show them twice.
import type { Rule, RuleFinding } from './index.js';

/** Simulator finding codes that mean the kernel stops (hangs, oopses or panics) during boot. */
export const FATAL_SIM_CODES: ReadonlySet<string> = new Set(['sim-arm-hang', 'sim-arm-crash', 'sim-arm64-crash']);

export const bootStops: Rule = {
  code: 'boot-stops',
  title: 'The kernel stops during boot (hang, oops or panic)',
  kernel: 'arch/arm/mm/mmu.c:paging_init',
  run(ctx) {
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const f of ctx.sim?.findings ?? []) {
      if (!FATAL_SIM_CODES.has(f.code) || seen.has(f.message)) continue;
      seen.add(f.message);
      const r: RuleFinding = { severity: 'error', code: this.code, message: `The boot stops: ${f.message}` };
      if (f.range) r.range = f.range;
      out.push(r);
    }
    return out;
  },
};
