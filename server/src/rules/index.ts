// Diagnostics that say what the kernel will do with a devicetree's memory. Each rule lives in its
// own file with a stable code and the kernel function whose behaviour it predicts; rules read the
// boot simulator's SimResult for anything the kernel computes (outcomes, placement, zones) and
// only look at the tree directly for static facts (cell counts, property lengths, names).
// runRules never throws: a rule that fails becomes a `rules-internal` finding.
import type { DtNode, DtTree, Finding, SourceRange } from '../dts/tree.js';
import type { Profile } from '../sim/profile.js';
import type { SimResult } from '../sim/types.js';
import { cmaNoMap } from './rmem_cma_no_map.js';
import { cmaNotReusable } from './rmem_cma_not_reusable.js';
import { rmemOverlap } from './rmem_overlap.js';
import { rmemOverlapUnreported } from './rmem_overlap_unreported.js';
import { rmemNomapBusy } from './rmem_nomap_busy.js';
import { rmemMemreserveOverlap } from './rmem_memreserve_overlap.js';
import { dmaPoolNeedsNomap } from './rmem_dma_pool_nomap.js';
import { cmaMisaligned } from './rmem_cma_misaligned.js';
import { rmemOutsideRam } from './rmem_outside_ram.js';
import { rmemAllocFailed } from './rmem_alloc_failed.js';
import { cmaCrossZone } from './cma_cross_zone.js';
import { cmaDefaultFailed } from './cma_default_failed.js';
import { rmemUnsupportedFormat } from './rmem_unsupported_format.js';
import { rmemPropLength } from './rmem_prop_length.js';
import { rmemRegAndSize } from './rmem_reg_and_size.js';
import { rmemNoRegNoSize } from './rmem_no_reg_no_size.js';
import { rmemUnitAddress } from './rmem_unit_address.js';
import { memoryNoDeviceType } from './memory_no_device_type.js';
import { rmemTooMany } from './rmem_too_many.js';
import { cmaTooManyAreas } from './cma_too_many_areas.js';
import { cmaDefaultDuplicate } from './cma_default_duplicate.js';
import { cmaCmdlineBypass } from './cma_cmdline_bypass.js';
import { rmemPlacement } from './rmem_placement.js';
import { simUnavailable } from './sim_unavailable.js';
import { bootStops, FATAL_SIM_CODES } from './boot_stops.js';
import { rmemSizeZero } from './rmem_size_zero.js';
import { chosenInitrd } from './chosen_initrd.js';
import { memorySizeUnknown } from './assume_ram.js';
import { memoryIgnored } from './memory_ignored.js';
import { chosenElfcorehdr } from './chosen_elfcorehdr.js';
export { assumeRam, hasRam } from './assume_ram.js';
import { unexplainedCode, unexplainedFailures } from './rmem_unexplained.js';

export interface RuleContext {
  tree: DtTree;
  /** The simulated boot; rules that need kernel outcomes stay silent without it. */
  sim?: SimResult;
  profile: Profile;
  /** Source text of a user file (for whole-line fix edits); the exact property range is used
   * when it is absent or the file is unknown. */
  readFile?: (file: string) => string | undefined;
  /** Set when the simulation ran on assumeRam()'s bank because the board gives no RAM size. */
  assumedRam?: { base: bigint; size: bigint };
}

export interface Fix {
  title: string;
  edits: { range: SourceRange; newText: string }[];
}

export interface RuleFinding extends Finding {
  fixes?: Fix[];
  node?: DtNode;
}

export interface Rule {
  code: string;
  title: string;
  /** The kernel behaviour the rule predicts, as file:function. */
  kernel: string;
  /** Further codes the same rule emits (e.g. a stronger variant). */
  also?: { code: string; title: string }[];
  run(ctx: RuleContext): RuleFinding[];
}

export const rules: Rule[] = [
  rmemUnsupportedFormat, rmemPropLength, rmemRegAndSize, rmemNoRegNoSize, rmemUnitAddress, memoryNoDeviceType, memoryIgnored,
  cmaNoMap, cmaNotReusable, dmaPoolNeedsNomap, cmaMisaligned,
  rmemOverlap, rmemOverlapUnreported, rmemNomapBusy, rmemMemreserveOverlap,
  rmemOutsideRam, rmemAllocFailed, cmaCrossZone, cmaDefaultFailed,
  rmemTooMany, cmaTooManyAreas, cmaDefaultDuplicate, cmaCmdlineBypass,
  rmemSizeZero, chosenInitrd, chosenElfcorehdr, rmemPlacement, memorySizeUnknown, simUnavailable, bootStops,
];

export const ruleCatalog: { code: string; title: string; kernel: string }[] = rules.flatMap((r) => [
  { code: r.code, title: r.title, kernel: r.kernel },
  ...(r.also ?? []).map((a) => ({ code: a.code, title: a.title, kernel: r.kernel })),
]).concat([{ code: unexplainedCode, title: 'Reserved-memory failure without a more specific rule', kernel: 'drivers/of/of_reserved_mem.c:fdt_init_reserved_mem' }]);

/** Codes of simulator findings (SimResult.findings) that rules report in their own words:
 * callers showing both should drop these. */
export const SIM_FINDINGS_COVERED_BY_RULES: ReadonlySet<string> = new Set(['cma-outside-ram', 'rmem-unsupported-format', 'sim-initrd-outside', 'initrd-not-memory', 'sim-not-modelled', ...FATAL_SIM_CODES]);

/** At most this many findings per rule (nothing may grow without bound). */
const MAX_PER_RULE = 500;

const sevOrder: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function runRules(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const rule of rules) {
    try {
      const found = rule.run(ctx);
      out.push(...found.slice(0, MAX_PER_RULE));
    } catch (e) {
      out.push({ severity: 'info', code: 'rules-internal', message: `rule ${rule.code} failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  try {
    out.push(...unexplainedFailures(ctx, out));
  } catch (e) {
    out.push({ severity: 'info', code: 'rules-internal', message: `rule ${unexplainedCode} failed: ${e instanceof Error ? e.message : String(e)}` });
  }
  out.sort((a, b) => {
    const fa = a.range?.file ?? '';
    const fb = b.range?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.range?.start.line ?? -1;
    const lb = b.range?.start.line ?? -1;
    if (la !== lb) return la - lb;
    return sevOrder[a.severity] - sevOrder[b.severity];
  });
  return out;
}
