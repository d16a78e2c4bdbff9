// The memblock model (mm/memblock.c, Linux 6.1): the allocator (memblock_find_in_range_node
// top-down and bottom-up, memblock_alloc_range_nid, memblock_alloc_internal's retry,
// early_pgtable_alloc's page runs) on top of memblock_ranges.ts's region arrays, range operations
// and memblock=debug event log, so a simulated trace can be diffed line by line with a real
// boot's. The array primitives are in memblock_regions.ts and the types in memblock_types.ts (all
// re-exported here).
import { freeRanges, freeRangesReverse, lowerBound, mergeAround, roundDown, roundUp } from './memblock_regions.js';
import { MemblockRanges, NO_LINES } from './memblock_ranges.js';

export {
  MEMBLOCK_NONE, MEMBLOCK_HOTPLUG, MEMBLOCK_MIRROR, MEMBLOCK_NOMAP, roundUp, roundDown, lowerBound, type Region, type FreeRange,
} from './memblock_regions.js';

export type { MemblockEvent, MemblockOp, MemblockOptions, RegionSnapshot } from './memblock_types.js';
import type { MemblockEvent } from './memblock_types.js';

/** MEMBLOCK_ALLOC_ACCESSIBLE and MEMBLOCK_ALLOC_NOLEAKTRACE (end values that mean current_limit). */
export const ALLOC_ACCESSIBLE = 0n;
export const ALLOC_NOLEAKTRACE = 1n;
export const NUMA_NO_NODE = -1;

export class Memblock extends MemblockRanges {
  /** for_each_free_mem_range (ascending): memory minus reserved, per memory region; NOMAP
   * memory is skipped unless includeNomap (MEMBLOCK_NOMAP in flags). */
  freeRanges(includeNomap = false): { start: bigint; end: bigint }[] {
    return freeRanges(this.memory, this.reserved, includeNomap);
  }

  /** for_each_free_mem_range_reverse, lazily from the top (NOMAP memory skipped). */
  freeRangesReverse(): Generator<{ start: bigint; end: bigint }> {
    return freeRangesReverse(this.memory, this.reserved);
  }

  /** memblock_find_in_range_node: the address of a free, aligned [x, x+size) inside
   * [start, end), or 0 when none (0 is also "failed" in the kernel). */
  findInRange(size: bigint, align: bigint, start: bigint, end: bigint): bigint {
    if (end === ALLOC_ACCESSIBLE || end === ALLOC_NOLEAKTRACE) end = this.currentLimit;
    if (start < this.pageSize) start = this.pageSize; // avoid allocating the first page
    if (end < start) end = start;
    const clamp = (v: bigint) => (v < start ? start : v > end ? end : v);
    if (this.bottomUp) {
      for (const r of this.freeRanges()) {
        const s = clamp(r.start);
        const e = clamp(r.end);
        const cand = roundUp(s, align);
        if (cand < e && e - cand >= size) return cand;
      }
      return 0n;
    }
    for (const r of this.freeRangesReverse()) {
      const s = clamp(r.start);
      const e = clamp(r.end);
      if (e < size) continue;
      const cand = roundDown(e - size, align);
      if (cand >= s) return cand;
    }
    return 0n;
  }

  /** memblock_alloc_range_nid: find + reserve; 0 on failure. The reserve is logged with caller
   * `memblock_alloc_range_nid+…` as in the real trace. */
  allocRangeNid(size: bigint, align: bigint, start: bigint, end: bigint, owner: string, reserveCaller = this.allocReserveCaller): bigint {
    if (!align) align = 64n;
    const found = this.findInRange(size, align, start, end);
    if (!found) return 0n;
    if (!this.reserve(found, size, reserveCaller, owner)) return 0n;
    return found;
  }

  /** memblock_phys_alloc_range(size, align, start, end): logged request + alloc. */
  physAllocRange(size: bigint, align: bigint, start: bigint, end: bigint, caller: string, owner: string): bigint {
    const ev = this.recordPhysAlloc(size, align, start, end, caller, owner);
    ev.result = this.allocRangeNid(size, align, start, end, owner) || null;
    return ev.result ?? 0n;
  }

