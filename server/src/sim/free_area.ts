// Zones, as mm/page_alloc.c free_area_init builds them in Linux 6.1: arch zone limits ->
// zone ranges, ZONE_MOVABLE (find_zone_movable_pfns_for_nodes for movablecore=/kernelcore=),
// spanned/absent/present pages per zone (calculate_node_totalpages), memmap pages and managed
// pages (free_area_init_core, calc_memmap_size), holes (memmap_init / init_unavailable_range),
// the first deferred pfn (defer_init) and the `Built 1 zonelists … Total pages` figure.
import type { BootContext, ZoneInfo } from './types.js';

export type ZoneName = ZoneInfo['name'];

export interface ZoneLimit {
  name: ZoneName;
  /** max_zone_pfn[] entry (end pfn, exclusive). */
  maxPfn: bigint;
  highmem?: boolean;
}

export interface FreeAreaResult {
  zones: ZoneInfo[];
  /** The `Zone ranges:` lines (arch limits, not node-clamped): null for an empty zone. */
  zoneRanges: { name: string; range: { start: bigint; end: bigint } | null }[];
  nodeStartPfn: bigint;
  nodeEndPfn: bigint;
  movableStartPfn?: bigint;
  nrKernelPages: bigint;
  nrAllPages: bigint;
  totalPages: bigint;
  presentPages: bigint;
  firstDeferredPfn?: bigint;
}

const fmt18 = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

/** for_each_mem_pfn_range: [PFN_UP(base), PFN_DOWN(end)) of every memblock.memory region
 * (NOMAP included), empty ones skipped. */
export function memPfnRanges(ctx: BootContext): { start: bigint; end: bigint }[] {
  const ps = ctx.profile.pageSize;
  const out: { start: bigint; end: bigint }[] = [];
  for (const r of ctx.memblock.memory) {
    const s = (r.base + ps - 1n) / ps;
    const e = (r.base + r.size) / ps;
    if (s < e) out.push({ start: s, end: e });
  }
  return out;
}

function overlap(a0: bigint, a1: bigint, b0: bigint, b1: bigint): bigint {
  const s = a0 > b0 ? a0 : b0;
  const e = a1 < b1 ? a1 : b1;
  return e > s ? e - s : 0n;
}

/** find_zone_movable_pfns_for_nodes for one node (movablecore= / kernelcore= in bytes or %). */
function movableStart(ctx: BootContext, ranges: { start: bigint; end: bigint }[], usableStartPfn: bigint, nodeEnd: bigint): bigint | undefined {
  const p = ctx.profile;
  const ps = p.pageSize;
  const total = ranges.reduce((a, r) => a + r.end - r.start, 0n);
  const maxOrderPages = 1n << BigInt(p.maxOrder - 1);
  const core = (c: typeof ctx.args.kernelcore) => {
    if (!c || c.mirror) return 0n;
    if (c.percent !== undefined) return (total * 100n * BigInt(c.percent)) / 10000n;
    return (c.bytes ?? 0n) / ps;
  };
  let requiredKernel = core(ctx.args.kernelcore);
  let requiredMovable = core(ctx.args.movablecore);
  if (ctx.args.kernelcore?.mirror) {
    ctx.findings.push({ severity: 'info', code: 'sim-unmodelled', message: 'kernelcore=mirror is not modelled (no mirrored memory on the boards dtmem simulates).' });
    return undefined;
  }
  if (requiredMovable) {
    requiredMovable = ((requiredMovable + maxOrderPages - 1n) / maxOrderPages) * maxOrderPages;
    if (requiredMovable > total) requiredMovable = total;
    const corepages = total - requiredMovable;
    if (corepages > requiredKernel) requiredKernel = corepages;
  }
  if (!requiredKernel || requiredKernel >= total) return undefined;
  let movable = 0n;
  // one node: kernelcore_node = required_kernelcore / 1
  let remaining = requiredKernel;
  for (const r of ranges) {
    let start = r.start > movable ? r.start : movable;
    const end = r.end;
    if (start >= end) continue;
    if (start < usableStartPfn) {
      const kernelPages = (end < usableStartPfn ? end : usableStartPfn) - start;
      remaining -= kernelPages < remaining ? kernelPages : remaining;
      if (end <= usableStartPfn) {
        movable = end;
        continue;
      }
      start = usableStartPfn;
    }
    let size = end - start;
    if (size > remaining) size = remaining;
    movable = start + size;
    remaining -= size;
    if (!remaining) break;
  }
  movable = ((movable + maxOrderPages - 1n) / maxOrderPages) * maxOrderPages;
  if (movable >= nodeEnd) return undefined;
  return movable;
}

