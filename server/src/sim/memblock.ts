// The memblock model (mm/memblock.c, Linux 6.1): sorted, merged region arrays for memory and
// reserved, the range operations (add/remove/reserve/phys_free/mark_nomap/clear_nomap/cap), the
// allocator (memblock_find_in_range_node top-down and bottom-up, memblock_alloc_range_nid,
// memblock_alloc_internal's retry) and an event log in memblock=debug wording so a simulated
// trace can be diffed line by line with a real boot's. The array primitives are in
// memblock_regions.ts and its types in memblock_types.ts (both re-exported here).
import {
  countNew, freeRanges, freeRangesReverse, insertRange, isolateRange, lowerBound, mergeAround, mergeRegions, roundDown, roundUp,
  MEMBLOCK_HOTPLUG, MEMBLOCK_NOMAP, MEMBLOCK_NONE, type Region,
} from './memblock_regions.js';

export {
  MEMBLOCK_NONE, MEMBLOCK_HOTPLUG, MEMBLOCK_MIRROR, MEMBLOCK_NOMAP, roundUp, roundDown, lowerBound, type Region, type FreeRange,
} from './memblock_regions.js';

export type { MemblockEvent, MemblockOp, MemblockOptions, RegionSnapshot } from './memblock_types.js';
import type { MemblockEvent, MemblockOptions, RegionSnapshot } from './memblock_types.js';

/** MEMBLOCK_ALLOC_ACCESSIBLE and MEMBLOCK_ALLOC_NOLEAKTRACE (end values that mean current_limit). */
export const ALLOC_ACCESSIBLE = 0n;
export const ALLOC_NOLEAKTRACE = 1n;
export const NUMA_NO_NODE = -1;

/** The lines of an event the kernel prints nothing for (most of them without memblock=debug):
 * one shared, frozen list. */
const NO_LINES: string[] = Object.freeze([]) as unknown as string[];

export class Memblock {
  memory: Region[] = [];
  reserved: Region[] = [];
  bottomUp = false;
  currentLimit: bigint;
  readonly physMax: bigint;
  readonly pageSize: bigint;
  readonly paDigits: number;
  debug: boolean;
  events: MemblockEvent[] = [];
  /** Reservation owners, for snapshots: every reserve with its owner label. */
  private owners: { base: bigint; end: bigint; owner: string }[] = [];
  private maxEvents: number;
  readonly allocReserveCaller: string;
  /** type->max of each array; memblock_double_array doubles it once resizing is allowed. */
  memoryMax: number;
  reservedMax: number;
  /** memblock_allow_resize() has run (arm64: in paging_init). */
  canResize = false;
  private readonly regionSize: bigint;
  /** Whether each array lives in a memblock allocation (freed when doubled again). */
  private allocated = { memory: undefined as { base: bigint; size: bigint } | undefined, reserved: undefined as { base: bigint; size: bigint } | undefined };

  constructor(opts: MemblockOptions) {
    this.physMax = opts.physMax;
    this.currentLimit = opts.physMax; // MEMBLOCK_ALLOC_ANYWHERE
    this.pageSize = opts.pageSize;
    this.paDigits = opts.paDigits;
    this.debug = opts.debug ?? true;
    this.maxEvents = opts.maxEvents ?? 200000;
    this.allocReserveCaller = opts.allocReserveCaller ?? 'memblock_alloc_range_nid';
    this.memoryMax = opts.memoryMax ?? 128;
    this.reservedMax = opts.reservedMax ?? 128;
    this.regionSize = opts.regionSize ?? 24n;
  }

  // ---- formatting -------------------------------------------------------------------------

  pa(v: bigint): string {
    return '0x' + (v & this.physMax).toString(16).padStart(this.paDigits, '0');
  }

  private record(ev: MemblockEvent): void {
    if (this.events.length < this.maxEvents) this.events.push(ev);
  }

  /** `memblock_reserve: [0x…-0x…] caller` (end = base + size - 1, wrapping like phys_addr_t). */
  private rangeLine(fn: string, base: bigint, size: bigint, caller: string): string[] {
    if (!this.debug) return NO_LINES;
    const end = (base + size - 1n) & this.physMax;
    return [`${fn}: [${this.pa(base)}-${this.pa(end)}] ${caller}`];
  }

  // ---- region array primitives (memblock_add_range / isolate / merge) ---------------------

  /** memblock_cap_size: clamp so base + size does not overflow phys_addr_t. */
  capSize(base: bigint, size: bigint): bigint {
    const room = this.physMax - base;
    return size < room ? size : room;
  }

  /** Room for `nrNew` more regions (memblock_add_range's first pass / memblock_isolate_range):
   * doubles the array when allowed; false is -ENOMEM. */
  private ensureRoom(type: Region[], nrNew: number, base: bigint, size: bigint): boolean {
    const isMem = type === this.memory;
    const cnt = Math.max(1, type.length);
    for (let guard = 0; cnt + nrNew > (isMem ? this.memoryMax : this.reservedMax) && guard < 32; guard++) {
      if (!this.doubleArray(isMem ? 'memory' : 'reserved', base, size)) return false;
    }
    return true;
  }

