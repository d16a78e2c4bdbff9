// bootmem_init for 32-bit arm (arch/arm/mm/init.c find_limits/zone_sizes_init) and the generic
// free_area_init it calls (mm/page_alloc.c, Linux 6.1, FLATMEM as Debian's armmp is built):
// arch zone limits (DMA up to min(arm_dma_pfn_limit, max_low), Normal up to max_low, HighMem to
// max_pfn), ZONE_MOVABLE from movablecore=/kernelcore=, spanned/present pages, the node memmap
// (alloc_node_mem_map, aligned to MAX_ORDER_NR_PAGES), the per-zone pageblock usemaps, and the
// nr_kernel_pages / nr_all_pages / Total pages bookkeeping of free_area_init_core.
import type { Memblock } from '../memblock.js';
import { ALLOC_ACCESSIBLE, roundDown, roundUp } from '../memblock.js';
import type { ZoneInfo } from '../types.js';
import type { CoreParam } from '../bootargs.js';
import type { ArmConsts } from './consts.js';

const PAGE_SHIFT = 12n;

export type ArmZoneName = 'DMA' | 'Normal' | 'HighMem' | 'Movable';
const ZONES: ArmZoneName[] = ['DMA', 'Normal', 'HighMem', 'Movable'];

export interface ArmZone {
  name: ArmZoneName;
  startPfn: bigint;
  endPfn: bigint;
  spanned: bigint;
  present: bigint;
  memmapPages: bigint;
  /** freesize of free_area_init_core: the zone's managed-pages estimate before memblock_free_all. */
  freesize: bigint;
  usemapBytes: bigint;
}

export interface ZonesResult {
  minLowPfn: bigint;
  maxLowPfn: bigint;
  maxPfn: bigint;
  /** arch_zone_lowest/highest_possible_pfn for DMA, Normal, HighMem (the `Zone ranges:` lines). */
  ranges: { name: ArmZoneName; startPfn: bigint; endPfn: bigint }[];
  movableZone: ArmZoneName;
  /** zone_movable_pfn[0] (0 = no ZONE_MOVABLE). */
  movablePfn: bigint;
  nodeStartPfn: bigint;
  nodeEndPfn: bigint;
  /** memblock.memory regions as PFN ranges (`Early memory node ranges`). */
  pfnRanges: { start: bigint; end: bigint }[];
  zones: ArmZone[];
  nrKernelPages: bigint;
  nrAllPages: bigint;
  totalPages: bigint;
  /** The node's memmap (mem_map) base and first pfn it describes. */
  memmapBase: bigint;
  memmapStartPfn: bigint;
  pageblockPages: bigint;
  messages: string[];
}

/** for_each_mem_pfn_range: every memory region (NOMAP included) as [PFN_UP(base), PFN_DOWN(end)). */
export function pfnRanges(mb: Memblock): { start: bigint; end: bigint }[] {
  const out: { start: bigint; end: bigint }[] = [];
  for (const r of mb.memory) {
    // PFN_UP/PFN_DOWN on phys_addr_t: 32 bits without LPAE, so a region in the last page
    // below 4 GiB gets start pfn 0 (PFN_UP wraps) and the node then starts at pfn 0
    const s = ((r.base + 4095n) & mb.physMax) >> PAGE_SHIFT;
    const e = ((r.base + r.size) & mb.physMax) >> PAGE_SHIFT;
    if (s < e) out.push({ start: s, end: e });
  }
  return out;
}

function presentIn(ranges: { start: bigint; end: bigint }[], s: bigint, e: bigint): bigint {
  let n = 0n;
  for (const r of ranges) {
    const a = r.start > s ? r.start : s;
    const b = r.end < e ? r.end : e;
    if (b > a) n += b - a;
  }
  return n;
}

