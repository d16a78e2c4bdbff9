// memblock's region arrays and range operations (mm/memblock.c, Linux 6.1) as a class: the memory
// and reserved arrays with their static sizes and doubling (memblock_double_array), add / remove /
// reserve / phys_free / mark_nomap / clear_nomap / cap, reservation owners, snapshots and the
// event log in memblock=debug wording. The allocator that searches the free ranges extends it in
// memblock.ts (Memblock); the array primitives are memblock_regions.ts's.
import {
  countNew, insertRange, isolateRange, mergeRegions, roundUp,
  MEMBLOCK_HOTPLUG, MEMBLOCK_NOMAP, MEMBLOCK_NONE, type Region,
} from './memblock_regions.js';
import type { MemblockEvent, MemblockOptions, RegionSnapshot } from './memblock_types.js';

/** The lines of an event the kernel prints nothing for (most of them without memblock=debug):
 * one shared, frozen list. */
export const NO_LINES: string[] = Object.freeze([]) as unknown as string[];

export abstract class MemblockRanges {
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
  protected owners: { base: bigint; end: bigint; owner: string }[] = [];
  protected maxEvents: number;
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

  protected record(ev: MemblockEvent): void {
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
  protected addOwner(base: bigint, end: bigint, owner: string): void {
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

  protected recordReserve(base: bigint, size: bigint, caller: string, owner: string, silent: boolean): void {
    this.record({ op: 'reserve', base, size, caller, owner, lines: silent ? NO_LINES : this.rangeLine('memblock_reserve', base, size, caller) });
  }

  /** memblock_find_in_range_node (memblock.ts: the allocator). */
  abstract findInRange(size: bigint, align: bigint, start: bigint, end: bigint): bigint;

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
