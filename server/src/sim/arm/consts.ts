// Build constants of Debian's 32-bit kernels (linux-image-6.1.0-50-armmp / -armmp-lpae) that the
// arm boot path needs: memory layout (VMSPLIT_3G, vmalloc), kernel image extents, struct sizes and
// Kconfig values. Every number is a property of the kernel build, never of a board; each comment
// says where it was measured (oracle logs in /work/shared/oracle/results/{arm,arm-lpae}) or which
// kernel definition it comes from. Profile.extra may override any of them by name.
import type { Profile } from '../profile.js';

const MiB = 1n << 20n;

export interface ArmConsts {
  lpae: boolean;
  /** PAGE_OFFSET (CONFIG_VMSPLIT_3G). */
  pageOffset: bigint;
  /** VMALLOC_END (arch/arm/include/asm/pgtable.h) and VMALLOC_OFFSET (8 MiB gap). */
  vmallocEnd: bigint;
  vmallocOffset: bigint;
  /** vmalloc_min default: VMALLOC_END - (240 << 20) - VMALLOC_OFFSET (arch/arm/mm/mmu.c). */
  vmallocDefault: bigint;
  /** SECTION_SIZE: 1 MiB short descriptors, 2 MiB LPAE blocks. PMD_SIZE is 2 MiB on both. */
  sectionSize: bigint;
  pmdSize: bigint;
  /** TEXT_OFFSET: kernel at PHYS_OFFSET + 0x208000 (README: "Debian's armmp has TEXT_OFFSET 0x208000"). */
  textOffset: bigint;
  /** __pa(KERNEL_START = _stext) - PHYS_OFFSET: `memblock_reserve: [0x40300000-…] arm_memblock_init`
   * (LPAE 0x40400000): _stext is section aligned by STRICT_KERNEL_RWX. */
  stextOffset: bigint;
  /** __pa(_end) - PHYS_OFFSET: the image reserve ends at 0x41607587 (LPAE 0x4180d287). */
  endOffset: bigint;
  /** swapper_pg_dir reserve: `[0x40204000-0x40207fff]` (16K pgd); LPAE `[0x40203000-0x40207fff]`
   * (pgd page + 4 pmd tables). It sits just below TEXT_OFFSET. */
  swapperSize: bigint;
  /** _etext and __init_end relative to PHYS_OFFSET, for map_kernel's RWX/RW split and the
   * permissions of the linear alias (README userspace: text ro x 0xc0300000-0xc0dfffff, rodata
   * 4M; init 2048K). */
  etextOffset: bigint;
  initEndOffset: bigint;
  /** pageblock_order: 11 on armmp (MAX_ORDER 12, no hugetlb), 9 on LPAE (HUGETLB_PAGE_ORDER);
   * usemap sizes 48/16 bytes (arm) vs 192/64 (LPAE) for 1G confirm it. */
  pageblockOrder: number;
  /** MAX_ORDER_NR_PAGES: alloc_node_mem_map aligns the node's memmap to it. */
  maxOrderNrPages: bigint;
  /** sizeof(struct page): Total pages 260416 = 262144 - 196608*36/4096. */
  structPageSize: bigint;
  /** sizeof/alignof(struct static_vm): `40 bytes align=0x4 … vm_reserve_area_early` (LPAE 48/0x8). */
  staticVmSize: bigint;
  staticVmAlign: bigint;
  /** sizeof(struct resource): `32 bytes align=0x40 … setup_arch` per memory region (LPAE 40). */
  resourceSize: bigint;
  /** sizeof(struct device_node) / sizeof(struct property): fitted to the unflatten sizes of all 30
   * arm oracle DTBs (20608 bytes for the base DTB). */
  deviceNodeSize: number;
  propertySize: number;
  /** sizeof(struct alias_prop) (of_alias_scan): list_head + 2 pointers + int. */
  aliasPropSize: number;
  /** Per-cpu static size: `percpu: Embedded 18 pages/cpu s45012 r8192 d20524 u73728`
   * (LPAE s45204 … u77824); reserved = PERCPU_MODULE_RESERVE, dynamic = PERCPU_DYNAMIC_RESERVE. */
  percpuStatic: bigint;
  percpuReserved: bigint;
  percpuDynamicReserve: bigint;
  /** MIGRATE_TYPES with CMA + MEMORY_ISOLATION: grouping by mobility is off below
   * pageblock_nr_pages * 6 pages (mem=46M on arm: 11672 pages, "mobility grouping off"). */
  migrateTypes: number;
  /** NR_CPUS (`RCU restricting CPUs from NR_CPUS=8`). */
  nrCpus: number;
  /** FDT_FIXED_BASE / FDT_FIXED_SIZE and the fixed virtual addresses of devicemaps_init/kmap_init. */
  fdtFixedBase: bigint;
  fdtFixedSize: bigint;
  vectorsBase: bigint;
  fixaddrStart: bigint;
  /** PKMAP_BASE = PAGE_OFFSET - PMD_SIZE. */
  pkmapBase: bigint;
  /** swiotlb (LPAE only, when max_pfn > arm_dma_pfn_limit): default IO_TLB 64 MiB, slots array
   * (nslabs * 16) and one io_tlb_area (12 bytes) – arm-lpae base-4G log. */
  swiotlbSize: bigint;
  swiotlbSlotSize: bigint;
  swiotlbAreaSize: bigint;
  /** The `Memory:` line's section sizes (build constants, base-1G log). */
  kernelCodeK: number;
  rwdataK: number;
  rodataK: number;
  initK: number;
  bssK: number;
  /** Caller strings as the kernel prints them (cosmetic; from the logs). */
  callers: Record<string, string>;
}

