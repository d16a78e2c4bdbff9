// Kernel profiles: the properties of one kernel build (Debian bookworm 6.1, linux-image-6.1.0-50-*)
// that the boot simulator needs and that no devicetree can change: page size, Kconfig values,
// struct sizes, the kernel image layout. Everything a board varies is computed by the simulator.
// Values marked "measured" were read from the boot-oracle logs in /work/shared/oracle/results.

export type Arch = 'arm' | 'arm-lpae' | 'arm64';

export interface Profile {
  arch: Arch;
  kernelVersion: '6.1';
  /** PAGE_SIZE in bytes. */
  pageSize: bigint;
  /** Width of phys_addr_t: 32 on non-LPAE arm (PHYS_ADDR_MAX = 0xffffffff), else 64. */
  physAddrBits: 32 | 64;
  /** CONFIG_CMA_SIZE_MBYTES (default CMA when there is no cma= and no linux,cma-default node). */
  cmaSizeMbytes: number;
  /** CONFIG_CMA_AREAS; MAX_CMA_AREAS = 1 + this (the default area included). */
  cmaAreas: number;
  /** CMA_MIN_ALIGNMENT_BYTES in 6.1 = PAGE_SIZE * pageblock_nr_pages. */
  cmaMinAlignment: bigint;
  /** MAX_ORDER (buddy orders 0..MAX_ORDER-1); MAX_ORDER_NR_PAGES = 1 << (MAX_ORDER-1). */
  maxOrder: number;
  /** PAGES_PER_SECTION << PAGE_SHIFT (SPARSEMEM section size). */
  sectionSize: bigint;
  /** sizeof(struct page). */
  structPageSize: bigint;
  /** SMP_CACHE_BYTES / L1_CACHE_BYTES: default memblock alignment. */
  smpCacheBytes: bigint;
  /** MAX_RESERVED_REGIONS in drivers/of/of_reserved_mem.c. */
  maxReservedRegions: number;
  /** Handlers for /reserved-memory compatibles, in __reservedmem_of_table (link) order. */
  rmemHandlers: { compatible: string; handler: 'cma' | 'dma-coherent' }[];
  /** rmem_dma_setup on CONFIG_ARM requires no-map. */
  dmaCoherentNeedsNomap: boolean;
  /** Where the boot loader put the kernel image, relative to the start of RAM (QEMU virt's
   * placement; boards differ, override with kernelLoadAddr). */
  kernelLoadOffset: bigint;
  /** Absolute load address of the kernel image; default: start of RAM + kernelLoadOffset. */
  kernelLoadAddr?: bigint;
  /** Where the boot loader put the DTB, relative to the start of RAM (QEMU: RAM + 128 MiB). */
  dtbLoadOffset: bigint;
  dtbLoadAddr?: bigint;
  /** The `Memory:` line's kernel section sizes in KiB (build constants). */
  kernelCodeK: number;
  rwdataK: number;
  rodataK: number;
  initK: number;
  bssK: number;
  /** CONFIG_SPARSEMEM (calc_memmap_size's hole heuristic; pfn_valid by present section). */
  sparsemem: boolean;
  /** CONFIG_DEFERRED_STRUCT_PAGE_INIT: only the first section of the node's highest zone is
   * initialised (and freed) before mem_init. */
  deferredStructPageInit: boolean;
  /** How pfn_valid decides for init_unavailable_range: 'section' (SPARSEMEM early sections) or
   * 'memblock-map' (arm's pfn_valid = memblock_is_map_memory). */
  pfnValid: 'section' | 'memblock-map';
  /** pageblock_order (pageblock_nr_pages = 1 << it). */
  pageblockOrder: number;
  /** Caller strings (`fn+0xoff/0xsize`) the memblock=debug trace prints, by function name
   * (`fn:detail` when one function calls memblock from several places); functions missing here
   * print their bare name (before any `:`). */
  callers: Record<string, string>;
  /** INIT_MEMBLOCK_REGIONS / INIT_MEMBLOCK_RESERVED_REGIONS and sizeof(struct memblock_region):
   * a full array needs memblock_double_array, which fails before memblock_allow_resize(). */
  memblockMemoryRegions: number;
  memblockReservedRegions: number;
  memblockRegionSize: bigint;
  /** Command-line parameters the kernel knows (__setup / early_param names, without `=`);
   * anything else without a `.` is handed to init and makes start_kernel allocate and free
   * the `Unknown kernel command line parameters` buffer. */
  knownParams: string[];
  /** Arch-specific constants (arm64 in Arm64Consts, arm engineer adds its own). */
  arm64?: Arm64Consts;
  /** MIN_MEMBLOCK_ADDR / MAX_MEMBLOCK_ADDR of drivers/of/fdt.c (arm64: 0 and U64_MAX; arm:
   * PHYS_OFFSET and (phys_addr_t)~0). */
  minMemblockAddr: bigint;
  maxMemblockAddr: bigint;
  /** COMMAND_LINE_SIZE (bootargs are truncated to it minus the NUL). */
  commandLineSize: number;
  /** Free-form arch-specific extras (the arm32 path keeps its constants here). */
  extra?: Record<string, bigint | number | string | boolean>;
}

