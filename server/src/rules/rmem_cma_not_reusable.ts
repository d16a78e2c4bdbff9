// rmem-cma-not-reusable: a shared-dma-pool meant as CMA (it carries `linux,cma-default`, or a
// CMA name or label such as `linux,cma`, `*-cma*`) but without `reusable`. kernel/dma/contiguous.c
// rmem_cma_setup declines it silently and kernel/dma/coherent.c rmem_dma_setup takes it: the
// memory becomes a per-device coherent pool the page allocator never sees (arm64, or arm with
// no-map), or on 32-bit arm without no-map rmem_dma_setup fails ("regions without no-map are not
// yet supported") and the region is freed. A plain coherent pool (no-map, no CMA intent) is
// legal and not reported. Fix: add `reusable` (replacing `no-map`, which CMA forbids).
import { baseName, getProp, hasProp, type DtNode } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, fix, insertAfterPropEdit, isCompatible, replacePropEdit, simOk } from './util.js';

const CMA_WORD = /(^|[^a-z])cma([^a-z]|$)/i;

/** Static: does the node say it wants to be CMA? */
export function cmaIntent(node: DtNode): string | undefined {
  if (hasProp(node, 'linux,cma-default')) return 'it has linux,cma-default';
  if (CMA_WORD.test(baseName(node))) return `its name '${node.name}' says CMA`;
  const label = node.labels.find((l) => CMA_WORD.test(l));
  if (label) return `its label '${label}' says CMA`;
  return undefined;
}

export const cmaNotReusable: Rule = {
  code: 'rmem-cma-not-reusable',
  title: 'Intended CMA pool without reusable',
  kernel: 'kernel/dma/contiguous.c:rmem_cma_setup, kernel/dma/coherent.c:rmem_dma_setup',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      if (rm.reusable || !isCompatible(rm.node, 'shared-dma-pool')) continue;
      const why = cmaIntent(rm.node);
      if (!why) continue;
      const coherent = rm.results.find((r) => r.kind === 'initialized' && r.type === 'dma-coherent');
      const failed = rm.results.find((r) => r.kind === 'compatible-matching-fail');
      let f: RuleFinding;
      if (coherent) {
        f = finding('warning', this.code, rm.node,
          `${rm.name} looks like a CMA pool (${why}) but has no 'reusable': the kernel creates a DMA-coherent pool instead ("Reserved memory: created DMA memory pool"), so the memory is dedicated to one device and never lent to the page allocator${hasProp(rm.node, 'linux,cma-default') ? ', and the default CMA area is not set from it' : ''}. Add reusable to make it CMA.`);
      } else if (failed) {
        f = finding('error', this.code, rm.node,
          `${rm.name} looks like a CMA pool (${why}) but has no 'reusable': the coherent-pool setup takes it and fails ("Reserved memory: ${failed.cause ?? 'regions without no-map are not yet supported'}", "node ${rm.name} compatible matching fail"); no pool is created and the region is freed. Add reusable to make it CMA.`);
      } else continue;
      const nm = getProp(rm.node, 'no-map');
      const compat = getProp(rm.node, 'compatible');
      f.fixes = nm
        ? fix('Replace no-map by reusable (make it a CMA pool)', [replacePropEdit(nm, 'reusable;')])
        : compat ? fix('Add reusable (make it a CMA pool)', [insertAfterPropEdit(ctx, compat, 'reusable;')]) : undefined;
      if (!f.fixes) delete f.fixes;
      out.push(f);
    }
    return out;
  },
};