/** usemap_size(zone_start_pfn, zonesize): NR_PAGEBLOCK_BITS (4) per pageblock, in longs. */
export function usemapSize(c: ArmConsts, zoneStart: bigint, zoneSize: bigint): bigint {
  const pbPages = 1n << BigInt(c.pageblockOrder);
  let size = zoneSize + (zoneStart & (pbPages - 1n));
  size = roundUp(size, pbPages) >> BigInt(c.pageblockOrder);
  size *= 4n;
  size = roundUp(size, 32n);
  return size / 8n;
}

interface MovableArgs {
  movablecore?: CoreParam;
  kernelcore?: CoreParam;
}

/** find_zone_movable_pfns_for_nodes for one node (mirror and percent forms included). */
function zoneMovablePfn(c: ArmConsts, ranges: { start: bigint; end: bigint }[], usableStart: bigint, args: MovableArgs, nodeEnd: bigint): bigint {
  const totalpages = ranges.reduce((a, r) => a + (r.end - r.start), 0n);
  // cmdline_parse_core: `nn%` is a percentage of early_calculate_totalpages(), else bytes
  const pages = (p: CoreParam | undefined): bigint => {
    if (!p || p.mirror) return 0n;
    if (p.percent !== undefined) return (totalpages * 100n * BigInt(Math.trunc(p.percent))) / 10000n;
    return (p.bytes ?? 0n) >> PAGE_SHIFT;
  };
  let requiredKernelcore = pages(args.kernelcore);
  let requiredMovablecore = pages(args.movablecore);
  if (requiredMovablecore) {
    requiredMovablecore = roundUp(requiredMovablecore, c.maxOrderNrPages);
    if (requiredMovablecore > totalpages) requiredMovablecore = totalpages;
    const corepages = totalpages - requiredMovablecore;
    if (corepages > requiredKernelcore) requiredKernelcore = corepages;
  }
  if (!requiredKernelcore || requiredKernelcore >= totalpages) return 0n;
  let movablePfn = 0n;
  let usableNodes = 1n;
  let guard = 0;
  // restart loop (one node: a single pass, then usable_nodes becomes 0)
  do {
    let kernelcoreNode = requiredKernelcore / usableNodes;
    if (requiredKernelcore < kernelcoreNode) kernelcoreNode = requiredKernelcore / usableNodes;
    let remaining = kernelcoreNode;
    for (const r of ranges) {
      let start = r.start > movablePfn ? r.start : movablePfn;
      const end = r.end;
      if (start >= end) continue;
      if (start < usableStart) {
        const kernelPages = (end < usableStart ? end : usableStart) - start;
        remaining -= kernelPages < remaining ? kernelPages : remaining;
        requiredKernelcore -= kernelPages < requiredKernelcore ? kernelPages : requiredKernelcore;
        if (end <= usableStart) {
          movablePfn = end;
          continue;
        }
        start = usableStart;
      }
      let sizePages = end - start;
      if (sizePages > remaining) sizePages = remaining;
      movablePfn = start + sizePages;
      requiredKernelcore -= requiredKernelcore < sizePages ? requiredKernelcore : sizePages;
      remaining -= sizePages;
      if (!remaining) break;
    }
    usableNodes--;
  } while (usableNodes && requiredKernelcore > usableNodes && guard++ < 4);
  movablePfn = roundUp(movablePfn, c.maxOrderNrPages);
  if (movablePfn >= nodeEnd) movablePfn = 0n;
  return movablePfn;
}

/** bootmem_init -> zone_sizes_init -> free_area_init, including the memmap and usemap
 * allocations (top-down below memblock.current_limit). */