/** arm64 build constants, measured from the arm64 oracle logs (1G..4G, every case agrees). */
export interface Arm64Consts {
  /** _stext - _text: `memblock_reserve: [0x40210000-…] arm64_memblock_init` with _text at 0x40200000. */
  stextOffset: bigint;
  /** _end - _text: re-added by mem= as `memblock_add: [0x40200000-0x4220ffff]`. */
  imageSize: bigint;
  /** init_pg_dir..init_pg_end, freed by paging_init: `memblock_phys_free: [0x4220b000-0x4220ffff]`. */
  initPgDirSize: bigint;
  /** PHYS_MASK_SHIFT (48) and the linear region size (PAGE_END - PAGE_OFFSET = 2^47 for 48-bit VA). */
  physMaskShift: number;
  linearRegionSize: bigint;
  /** ARM64_MEMSTART_ALIGN (1 GiB with 4K pages, 48-bit VA). */
  memstartAlign: bigint;
  /** Net early_pgtable_alloc pages besides the linear map's PUD/PMD/PTE tables (documentation:
   * pgtableKernelMap + pgtableIdmap - kernel-text blocks = 1 on every oracle case). */
  pgtableFixed: number;
  /** sizeof(struct device_node) and sizeof(struct property), fitted to the unflatten sizes. */
  deviceNodeSize: number;
  propertySize: number;
  /** numa_alloc_distance: 256 bytes align 4K (allocated, freed, allocated again). */
  numaDistanceSize: bigint;
  /** roundup(sizeof(pg_data_t), SMP_CACHE_BYTES): `memblock_reserve: [0x7fdf0380-0x7fdf2fff]`. */
  nodeDataSize: bigint;
  /** sparse mem_section root array: `131072 bytes align=0x40 … sparse_init`. */
  memSectionRootsSize: bigint;
  /** One mem_section root (sparse_index_alloc: 4096 bytes) covers this many sections. */
  sectionsPerRoot: number;
  /** mem_section_usage_size() per present section (448 bytes for 8 sections). */
  usemapPerSection: bigint;
  /** sizeof(struct resource): request_standard_resources allocates one per memblock.memory region. */
  resourceSize: bigint;
  /** setup_per_cpu_areas -> pcpu_embed_first_chunk as the trace shows it for one CPU: allocs
   * (`perCpu`: the size is multiplied by the number of possible CPUs) and frees of an earlier
   * alloc (`free`: whole; `freeTail`: the zero-length tail after the unit). */
  percpu: PercpuOp[];
  /** __init_begin - _text: the end of the linear alias of [_stext, __init_begin) that map_mem
   * maps with blocks allowed (chosen so that 10 whole 2 MiB blocks fall inside it, which with
   * pgtableKernelMap reproduces the 511 tables allocated before paging_init's phys_free on 1G). */
  initBeginOffset: bigint;
  /** Tables map_kernel allocates, and create_idmap's after the init_pg_dir free (4 in every log). */
  pgtableKernelMap: number;
  pgtableIdmap: number;
  /** swiotlb default (64 MiB), slots array and areas, when max_pfn is above the DMA limit. */
  swiotlbSize: bigint;
  swiotlbSlotsSize: bigint;
  swiotlbAreasSize: bigint;
}

