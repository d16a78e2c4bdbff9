// The memory facts a Linux boot log states, as parseBootLog (log/parse.ts) extracts them from a
// dmesg or serial log. Addresses are bigint; ranges are inclusive [start, end] as the kernel
// prints them ("[mem 0x40000000-0x7fffffff]"). oracle_json.ts turns these into the boot-oracle's
// `result` JSON shape so a parse can be checked field by field against the oracle.

/** An inclusive physical range. */
export interface PhysRange {
  start: bigint;
  end: bigint;
}

/** Where in the boot a memblock=debug line appeared (the log lines that mark the boundaries:
 * `Zone ranges:`, `Built N zonelists`, `Memory:`). */
export type BootStage = 'before_zones' | 'zones_printed' | 'zonelists_built' | 'mem_init_printed';

/** One memblock=debug line (mm/memblock.c memblock_dbg). */
export interface MemblockEventFact {
  op: 'add' | 'remove' | 'reserve' | 'phys_free' | 'alloc' | 'free';
  /** The printing function for allocs (memblock_alloc_try_nid, memblock_phys_alloc_range, …). */
  fn?: string;
  /** Range ops: the printed range (end = base + size - 1, so end < start for size 0). */
  range?: PhysRange;
  /** Allocs: the requested size. */
  bytes?: bigint;
  align?: bigint;
  nid?: number;
  from?: bigint;
  maxAddr?: bigint;
  /** `%pS` of the caller, e.g. `early_init_fdt_scan_reserved_mem+0x2b8/0x3c0`. */
  caller: string;
  /** Allocs: the reserve memblock_alloc_range_nid logged for it; null = the alloc failed. */
  result?: PhysRange | null;
  stage: BootStage;
}

export interface MemblockRegionFact {
  range: PhysRange;
  size: bigint;
  flags: number;
  nid?: number;
}

/** The `MEMBLOCK configuration:` dump (__memblock_dump_all). */
export interface MemblockDumpFact {
  stage: BootStage;
  memory: MemblockRegionFact[];
  reserved: MemblockRegionFact[];
  memorySize: bigint;
  reservedSize: bigint;
  memoryCnt: number;
  reservedCnt: number;
}

export type RmemResultFact =
  | { kind: 'initialized'; compatible: string; type: 'cma' | 'dma-coherent'; base?: bigint; sizeMib?: number }
  | { kind: 'compatible-matching-fail'; cause?: string }
  | { kind: 'reserve-failed'; base: bigint; sizeMib: number }
  | { kind: 'alloc-failed'; sizeMib: number }
  | { kind: 'overlap'; with: string }
  | { kind: 'bypassed-by-cmdline-cma' }
  | { kind: 'invalid-property'; property: string }
  | { kind: 'cma-activation-failed' };

export interface RmemNodeFact {
  name: string;
  results: RmemResultFact[];
  messages: string[];
}

export interface RmemPoolFact {
  type: 'cma' | 'dma-coherent';
  base: bigint;
  sizeMib: number;
  node?: string;
}

export interface OverlapFact {
  a: string;
  aStart: bigint;
  aEndExcl: bigint;
  b: string;
  bStart: bigint;
  bEndExcl: bigint;
}

/** The `Memory: …K/…K available (…)` line (mm/page_alloc.c mem_init_print_info), in KiB. */
export interface MemoryLineFact {
  /** Field name (available, total, kernel code, rwdata, rodata, init, bss, reserved,
   * cma-reserved, highmem) → KiB. */
  fields: Map<string, bigint>;
  raw: string;
}

export interface NodeRangeFact {
  node: number;
  range: PhysRange;
}

export interface BootLogFacts {
  linuxVersion: string | null;
  kernelRelease: string | null;
  machineModel: string | null;
  commandLine: string | null;
  /** arm64's panic-time `Memory Limit: none|N MB`. */
  memoryLimit: string | null;
  /** `Memory limited to NMB` (arm64 mem=), e.g. "512MB". */
  memoryLimitedTo: string | null;
  memblock: {
    dump: MemblockDumpFact | null;
    earlierDumps: MemblockDumpFact[];
    events: MemblockEventFact[];
  };
  reservedMem: {
    messages: string[];
    nodes: Map<string, RmemNodeFact>;
    overlaps: OverlapFact[];
    pools: RmemPoolFact[];
  };
  cma: {
    /** The last `cma: Reserved N MiB at` area: arm64 declares hugetlb_cma and cma_pernuma areas
     * before dma_contiguous_reserve's default one (bootmem_init order, Linux 6.1). */
    default: { sizeMib: number; base: bigint } | null;
    /** Every `cma: Reserved N MiB at` area, in printed order. */
    areas: { sizeMib: number; base: bigint }[];
    messages: string[];
    errors: string[];
  };
  /** Zone name → range (null = `empty`), in the order printed; null when no `Zone ranges:`. */
  zones: Map<string, PhysRange | null> | null;
  movableZoneStart: { node: number; start: bigint }[];
  earlyMemoryNodeRanges: NodeRangeFact[];
  initmemSetup: NodeRangeFact[];
  unavailableRanges: { node: number; zone: string; pages: bigint }[];
  zonelists: { count: number; mobilityGrouping: boolean; totalPages: bigint } | null;
  policyZone: string | null;
  memoryLine: MemoryLineFact | null;
  numa: string[];
  percpu: { pagesPerCpu: number; detail: string } | null;
  deferredPages: { node: number; ms: number } | null;
  /** `OF: fdt: Ignoring memory range …` and similar lines. */
  ignoredMemory: string[];
  panic: string | null;
  warnings: string[];
  /** The raw lines the facts came from (as they appear in the log, timestamps included). */
  evidence: string[];
}
