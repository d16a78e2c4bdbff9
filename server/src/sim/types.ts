// The boot simulator's result and trace types, and the BootContext that the per-arch boot paths
// (sim/arm64, sim/arm) mutate step by step from setup_arch to mem_init.
import type { TreeCensus } from './census.js';
import type { DtNode, DtTree, Finding } from '../dts/tree.js';
import type { Profile } from './profile.js';
import type { Memblock, MemblockEvent, RegionSnapshot } from './memblock.js';
import type { BootArgs } from './bootargs.js';

/** One logged kernel line (printk text without timestamp), tagged with the step that printed it. */
export interface LogLine {
  step: string;
  text: string;
  /** The node the line is about, for diagnostics. */
  node?: DtNode;
}

export type RmemResultKind =
  | 'initialized'
  | 'compatible-matching-fail'
  | 'reserve-failed'
  | 'alloc-failed'
  | 'overlap'
  | 'bypassed-by-cmdline-cma'
  | 'invalid-property'
  | 'cma-activation-failed'
  | 'no-handler'
  | 'dropped';

export interface RmemResult {
  kind: RmemResultKind;
  /** For `initialized`: cma or dma-coherent. */
  type?: 'cma' | 'dma-coherent';
  base?: bigint;
  size?: bigint;
  /** For compatible-matching-fail: the kernel's stated reason, when it prints one. */
  cause?: string;
  /** For overlap: the other node's name. */
  other?: string;
}

/** A /reserved-memory child as the kernel saw it (struct reserved_mem plus what happened). */
export interface RmemNode {
  name: string;
  node: DtNode;
  kind: 'static' | 'dynamic' | 'invalid';
  /** reserved_mem[].base/size (first reg entry for static nodes; 0 until allocated for dynamic). */
  base: bigint;
  size: bigint;
  /** Every reg entry for static nodes. */
  regs: { base: bigint; size: bigint }[];
  nomap: boolean;
  reusable: boolean;
  compatible: string[];
  /** Saved in reserved_mem[] (false when the array was full or the node was skipped). */
  saved: boolean;
  results: RmemResult[];
  messages: string[];
}

export interface CmaArea {
  name: string;
  base: bigint;
  size: bigint;
  /** The default area (dma_contiguous_default_area). */
  isDefault: boolean;
  node?: DtNode;
  /** Set by the activation check (cma_init_reserved_areas). */
  activated?: boolean;
  activationError?: string;
}

export interface ZoneInfo {
  name: 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable';
  /** [startPfn, endPfn) after clamping to the node; empty when equal. */
  startPfn: bigint;
  endPfn: bigint;
  spanned: bigint;
  present: bigint;
  memmapPages: bigint;
  managed: bigint;
  unavailablePages: bigint;
}

export interface MemoryLine {
  availableK: bigint;
  totalK: bigint;
  kernelCodeK: number;
  rwdataK: number;
  rodataK: number;
  initK: number;
  bssK: number;
  reservedK: bigint;
  cmaReservedK: bigint;
  highmemK?: bigint;
  text: string;
}

/** One linear-map (or lowmem) mapping for the page-table inspector. */
export interface PageTableMapping {
  va: bigint;
  pa: bigint;
  size: bigint;
  /** Leaf granule in bytes (4 KiB pages, 2 MiB / 1 MiB sections, 1 GiB blocks). */
  granule: bigint;
  attrs: string;
  note?: string;
}

export interface StepSnapshot {
  step: string;
  memory: RegionSnapshot[];
  reserved: RegionSnapshot[];
}

export interface SimResult {
  arch: Profile['arch'];
  profile: Profile;
  /** Whether the arch path is modelled; false gives only findings. */
  modelled: boolean;
  commandLine: string;
  memoryLimit?: bigint;
  steps: StepSnapshot[];
  memblockEvents: MemblockEvent[];
  rmem: RmemNode[];
  cmaAreas: CmaArea[];
  defaultCma?: { base: bigint; size: bigint } | { error: string[] };
  zones: ZoneInfo[];
  /** The `Zone ranges:` lines' zones (DMA, DMA32, Normal / HighMem), null when empty. */
  zoneRanges: { name: string; range: { start: bigint; end: bigint } | null }[];
  movableZoneStart?: bigint;
  earlyMemoryRanges: { start: bigint; end: bigint }[];
  unavailable: { zone: string; pages: bigint }[];
  /** arm: the first highmem address (arm_lowmem_limit). */
  lowmemLimit?: bigint;
  pageTables: PageTableMapping[];
  totalPages?: bigint;
  memoryLine?: MemoryLine;
  firstDeferredPfn?: bigint;
  log: LogLine[];
  findings: Finding[];
}

/** Mutable state of one simulated boot. */
export interface BootContext {
  tree: DtTree;
  profile: Profile;
  args: BootArgs;
  memblock: Memblock;
  /** fdt_totalsize of the DTB the kernel was given. */
  dtbSize: bigint;
  /** The whole-tree quantities (DTB and unflatten sizes, ZONE_DMA's dma-ranges, aliases). */
  census: TreeCensus;
  dtbAddr: bigint;
  rmem: RmemNode[];
  cmaAreas: CmaArea[];
  /** totalcma_pages (mm/cma.c). */
  totalCmaPages: bigint;
  log: LogLine[];
  findings: Finding[];
  steps: StepSnapshot[];
  result: SimResult;
  /** phys_initrd_start/size from /chosen. */
  initrd?: { start: bigint; size: bigint };
  /** Free-form per-arch state. */
  state: Record<string, unknown>;
  /** Arch hooks the shared modules call (e.g. arm's dma_contiguous_early_fixup records CMA
   * areas for dma_contiguous_remap). */
  hooks?: {
    dmaContiguousEarlyFixup?: (base: bigint, size: bigint) => void;
  };
}