  /** memblock_double_array (before slab): find room for twice the entries, move, reserve it. */
  private doubleArray(name: 'memory' | 'reserved', areaStart: bigint, areaSize: bigint): boolean {
    if (!this.canResize) return false;
    const max = name === 'memory' ? this.memoryMax : this.reservedMax;
    const oldSize = BigInt(max) * this.regionSize;
    const newSize = oldSize * 2n;
    const newAlloc = roundUp(newSize, this.pageSize);
    if (name !== 'reserved') {
      areaStart = 0n;
      areaSize = 0n;
    }
    let addr = this.findInRange(newAlloc, this.pageSize, areaStart + areaSize, this.currentLimit);
    if (!addr && areaSize) addr = this.findInRange(newAlloc, this.pageSize, 0n, areaStart < this.currentLimit ? areaStart : this.currentLimit);
    if (!addr) {
      this.record({ op: 'reserve', size: 0n, caller: 'memblock_double_array', lines: [`memblock: Failed to double ${name} array from ${max} to ${max * 2} entries !`] });
      return false;
    }
    this.record({ op: 'reserve', size: 0n, caller: 'memblock_double_array', lines: this.debug ? [`memblock: ${name} is doubled to ${max * 2} at [${this.pa(addr)}-${this.pa(addr + newSize - 1n)}]`] : NO_LINES });
    if (name === 'memory') this.memoryMax = max * 2;
    else this.reservedMax = max * 2;
    const old = this.allocated[name];
    if (old) this.physFree(old.base, old.size, 'memblock_double_array');
    this.allocated[name] = { base: addr, size: newAlloc };
    this.reserve(addr, newAlloc, 'memblock_double_array', `memblock.${name} array`);
    return true;
  }

  private addRange(type: Region[], base: bigint, size: bigint, nid: number, flags: number): boolean {
    size = this.capSize(base, size);
    if (size <= 0n) return true;
    const end = base + size;
    const max = type === this.memory ? this.memoryMax : this.reservedMax;
    if (!(Math.max(1, type.length) * 2 + 1 <= max) && !this.ensureRoom(type, countNew(type, base, end), base, size)) return false;
    insertRange(type, base, end, nid, flags);
    return true;
  }

  private merge(type: Region[]): void {
    mergeRegions(type);
  }

  /** memblock_isolate_range: split regions at base and base+size; returns [start, end) indexes
   * of the regions inside the range. */
  private isolate(type: Region[], base: bigint, size: bigint): [number, number] {
    size = this.capSize(base, size);
    if (size <= 0n) return [0, 0];
    if (!this.ensureRoom(type, 2, base, size)) return [0, 0];
    return isolateRange(type, base, base + size);
  }

  private removeRange(type: Region[], base: bigint, size: bigint): void {
    const [s, e] = this.isolate(type, base, size);
    if (e > s) type.splice(s, e - s);
  }

  // ---- public range operations ------------------------------------------------------------

  add(base: bigint, size: bigint, caller = 'memblock_add', nid = 0, flags = MEMBLOCK_NONE): boolean {
    this.record({ op: 'add', base, size, caller, lines: this.rangeLine('memblock_add', base, size, caller) });
    return this.addRange(this.memory, base, size, nid, flags);
  }

  /** memblock_add_node without a debug line (early_init_dt_add_memory_arch before memblock=debug). */
  addSilent(base: bigint, size: bigint, nid = 0): boolean {
    this.record({ op: 'add', base, size, caller: 'early_init_dt_add_memory_arch', lines: NO_LINES });
    return this.addRange(this.memory, base, size, nid, MEMBLOCK_NONE);
  }

  remove(base: bigint, size: bigint, caller = 'memblock_remove'): void {
    this.record({ op: 'remove', base, size, caller, lines: this.rangeLine('memblock_remove', base, size, caller) });
    this.removeRange(this.memory, base, size);
  }

  /** memblock_reserve; false when the array is full and cannot be doubled yet (-ENOMEM). */
  reserve(base: bigint, size: bigint, caller: string, owner: string, silent = false): boolean {
    this.recordReserve(base, size, caller, owner, silent);
    if (!this.addRange(this.reserved, base, size, 0, MEMBLOCK_NONE)) return false;
    const capped = this.capSize(base, size);
    if (capped > 0n) this.addOwner(base, base + capped, owner);
    return true;
  }

  /** memblock_allow_resize(). */
  allowResize(): void {
    this.canResize = true;
  }

  /** Records an owner label for a range without reserving it (no-map carve-outs). */
  noteOwner(base: bigint, size: bigint, owner: string): void {
    this.addOwner(base, base + this.capSize(base, size), owner);
  }

  /** Appends an owner range, extending the last one when it is the same owner and adjacent
   * (page-table pages come one by one, top-down). */
  private addOwner(base: bigint, end: bigint, owner: string): void {
    const last = this.owners[this.owners.length - 1];
    if (last && last.owner === owner && (last.base === end || last.end === base)) {
      if (last.base === end) last.base = base;
      else last.end = end;
      return;
    }
    if (this.owners.length < 100000) this.owners.push({ base, end, owner });
  }

