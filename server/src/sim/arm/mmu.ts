// paging_init for 32-bit arm (arch/arm/mm/mmu.c, Linux 6.1) as a page-table model: which kernel
// page-table entries exist (1 MiB sections / 2 MiB LPAE blocks vs. 4 KiB pages) and which
// early_alloc() page-table pages that costs, in the kernel's order:
//   prepare_page_table, map_lowmem (every non-NOMAP range below arm_lowmem_limit, the kernel's
//   sections carved out), memblock_set_current_limit(arm_lowmem_limit), map_kernel,
//   dma_contiguous_remap (lowmem CMA areas re-mapped with pages, one iotable static_vm each),
//   devicemaps_init (vectors, FDT, PCI I/O static_vm), kmap_init (pkmap + fixmap PTE tables) and
//   the zero page. A PTE table is allocated when a PMD (2 MiB) entry is still empty.
import type { Memblock } from '../memblock.js';
import { ALLOC_ACCESSIBLE, NUMA_NO_NODE, roundUp } from '../memblock.js';
import type { PageTableMapping } from '../types.js';
import type { ArmConsts } from './consts.js';
import { memRanges } from './lowmem.js';

type Entry = 'none' | 'sect' | 'table';

/** One kernel PMD slot (2 MiB of VA): LPAE has one entry, short descriptors two 1 MiB entries. */
interface PmdSlot {
  e: [Entry, Entry];
}

/** A memory type of mem_types[] reduced to what matters here. */
interface MemType {
  name: string;
  /** prot_sect != 0: may use sections. */
  sect: boolean;
  attrs: string;
}

export const MT_MEMORY_RWX: MemType = { name: 'MT_MEMORY_RWX', sect: true, attrs: 'RW x SHD MEM/CACHED/WBWA' };
export const MT_MEMORY_RW: MemType = { name: 'MT_MEMORY_RW', sect: true, attrs: 'RW NX SHD MEM/CACHED/WBWA' };
export const MT_MEMORY_RO: MemType = { name: 'MT_MEMORY_RO', sect: true, attrs: 'ro NX SHD MEM/CACHED/WBWA' };
export const MT_MEMORY_DMA_READY: MemType = { name: 'MT_MEMORY_DMA_READY', sect: false, attrs: 'RW NX SHD MEM/CACHED/WBWA' };
export const MT_DEVICE: MemType = { name: 'MT_DEVICE', sect: true, attrs: 'RW NX SHD DEV/SHARED' };
export const MT_HIGH_VECTORS: MemType = { name: 'MT_HIGH_VECTORS', sect: false, attrs: 'USR ro x SHD MEM/CACHED/WBWA' };
export const MT_LOW_VECTORS: MemType = { name: 'MT_LOW_VECTORS', sect: false, attrs: 'ro x SHD MEM/CACHED/WBWA' };

export interface MmuInput {
  mb: Memblock;
  c: ArmConsts;
  physOffset: bigint;
  lowmemLimit: bigint;
  /** Physical address the boot loader passed as the DTB (__atags_pointer). */
  dtbAddr: bigint;
  /** CMA areas in dma_contiguous_early_fixup order (DT pools, then the default area). */
  cmaAreas: { name: string; base: bigint; size: bigint }[];
  /** An earlycon was set up through the fixmap (FIX_EARLYCON_MEM_BASE). */
  earlycon?: boolean;
}

export interface MmuResult {
  mappings: PageTableMapping[];
  /** Page-table pages and static_vm structs allocated (for the report). */
  allocations: { what: string; addr: bigint; size: bigint }[];
  problems: string[];
}

const PAGE = 4096n;

export class ArmMmu {
  private slots = new Map<bigint, PmdSlot>();
  readonly mappings: PageTableMapping[] = [];
  readonly allocations: { what: string; addr: bigint; size: bigint }[] = [];
  readonly problems: string[] = [];
  /** Set when the real kernel would hang or crash here (nothing after it is printed). */
  fatal?: string;
  private readonly c: ArmConsts;
  private readonly mb: Memblock;
  private readonly physOffset: bigint;

