// cma-default-failed: the default CMA area (cma= or CONFIG_CMA_SIZE_MBYTES) is not created.
// kernel/dma/contiguous.c dma_contiguous_reserve -> mm/cma.c cma_declare_contiguous_nid prints the
// reason ("Region at %pa defined on low/high memory boundary (%pa)", "Size ... exceeds limit",
// ...) and "Failed to reserve %ld MiB"; devices then have no CMA. The outcome is the simulator's
// SimResult.defaultCma; the finding sits on /chosen/bootargs when the cma= came from the DT.
import { findNode, getProp } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, simOk } from './util.js';

export const cmaDefaultFailed: Rule = {
  code: 'cma-default-failed',
  title: 'Default CMA area cannot be reserved',
  kernel: 'kernel/dma/contiguous.c:dma_contiguous_reserve, mm/cma.c:cma_declare_contiguous_nid',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim || !sim.defaultCma || !('error' in sim.defaultCma) || !sim.defaultCma.error.length) return [];
    const lines = sim.defaultCma.error;
    const boundary = lines.some((l) => l.includes('low/high memory boundary'));
    const chosen = findNode(ctx.tree, '/chosen');
    const bootargs = chosen && getProp(chosen, 'bootargs');
    const fromDt = !!bootargs && /(^|\s)cma=/.test(new TextDecoder().decode(bootargs.value));
    // from cma= it is the user's setting (error); from CONFIG_CMA_SIZE_MBYTES it is the profile's
    const fromCmdline = /(^|\s)cma=/.test(sim.commandLine);
    const f: RuleFinding = finding(fromCmdline ? 'error' : 'warning', this.code, fromDt ? chosen : undefined,
      `${lines.map((l) => `"cma: ${l}"`).join(', ')}: the default CMA area is not created, so dma_alloc_* falls back to normal pages and large contiguous allocations fail${fromCmdline ? '' : ` (the size is this kernel's CONFIG_CMA_SIZE_MBYTES = ${sim.profile.cmaSizeMbytes} MiB; cma= on the command line changes it)`}${lines.some((l) => l.includes('Not enough slots')) ? '; the devicetree\'s CMA pools took every CMA slot first' : ''}${boundary ? '; on this kernel a fixed cma=size@base must lie wholly in lowmem or wholly in highmem' : ''}.`,
      fromDt ? bootargs!.range : undefined);
    return [f];
  },
};