export type PercpuOp =
  | { op: 'alloc'; size: bigint; align: bigint; caller: string; nid?: number; fromDma?: boolean; perCpu?: boolean }
  | { op: 'free'; of: number; caller: string }
  | { op: 'freeTail'; of: number; caller: string };

const MiB = 1n << 20n;

function arm64Profile(): Profile {
  return {
    arch: 'arm64',
    kernelVersion: '6.1',
    pageSize: 4096n,
    physAddrBits: 64,
    cmaSizeMbytes: 64, // CONFIG_CMA_SIZE_MBYTES: `cma: Reserved 64 MiB` on every default arm64 case
    cmaAreas: 19, // CONFIG_CMA_AREAS=19 -> MAX_CMA_AREAS 20 (kernel-rules.md)
    cmaMinAlignment: 2n * MiB, // pageblock_order 9: cma-alignment-probe accepts 2M-aligned pools
    maxOrder: 11,
    sectionSize: 128n * MiB, // SECTION_SIZE_BITS 27
    structPageSize: 64n, // Total pages 258048 = 262144 - 262144*64/4096
    smpCacheBytes: 64n,
    maxReservedRegions: 64,
    rmemHandlers: [
      // kernel/dma/Makefile links contiguous.o before coherent.o
      { compatible: 'shared-dma-pool', handler: 'cma' },
      { compatible: 'shared-dma-pool', handler: 'dma-coherent' },
    ],
    dmaCoherentNeedsNomap: false,
    sparsemem: true,
    deferredStructPageInit: true, // `node 0 deferred pages initialised` in every arm64 log
    pfnValid: 'section',
    pageblockOrder: 9,
    callers: {
      // offsets as printed by the arm64 oracle logs
      early_init_fdt_scan_reserved_mem: 'early_init_fdt_scan_reserved_mem+0x2b8/0x3c0',
      'early_init_fdt_scan_reserved_mem:elfcorehdr': 'early_init_fdt_scan_reserved_mem+0x364/0x3c0',
      'early_init_fdt_scan_reserved_mem:memreserve': 'early_init_fdt_scan_reserved_mem+0x78/0x3c0', // golden a64-memreserve
      fdt_init_reserved_mem: 'fdt_init_reserved_mem+0x490/0x4d4',
      early_init_dt_alloc_reserved_memory_arch: 'early_init_dt_alloc_reserved_memory_arch+0x40/0x94',
      memblock_alloc_range_nid: 'memblock_alloc_range_nid+0xe8/0x17c',
      cma_declare_contiguous_nid: 'cma_declare_contiguous_nid+0x268/0x3c0',
    },
    memblockMemoryRegions: 128,
    // arch/arm64/include/asm/memory.h (EFI + GICv3 ITS): INIT_MEMBLOCK_REGIONS + NR_CPUS (256) + 1;
    // memblock-double (148 reserved regions at the scan) needs no doubling on arm64
    memblockReservedRegions: 128 + 256 + 1,
    memblockRegionSize: 24n, // base, size, flags, nid
    knownParams: [...COMMON_PARAMS, 'rodata', 'arm64.nopauth', 'arm64.nobti', 'arm64.nomte', 'kvm-arm.mode', 'id_aa64mmfr1.vh'],
    minMemblockAddr: 0n, // arch/arm64/include/asm/memory.h: "Allow all memory at the discovery stage"
    maxMemblockAddr: (1n << 64n) - 1n,
    commandLineSize: 2048,
    kernelLoadOffset: 0x200000n, // oracle: kernel image at 0x40200000 with RAM at 0x40000000
    dtbLoadOffset: 0x8000000n, // oracle: DTB at 0x48000000
    // `Memory: … (13248K kernel code, 2806K rwdata, 9504K rodata, 6464K init, 627K bss, …)`
    kernelCodeK: 13248,
    rwdataK: 2806,
    rodataK: 9504,
    initK: 6464,
    bssK: 627,
    arm64: {
      stextOffset: 0x10000n,
      imageSize: 0x2010000n,
      initPgDirSize: 0x5000n,
      physMaskShift: 48,
      linearRegionSize: 1n << 47n,
      memstartAlign: 1n << 30n,
      pgtableFixed: 1,
      initBeginOffset: 0x1650000n,
      pgtableKernelMap: 7,
      pgtableIdmap: 4,
      deviceNodeSize: 208, // the only pair (multiples of 8) that reproduces the unflatten size of all 30 raw-boot oracle DTBs
      propertySize: 96,
      numaDistanceSize: 256n,
      nodeDataSize: 0x2c80n,
      memSectionRootsSize: 131072n,
      sectionsPerRoot: 256,
      usemapPerSection: 56n,
      resourceSize: 64n,
      // setup_per_cpu_areas -> pcpu_embed_first_chunk, one CPU (identical in every arm64 log)
      percpu: [
        { op: 'alloc', size: 4096n, align: 4096n, caller: 'pcpu_build_alloc_info+0x398/0x50c' },
        { op: 'alloc', size: 4096n, align: 64n, caller: 'pcpu_embed_first_chunk+0x80/0x2e4' },
        { op: 'alloc', size: 126976n, align: 4096n, caller: 'pcpu_fc_alloc+0x120/0x19c', nid: 0, fromDma: true, perCpu: true },
        { op: 'freeTail', of: 2, caller: 'pcpu_embed_first_chunk+0x1f4/0x2e4' },
        { op: 'alloc', size: 8n, align: 64n, caller: 'pcpu_setup_first_chunk+0x344/0x8a4' },
        { op: 'alloc', size: 8n, align: 64n, caller: 'pcpu_setup_first_chunk+0x36c/0x8a4' },
        { op: 'alloc', size: 4n, align: 64n, caller: 'pcpu_setup_first_chunk+0x394/0x8a4', perCpu: true },
        { op: 'alloc', size: 8n, align: 64n, caller: 'pcpu_setup_first_chunk+0x3bc/0x8a4', perCpu: true },
        { op: 'alloc', size: 288n, align: 64n, caller: 'pcpu_setup_first_chunk+0x758/0x8a4' },
        { op: 'alloc', size: 144n, align: 64n, caller: 'pcpu_alloc_first_chunk+0x84/0x2f0' },
        { op: 'alloc', size: 384n, align: 64n, caller: 'pcpu_alloc_first_chunk+0xc4/0x2f0' },
        { op: 'alloc', size: 392n, align: 64n, caller: 'pcpu_alloc_first_chunk+0x10c/0x2f0' },
        { op: 'alloc', size: 96n, align: 64n, caller: 'pcpu_alloc_first_chunk+0x134/0x2f0' },
        { op: 'alloc', size: 144n, align: 64n, caller: 'pcpu_alloc_first_chunk+0x84/0x2f0' },
        { op: 'alloc', size: 1024n, align: 64n, caller: 'pcpu_alloc_first_chunk+0xc4/0x2f0' },
        { op: 'alloc', size: 1032n, align: 64n, caller: 'pcpu_alloc_first_chunk+0x10c/0x2f0' },
        { op: 'alloc', size: 256n, align: 64n, caller: 'pcpu_alloc_first_chunk+0x134/0x2f0' },
        { op: 'free', of: 0, caller: 'pcpu_free_alloc_info+0x1c/0x28' },
        { op: 'free', of: 1, caller: 'pcpu_embed_first_chunk+0x2c0/0x2e4' },
      ],
      swiotlbSize: 64n * MiB, // base-4G: `67108864 bytes align=0x1000 … swiotlb_init_remap`
      swiotlbSlotsSize: 0xc0000n,
      swiotlbAreasSize: 16n,
    },
  };
}