function defaults(lpae: boolean): ArmConsts {
  return {
    lpae,
    pageOffset: 0xc0000000n,
    vmallocEnd: 0xff800000n,
    vmallocOffset: 8n * MiB,
    vmallocDefault: 240n * MiB,
    sectionSize: lpae ? 2n * MiB : 1n * MiB,
    pmdSize: 2n * MiB,
    textOffset: 0x208000n,
    stextOffset: lpae ? 0x400000n : 0x300000n,
    endOffset: lpae ? 0x180d288n : 0x1607588n,
    swapperSize: lpae ? 0x5000n : 0x4000n,
    etextOffset: lpae ? 0x1000000n : 0xe00000n,
    initEndOffset: lpae ? 0x1600000n : 0x1400000n,
    pageblockOrder: lpae ? 9 : 11,
    maxOrderNrPages: 2048n,
    structPageSize: 36n,
    staticVmSize: lpae ? 48n : 40n,
    staticVmAlign: lpae ? 8n : 4n,
    resourceSize: lpae ? 40n : 32n,
    deviceNodeSize: 108,
    propertySize: 48,
    aliasPropSize: 20,
    percpuStatic: lpae ? 45204n : 45012n,
    percpuReserved: 8192n,
    percpuDynamicReserve: 20480n,
    migrateTypes: 6,
    nrCpus: 8,
    fdtFixedBase: 0xff800000n,
    fdtFixedSize: lpae ? 4n * MiB : 2n * MiB,
    vectorsBase: 0xffff0000n,
    fixaddrStart: 0xffc80000n,
    pkmapBase: 0xbfe00000n,
    swiotlbSize: 64n * MiB,
    swiotlbSlotSize: 16n,
    swiotlbAreaSize: 12n,
    kernelCodeK: lpae ? 12288 : 11264,
    rwdataK: lpae ? 1716 : 1700,
    rodataK: lpae ? 3752 : 3732,
    initK: 2048,
    bssK: lpae ? 384 : 377,
    callers: lpae
      ? {
          imageReserve: 'arm_memblock_init+0x44/0x88',
          swapperReserve: 'arm_memblock_init+0x4c/0x88',
          earlyAlloc: 'early_alloc+0x3c/0x68',
          vmReserve: 'vm_reserve_area_early+0x48/0x8c',
          iotable: 'iotable_init+0x50/0x10c',
          memmap: 'memmap_alloc+0x44/0x4c',
          usemap: 'setup_usemap+0x70/0x9c',
          resource: 'setup_arch+0x39c/0xa28',
          unflatten: 'early_init_dt_alloc_memory_arch+0x3c/0x70',
          cmdline1: 'start_kernel+0x194/0x76c',
          cmdline2: 'start_kernel+0x1cc/0x76c',
          pcpuAi: 'pcpu_embed_first_chunk+0x3d0/0x8e0',
          pcpuAreas: 'pcpu_embed_first_chunk+0x5f0/0x8e0',
          pcpuUnits: 'pcpu_embed_first_chunk+0x6e8/0x8e0',
          pcpuFreeTail: 'pcpu_embed_first_chunk+0x7e4/0x8e0',
          pcpuFreeAi: 'pcpu_embed_first_chunk+0x870/0x8e0',
          pcpuFreeAreas: 'pcpu_embed_first_chunk+0x8cc/0x8e0',
          pcpuSetup0: 'pcpu_setup_first_chunk+0x35c/0x95c',
          pcpuSetup1: 'pcpu_setup_first_chunk+0x390/0x95c',
          pcpuSetup2: 'pcpu_setup_first_chunk+0x3d8/0x95c',
          pcpuSetup3: 'pcpu_setup_first_chunk+0x41c/0x95c',
          pcpuSetup4: 'pcpu_setup_first_chunk+0x818/0x95c',
          pcpuChunk0: 'pcpu_alloc_first_chunk+0xa0/0x2b8',
          pcpuChunk1: 'pcpu_alloc_first_chunk+0x110/0x2b8',
          pcpuChunk2: 'pcpu_alloc_first_chunk+0x148/0x2b8',
          pcpuChunk3: 'pcpu_alloc_first_chunk+0x184/0x2b8',
          initrdReserve: 'reserve_initrd_mem+0xf0/0x190',
          crashAuto: 'setup_arch+0x844/0xa28',
          unknownAlloc: 'start_kernel+0x34c/0x76c',
          logBuf0: 'setup_log_buf+0x14c/0x3b8',
          logBuf1: 'setup_log_buf+0x190/0x3b8',
          logBuf2: 'setup_log_buf+0x1d8/0x3b8',
          unknownFree: 'start_kernel+0x3e0/0x76c',
          crashFixed: 'setup_arch+0x884/0xa28',
          earlyMem: 'early_mem+0x78/0xf0',
          armAddMemory: 'arm_add_memory+0xf4/0x100',
          hash: 'alloc_large_system_hash+0x1d0/0x2ec',
          freeMemmap: 'memblock_free_all+0xf8/0x3ac',
          swiotlb: 'swiotlb_init_remap+0xd4/0x2a0',
          swiotlbSlots: 'swiotlb_init_remap+0x1d0/0x2a0',
          swiotlbAreas: 'swiotlb_init_remap+0x230/0x2a0',
          allocRangeNid: 'memblock_alloc_range_nid+0xe4/0x198',
        }
      : {
          imageReserve: 'arm_memblock_init+0x30/0x74',
          swapperReserve: 'arm_memblock_init+0x38/0x74',
          earlyAlloc: 'early_alloc+0x2c/0x58',
          vmReserve: 'vm_reserve_area_early+0x38/0x7c',
          iotable: 'iotable_init+0x40/0xf4',
          memmap: 'free_area_init+0x948/0xe20',
          usemap: 'setup_usemap+0x60/0x8c',
          resource: 'setup_arch+0x310/0x8c0',
          unflatten: 'early_init_dt_alloc_memory_arch+0x38/0x68',
          cmdline1: 'start_kernel+0x180/0x748',
          cmdline2: 'start_kernel+0x1b0/0x748',
          pcpuAi: 'pcpu_embed_first_chunk+0x3bc/0x884',
          pcpuAreas: 'pcpu_embed_first_chunk+0x5cc/0x884',
          pcpuUnits: 'pcpu_embed_first_chunk+0x684/0x884',
          pcpuFreeTail: 'pcpu_embed_first_chunk+0x780/0x884',
          pcpuFreeAi: 'pcpu_embed_first_chunk+0x814/0x884',
          pcpuFreeAreas: 'pcpu_embed_first_chunk+0x870/0x884',
          pcpuSetup0: 'pcpu_setup_first_chunk+0x344/0x918',
          pcpuSetup1: 'pcpu_setup_first_chunk+0x370/0x918',
          pcpuSetup2: 'pcpu_setup_first_chunk+0x3b0/0x918',
          pcpuSetup3: 'pcpu_setup_first_chunk+0x3ec/0x918',
          pcpuSetup4: 'pcpu_setup_first_chunk+0x7d8/0x918',
          pcpuChunk0: 'pcpu_alloc_first_chunk+0x7c/0x26c',
          pcpuChunk1: 'pcpu_alloc_first_chunk+0xd4/0x26c',
          pcpuChunk2: 'pcpu_alloc_first_chunk+0x104/0x26c',
          pcpuChunk3: 'pcpu_alloc_first_chunk+0x134/0x26c',
          initrdReserve: 'reserve_initrd_mem+0xd4/0x174',
          crashAuto: 'setup_arch+0x740/0x8c0',
          unknownAlloc: 'start_kernel+0x328/0x748',
          logBuf0: 'setup_log_buf+0x140/0x388',
          logBuf1: 'setup_log_buf+0x17c/0x388',
          logBuf2: 'setup_log_buf+0x1b8/0x388',
          unknownFree: 'start_kernel+0x3bc/0x748',
          crashFixed: 'setup_arch+0x770/0x8c0',
          earlyMem: 'early_mem+0x6c/0xe4',
          armAddMemory: 'arm_add_memory+0x168/0x174',
          hash: 'alloc_large_system_hash+0x1b8/0x2d8',
          freeMemmap: 'memblock_free_all+0xe0/0x374',
          swiotlb: 'swiotlb_init_remap+0xd4/0x2a0',
          swiotlbSlots: 'swiotlb_init_remap+0xd4/0x2a0',
          swiotlbAreas: 'swiotlb_init_remap+0xd4/0x2a0',
          allocRangeNid: 'memblock_alloc_range_nid+0xd0/0x168',
        },
  };
}