  /** `n` memblock_phys_alloc_range(PAGE_SIZE, PAGE_SIZE, start, end) calls in a row
   * (early_pgtable_alloc, one per page table). Top-down, each call after the first takes the page
   * right below the previous one while that free range lasts, and its reservation merges into the
   * same region: those pages are taken without a search, with the same events, regions and owners
   * as separate calls (the region count does not change, so no array doubling either). */
  physAllocPages(n: number, start: bigint, end: bigint, caller: string, owner: string): void {
    const page = this.pageSize;
    for (let left = n; left > 0; ) {
      const first = this.physAllocRange(page, page, start, end, caller, owner);
      left--;
      if (!first || this.bottomUp || !left || this.reserved.length >= this.reservedMax) continue;
      const i = lowerBound(this.reserved, first + 1n) - 1;
      const r = this.reserved[i]!;
      if (r.base !== first) continue; // the page below is already reserved
      // the free range below: down to the reserved region under it, the memory region's start
      // (the next one may be NOMAP) and the search's own floor (never the first page)
      let floor = start < page ? page : start;
      const mem = this.memory[lowerBound(this.memory, first + 1n) - 1];
      if (mem && mem.base > floor) floor = mem.base;
      const under = this.reserved[i - 1];
      if (under && under.base + under.size > floor) floor = under.base + under.size;
      const free = (first - roundUp(floor, page)) / page;
      const k = free < BigInt(left) ? Number(free) : left;
      if (k <= 0) continue;
      const grown = BigInt(k) * page;
      for (let at = first - page; at >= first - grown && this.events.length < this.maxEvents; at -= page) {
        this.recordPhysAlloc(page, page, start, end, caller, owner).result = at;
        this.recordReserve(at, page, this.allocReserveCaller, owner, false);
      }
      for (let at = first - page; at >= first - grown; at -= page) {
        const last = this.owners[this.owners.length - 1];
        // once a page has extended the last owner range down, every later one does the same
        if (at < first - page && last && last.owner === owner && last.base === at + page) {
          last.base = first - grown;
          break;
        }
        this.addOwner(at, at + page, owner);
      }
      r.base -= grown;
      r.size += grown;
      mergeAround(this.reserved, i);
      left -= k;
    }
  }

  private recordPhysAlloc(size: bigint, align: bigint, start: bigint, end: bigint, caller: string, owner: string): MemblockEvent {
    const ev: MemblockEvent = {
      op: 'alloc', fn: 'memblock_phys_alloc_range', size, align, from: start, maxAddr: end, caller, owner,
      lines: this.debug ? [`memblock_phys_alloc_range: ${size} bytes align=0x${align.toString(16)} from=${this.pa(start)} max_addr=${this.pa(end)} ${caller}`] : NO_LINES,
    };
    this.record(ev);
    return ev;
  }

  /** memblock_alloc_try_nid and friends (memblock_alloc_internal): limit to current_limit,
   * try [min, max), retry from 0 when a lower limit was given. */
  allocTryNid(size: bigint, align: bigint, minAddr: bigint, maxAddr: bigint, nid: number, caller: string, owner: string, fn = 'memblock_alloc_try_nid'): bigint {
    const ev: MemblockEvent = {
      op: 'alloc', fn, size, align, nid, from: minAddr, maxAddr, caller, owner,
      lines: this.debug ? [`${fn}: ${size} bytes align=0x${align.toString(16)} nid=${nid} from=${this.pa(minAddr)} max_addr=${this.pa(maxAddr)} ${caller}`] : [],
    };
    this.record(ev);
    let max = maxAddr;
    if (max > this.currentLimit) max = this.currentLimit;
    let got = this.allocRangeNid(size, align, minAddr, max, owner);
    if (!got && minAddr) got = this.allocRangeNid(size, align, 0n, max, owner);
    ev.result = got || null;
    return got;
  }

  /** memblock_phys_alloc_try_nid: no request line of its own (only the reserve). */
  physAllocTryNid(size: bigint, align: bigint, owner: string): bigint {
    return this.allocRangeNid(size, align, 0n, ALLOC_ACCESSIBLE, owner);
  }
}
