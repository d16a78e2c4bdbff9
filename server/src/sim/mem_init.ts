// mem_init's accounting (Linux 6.1): memblock_free_all -> free_low_memory_core_early counts every
// free memblock range page by page (totalram_pages) but hands to the buddy allocator only the
// pages below the first deferred pfn; mem_init_print_info prints
// `Memory: <nr_free_pages>K/<physpages>K available (… <physpages - totalram - totalcma>K reserved,
// <totalcma>K cma-reserved[, <highmem>K highmem])`.
import type { BootContext, MemoryLine } from './types.js';

export interface FreeAllResult {
  /** Pages added to totalram_pages. */
  totalram: bigint;
  /** Pages actually freed to the buddy allocator (nr_free_pages at mem_init). */
  freed: bigint;
}

/** free_low_memory_core_early: for_each_free_mem_range (NOMAP excluded), PFN_UP(start) ..
 * min(PFN_DOWN(end), maxLowPfn); pages at or above firstDeferredPfn stay uninitialised. */
export function memblockFreeAll(ctx: BootContext, maxLowPfn: bigint, firstDeferredPfn?: bigint): FreeAllResult {
  const ps = ctx.profile.pageSize;
  let totalram = 0n;
  let freed = 0n;
  for (const r of ctx.memblock.freeRanges()) {
    const s = (r.start + ps - 1n) / ps;
    let e = r.end / ps;
    if (e > maxLowPfn) e = maxLowPfn;
    if (s >= e) continue;
    totalram += e - s;
    const fe = firstDeferredPfn !== undefined && firstDeferredPfn < e ? firstDeferredPfn : e;
    if (fe > s) freed += fe - s;
  }
  return { totalram, freed };
}

/** mem_init_print_info. */
export function memoryLine(ctx: BootContext, o: { freePages: bigint; physPages: bigint; totalram: bigint; highmemPages?: bigint }): MemoryLine {
  const p = ctx.profile;
  const k = (pages: bigint) => (pages * p.pageSize) >> 10n;
  // unsigned long arithmetic: CMA pools outside memory can make it negative (printed modulo 2^64)
  const reservedK = k(o.physPages - o.totalram - ctx.totalCmaPages) & ((1n << 64n) - 1n);
  const line: MemoryLine = {
    availableK: k(o.freePages), totalK: k(o.physPages), kernelCodeK: p.kernelCodeK, rwdataK: p.rwdataK, rodataK: p.rodataK,
    initK: p.initK, bssK: p.bssK, reservedK, cmaReservedK: k(ctx.totalCmaPages), text: '',
  };
  if (o.highmemPages !== undefined) line.highmemK = k(o.highmemPages);
  line.text = `Memory: ${line.availableK}K/${line.totalK}K available (${line.kernelCodeK}K kernel code, ${line.rwdataK}K rwdata, ${line.rodataK}K rodata, ${line.initK}K init, ${line.bssK}K bss, ${line.reservedK}K reserved, ${line.cmaReservedK}K cma-reserved${line.highmemK !== undefined ? `, ${line.highmemK}K highmem` : ''})`;
  ctx.log.push({ step: 'mem_init', text: line.text });
  return line;
}