/** DT machine descriptors of the Debian armmp kernels that set .dma_zone_size (setup_dma_zone):
 * the root `compatible` selects them (of_flat_dt_match_machine); every other board uses the
 * generic DT machine (no DMA zone limit). bcm2711 (Raspberry Pi 4) was checked on the oracle with
 * a root compatible of "brcm,bcm2711": default CMA below 0x80000000, swiotlb on LPAE with 2G. */
export const MACHINE_DMA_ZONE: { compatible: string; name: string; dmaZoneSize: bigint }[] = [
  { compatible: 'brcm,bcm2711', name: 'BCM2711', dmaZoneSize: 1n << 30n },
];

/** The arm constants for `profile` (arm or arm-lpae), with profile.extra overrides applied
 * (keys as in ArmConsts; numbers/strings are converted where the field is a bigint). */
export function armConsts(profile: Profile): ArmConsts {
  const c = defaults(profile.arch === 'arm-lpae');
  const extra = profile.extra ?? {};
  const rec = c as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(extra)) {
    if (!(k in rec) || k === 'lpae' || k === 'callers') continue;
    const cur = rec[k];
    if (typeof cur === 'bigint') {
      if (typeof v === 'bigint') rec[k] = v;
      else if (typeof v === 'number' && Number.isInteger(v)) rec[k] = BigInt(v);
      else if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v)) rec[k] = BigInt(v);
    } else if (typeof cur === 'number') {
      if (typeof v === 'number') rec[k] = v;
      else if (typeof v === 'bigint') rec[k] = Number(v);
    }
  }
  return c;
}
