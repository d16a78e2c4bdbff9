// The arm64 boot path of Debian's 6.1 kernel, setup_arch -> mem_init, as a sequence of steps on
// a BootContext: setup_machine_fdt, parse_early_param, arm64_memblock_init, paging_init,
// unflatten_device_tree, bootmem_init, then start_kernel's allocations up to the Memory: line.
import { cmaActivate } from '../cma.js';
import { unflattenSize } from '../mem_init.js';
import type { BootContext } from '../types.js';
import { arm64MemblockInit, memoryLimit, setupMachineFdt } from './memblock_init.js';
import { pagingInit } from './paging.js';
import { defaultCma, numaInit, sparseInit, zoneSizesInit } from './bootmem.js';
import { arm64MmInit } from './mm_init.js';

function snapshot(ctx: BootContext, step: string): void {
  ctx.steps.push({ step, memory: ctx.memblock.snapshot('memory'), reserved: ctx.memblock.snapshot('reserved') });
}

export function arm64SetupArch(ctx: BootContext): void {
  const p = ctx.profile;
  const a = p.arm64!;
  if (!setupMachineFdt(ctx)) return;
  snapshot(ctx, 'setup_machine_fdt');
  const limit = memoryLimit(ctx);
  if (limit !== undefined) ctx.result.memoryLimit = limit;
  const { memstart, image } = arm64MemblockInit(ctx);
  ctx.state.memstart = memstart;
  snapshot(ctx, 'arm64_memblock_init');
  pagingInit(ctx, memstart, image);
  snapshot(ctx, 'paging_init');
  // unflatten_device_tree: one allocation for the whole expanded tree
  const size = unflattenSize(ctx.tree, a.deviceNodeSize, a.propertySize);
  ctx.memblock.allocTryNid(size, 8n, 0n, 0n, -1, 'early_init_dt_alloc_memory_arch+0x30/0x60', 'unflattened device tree');
  // bootmem_init
  numaInit(ctx);
  sparseInit(ctx, memstart);
  const { fa, dmaLimit, maxPfn } = zoneSizesInit(ctx);
  defaultCma(ctx, dmaLimit);
  snapshot(ctx, 'bootmem_init');
  ctx.result.zones = fa.zones;
  ctx.result.zoneRanges = fa.zones
    .filter((z) => z.name !== 'Movable')
    .map((z) => ({ name: z.name, range: null as { start: bigint; end: bigint } | null }));
  // the `Zone ranges:` lines use the arch limits, not the node-clamped spans
  ctx.result.zoneRanges = zoneRangesFromLog(ctx);
  if (fa.movableStartPfn !== undefined) ctx.result.movableZoneStart = fa.movableStartPfn * p.pageSize;
  ctx.result.earlyMemoryRanges = ctx.memblock.memory.map((r) => ({ start: r.base, end: r.base + r.size }));
  arm64MmInit(ctx, fa, dmaLimit, maxPfn);
  snapshot(ctx, 'mem_init');
  cmaActivate(ctx, fa.zones);
}

/** Recovers the Zone ranges printed by free_area_init from the log lines. */
function zoneRangesFromLog(ctx: BootContext): { name: string; range: { start: bigint; end: bigint } | null }[] {
  const out: { name: string; range: { start: bigint; end: bigint } | null }[] = [];
  for (const l of ctx.log) {
    if (l.step !== 'free_area_init') continue;
    const m = /^ {2}(\S+)\s+(empty|\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\])$/.exec(l.text);
    if (!m) continue;
    out.push({ name: m[1]!, range: m[2] === 'empty' ? null : { start: BigInt(m[3]!), end: BigInt(m[4]!) } });
  }
  return out;
}
