// The 32-bit arm lowmem/highmem split (arch/arm/mm/mmu.c, Linux 6.1): early_vmalloc (vmalloc=),
// adjust_lowmem_bounds (vmalloc_limit -> arm_lowmem_limit, the memblock limit rounded down to a
// PMD, the "first usable region must be PMD aligned" NOMAP mark) and early_mem / arm_add_memory
// (mem= replaces all DT memory with [PHYS_OFFSET or @start, +size)).
import type { Memblock } from '../memblock.js';
import { MEMBLOCK_NOMAP, roundDown, roundUp } from '../memblock.js';
import type { ArmConsts } from './consts.js';

const MiB = 1n << 20n;
const U32 = 0xffffffffn;

/** for_each_mem_range: memblock.memory regions that are not NOMAP, as [start, end). */
export function memRanges(mb: Memblock): { start: bigint; end: bigint }[] {
  return mb.memory.filter((r) => !(r.flags & MEMBLOCK_NOMAP)).map((r) => ({ start: r.base, end: r.base + r.size }));
}

/** early_vmalloc: vmalloc_min (a virtual address) for a `vmalloc=` value (unsigned long, so
 * truncated to 32 bits), clamped to [16 MiB, VMALLOC_END - (PAGE_OFFSET + 32M + 8M)]. */
export function vmallocMin(c: ArmConsts, arg: bigint | undefined, warn: (msg: string) => void): bigint {
  if (arg === undefined) return c.vmallocEnd - c.vmallocDefault - c.vmallocOffset;
  let reserve = arg & U32;
  if (reserve < 16n * MiB) {
    reserve = 16n * MiB;
    warn(`vmalloc area is too small, limiting to ${reserve >> 20n}MiB`);
  }
  const max = c.vmallocEnd - (c.pageOffset + 32n * MiB + c.vmallocOffset);
  if (reserve > max) {
    reserve = max;
    warn(`vmalloc area is too big, limiting to ${reserve >> 20n}MiB`);
  }
  return c.vmallocEnd - reserve - c.vmallocOffset;
}

export interface LowmemBounds {
  /** arm_lowmem_limit: the end of the linear map (first highmem address). */
  lowmemLimit: bigint;
  /** memblock.current_limit set at the end (PMD-rounded first ragged boundary). */
  memblockLimit: bigint;
  /** vmalloc_limit = __pa(vmalloc_min) computed without wrap. */
  vmallocLimit: bigint;
}

/** adjust_lowmem_bounds: marks the unaligned head of the first usable region NOMAP, computes
 * arm_lowmem_limit and the memblock limit, and applies memblock_set_current_limit. */
export function adjustLowmemBounds(mb: Memblock, c: ArmConsts, physOffset: bigint, vmin: bigint): LowmemBounds {
  const vmallocLimit = vmin - c.pageOffset + physOffset;
  const first = memRanges(mb)[0];
  if (first && first.start % c.pmdSize !== 0n) {
    const len = roundUp(first.start, c.pmdSize) - first.start;
    mb.markNomap(first.start, len, 'adjust_lowmem_bounds');
  }
  let lowmemLimit = 0n;
  let memblockLimit = 0n;
  for (const { start, end } of memRanges(mb)) {
    if (start >= vmallocLimit) continue;
    if (end > lowmemLimit) lowmemLimit = vmallocLimit < end ? vmallocLimit : end;
    if (!memblockLimit) {
      if (start % c.pmdSize !== 0n) memblockLimit = start;
      else if (end % c.pmdSize !== 0n) memblockLimit = lowmemLimit;
    }
  }
  if (!memblockLimit) memblockLimit = lowmemLimit;
  memblockLimit = roundDown(memblockLimit, c.pmdSize);
  // CONFIG_HIGHMEM is set and the caches are not VIPT aliasing: no "Ignoring RAM" removal.
  mb.currentLimit = memblockLimit;
  return { lowmemLimit, memblockLimit, vmallocLimit };
}

/** arm_add_memory (arch/arm/kernel/setup.c): page-align, drop what is below PHYS_OFFSET or (without
 * LPAE) above 4 GiB, memblock_add the rest. Returns the messages the kernel prints. */
export function armAddMemory(mb: Memblock, c: ArmConsts, physOffset: bigint, start: bigint, size: bigint, caller: string): string[] {
  const msgs: string[] = [];
  const page = 4096n;
  const hex8 = (v: bigint) => '0x' + v.toString(16).padStart(8, '0');
  let aligned = roundUp(start, page);
  if (aligned > start + size) size = 0n;
  else size -= aligned - start;
  if (!c.lpae) {
    if (aligned > U32) {
      msgs.push(`Ignoring memory at ${hex8(start)} outside 32-bit physical address space`);
      return msgs;
    }
    if (aligned + size > U32) {
      msgs.push(`Truncating memory at ${hex8(start)} to fit in 32-bit physical address space`);
      size = U32 - aligned;
    }
  }
  if (aligned < physOffset) {
    if (aligned + size <= physOffset) {
      msgs.push(`Ignoring memory below PHYS_OFFSET: ${hex8(aligned)}-${hex8(aligned + size)}`);
      return msgs;
    }
    msgs.push(`Ignoring memory below PHYS_OFFSET: ${hex8(aligned)}-${hex8(physOffset)}`);
    size -= physOffset - aligned;
    aligned = physOffset;
  }
  size = size & ~(page - 1n);
  if (size === 0n) return msgs;
  mb.add(aligned, size, caller);
  return msgs;
}

/** early_mem for `mem=` values in command-line order: the first one ever (state.first) removes
 * all memory (its static `usermem` flag). */
export function applyMemParams(mb: Memblock, c: ArmConsts, physOffset: bigint, mems: { value: bigint; start?: bigint }[], log: (m: string) => void, state = { first: true }): void {
  for (const m of mems) {
    if (state.first) {
      state.first = false;
      const s = mb.startOfDram();
      const e = mb.endOfDram();
      mb.remove(s, e - s, c.callers.earlyMem!);
    }
    for (const msg of armAddMemory(mb, c, physOffset, m.start ?? physOffset, m.value, c.callers.armAddMemory!)) log(msg);
  }
}