/** free_area_init with one node (nid 0). Logs the kernel's zone lines. */
export function freeAreaInit(ctx: BootContext, limits: ZoneLimit[]): FreeAreaResult {
  const p = ctx.profile;
  const ps = p.pageSize;
  const log = (text: string) => ctx.log.push({ step: 'free_area_init', text });
  const ranges = memPfnRanges(ctx);
  const nodeStart = ranges.length ? ranges.reduce((a, r) => (r.start < a ? r.start : a), ranges[0]!.start) : 0n;
  const nodeEnd = ranges.reduce((a, r) => (r.end > a ? r.end : a), 0n);
  // arch_zone_lowest/highest_possible_pfn
  const low: bigint[] = [];
  const high: bigint[] = [];
  let start = ctx.memblock.startOfDram() / ps;
  for (const z of limits) {
    const end = z.maxPfn > start ? z.maxPfn : start;
    low.push(start);
    high.push(end);
    start = end;
  }
  // movable_zone: the highest zone with a non-empty range
  let movableZone = limits.length - 1;
  while (movableZone > 0 && !(high[movableZone]! > low[movableZone]!)) movableZone--;
  const movable = ctx.args.movablecore || ctx.args.kernelcore ? movableStart(ctx, ranges, low[movableZone]!, nodeEnd) : undefined;

  log('Zone ranges:');
  for (let i = 0; i < limits.length; i++) {
    const name = limits[i]!.name.padEnd(8);
    if (low[i] === high[i]) log(`  ${name} empty`);
    else log(`  ${name} [mem ${fmt18(low[i]! * ps)}-${fmt18(high[i]! * ps - 1n)}]`);
  }
  log('Movable zone start for each node');
  if (movable !== undefined) log(`  Node 0: ${fmt18(movable * ps)}`);
  log('Early memory node ranges');
  for (const r of ranges) log(`  node   0: [mem ${fmt18(r.start * ps)}-${fmt18(r.end * ps - 1n)}]`);
  if (ranges.length) log(`Initmem setup node 0 [mem ${fmt18(nodeStart * ps)}-${fmt18(nodeEnd * ps - 1n)}]`);

  const allZones: { name: ZoneName; low: bigint; high: bigint; highmem: boolean; isMovable: boolean }[] = limits.map((z, i) => ({ name: z.name, low: low[i]!, high: high[i]!, highmem: !!z.highmem, isMovable: false }));
  allZones.push({ name: 'Movable', low: 0n, high: 0n, highmem: false, isMovable: true });
  const zones: ZoneInfo[] = [];
  let nrKernel = 0n;
  let nrAll = 0n;
  let totalPresent = 0n;
  for (const z of allZones) {
    let zs = nodeStart < z.low ? z.low : nodeStart > z.high ? z.high : nodeStart;
    let ze = nodeEnd < z.low ? z.low : nodeEnd > z.high ? z.high : nodeEnd;
    // adjust_zone_range_for_zone_movable
    if (movable !== undefined) {
      if (z.isMovable) {
        zs = movable;
        const mh = high[movableZone]!;
        ze = nodeEnd < mh ? nodeEnd : mh;
      } else if (zs < movable && ze > movable) ze = movable;
      else if (zs >= movable) zs = ze;
    }
    let spanned = 0n;
    if (!(ze < nodeStart || zs > nodeEnd) && ranges.length) {
      if (ze > nodeEnd) ze = nodeEnd;
      if (zs < nodeStart) zs = nodeStart;
      spanned = ze > zs ? ze - zs : 0n;
    }
    const presentRaw = ranges.reduce((a, r) => a + overlap(r.start, r.end, zs, zs + spanned), 0n);
    const present = presentRaw;
    // calc_memmap_size
    let pages = spanned;
    if (p.sparsemem && spanned > present + (present >> 4n)) pages = present;
    const memmap = (pages * p.structPageSize + ps - 1n) / ps;
    let freesize = present;
    if (!z.highmem) {
      if (freesize >= memmap) freesize -= memmap;
    }
    if (!z.highmem) nrKernel += freesize;
    else if (nrKernel > memmap * 2n) nrKernel -= memmap;
    nrAll += freesize;
    totalPresent += present;
    zones.push({ name: z.name, startPfn: zs, endPfn: zs + spanned, spanned, present, memmapPages: spanned ? memmap : 0n, managed: spanned ? freesize : 0n, unavailablePages: 0n });
  }
  for (const z of zones) if (!z.spanned) z.memmapPages = 0n;
  unavailableRanges(ctx, zones, ranges);
  const totalPages = zones.reduce((a, z) => a + z.managed, 0n);
  const zoneRanges = limits.map((z, i) => ({ name: z.name as string, range: low[i] === high[i] ? null : { start: low[i]! * ps, end: high[i]! * ps - 1n } }));
  const res: FreeAreaResult = { zones, zoneRanges, nodeStartPfn: nodeStart, nodeEndPfn: nodeEnd, nrKernelPages: nrKernel, nrAllPages: nrAll, totalPages, presentPages: totalPresent };
  if (movable !== undefined) res.movableStartPfn = movable;
  if (p.deferredStructPageInit) {
    const d = firstDeferredPfn(ctx, zones, ranges, nodeEnd);
    if (d !== undefined) res.firstDeferredPfn = d;
  }
  return res;
}