export function bootmemInit(mb: Memblock, c: ArmConsts, args: MovableArgs, armDmaPfnLimit: bigint): ZonesResult {
  const messages: string[] = [];
  const minLowPfn = (mb.startOfDram() + 4095n) >> PAGE_SHIFT;
  const maxLowPfn = mb.currentLimit >> PAGE_SHIFT;
  const maxPfn = mb.endOfDram() >> PAGE_SHIFT;
  const maxZonePfn: Record<ArmZoneName, bigint> = {
    DMA: armDmaPfnLimit < maxLowPfn ? armDmaPfnLimit : maxLowPfn,
    Normal: maxLowPfn,
    HighMem: maxPfn,
    Movable: 0n,
  };
  const ranges = pfnRanges(mb);
  // find_min_pfn_with_active_regions
  let startPfn = ranges.length ? ranges[0]!.start : 0n;
  const lowest: Partial<Record<ArmZoneName, bigint>> = {};
  const highest: Partial<Record<ArmZoneName, bigint>> = {};
  for (const z of ZONES) {
    if (z === 'Movable') continue;
    const endPfn = maxZonePfn[z] > startPfn ? maxZonePfn[z] : startPfn;
    lowest[z] = startPfn;
    highest[z] = endPfn;
    startPfn = endPfn;
  }
  let movableZone: ArmZoneName = 'DMA';
  for (const z of ['HighMem', 'Normal', 'DMA'] as ArmZoneName[]) {
    if (highest[z]! > lowest[z]!) {
      movableZone = z;
      break;
    }
  }
  // get_pfn_range_for_nid: the lowest start of any range (not always the first: PFN_UP wrap)
  const nodeStart = ranges.length ? ranges.reduce((a, r) => (r.start < a ? r.start : a), ranges[0]!.start) : 0n;
  const nodeEnd = ranges.length ? ranges.reduce((a, r) => (r.end > a ? r.end : a), 0n) : 0n;
  const movablePfn = zoneMovablePfn(c, ranges, lowest[movableZone]!, args, nodeEnd);
  const zones: ArmZone[] = [];
  const isHighmemIdx = (z: ArmZoneName) => z === 'HighMem' || (z === 'Movable' && movableZone === 'HighMem');
  for (const z of ZONES) {
    let zs: bigint;
    let ze: bigint;
    if (z === 'Movable') {
      zs = movablePfn;
      ze = movablePfn ? (nodeEnd < highest[movableZone]! ? nodeEnd : highest[movableZone]!) : 0n;
    } else {
      const clamp = (v: bigint) => (v < nodeStart ? nodeStart : v > nodeEnd ? nodeEnd : v);
      zs = clamp(lowest[z]!);
      ze = clamp(highest[z]!);
      if (movablePfn) {
        if (zs < movablePfn && ze > movablePfn) ze = movablePfn;
        else if (zs >= movablePfn) zs = ze;
      }
    }
    if (ze < zs) ze = zs;
    const spanned = ze - zs;
    const present = presentIn(ranges, zs, ze);
    const memmapPages = roundUp(spanned * c.structPageSize, 4096n) >> PAGE_SHIFT;
    zones.push({ name: z, startPfn: zs, endPfn: ze, spanned, present, memmapPages, freesize: present, usemapBytes: 0n });
  }
  // alloc_node_mem_map: the node's memmap, MAX_ORDER aligned at both ends
  const mapStart = roundDown(nodeStart, c.maxOrderNrPages);
  const mapEnd = roundUp(nodeEnd, c.maxOrderNrPages);
  const memmapSize = (mapEnd - mapStart) * c.structPageSize;
  let memmapBase = 0n;
  if (nodeEnd > nodeStart) {
    memmapBase = mb.allocTryNid(memmapSize, 64n, 0n, ALLOC_ACCESSIBLE, 0, c.callers.memmap!, 'memmap', 'memblock_alloc_try_nid_raw');
    if (!memmapBase) messages.push(`Failed to allocate ${memmapSize} bytes for node 0 memory map`);
  }
  // free_area_init_core
  let nrKernelPages = 0n;
  let nrAllPages = 0n;
  for (const z of zones) {
    let freesize = z.present;
    if (!isHighmemIdx(z.name)) {
      if (freesize >= z.memmapPages) freesize -= z.memmapPages;
      else messages.push(`  ${z.name} zone: ${z.memmapPages} memmap pages exceeds freesize ${freesize}`);
    }
    if (!isHighmemIdx(z.name)) nrKernelPages += freesize;
    else if (nrKernelPages > z.memmapPages * 2n) nrKernelPages -= z.memmapPages;
    nrAllPages += freesize;
    z.freesize = freesize;
    if (!z.spanned) continue;
    const us = usemapSize(c, z.startPfn, z.spanned);
    z.usemapBytes = us;
    if (us) mb.allocTryNid(us, 64n, 0n, ALLOC_ACCESSIBLE, 0, c.callers.usemap!, `usemap ${z.name}`);
  }
  const totalPages = zones.reduce((a, z) => a + z.freesize, 0n);
  return {
    minLowPfn, maxLowPfn, maxPfn,
    ranges: (['DMA', 'Normal', 'HighMem'] as ArmZoneName[]).map((z) => ({ name: z, startPfn: lowest[z]!, endPfn: highest[z]! })),
    movableZone, movablePfn, nodeStartPfn: nodeStart, nodeEndPfn: nodeEnd, pfnRanges: ranges, zones,
    nrKernelPages, nrAllPages, totalPages, memmapBase, memmapStartPfn: mapStart, pageblockPages: 1n << BigInt(c.pageblockOrder), messages,
  };
}

