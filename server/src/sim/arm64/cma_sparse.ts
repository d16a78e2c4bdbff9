// Which zone cma_activate_area (mm/cma.c, Linux 6.1) finds for a pfn on arm64's
// SPARSEMEM_VMEMMAP: a pfn is valid when its 128 MiB memory section holds any memblock.memory,
// and memmap_init gives every struct page of a present section a zone, not only the pages in
// the zone spans: a hole before a range takes the zone of that range, and the tail after the
// last range up to the section end takes the highest populated zone. So a CMA pool just above
// a mem= limit, in the last section, activates without a warning (golden cma-past-mem on arm64),
// while a pool in a section without memory is invalid and the kernel crashes.
import type { BootContext, ZoneInfo } from '../types.js';

/** A pfn -> zone index function for cmaActivate; -1 when the pfn's section has no memory. */
export function sparseZoneOf(ctx: BootContext, zones: ZoneInfo[]): (pfn: bigint) => number {
  const ps = ctx.profile.pageSize;
  const secPages = ctx.profile.sectionSize / ps;
  const mem = ctx.memblock.memory.map((r) => ({ first: r.base / ps / secPages, last: (r.base + r.size - 1n) / ps / secPages }));
  const populated = zones.map((z, i) => ({ z, i })).filter((x) => x.z.present > 0n);
  return (pfn: bigint) => {
    const sec = pfn / secPages;
    if (!mem.some((m) => sec >= m.first && sec <= m.last)) return -1;
    const inSpan = zones.findIndex((z) => z.spanned > 0n && pfn >= z.startPfn && pfn < z.endPfn);
    if (inSpan >= 0) return inSpan;
    // memmap_init: a hole gets the zone of the next populated range; the tail the highest zone
    const next = populated.find((x) => x.z.startPfn > pfn);
    if (next) return next.i;
    return populated.length ? populated[populated.length - 1]!.i : -1;
  };
}
