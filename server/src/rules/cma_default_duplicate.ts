// cma-default-duplicate: more than one CMA pool carries `linux,cma-default`. Each successful
// kernel/dma/contiguous.c rmem_cma_setup with the flag sets dma_contiguous_default_area, so the
// last one initialised wins (reserved_mem[] order, i.e. sorted by base, dynamic first) and the
// others are ordinary per-device pools. Which pools became CMA and in what order is read from the
// simulator's log.
import { hasProp } from '../dts/tree.js';
import type { RmemNode } from '../sim/types.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, relatedNode, simOk } from './util.js';

export const cmaDefaultDuplicate: Rule = {
  code: 'cma-default-duplicate',
  title: 'Second linux,cma-default pool',
  kernel: 'kernel/dma/contiguous.c:rmem_cma_setup',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const order = (rm: RmemNode) => sim.log.findIndex((l) => l.node === rm.node && l.text.includes('created CMA memory pool'));
    const defaults = sim.rmem
      .filter((rm) => hasProp(rm.node, 'linux,cma-default') && rm.results.some((r) => r.kind === 'initialized' && r.type === 'cma'))
      .sort((a, b) => order(a) - order(b));
    if (defaults.length < 2) return [];
    const winner = defaults[defaults.length - 1]!;
    const out: RuleFinding[] = [];
    for (const rm of defaults.slice(0, -1)) {
      const f = finding('warning', this.code, rm.node,
        `${rm.name} and ${winner.name} both have linux,cma-default; the kernel sets the default CMA area from each in turn and ${winner.name} (initialised last) wins, so ${rm.name} is only a per-device pool.`);
      f.related = relatedNode(winner.node, `${winner.name} becomes the default CMA area`);
      out.push(f);
    }
    return out;
  },
};