  constructor(mb: Memblock, c: ArmConsts, physOffset: bigint) {
    this.mb = mb;
    this.c = c;
    this.physOffset = physOffset;
  }

  virt(pa: bigint): bigint {
    return pa - this.physOffset + this.c.pageOffset;
  }

  private slot(va: bigint): PmdSlot {
    const key = va - (va % this.c.pmdSize);
    let s = this.slots.get(key);
    if (!s) {
      s = { e: ['none', 'none'] };
      this.slots.set(key, s);
    }
    return s;
  }

  /** pmd_clear(pmd_off_k(va)): both halves of the 2 MiB slot. */
  pmdClear(va: bigint): void {
    this.slot(va).e = ['none', 'none'];
  }

  /** early_alloc(sz) = memblock_alloc(sz, sz) below memblock.current_limit; panics on failure. */
  earlyAlloc(size: bigint, what: string): bigint {
    const a = this.mb.allocTryNid(size, size, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, this.c.callers.earlyAlloc!, what);
    if (!a && !this.fatal) {
      // early_alloc: panic("%s: Failed to allocate %lu bytes align=0x%lx") - before the console
      // is up on arm, so the boot just stops (boot-oracle memblock-double on arm)
      this.fatal = `early_alloc: Failed to allocate ${size} bytes align=0x${size.toString(16)} for ${what}: the kernel panics in paging_init`;
      this.problems.push(this.fatal);
    }
    this.allocations.push({ what, addr: a, size });
    return a;
  }

  /** memblock_alloc(sizeof(struct static_vm)) from iotable_init / vm_reserve_area_early. */
  allocStaticVm(caller: string, what: string): void {
    const a = this.mb.allocTryNid(this.c.staticVmSize, this.c.staticVmAlign, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, caller, what);
    this.allocations.push({ what, addr: a, size: this.c.staticVmSize });
  }

  private record(va: bigint, pa: bigint, size: bigint, granule: bigint, t: MemType, note?: string): void {
    const last = this.mappings[this.mappings.length - 1];
    if (last && last.va + last.size === va && last.pa + last.size === pa && last.granule === granule && last.attrs === t.attrs && last.note === note) {
      last.size += size;
      return;
    }
    this.mappings.push(note ? { va, pa, size, granule, attrs: t.attrs, note } : { va, pa, size, granule, attrs: t.attrs });
    if (this.mappings.length > 100000) this.mappings.shift();
  }

  /** create_mapping(): per 2 MiB PMD, sections when addr/next/phys are section aligned and the
   * type allows them, otherwise a PTE table (allocated when the PMD entry is empty). */
  createMapping(va: bigint, pa: bigint, length: bigint, t: MemType, note?: string): void {
    const c = this.c;
    let addr = va - (va % PAGE);
    const end = addr + roundUp(length + (va % PAGE), PAGE);
    // map.pfn = __phys_to_pfn(start): an unaligned start (a memblock region after an unaligned
    // no-map block) maps from its page, so later 2 MiB blocks can still be sections
    let phys = pa - (pa % PAGE);
    let guard = 0;
    while (addr < end && guard++ < 1 << 16) {
      const pmdEnd = addr - (addr % c.pmdSize) + c.pmdSize;
      const next = pmdEnd < end ? pmdEnd : end;
      const s = this.slot(addr);
      if (t.sect && (addr % c.sectionSize) === 0n && (next % c.sectionSize) === 0n && (phys % c.sectionSize) === 0n) {
        // __map_init_section
        for (let a = addr; a < next; a += c.sectionSize) {
          const idx = c.lpae ? 0 : Number((a % c.pmdSize) / c.sectionSize);
          s.e[idx] = 'sect';
          this.record(a, phys + (a - addr), c.sectionSize, c.sectionSize, t, note);
        }
      } else {
        // alloc_init_pte -> arm_pte_alloc: pmd_none(*pmd) looks at the slot's first entry
        if (s.e[0] === 'none') {
          this.earlyAlloc(PAGE, `page table for 0x${(addr - (addr % c.pmdSize)).toString(16)}`);
          s.e = ['table', 'table'];
        } else if (s.e[0] === 'sect') {
          // BUG() in paging_init, before any console: the boot stops silently (generated case
          // rand-11 on arm: a bank ending 1M into a 2M slot, the next bank starting unaligned in it)
          const msg = `PTE mapping at 0x${addr.toString(16)} inside a section mapping: the kernel hits BUG_ON(pmd_bad) in paging_init and stops`;
          if (!this.fatal) this.fatal = msg;
          this.problems.push(msg);
        }
        this.record(addr, phys, next - addr, PAGE, t, note);
      }
      phys += next - addr;
      addr = next;
    }
  }