/** The SimResult view of the zones. */
export function zoneInfos(z: ZonesResult): ZoneInfo[] {
  return z.zones.map((x) => ({
    name: x.name,
    startPfn: x.startPfn,
    endPfn: x.endPfn,
    spanned: x.spanned,
    present: x.present,
    memmapPages: x.memmapPages,
    managed: x.freesize,
    unavailablePages: 0n,
  }));
}

/** memmap_init's init_unavailable_range for FLATMEM with arm's pfn_valid (a pfn is valid when
 * its pageblock overlaps memblock.memory): pages in holes inside a partly populated pageblock
 * are counted per zone (`On node 0, zone X: N pages in unavailable ranges`). */
export function unavailablePages(z: ZonesResult, mb: Memblock): { zone: string; pages: bigint }[] {
  const out: { zone: string; pages: bigint }[] = [];
  const pbPages = z.pageblockPages;
  const validBlock = (pfn: bigint) => mb.overlaps('memory', (pfn - (pfn % pbPages)) << PAGE_SHIFT, pbPages << PAGE_SHIFT);
  const nextBankBlock = (pfn: bigint, e: bigint): bigint => {
    let next = e;
    for (const r of mb.memory) {
      const rs = r.base >> PAGE_SHIFT;
      const re = (r.base + r.size + (1n << PAGE_SHIFT) - 1n) >> PAGE_SHIFT;
      if (re <= pfn) continue;
      const at = rs > pfn ? rs : pfn;
      if (at < next) next = at;
    }
    const block = next - (next % pbPages);
    return block > pfn ? block : pfn;
  };
  const count = (s: bigint, e: bigint): bigint => {
    let n = 0n;
    let pfn = s;
    let guard = 0;
    while (pfn < e && guard++ < 1 << 22) {
      const bs = pfn - (pfn % pbPages);
      const be = bs + pbPages < e ? bs + pbPages : e;
      if (validBlock(bs)) n += be - pfn;
      pfn = be;
      // No memory until the next bank: jump to its pageblock (a 1 TiB LPAE hole was 256k steps).
      if (!validBlock(bs)) pfn = nextBankBlock(be, e);
    }
    return n;
  };
  let hole = 0n;
  for (const r of z.pfnRanges) {
    for (const zone of z.zones) {
      if (!zone.present) continue;
      const s = r.start < zone.startPfn ? zone.startPfn : r.start > zone.endPfn ? zone.endPfn : r.start;
      const e = r.end < zone.startPfn ? zone.startPfn : r.end > zone.endPfn ? zone.endPfn : r.end;
      if (s >= e) continue;
      if (hole < s) {
        const n = count(hole, s);
        if (n) out.push({ zone: zone.name, pages: n });
      }
      hole = e;
    }
  }
  return out;
}