  /** Owner labels of reservations overlapping [base, base+size). */
  ownersOf(base: bigint, size: bigint): string[] {
    const end = base + size;
    return [...new Set(this.owners.filter((o) => o.base < end && base < o.end).map((o) => o.owner))];
  }

  physFree(base: bigint, size: bigint, caller: string): void {
    this.record({ op: 'phys_free', base, size, caller, lines: this.rangeLine('memblock_phys_free', base, size, caller) });
    this.removeRange(this.reserved, base, size);
  }

  private setClrFlag(base: bigint, size: bigint, set: boolean, flag: number): boolean {
    if (this.capSize(base, size) > 0n && !this.ensureRoom(this.memory, 2, base, size)) return false;
    const [s, e] = this.isolate(this.memory, base, size);
    for (let i = s; i < e; i++) {
      const r = this.memory[i]!;
      r.flags = set ? r.flags | flag : r.flags & ~flag;
    }
    this.merge(this.memory);
    return true;
  }

  markNomap(base: bigint, size: bigint, caller = 'memblock_mark_nomap'): boolean {
    this.record({ op: 'mark_nomap', base, size, caller, lines: NO_LINES });
    return this.setClrFlag(base, size, true, MEMBLOCK_NOMAP);
  }

  clearNomap(base: bigint, size: bigint, caller = 'memblock_clear_nomap'): void {
    this.record({ op: 'clear_nomap', base, size, caller, lines: NO_LINES });
    this.setClrFlag(base, size, false, MEMBLOCK_NOMAP);
  }

  markHotplug(base: bigint, size: bigint): void {
    this.setClrFlag(base, size, true, MEMBLOCK_HOTPLUG);
  }

  /** memblock_overlaps_region: any region of `type` intersects [base, base+size). */
  overlaps(type: 'memory' | 'reserved', base: bigint, size: bigint): boolean {
    size = this.capSize(base, size);
    const end = base + size;
    for (const r of type === 'memory' ? this.memory : this.reserved) {
      if (r.base < end && base < r.base + r.size) return true;
    }
    return false;
  }

  isRegionReserved(base: bigint, size: bigint): boolean {
    return this.overlaps('reserved', base, size);
  }

  startOfDram(): bigint {
    return this.memory.length ? this.memory[0]!.base : 0n;
  }

  endOfDram(): bigint {
    if (!this.memory.length) return 0n;
    const r = this.memory[this.memory.length - 1]!;
    return r.base + r.size;
  }

  physMemSize(): bigint {
    return this.memory.reduce((a, r) => a + r.size, 0n);
  }

  reservedSize(): bigint {
    return this.reserved.reduce((a, r) => a + r.size, 0n);
  }

  /** memblock_cap_memory_range: keep only [base, base+size) of the non-NOMAP memory and truncate
   * reserved to it. */
  capMemoryRange(base: bigint, size: bigint): void {
    if (!size || !this.memory.length) return;
    const [s, e] = this.isolate(this.memory, base, size);
    for (let i = this.memory.length - 1; i >= e; i--) if (!(this.memory[i]!.flags & MEMBLOCK_NOMAP)) this.memory.splice(i, 1);
    for (let i = s - 1; i >= 0; i--) if (!(this.memory[i]!.flags & MEMBLOCK_NOMAP)) this.memory.splice(i, 1);
    this.removeRange(this.reserved, 0n, base);
    this.removeRange(this.reserved, base + size, this.physMax);
  }

  /** memblock_mem_limit_remove_map (mem= on arm64): translate a size limit into an address
   * inside the memory regions, then cap. */
  memLimitRemoveMap(limit: bigint): void {
    if (!limit) return;
    let left = limit;
    let maxAddr = this.physMax;
    for (const r of this.memory) {
      if (left <= r.size) {
        maxAddr = r.base + left;
        break;
      }
      left -= r.size;
    }
    if (maxAddr === this.physMax) return;
    this.capMemoryRange(0n, maxAddr);
  }

  // ---- free-range iteration and the allocator ---------------------------------------------

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

  private recordReserve(base: bigint, size: bigint, caller: string, owner: string, silent: boolean): void {
    this.record({ op: 'reserve', base, size, caller, owner, lines: silent ? NO_LINES : this.rangeLine('memblock_reserve', base, size, caller) });
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

  // ---- snapshots ---------------------------------------------------------------------------

  snapshot(type: 'memory' | 'reserved'): RegionSnapshot[] {
    const regions = type === 'memory' ? this.memory : this.reserved;
    return regions.map((r) => {
      const end = r.base + r.size;
      const owners = type === 'reserved' ? [...new Set(this.owners.filter((o) => o.base < end && r.base < o.end).map((o) => o.owner))] : [];
      return { base: r.base, size: r.size, flags: r.flags, owners };
    });
  }

  /** The debug lines of every event so far, in order (the simulated memblock=debug trace). */
  traceLines(): string[] {
    return this.events.flatMap((e) => e.lines);
  }
}