  /** The sections head.S mapped for the kernel (PAGE_OFFSET .. the section holding _end) that
   * prepare_page_table keeps: everything below the end of memblock.memory.regions[0]. */
  prepareTable(lowmemLimit: bigint): void {
    const c = this.c;
    const first = this.mb.memory[0];
    let end = first ? first.base + first.size : this.physOffset;
    if (end >= lowmemLimit) end = lowmemLimit;
    const clearFrom = this.virt(end) - (this.virt(end) % c.pmdSize);
    const imgEnd = roundUp(this.physOffset + c.endOffset, c.sectionSize);
    for (let pa = this.physOffset; pa < imgEnd; pa += c.sectionSize) {
      const va = this.virt(pa);
      if (va >= clearFrom) break;
      const s = this.slot(va);
      s.e[c.lpae ? 0 : Number((va % c.pmdSize) / c.sectionSize)] = 'sect';
    }
  }

  /** map_lowmem: the six kernel-vs-range cases of Linux 6.1 (note the `break`s). */
  mapLowmem(lowmemLimit: bigint): void {
    const c = this.c;
    const kStart = this.physOffset; // kernel_sec_start (head.S: PHYS_OFFSET, section aligned)
    const kEnd = roundUp(this.physOffset + c.endOffset, c.sectionSize); // kernel_sec_end
    for (const r of memRanges(this.mb)) {
      let start = r.start;
      let end = r.end;
      if (end > lowmemLimit) end = lowmemLimit;
      if (start >= end) break;
      if (start > kStart && end < kEnd) break; // case 5
      if (kStart >= start && kStart <= end) {
        if (start < kStart && end > kEnd) {
          // case 6: two mappings, then the loop ends
          this.createMapping(this.virt(start), start, kStart - start, MT_MEMORY_RW, 'lowmem');
          this.createMapping(this.virt(kEnd), kEnd, end - kEnd, MT_MEMORY_RW, 'lowmem');
          break;
        }
        if (kStart === start) start = kEnd; // case 1
        if (kEnd === end) end = kStart; // case 3
      } else if (kStart < start && kEnd > start && kEnd < end) {
        start = kEnd; // case 2
      } else if (kStart > start && kStart < end && kEnd > end) {
        end = kStart; // case 4
      }
      if (end <= start) {
        // map.length = end - start wraps (or is 0): __create_mapping's do/while never reaches
        // `end` and the boot hangs in paging_init (seen on arm with a no-map region splitting
        // memory inside the kernel's first sections, oracle case nomap-near-kernel-dtb).
        this.fatal = `map_lowmem: the memory range [0x${r.start.toString(16)}, 0x${r.end.toString(16)}) lies inside the kernel's sections [0x${kStart.toString(16)}, 0x${kEnd.toString(16)}); the mapping length wraps and the kernel hangs in paging_init`;
        this.problems.push(this.fatal);
        return;
      }
      this.createMapping(this.virt(start), start, end - start, MT_MEMORY_RW, 'lowmem');
    }
  }

  /** map_kernel: [kernel_sec_start, kernel_x_end) RWX and [kernel_x_end, kernel_sec_end) RW. */
  mapKernel(): void {
    const c = this.c;
    const xStart = this.physOffset;
    const xEnd = roundUp(this.physOffset + c.initEndOffset, c.sectionSize);
    const nxEnd = roundUp(this.physOffset + c.endOffset, c.sectionSize);
    this.createMapping(this.virt(xStart), xStart, xEnd - xStart, MT_MEMORY_RWX, 'kernel');
    if (xEnd !== nxEnd) this.createMapping(this.virt(xEnd), xEnd, nxEnd - xEnd, MT_MEMORY_RW, 'kernel');
  }

