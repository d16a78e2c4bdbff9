// arm64 paging_init (arch/arm64/mm/mmu.c, Linux 6.1): map_kernel, map_mem (the linear map:
// page granular under rodata=full except the linear alias of [_stext, __init_begin), which may
// use 2 MiB blocks), the init_pg_dir free, then create_idmap. Every table is one
// early_pgtable_alloc: a 4 KiB memblock_phys_alloc_range(.., 0, MEMBLOCK_ALLOC_NOLEAKTRACE).
import { ALLOC_NOLEAKTRACE, MEMBLOCK_NOMAP } from '../memblock.js';
import type { BootContext, PageTableMapping } from '../types.js';
import type { kernelImage } from './memblock_init.js';

/** early_pgtable_alloc's memblock_phys_alloc_range call site. */
const PGTABLE_CALLER = 'early_pgtable_alloc+0x2c/0xb0';
const SZ_2M = 1n << 21n;
const SZ_1G = 1n << 30n;
const SZ_512G = 1n << 39n;
/** PAGE_OFFSET for 48-bit VA (the linear map's start). */
const PAGE_OFFSET = 0xffff000000000000n;

export interface LinearMapModel {
  /** Tables map_kernel + map_mem need (before the init_pg_dir free). */
  tables: number;
  mappings: PageTableMapping[];
}

/** Counts the PUD/PMD/PTE tables of the linear map: every 2 MiB block touched by page-mapped
 * memory needs a PTE table, except blocks wholly inside the kernel-text alias (block mapped);
 * every 1 GiB touched needs a PMD table and every 512 GiB a PUD table. */
export function linearMap(ctx: BootContext, memstart: bigint, image: ReturnType<typeof kernelImage>): LinearMapModel {
  const mb = ctx.memblock;
  // can_set_direct_map(): rodata=full (Debian's default) forces page mappings; rodata=on/off
  // let map_mem use 2 MiB and 1 GiB blocks wherever one call covers an aligned block
  const rodataFull = (ctx.args.rodata ?? 'full') === 'full';
  const ptes = new Set<bigint>();
  const pmds = new Set<bigint>();
  const puds = new Set<bigint>();
  const mappings: PageTableMapping[] = [];
  // GiBs wholly page mapped: their 512 PTE tables are counted at once (not one Set entry per
  // 2 MiB), so terabytes of RAM cost one entry per GiB.
  const fullGiBs = new Set<bigint>();
  const touch = (s: bigint, e: bigint, blocksOk: boolean) => {
    for (let g = s / SZ_512G; g <= (e - 1n) / SZ_512G; g++) puds.add(g);
    for (let g = s / SZ_1G; g <= (e - 1n) / SZ_1G && pmds.size < 1 << 20; g++) {
      const gs = g * SZ_1G;
      const full = gs >= s && gs + SZ_1G <= e;
      if (blocksOk && full && !pmds.has(g)) continue; // PUD block
      if (fullGiBs.has(g)) continue;
      if (full && !blocksOk) {
        if (pmds.has(g)) for (let b = g * 512n; b < (g + 1n) * 512n; b++) ptes.delete(b);
        pmds.add(g);
        fullGiBs.add(g);
        continue;
      }
      pmds.add(g);
      const bs0 = gs > s ? gs : s;
      const be0 = gs + SZ_1G < e ? gs + SZ_1G : e;
      for (let b = bs0 / SZ_2M; b <= (be0 - 1n) / SZ_2M && ptes.size < 1 << 22; b++) {
        const bs = b * SZ_2M;
        const whole = bs >= s && bs + SZ_2M <= e;
        if (!(blocksOk && whole)) ptes.add(b);
      }
    }
  };
  const va = (pa: bigint) => PAGE_OFFSET + (pa - memstart);
  // map_mem: kernel text alias temporarily NOMAP, the rest page mapped
  const ks = image.stext;
  const ke = image.initBegin;
  for (const r of mb.memory) {
    if (r.flags & MEMBLOCK_NOMAP) continue;
    const rs = r.base;
    const re = r.base + r.size;
    const parts: [bigint, bigint][] = [];
    if (ke <= rs || ks >= re) parts.push([rs, re]);
    else {
      if (rs < ks) parts.push([rs, ks]);
      if (re > ke) parts.push([ke, re]);
    }
    for (const [s, e] of parts) {
      const s2 = (s - memstart) & ~(ctx.profile.pageSize - 1n);
      const e2 = (e - memstart + ctx.profile.pageSize - 1n) & ~(ctx.profile.pageSize - 1n);
      if (e2 <= s2) continue;
      touch(s2, e2, !rodataFull);
      mappings.push({ va: va(s), pa: s, size: e - s, granule: rodataFull ? ctx.profile.pageSize : SZ_2M, attrs: 'PAGE_KERNEL (RW, XN)' + (rodataFull ? ', rodata=full: 4K pages' : ', blocks where aligned') });
    }
  }
  // map_mem maps the kernel-text alias unconditionally, even when no memory node covers it
  {
    touch(ks - memstart, ke - memstart, true);
    mappings.push({ va: va(ks), pa: ks, size: ke - ks, granule: SZ_2M, attrs: 'PAGE_KERNEL (XN), read-only after mark_linear_text_alias_ro', note: 'linear alias of the kernel text/rodata: 2 MiB blocks where aligned, 4 KiB pages at the edges' });
  }
  mappings.sort((a, b) => (a.pa < b.pa ? -1 : a.pa > b.pa ? 1 : 0));
  // map_kernel: the image at KIMAGE_VADDR (MODULES_END; no KASLR without a seed)
  mappings.push({ va: 0xffff800008000000n, pa: image.text, size: image.end - image.text, granule: SZ_2M, attrs: 'kernel image: text RX, rodata R, init, data RW', note: 'map_kernel (swapper_pg_dir), KIMAGE_VADDR' });
  return { tables: ptes.size + 512 * fullGiBs.size + pmds.size + puds.size, mappings };
}

export function pagingInit(ctx: BootContext, memstart: bigint, image: ReturnType<typeof kernelImage>): void {
  const a = ctx.profile.arm64!;
  const lm = linearMap(ctx, memstart, image);
  ctx.result.pageTables = lm.mappings;
  ctx.memblock.physAllocPages(a.pgtableKernelMap + lm.tables, 0n, ALLOC_NOLEAKTRACE, PGTABLE_CALLER, 'page tables');
  ctx.memblock.physFree(image.end - a.initPgDirSize, a.initPgDirSize, 'paging_init+0x534/0x610');
  ctx.memblock.allowResize();
  ctx.memblock.physAllocPages(a.pgtableIdmap, 0n, ALLOC_NOLEAKTRACE, PGTABLE_CALLER, 'page tables');
}
