// The whole-tree quantities the boot path reads, from one walk of the merged tree:
//   - fdt_totalsize, which setup_machine_fdt (arm64) / setup_arch (arm) memblock_reserve()s;
//   - the size unflatten_device_tree's dry run gives dt_alloc (drivers/of/fdt.c,
//     unflatten_dt_nodes + populate_node/populate_properties, Linux 6.1);
//   - arm64: of_dma_get_max_cpu_address(NULL), which sizes ZONE_DMA (zone_sizes_init);
//   - arm: of_alias_scan's dt_alloc sizes.
// Each used to be a walk of its own, and the simulation's reuse key (reuse.ts) walked again; a
// census is computed once per analysis and shared by the key and the simulation (issue #8).
import { FdtSizer } from '../dts/fdt.js';
import { utf8Length, type DtNode, type DtProp, type DtTree } from '../dts/tree.js';
import { isAvailable } from './fdt_scan.js';
import { armConsts } from './arm/consts.js';
import { aliasAllocSizes } from './arm/unflatten.js';
import { dmaRangesEnd } from './arm64/bootmem.js';
import type { Profile } from './profile.js';

export interface TreeCensus {
  /** fdt_totalsize of the DTB (0 when it cannot be sized). */
  dtbSize: number;
  /** ALIGN(dry-run size, 4) + 4: what unflatten_device_tree asks dt_alloc for. */
  unflattenSize: number;
  /** arm64: of_dma_get_max_cpu_address(NULL), the smallest highest CPU address any available
   * node's dma-ranges reach (2^64 - 1 without any). */
  dmaMaxCpuAddress?: bigint;
  /** arm: sizeof(struct alias_prop) + stem + NUL per usable /aliases entry. */
  aliasAllocSizes?: number[];
}

/** unflatten_dt_nodes: WARN_ON_ONCE(depth >= FDT_MAX_DEPTH - 1) skips nodes that deep (root = 0). */
const FDT_MAX_DEPTH = 64;
/** of_dma_get_max_cpu_address recurses into the children of nodes above this depth. */
const DMA_MAX_DEPTH = 64;
const U64 = (1n << 64n) - 1n;

/** The census of `tree` for `profile`; `dtbSize` is the DTB's real fdt_totalsize when known (a
 * DTB read from disk), else the tree is sized as dtc would flatten it. */
export function treeCensus(tree: DtTree, profile: Profile, dtbSize?: number): TreeCensus {
  const arm64 = profile.arch === 'arm64';
  const arm = arm64 ? undefined : armConsts(profile);
  const { deviceNodeSize, propertySize } = arm64 ? profile.arm64! : arm!;
  // unflatten_dt_alloc aligns every struct to __alignof__(struct device_node/property): a pointer
  const align = arm64 ? 8 : 4;
  const up = (v: number): number => (v + align - 1) & -align;
  const sizer = dtbSize === undefined ? new FdtSizer() : undefined;
  let unflatten = 0;
  const dma: { node: DtNode; prop: DtProp }[] = [];

  // dmaWalk: of_dma_get_max_cpu_address reaches this node (its parent was visited and this
  // node is within depth); it then counts only if the node is available.
  const visit = (n: DtNode, depth: number, dmaWalk: boolean): void => {
    if (depth > FdtSizer.MAX_DEPTH) return;
    sizer?.node(n.name);
    const populate = depth < FDT_MAX_DEPTH - 1;
    if (populate) unflatten = up(unflatten) + deviceNodeSize + utf8Length(n.name) + 1;
    let hasName = false;
    let status = false;
    let dr: DtProp | undefined;
    for (const p of n.props) {
      sizer?.prop(p.name, p.value.length);
      if (populate) unflatten = up(unflatten) + propertySize;
      const name = p.name;
      if (name === 'name') hasName = true;
      else if (name === 'status') status = true;
      else if (name === 'dma-ranges') dr ??= p;
    }
    if (populate && !hasName) {
      // populate_properties recreates `name` from the unit name without "@unit", plus NUL
      const at = n.name.lastIndexOf('@');
      unflatten = up(unflatten) + propertySize + utf8Length(at < 0 ? n.name : n.name.slice(0, at)) + 1;
    }
    const dmaLive = arm64 && dmaWalk && (depth === 0 || !status || isAvailable(n));
    if (dmaLive && dr && dr.value.length && n.parent) dma.push({ node: n, prop: dr });
    for (const c of n.children) visit(c, depth + 1, dmaLive && depth < DMA_MAX_DEPTH);
  };
  visit(tree.root, 0, true);

  let size = dtbSize ?? 0;
  if (sizer) {
    try {
      size = sizer.total(tree.memreserves.length);
    } catch {
      size = 0; // not flattenable: the simulator reserves no DTB
    }
  }
  const census: TreeCensus = { dtbSize: size, unflattenSize: ((unflatten + 3) & ~3) + 4 };
  if (arm64) {
    let max = U64;
    for (const d of dma) {
      const end = dmaRangesEnd(d.node, d.prop);
      if (end < max) max = end;
    }
    census.dmaMaxCpuAddress = max;
  } else census.aliasAllocSizes = aliasAllocSizes(tree, arm!.aliasPropSize);
  return census;
}