  /** dma_contiguous_remap: every CMA area's lowmem part is cleared and re-mapped with pages
   * through iotable_init (one static_vm, then PTE tables per 2 MiB). */
  dmaContiguousRemap(areas: { name: string; base: bigint; size: bigint }[], lowmemLimit: bigint): void {
    const c = this.c;
    for (const a of areas) {
      const start = a.base;
      let end = a.base + a.size;
      if (end > lowmemLimit) end = lowmemLimit;
      if (start >= end) continue;
      for (let va = this.virt(start); va < this.virt(end); va += c.pmdSize) this.pmdClear(va);
      this.dropMappings(this.virt(start), this.virt(end));
      this.allocStaticVm(c.callers.iotable!, `static_vm for CMA ${a.name}`);
      this.createMapping(this.virt(start), start, end - start, MT_MEMORY_DMA_READY, `CMA ${a.name}`);
    }
  }

  private dropMappings(vs: bigint, ve: bigint): void {
    const keep: PageTableMapping[] = [];
    for (const m of this.mappings) {
      const me = m.va + m.size;
      if (me <= vs || m.va >= ve) {
        keep.push(m);
        continue;
      }
      if (m.va < vs) keep.push({ ...m, size: vs - m.va });
      if (me > ve) keep.push({ ...m, va: ve, pa: m.pa + (ve - m.va), size: me - ve });
    }
    this.mappings.splice(0, this.mappings.length, ...keep);
  }

  /** devicemaps_init: vectors page pair, clear vmalloc..fixmap PMDs, the DTB's read-only
   * sections at FDT_FIXED_BASE, the vector mappings, and pci_reserve_io's static_vm. */
  devicemapsInit(dtbAddr: bigint, highMemoryVa: bigint): void {
    const c = this.c;
    const vectors = this.earlyAlloc(2n * PAGE, 'vectors page');
    // VMALLOC_START is unsigned long arithmetic: 32 bits (a fuzzed PHYS_OFFSET above 4 GiB on LPAE
    // made it hugely negative here, and the pmd_clear loop below ran for 2^43 bytes of VA).
    const vmallocStart = BigInt.asUintN(32, (highMemoryVa + c.vmallocOffset) & ~(c.vmallocOffset - 1n));
    const fixTop = 0xfff00000n - (0xfff00000n % c.pmdSize);
    for (let va = vmallocStart; va < fixTop; va += c.pmdSize) this.pmdClear(va);
    if (dtbAddr) {
      const pa = dtbAddr - (dtbAddr % c.sectionSize);
      this.createMapping(c.fdtFixedBase, pa, c.fdtFixedSize, MT_MEMORY_RO, 'fdt');
    }
    this.createMapping(c.vectorsBase, vectors, PAGE, MT_HIGH_VECTORS, 'vectors');
    this.createMapping(c.vectorsBase + PAGE, vectors + PAGE, PAGE, MT_LOW_VECTORS, 'vectors');
    this.allocStaticVm(c.callers.vmReserve!, 'static_vm for PCI I/O (pci_reserve_io)');
  }

  /** kmap_init: PTE tables for the pkmap area and the fixmap. */
  kmapInit(): void {
    this.ptePrealloc(this.c.pkmapBase, 'pkmap page table');
    this.ptePrealloc(this.c.fixaddrStart, 'fixmap page table');
  }

  private ptePrealloc(va: bigint, what: string): void {
    const s = this.slot(va);
    if (s.e[0] === 'none') {
      this.earlyAlloc(PAGE, what);
      s.e = ['table', 'table'];
    }
  }
}

/** The linear map as it stands after boot: free_initmem's fix_kernmem_perms and
 * mark_rodata_ro make [PAGE_OFFSET, _stext) RW NX, text ro x, rodata ro NX and the rest RW NX
 * (same section granule); the atomic DMA pool (the first 256 KiB of the default CMA area, when
 * it is in lowmem) is write-combine. Sorted by virtual address. */