function armProfile(lpae: boolean): Profile {
  // Defaults for the 32-bit kernels (armmp / armmp-lpae); the arm32 engineer refines them.
  return {
    arch: lpae ? 'arm-lpae' : 'arm',
    kernelVersion: '6.1',
    pageSize: 4096n,
    physAddrBits: lpae ? 64 : 32,
    cmaSizeMbytes: 16, // `cma: Reserved 16 MiB` on default arm cases
    cmaAreas: 7, // MAX_CMA_AREAS 8 on arm (kernel-rules.md)
    cmaMinAlignment: lpae ? 2n * MiB : 8n * MiB, // cma-alignment-probe
    maxOrder: 12, // both: memmap of a 1G+4M node is 9510912 bytes = (0x80800-0x40000)*36 (2048-page aligned; arm engineer's boot-oracle run)
    sectionSize: lpae ? 1n << 30n : 1n << 28n,
    structPageSize: 36n, // Total pages 260416 = 262144 - 1728 on 1G
    smpCacheBytes: 64n,
    maxReservedRegions: 64,
    rmemHandlers: [
      { compatible: 'shared-dma-pool', handler: 'cma' },
      { compatible: 'shared-dma-pool', handler: 'dma-coherent' },
    ],
    dmaCoherentNeedsNomap: true, // CONFIG_ARM in rmem_dma_setup
    sparsemem: false,
    deferredStructPageInit: false,
    pfnValid: 'memblock-map',
    pageblockOrder: lpae ? 9 : 11,
    callers: lpae
      ? {
          // offsets as printed by the arm-lpae oracle logs
          early_init_fdt_scan_reserved_mem: 'early_init_fdt_scan_reserved_mem+0x334/0x46c',
          'early_init_fdt_scan_reserved_mem:elfcorehdr': 'early_init_fdt_scan_reserved_mem+0x418/0x46c', // golden chosen-usable-range
          'early_init_fdt_scan_reserved_mem:memreserve': 'early_init_fdt_scan_reserved_mem+0x74/0x46c', // arm engineer's /memreserve/ boot
          fdt_init_reserved_mem: 'fdt_init_reserved_mem+0x59c/0x5cc',
          early_init_dt_alloc_reserved_memory_arch: 'early_init_dt_alloc_reserved_memory_arch+0x5c/0xbc',
          memblock_alloc_range_nid: 'memblock_alloc_range_nid+0xe4/0x198',
          cma_declare_contiguous_nid: 'cma_declare_contiguous_nid+0x2f4/0x4c8',
        }
      : {
          // offsets as printed by the arm (armmp) oracle logs
          early_init_fdt_scan_reserved_mem: 'early_init_fdt_scan_reserved_mem+0x2f8/0x414',
          'early_init_fdt_scan_reserved_mem:elfcorehdr': 'early_init_fdt_scan_reserved_mem+0x3c0/0x414', // golden chosen-usable-range
          'early_init_fdt_scan_reserved_mem:memreserve': 'early_init_fdt_scan_reserved_mem+0x78/0x414', // arm engineer's /memreserve/ boot
          fdt_init_reserved_mem: 'fdt_init_reserved_mem+0x4f4/0x524',
          early_init_dt_alloc_reserved_memory_arch: 'early_init_dt_alloc_reserved_memory_arch+0x2c/0x70',
          memblock_alloc_range_nid: 'memblock_alloc_range_nid+0xd0/0x168',
          cma_declare_contiguous_nid: 'cma_declare_contiguous_nid+0x264/0x35c',
        },
    memblockMemoryRegions: 128,
    // INIT_MEMBLOCK_REGIONS: memblock-double's 126th region fails on armmp ("failed to reserve")
    memblockReservedRegions: 128,
    memblockRegionSize: lpae ? 24n : 12n,
    knownParams: [...COMMON_PARAMS, 'vmalloc', 'cachepolicy', 'nocache', 'nowb', 'ecc', 'noalign', 'user_debug', 'fpe', 'coherent_pool'],
    minMemblockAddr: 0n, // __pa(PAGE_OFFSET) = PHYS_OFFSET: set by the arm path from the load address
    maxMemblockAddr: lpae ? (1n << 64n) - 1n : 0xffffffffn,
    commandLineSize: 1024,
    kernelLoadOffset: 0x208000n, // TEXT_OFFSET 0x208000 (oracle README)
    dtbLoadOffset: 0x8000000n,
    // `Memory: … (11264K kernel code, 1700K rwdata, 3732K rodata, 2048K init, 377K bss` (armmp),
    // `(12288K kernel code, 1716K rwdata, 3752K rodata, 2048K init, 384K bss` (armmp-lpae)
    kernelCodeK: lpae ? 12288 : 11264,
    rwdataK: lpae ? 1716 : 1700,
    rodataK: lpae ? 3752 : 3732,
    initK: 2048,
    bssK: lpae ? 384 : 377,
    extra: {},
  };
}

