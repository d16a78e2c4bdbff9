// The memblock model's public types (memblock.ts): its options (the kernel's static array sizes,
// PHYS_ADDR_MAX, memblock=debug), the events it records in memblock=debug wording, and the region
// snapshots the memory map shows with their owners.

export interface RegionSnapshot {
  base: bigint;
  size: bigint;
  flags: number;
  /** Who reserved (parts of) this region: kernel image, DTB, node path, default CMA, … */
  owners: string[];
}

export type MemblockOp = 'add' | 'remove' | 'reserve' | 'phys_free' | 'alloc' | 'mark_nomap' | 'clear_nomap';

export interface MemblockEvent {
  op: MemblockOp;
  /** For alloc: the kernel function that printed the request (memblock_alloc_try_nid, …). */
  fn?: string;
  base?: bigint;
  size: bigint;
  align?: bigint;
  nid?: number;
  from?: bigint;
  maxAddr?: bigint;
  caller: string;
  /** For alloc: the address found, or null when it failed. */
  result?: bigint | null;
  owner?: string;
  /** The memblock=debug line(s) the kernel prints (none for silent operations). */
  lines: string[];
}

export interface MemblockOptions {
  /** PHYS_ADDR_MAX (also MEMBLOCK_ALLOC_ANYWHERE). */
  physMax: bigint;
  pageSize: bigint;
  /** Digits for %pa: 8 (32-bit phys_addr_t) or 16. */
  paDigits: number;
  /** memblock=debug: produce lines (events are always recorded). */
  debug?: boolean;
  /** Upper bound on recorded events (nothing may grow without bound). */
  maxEvents?: number;
  /** Caller string of the reserve that memblock_alloc_range_nid logs for each allocation. */
  allocReserveCaller?: string;
  /** Static array sizes: INIT_MEMBLOCK_REGIONS (memory) and INIT_MEMBLOCK_RESERVED_REGIONS. */
  memoryMax?: number;
  reservedMax?: number;
  /** sizeof(struct memblock_region), for memblock_double_array's allocation. */
  regionSize?: bigint;
}