/** memmap_init's hole accounting: `On node 0, zone X: N pages in unavailable ranges`. */
function unavailableRanges(ctx: BootContext, zones: ZoneInfo[], ranges: { start: bigint; end: bigint }[]): void {
  const p = ctx.profile;
  const ps = p.pageSize;
  const sectionPages = p.sectionSize / ps;
  const pbPages = 1n << BigInt(p.pageblockOrder);
  const presentSections = new Set<bigint>();
  // Bounded like sparse_init's model (2^16 sections: 8 TiB on arm64); sections past it count as holes.
  for (const r of ranges) {
    for (let s = r.start / sectionPages; s <= (r.end - 1n) / sectionPages && presentSections.size < 1 << 16; s++) presentSections.add(s);
  }
  const mapped = ctx.memblock.memory.filter((r) => !(r.flags & 4));
  const valid = (pfn: bigint): boolean => {
    if (p.pfnValid === 'section') return presentSections.has(pfn / sectionPages);
    const a = pfn * ps;
    return mapped.some((r) => a >= r.base && a < r.base + r.size);
  };
  const count = (s: bigint, e: bigint): bigint => {
    let n = 0n;
    let pfn = s;
    let guard = 0;
    while (pfn < e && guard++ < 1 << 22) {
      const blockStart = (pfn / pbPages) * pbPages;
      const blockEnd = blockStart + pbPages < e ? blockStart + pbPages : e;
      if (!valid(blockStart)) {
        pfn = blockStart + pbPages;
        continue;
      }
      n += blockEnd - pfn;
      pfn = blockEnd;
    }
    return n;
  };
  let hole = 0n;
  let zoneId = 0;
  const report = (s: bigint, e: bigint, zi: number) => {
    const n = count(s, e);
    if (!n) return;
    zones[zi]!.unavailablePages += n;
    ctx.log.push({ step: 'memmap_init', text: `On node 0, zone ${zones[zi]!.name}: ${n} pages in unavailable ranges` });
    ctx.result.unavailable.push({ zone: zones[zi]!.name, pages: n });
  };
  let lastEnd = 0n;
  for (const r of ranges) {
    for (let j = 0; j < zones.length; j++) {
      const z = zones[j]!;
      if (!z.present) continue; // populated_zone
      const s = r.start < z.startPfn ? z.startPfn : r.start > z.endPfn ? z.endPfn : r.start;
      const e = r.end < z.startPfn ? z.startPfn : r.end > z.endPfn ? z.endPfn : r.end;
      zoneId = j;
      if (s >= e) continue;
      if (hole < s) report(hole, s, j);
      hole = e;
    }
    lastEnd = r.end;
  }
  if (p.sparsemem) lastEnd = ((lastEnd + sectionPages - 1n) / sectionPages) * sectionPages;
  if (hole < lastEnd) report(hole, lastEnd, zoneId);
}

/** defer_init: the node's last zone initialises PAGES_PER_SECTION pages, then stops at the next
 * section boundary; everything from there on is deferred. */
function firstDeferredPfn(ctx: BootContext, zones: ZoneInfo[], ranges: { start: bigint; end: bigint }[], nodeEnd: bigint): bigint | undefined {
  const sectionPages = ctx.profile.sectionSize / ctx.profile.pageSize;
  const z = zones.find((x) => x.present > 0n && x.endPfn === nodeEnd);
  if (!z) return undefined;
  let initialised = 0n;
  for (const r of ranges) {
    const s = r.start < z.startPfn ? z.startPfn : r.start;
    const e = r.end > z.endPfn ? z.endPfn : r.end;
    if (s >= e) continue;
    // the first pfn p in [s, e) with p section-aligned and initialised-before(p) >= sectionPages
    let p0 = s;
    if (initialised < sectionPages) p0 = s + (sectionPages - initialised);
    const cand = ((p0 + sectionPages - 1n) / sectionPages) * sectionPages;
    if (cand < e) return cand;
    initialised += e - s;
  }
  return undefined;
}