export type ProfileOverrides = Partial<Omit<Profile, 'arch' | 'kernelVersion' | 'arm64'>> & {
  arm64?: Partial<Arm64Consts>;
};

/** The Debian 6.1 profile for `arch`, with `overrides` applied field by field. Unknown keys are
 * ignored; numeric overrides given as numbers or strings are converted to bigint where the
 * field is a bigint. */
export function resolveProfile(arch: Arch, overrides?: ProfileOverrides | Record<string, unknown>): Profile {
  const base = arch === 'arm64' ? arm64Profile() : armProfile(arch === 'arm-lpae');
  if (!overrides) return base;
  const out = base as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) {
    if (k === 'arch' || k === 'kernelVersion' || v === undefined) continue;
    if (k === 'arm64' && typeof v === 'object' && v && base.arm64) {
      const a = base.arm64 as unknown as Record<string, unknown>;
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) if (k2 in a) a[k2] = coerce(a[k2], v2);
      continue;
    }
    if (k === 'extra' && typeof v === 'object' && v) {
      base.extra = { ...(base.extra ?? {}), ...(v as Record<string, bigint | number | string | boolean>) };
      continue;
    }
    if (k in out || k === 'kernelLoadAddr' || k === 'dtbLoadAddr') out[k] = coerce(out[k], v);
  }
  return base;
}

