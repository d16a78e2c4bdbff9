// rmem-cma-not-reusable: a shared-dma-pool meant as CMA (it carries `linux,cma-default`, or a
// CMA name or label such as `linux,cma`, `*-cma*`, or a device refers to it through memory-region
// under a CMA-ish memory-region-names entry) but without `reusable`. kernel/dma/contiguous.c
// rmem_cma_setup declines it silently and kernel/dma/coherent.c rmem_dma_setup takes it: the
// memory becomes a per-device coherent pool the page allocator never sees (arm64, or arm with
// no-map), or on 32-bit arm without no-map rmem_dma_setup fails ("regions without no-map are not
// yet supported") and the region is freed. A plain coherent pool (no-map, no CMA intent) is
// legal and not reported. Fix: add `reusable` (replacing `no-map`, which CMA forbids).
import { baseName, getProp, hasProp, nodePath, readCells, readNumber, readStrings, walk, type DtNode, type DtTree } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, fix, insertAfterPropEdit, isCompatible, replacePropEdit, simOk } from './util.js';

const CMA_WORD = /(^|[^a-z])cma([^a-z]|$)/i;

/** Nodes referenced through `memory-region` under a CMA-ish `memory-region-names` entry
 * (a device saying "this is my CMA pool"), by referenced node. */
const referencedAsCma = new WeakMap<DtTree, Map<DtNode, string>>();

function cmaReferences(tree: DtTree): Map<DtNode, string> {
  let m = referencedAsCma.get(tree);
  if (m) return m;
  m = new Map();
  const byPhandle = new Map<number, DtNode>();
  let n = 0;
  for (const node of walk(tree.root)) {
    if (++n > 200000) break;
    const ph = getProp(node, 'phandle') ?? getProp(node, 'linux,phandle');
    if (ph && ph.value.length === 4) byPhandle.set(Number(readNumber(ph.value, 0, 1)), node);
  }
  n = 0;
  for (const node of walk(tree.root)) {
    if (++n > 200000) break;
    const regions = getProp(node, 'memory-region');
    const names = readStrings(node, 'memory-region-names');
    if (!regions || !names) continue;
    readCells(regions.value, 1).forEach((ph, i) => {
      const target = byPhandle.get(Number(ph));
      const name = names[i];
      if (target && name && CMA_WORD.test(name)) m!.set(target, `${nodePath(node)} refers to it as '${name}'`);
    });
  }
  referencedAsCma.set(tree, m);
  return m;
}

/** Static: does the node say it wants to be CMA? (`tree` enables the memory-region check.) */
export function cmaIntent(node: DtNode, tree?: DtTree): string | undefined {
  if (hasProp(node, 'linux,cma-default')) return 'it has linux,cma-default';
  if (CMA_WORD.test(baseName(node))) return `its name '${node.name}' says CMA`;
  const label = node.labels.find((l) => CMA_WORD.test(l));
  if (label) return `its label '${label}' says CMA`;
  const ref = tree && cmaReferences(tree).get(node);
  if (ref) return ref;
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
      const why = cmaIntent(rm.node, ctx.tree);
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
