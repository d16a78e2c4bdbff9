// The arm64 boot path of Debian's 6.1 kernel, setup_arch -> mem_init, as a sequence of steps on
// a BootContext: setup_machine_fdt, parse_early_param, arm64_memblock_init, paging_init,
// unflatten_device_tree, bootmem_init, then start_kernel's allocations up to the Memory: line.
import { cmaActivate } from '../cma.js';
import type { BootContext } from '../types.js';
import { getProp, readString, type DtNode } from '../../dts/tree.js';
import { arm64MemblockInit, memoryLimit, setupMachineFdt } from './memblock_init.js';
import { pagingInit } from './paging.js';
import { defaultCma, dmaPernumaCmaReserve, hugetlbCmaReserve, numaInit, reserveCrashkernel, sparseInit, zoneSizesInit } from './bootmem.js';
import { arm64MmInit } from './mm_init.js';
import { sparseZoneOf } from './cma_sparse.js';

function snapshot(ctx: BootContext, step: string): void {
  ctx.steps.push({ step, memory: ctx.memblock.snapshot('memory'), reserved: ctx.memblock.snapshot('reserved') });
}

/** Inputs the arm64 path does not model: said once, up front, as findings. */
function unmodelledInputs(ctx: BootContext): void {
  const say = (message: string, node?: DtNode) => ctx.findings.push({ severity: 'info', code: 'sim-unmodelled', message, range: node?.range });
  for (const n of ctx.tree.root.children) {
    if (readString(n, 'device_type') === 'memory' && getProp(n, 'numa-node-id')) {
      say('numa-node-id on memory nodes: arm64 would build several NUMA nodes; dtmem simulates a single node.', n);
      break;
    }
  }
  const dm = ctx.tree.root.children.find((c) => c.name === 'distance-map' || c.name.startsWith('distance-map@'));
  if (dm) say('/distance-map (NUMA) is not modelled; dtmem simulates a single node.', dm);
  for (const prm of ctx.args.params) {
    if (['memmap', 'movable_node', 'kfence.sample_interval', 'debug_pagealloc'].includes(prm.name)) {
      say(`${prm.name}${prm.value !== undefined ? "=" : ""} is not modelled: the simulated layout ignores it.`);
    }
  }
}

export function arm64SetupArch(ctx: BootContext): void {
  const p = ctx.profile;
  unmodelledInputs(ctx);
  if (!setupMachineFdt(ctx)) return;
  snapshot(ctx, 'setup_machine_fdt');
  // early_initrd (init/do_mounts_initrd.c): initrd=START,SIZE overrides /chosen's range
  if (ctx.args.initrd) ctx.initrd = ctx.args.initrd.size ? ctx.args.initrd : undefined;
  const limit = memoryLimit(ctx);
  if (limit !== undefined) ctx.result.memoryLimit = limit;
  const { memstart, image } = arm64MemblockInit(ctx);
  ctx.state.memstart = memstart;
  snapshot(ctx, 'arm64_memblock_init');
  pagingInit(ctx, memstart, image);
  snapshot(ctx, 'paging_init');
  // unflatten_device_tree: one allocation for the whole expanded tree
  ctx.memblock.allocTryNid(BigInt(ctx.census.unflattenSize), 8n, 0n, 0n, -1, 'early_init_dt_alloc_memory_arch+0x30/0x60', 'unflattened device tree');
  // bootmem_init
  numaInit(ctx);
  hugetlbCmaReserve(ctx);
  dmaPernumaCmaReserve(ctx);
  sparseInit(ctx, memstart);
  const { fa, dmaLimit, maxPfn } = zoneSizesInit(ctx);
  defaultCma(ctx, dmaLimit);
  reserveCrashkernel(ctx, dmaLimit);
  snapshot(ctx, 'bootmem_init');
  ctx.result.zones = fa.zones;
  ctx.result.zoneRanges = fa.zoneRanges;
  if (fa.movableStartPfn !== undefined) ctx.result.movableZoneStart = fa.movableStartPfn * p.pageSize;
  ctx.result.earlyMemoryRanges = ctx.memblock.memory.map((r) => ({ start: r.base, end: r.base + r.size }));
  arm64MmInit(ctx, fa, dmaLimit, maxPfn);
  snapshot(ctx, 'mem_init');
  cmaActivate(ctx, fa.zones, sparseZoneOf(ctx, fa.zones));
}
