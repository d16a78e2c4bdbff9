// cma-cmdline-bypass: `cma=` on the command line (or /chosen/bootargs) together with a
// linux,cma-default node. kernel/dma/contiguous.c rmem_cma_setup prints "Reserved memory: bypass
// %s node, using cmdline CMA params instead"; the node gets "compatible matching fail", its memory
// is freed and dma_contiguous_reserve places the cmdline area instead. Outcome from the simulator.
import { findNode, getProp } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, simOk } from './util.js';

export const cmaCmdlineBypass: Rule = {
  code: 'cma-cmdline-bypass',
  title: 'cma= on the command line bypasses the linux,cma-default node',
  kernel: 'kernel/dma/contiguous.c:rmem_cma_setup',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    const chosen = findNode(ctx.tree, '/chosen');
    const bootargs = chosen && getProp(chosen, 'bootargs');
    const arg = /(?:^|\s)(cma=\S+)/.exec(sim.commandLine)?.[1];
    for (const rm of sim.rmem) {
      if (!rm.results.some((r) => r.kind === 'bypassed-by-cmdline-cma')) continue;
      const f = finding('warning', this.code, rm.node,
        `"Reserved memory: bypass ${rm.name} node, using cmdline CMA params instead": the command line's ${arg ?? 'cma='} wins over this linux,cma-default node; the node's region is freed and ${arg && /^cma=0+[kKmMgG]?$/.test(arg) ? 'no default CMA area is created at all (cma=0)' : 'the default CMA area comes from the command line'}.`);
      if (bootargs?.range && /(^|\s)cma=/.test(new TextDecoder().decode(bootargs.value))) f.related = [{ range: bootargs.range, message: 'cma= is set here' }];
      out.push(f);
    }
    return out;
  },
};