export function finalLinearMap(mappings: PageTableMapping[], c: ArmConsts, physOffset: bigint, atomicPool?: { pa: bigint; size: bigint }): PageTableMapping[] {
  const va = (pa: bigint) => pa - physOffset + c.pageOffset;
  const cuts: { start: bigint; end: bigint; attrs: string; note: string }[] = [
    { start: va(physOffset), end: va(physOffset + c.stextOffset), attrs: 'RW NX SHD MEM/CACHED/WBWA', note: 'kernel (pre-text)' },
    { start: va(physOffset + c.stextOffset), end: va(physOffset + c.etextOffset), attrs: 'ro x SHD MEM/CACHED/WBWA', note: 'kernel text' },
    { start: va(physOffset + c.etextOffset), end: va(physOffset + c.initEndOffset - 2n * 1024n * 1024n), attrs: 'ro NX SHD MEM/CACHED/WBWA', note: 'kernel rodata' },
  ];
  if (atomicPool) cuts.push({ start: va(atomicPool.pa), end: va(atomicPool.pa + atomicPool.size), attrs: 'RW NX SHD MEM/BUFFERABLE/WC', note: 'atomic DMA pool' });
  const out: PageTableMapping[] = [];
  for (const m of mappings) {
    let pieces: PageTableMapping[] = [{ ...m }];
    for (const cut of cuts) {
      const next: PageTableMapping[] = [];
      for (const p of pieces) {
        const pe = p.va + p.size;
        if (pe <= cut.start || p.va >= cut.end || (cut.note === 'atomic DMA pool' && p.granule !== 4096n)) {
          next.push(p);
          continue;
        }
        const s0 = p.va > cut.start ? p.va : cut.start;
        const e0 = pe < cut.end ? pe : cut.end;
        if (p.va < s0) next.push({ ...p, size: s0 - p.va });
        next.push({ ...p, va: s0, pa: p.pa + (s0 - p.va), size: e0 - s0, attrs: cut.attrs, note: cut.note });
        if (e0 < pe) next.push({ ...p, va: e0, pa: p.pa + (e0 - p.va), size: pe - e0 });
      }
      pieces = next;
    }
    for (const p of pieces) {
      if (p.note === 'kernel' && p.attrs.startsWith('RW x')) p.attrs = 'RW NX SHD MEM/CACHED/WBWA';
      out.push(p);
    }
  }
  return out.sort((a, b) => (a.va < b.va ? -1 : a.va > b.va ? 1 : 0));
}

/** paging_init up to (not including) bootmem_init; returns the model and sets the memblock
 * current limit to arm_lowmem_limit as the kernel does after map_lowmem. */
export function pagingInit(inp: MmuInput): ArmMmu {
  const mmu = new ArmMmu(inp.mb, inp.c, inp.physOffset);
  mmu.prepareTable(inp.lowmemLimit);
  mmu.mapLowmem(inp.lowmemLimit);
  if (mmu.fatal) return mmu;
  inp.mb.currentLimit = inp.lowmemLimit;
  mmu.mapKernel();
  mmu.dmaContiguousRemap(inp.cmaAreas, inp.lowmemLimit);
  if (mmu.fatal) return mmu;
  // early_fixmap_shutdown: clears the fixmap PMD, then re-creates the permanent device mappings
  // (the earlycon's page at fix_to_virt(FIX_EARLYCON_MEM_BASE) = 0xffeff000) with create_mapping
  mmu.pmdClear(0xffe00000n);
  if (inp.earlycon) mmu.createMapping(0xffeff000n, 0n, 4096n, MT_DEVICE, 'earlycon (fixmap)');
  const highMemoryVa = mmu.virt(inp.lowmemLimit - 1n) + 1n;
  mmu.devicemapsInit(inp.dtbAddr, highMemoryVa);
  if (mmu.fatal) return mmu;
  mmu.kmapInit();
  if (mmu.fatal) return mmu;
  mmu.earlyAlloc(PAGE, 'zero page');
  return mmu;
}
