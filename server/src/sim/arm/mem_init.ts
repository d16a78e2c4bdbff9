// From the end of setup_arch to mem_init on 32-bit arm (Linux 6.1): the command-line copies
// (setup_command_line), vfs_caches_init_early's dentry/inode hash tables
// (alloc_large_system_hash sized from nr_kernel_pages), LPAE's swiotlb when RAM reaches above
// 4 GiB, and mem_init itself: memblock_free_all (free_unused_memmap for holes in FLATMEM, then
// the free ranges' whole pages up to max_low_pfn), free_highpages, and mem_init_print_info's
// `Memory:` line (available = nr_free_pages, reserved = physpages - totalram - totalcma).
import type { Memblock } from '../memblock.js';
import { ALLOC_ACCESSIBLE, NUMA_NO_NODE, roundDown, roundUp } from '../memblock.js';
import type { MemoryLine } from '../types.js';
import type { ArmConsts } from './consts.js';
import type { ZonesResult } from './zones.js';

const PAGE = 4096n;

function roundupPow2(v: bigint): bigint {
  let p = 1n;
  while (p < v && p < 1n << 62n) p <<= 1n;
  return p;
}

function ilog2(v: bigint): bigint {
  let n = -1n;
  while (v > 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}

/** alloc_large_system_hash(HASH_EARLY|HASH_ZERO) with numentries from nr_kernel_pages (or the
 * `dhash_entries=`/`ihash_entries=` value). Returns the table's size and the kernel's message. */
export function largeSystemHash(mb: Memblock, c: ArmConsts, name: string, scale: bigint, z: ZonesResult, userEntries: bigint | undefined): { size: bigint; message: string } {
  const bucket = 4n; // hlist_bl_head / hlist_head: one pointer
  let numentries = userEntries ?? 0n;
  if (!numentries) {
    numentries = roundUp(z.nrKernelPages, (1n << 20n) / PAGE);
    numentries = scale > 12n ? numentries >> (scale - 12n) : numentries << (12n - scale);
    if (numentries * bucket < PAGE) numentries = PAGE / bucket;
  }
  numentries = roundupPow2(numentries);
  let max = ((z.nrAllPages << 12n) >> 4n) / bucket;
  if (max > 0x80000000n) max = 0x80000000n;
  if (numentries > max) numentries = max;
  let log2qty = ilog2(numentries);
  let size: bigint;
  let got: bigint;
  let guard = 0;
  do {
    size = bucket << log2qty;
    got = mb.allocTryNid(size, 64n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.hash!, `${name} hash table`);
  } while (!got && size > PAGE && --log2qty > 0n && guard++ < 64);
  const order = ilog2(roundupPow2(roundUp(size, PAGE) / PAGE));
  return { size, message: `${name} hash table entries: ${1n << log2qty} (order: ${order}, ${size} bytes, linear)` };
}

/** swiotlb_init(max_pfn > arm_dma_pfn_limit) on LPAE: the bounce buffer below 4 GiB, the slot
 * array and one io_tlb_area. */
export function swiotlbInit(mb: Memblock, c: ArmConsts, sizeArg?: bigint): string[] {
  const size = sizeArg ?? c.swiotlbSize;
  const nslabs = size >> 11n; // IO_TLB_SHIFT
  const buf = mb.allocTryNid(size, PAGE, 0n, 0xffffffffn, NUMA_NO_NODE, c.callers.swiotlb!, 'swiotlb buffer');
  mb.allocTryNid(roundUp(nslabs * c.swiotlbSlotSize, PAGE), PAGE, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.swiotlbSlots!, 'swiotlb slots');
  mb.allocTryNid(c.swiotlbAreaSize, 64n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.swiotlbAreas!, 'swiotlb areas');
  if (!buf) return ['software IO TLB: Cannot allocate buffer'];
  const hex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');
  return [`software IO TLB: mapped [mem ${hex(buf)}-${hex(buf + size)}] (${size >> 20n}MB)`];
}

/** free_unused_memmap: the memmap pages that describe holes between memory regions (rounded to
 * pageblocks) go back to memblock. */
export function freeUnusedMemmap(mb: Memblock, c: ArmConsts, z: ZonesResult): void {
  const pb = 1n << BigInt(c.pageblockOrder);
  const pageAddr = (pfn: bigint) => z.memmapBase + (pfn - z.memmapStartPfn) * c.structPageSize;
  let prevEnd = 0n;
  for (const r of z.pfnRanges) {
    const start = roundDown(r.start, pb);
    if (prevEnd && prevEnd < start) {
      // free_memmap: page-align the struct page range inward
      const pg = roundUp(pageAddr(prevEnd - 1n) + c.structPageSize, PAGE);
      const pgend = roundDown(pageAddr(start - 1n) + c.structPageSize, PAGE);
      if (pg < pgend) mb.physFree(pg, pgend - pg, c.callers.freeMemmap!);
    }
    prevEnd = roundUp(r.end, pb);
  }
}

export interface MemInitResult {
  freedLow: bigint;
  freedHigh: bigint;
  physpages: bigint;
  /** A free range starting in the last page below 4 GiB: the kernel crashes freeing it. */
  wrapStart?: bigint;
  line: MemoryLine;
}

/** memblock_free_all + free_highpages + mem_init_print_info. */
export function memInit(mb: Memblock, c: ArmConsts, z: ZonesResult, totalCmaPages: bigint): MemInitResult {
  freeUnusedMemmap(mb, c, z);
  let freedLow = 0n;
  let freedHigh = 0n;
  let wrapStart: bigint | undefined;
  for (const r of mb.freeRanges()) {
    // PFN_UP on a 32-bit phys_addr_t: a free range starting inside the last page below 4 GiB
    // (memory ends at 0xffffffff, the allocation above it was not page aligned) wraps to pfn 0,
    // and __free_pages_core frees pfn 0.. : `BUG: Bad page state ... pfn:00001`, then an oops
    // (generated case rand-34 on arm)
    if (r.start + PAGE - 1n > mb.physMax && wrapStart === undefined) wrapStart = r.start;
    const s = (r.start + PAGE - 1n) / PAGE;
    const e = r.end / PAGE;
    // __free_memory_core: lowmem part only
    const le = e < z.maxLowPfn ? e : z.maxLowPfn;
    if (le > s) freedLow += le - s;
    // free_highpages: the part at or above max_low_pfn
    if (e > z.maxLowPfn) {
      const hs = s > z.maxLowPfn ? s : z.maxLowPfn;
      if (e > hs) freedHigh += e - hs;
    }
  }
  const physpages = z.zones.reduce((a, x) => a + x.present, 0n);
  const totalram = freedLow + freedHigh;
  const K = (p: bigint) => p * 4n;
  const availableK = K(totalram);
  // unsigned long arithmetic: CMA pools outside memory (mem= below a static pool) make it
  // negative, and the kernel prints it modulo 2^32 (generated case rand-39 on arm-lpae)
  const reservedK = K(physpages - totalram - totalCmaPages) & 0xffffffffn;
  const line: MemoryLine = {
    availableK,
    totalK: K(physpages),
    kernelCodeK: c.kernelCodeK,
    rwdataK: c.rwdataK,
    rodataK: c.rodataK,
    initK: c.initK,
    bssK: c.bssK,
    reservedK,
    cmaReservedK: K(totalCmaPages),
    highmemK: K(freedHigh),
    text:
      `Memory: ${availableK}K/${K(physpages)}K available (${c.kernelCodeK}K kernel code, ${c.rwdataK}K rwdata, ` +
      `${c.rodataK}K rodata, ${c.initK}K init, ${c.bssK}K bss, ${reservedK}K reserved, ${K(totalCmaPages)}K cma-reserved, ` +
      `${K(freedHigh)}K highmem)`,
  };
  return wrapStart === undefined ? { freedLow, freedHigh, physpages, line } : { freedLow, freedHigh, physpages, line, wrapStart };
}