function coerce(current: unknown, v: unknown): unknown {
  if (typeof current === 'bigint' || current === undefined) {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v.trim())) return BigInt(v.trim());
    return current === undefined ? v : current;
  }
  if (typeof current === 'number' && typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  if (typeof current === 'number' && typeof v === 'bigint') return Number(v);
  return v;
}

/** __setup/early_param names common to Debian's 6.1 kernels (init/, kernel/, mm/, drivers/). */
const COMMON_PARAMS = [
  'console', 'earlycon', 'earlyprintk', 'root', 'rootwait', 'rootdelay', 'rootfstype', 'rootflags', 'ro', 'rw', 'init', 'rdinit',
  'initrd', 'noinitrd', 'loglevel', 'ignore_loglevel', 'quiet', 'debug', 'panic', 'panic_on_warn', 'oops', 'memblock', 'cma',
  'mem', 'movablecore', 'kernelcore', 'nokaslr', 'kaslr', 'maxcpus', 'nr_cpus', 'nosmp', 'isolcpus', 'nohz', 'nohz_full',
  'rcu_nocbs', 'irqaffinity', 'nowatchdog', 'nmi_watchdog', 'crashkernel', 'elfcorehdr', 'swiotlb', 'iommu', 'iommu.passthrough',
  'coherent_pool', 'hugepages', 'hugepagesz', 'default_hugepagesz', 'transparent_hugepage', 'numa', 'numa_balancing',
  'page_alloc.shuffle', 'init_on_alloc', 'init_on_free', 'slub_debug', 'page_poison', 'norandmaps', 'audit', 'selinux',
  'apparmor', 'security', 'lsm', 'module.sig_enforce', 'printk.time', 'log_buf_len', 'clk_ignore_unused', 'pd_ignore_unused',
  'fw_devlink', 'video', 'fbcon', 'consoleblank', 'no_console_suspend', 'systemd.unit', 'net.ifnames', 'ip', 'nfsroot',
  'resume', 'noresume', 'hibernate', 'reboot', 'cgroup_disable', 'cgroup_enable', 'threadirqs', 'mitigations', 'nopti',
  'kpti', 'efi', 'acpi', 'dhash_entries', 'ihash_entries', 'mhash_entries', 'vdso', 'stack_guard_gap', 'memtest',
  'hugetlb_cma', 'cma_pernuma', 'numa', 'movable_node', 'debug_pagealloc', 'rodata', 'swiotlb', 'kfence',
];

/** The caller string the trace prints for kernel function `fn`. */
export function callerOf(p: Profile, fn: string): string {
  return p.callers[fn] ?? fn.split(':')[0]!;
}

/** PHYS_ADDR_MAX for the profile (also MEMBLOCK_ALLOC_ANYWHERE). */
export function physAddrMax(p: Profile): bigint {
  return (1n << BigInt(p.physAddrBits)) - 1n;
}

/** %pa formatting: 0x plus 8 or 16 hex digits depending on sizeof(phys_addr_t). */
export function fmtPa(p: Profile, v: bigint): string {
  const digits = p.physAddrBits === 32 ? 8 : 16;
  const masked = v & physAddrMax(p);
  return '0x' + masked.toString(16).padStart(digits, '0');
}
