// The 32-bit arm boot path (armmp and armmp-lpae, Linux 6.1) from setup_arch to mem_init, in the
// kernel's order (arch/arm/kernel/setup.c setup_arch, init/main.c start_kernel):
//   setup_machine_fdt (DTB reserve, memory nodes), parse_early_param (mem=, vmalloc=, cma=),
//   adjust_lowmem_bounds, arm_memblock_init (image, initrd, swapper_pg_dir, /reserved-memory,
//   default CMA), adjust_lowmem_bounds, paging_init (page tables, dma_contiguous_remap,
//   devicemaps/kmap, zero page, bootmem_init -> free_area_init), request_standard_resources,
//   unflatten_device_tree, setup_command_line, setup_per_cpu_areas, vfs_caches_init_early, and
//   mem_init with the `Memory:` line. Shared steps (memory scan, reserved-memory, CMA) are the
//   core modules'; this file supplies the arm-specific parts and their order.
import { getProp, readString, readStrings, readU32, type DtNode } from '../../dts/tree.js';
import { checkUsableMemRange, scanMemory, rootCells, memCell } from '../fdt_scan.js';
import { earlyInitFdtScanReservedMem } from '../of_reserved_mem.js';
import { cmaActivate, dmaContiguousReserve } from '../cma.js';
import { ALLOC_ACCESSIBLE, NUMA_NO_NODE } from '../memblock.js';
import type { BootContext } from '../types.js';
import { armConsts, MACHINE_DMA_ZONE, type ArmConsts } from './consts.js';
import { adjustLowmemBounds, applyMemParams, memRanges, vmallocMin } from './lowmem.js';
import { finalLinearMap, pagingInit } from './mmu.js';
import { bootmemInit, unavailablePages, zoneInfos, type ZonesResult } from './zones.js';
import { setupPerCpuAreas } from './percpu.js';
import { largeSystemHash, memInit, swiotlbInit } from './mem_init.js';
import { reserveCrashkernel } from './crashkernel.js';
import { setupLogBuf, unknownBootOptions } from './start_kernel.js';

const MiB = 1n << 20n;
const fmt18 = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

function log(ctx: BootContext, step: string, text: string, node?: DtNode): void {
  ctx.log.push(node ? { step, text, node } : { step, text });
}

function snapshot(ctx: BootContext, step: string): void {
  ctx.steps.push({ step, memory: ctx.memblock.snapshot('memory'), reserved: ctx.memblock.snapshot('reserved') });
}

/** The lowest base of any memory bank the DT describes (before any clipping). */
function dtRamStart(ctx: BootContext): bigint | undefined {
  const cells = rootCells(ctx.tree);
  const entry = (cells.addr + cells.size) * 4;
  let lowest: bigint | undefined;
  if (!entry) return undefined;
  for (const node of ctx.tree.root.children) {
    if (readString(node, 'device_type') !== 'memory') continue;
    const prop = getProp(node, 'linux,usable-memory') ?? getProp(node, 'reg');
    if (!prop) continue;
    for (let off = 0; off + entry <= prop.value.length; off += entry) {
      const base = memCell(prop.value, off, cells.addr);
      const size = memCell(prop.value, off + cells.addr * 4, cells.size);
      if (size && (lowest === undefined || base < lowest)) lowest = base;
    }
  }
  return lowest;
}

/** PHYS_OFFSET as the zImage decompressor derives it with AUTO_ZRELADDR: the load address
 * masked to 128 MiB (the boot loader loads the zImage inside the first 128 MiB of RAM). */
export function physOffsetFor(ctx: BootContext, c: ArmConsts): bigint {
  const p = ctx.profile;
  if (p.kernelLoadAddr !== undefined) return (p.kernelLoadAddr - c.textOffset) & ~(128n * MiB - 1n);
  const ram = dtRamStart(ctx) ?? 0n;
  return ram & ~(128n * MiB - 1n);
}

/** Possible CPUs (arch/arm/kernel/devtree.c arm_dt_init_cpu_maps): the /cpus children of type
 * "cpu"; the boot CPU (taken to be the first node's MPIDR) is 0, the others follow; an MPIDR with
 * bits above 23 or a duplicate makes the kernel ignore the DT list (only the boot CPU), and the
 * count is capped at nr_cpu_ids (NR_CPUS or `nr_cpus=`). */
function possibleCpus(ctx: BootContext, c: ArmConsts): number {
  const nrCpusArg = ctx.args.params.find((x) => x.name === 'nr_cpus')?.value;
  let cap = c.nrCpus;
  if (nrCpusArg && /^\d+$/.test(nrCpusArg) && Number(nrCpusArg) > 0 && Number(nrCpusArg) < cap) cap = Number(nrCpusArg);
  const cpus = ctx.tree.root.children.find((n) => n.name === 'cpus');
  if (!cpus) return 1;
  const acells = readU32(cpus, '#address-cells') ?? 1;
  const hwids: bigint[] = [];
  for (const ch of cpus.children) {
    const isCpu = readString(ch, 'device_type') === 'cpu' || ch.name === 'cpu' || ch.name.startsWith('cpu@');
    if (!isCpu) continue;
    const reg = getProp(ch, 'reg');
    if (!reg || reg.value.length < 4 * acells) return 1;
    const hwid = memCell(reg.value, 0, acells) & 0xffffffffn;
    if (hwid & ~0xffffffn) return 1;
    if (hwids.includes(hwid)) return 1;
    hwids.push(hwid);
    if (hwids.length > cap) return cap;
  }
  return Math.max(1, Math.min(hwids.length, cap));
}

/** early_init_fdt_scan_reserved_mem: the shared model (DTB header /memreserve/ entries first, then
 * the static /reserved-memory pass, elfcorehdr and fdt_init_reserved_mem; boot-oracle memrsvnomap). */
function earlyInitFdtScanReservedMemArm(ctx: BootContext): void {
  earlyInitFdtScanReservedMem(ctx);
}

/** reserve_initrd_mem (init/initramfs.c in 6.1): page-rounded, must be memory and not already
 * reserved (messages as the initrd-ovl boot printed them). */
function reserveInitrd(ctx: BootContext): void {
  const initrd = ctx.args.initrd ?? ctx.initrd;
  if (!initrd || !initrd.size) return;
  const mb = ctx.memblock;
  // phys_initrd_start is phys_addr_t: 32 bits without LPAE
  const phys = initrd.start & mb.physMax;
  const start = phys & ~4095n;
  const size = (initrd.size + (phys - start) + 4095n) & ~4095n;
  const hex = (v: bigint) => '0x' + v.toString(16).padStart(8, '0');
  const isMemory = mb.memory.some((r) => start >= r.base && start + size <= r.base + r.size);
  if (!isMemory) {
    log(ctx, 'arm_memblock_init', `INITRD: ${hex(start)}+${hex(size)} is not a memory region - disabling initrd`);
    ctx.findings.push({ severity: 'warning', code: 'initrd-not-memory', message: `The initrd [${hex(start)}, +${hex(size)}) is not inside RAM: the kernel disables it.` });
    return;
  }
  if (mb.isRegionReserved(start, size)) {
    // pr_err ends with \n here, so the pr_cont(" - disabling initrd") is a line of its own
    log(ctx, 'arm_memblock_init', `INITRD: ${hex(start)}+${hex(size)} overlaps in-use memory region`);
    log(ctx, 'arm_memblock_init', ' - disabling initrd');
    ctx.findings.push({ severity: 'warning', code: 'initrd-overlap', message: `The initrd [${hex(start)}, +${hex(size)}) overlaps reserved memory: the kernel disables it.` });
    return;
  }
  mb.reserve(start, size, armConsts(ctx.profile).callers.initrdReserve!, 'initrd');
  ctx.state.initrdEnd = phys + initrd.size;
}

/** setup_arch .. mem_init for arm and arm-lpae. */
export function armSetupArch(ctx: BootContext): void {
  const p = ctx.profile;
  const c = armConsts(p);
  const mb = ctx.memblock;
  const physOffset = physOffsetFor(ctx, c);
  ctx.state.physOffset = physOffset;
  // MIN_MEMBLOCK_ADDR = __pa(PAGE_OFFSET) = PHYS_OFFSET for early_init_dt_add_memory_arch
  p.minMemblockAddr = physOffset;

  // setup_machine_fdt: the DTB reserve (before memblock=debug is parsed, so silent), memory nodes
  mb.debug = false;
  if (!ctx.dtbAddr) ctx.dtbAddr = p.dtbLoadAddr ?? (dtRamStart(ctx) ?? physOffset) + p.dtbLoadOffset;
  if (ctx.dtbSize > 0n) mb.reserve(ctx.dtbAddr, ctx.dtbSize, 'setup_arch', 'DTB', true);
  if (!scanMemory(ctx)) return;
  checkUsableMemRange(ctx);

  // parse_early_param: in command-line order, so mem= before memblock=debug stays silent
  let memIdx = 0;
  const memSeen = { first: true };
  for (const prm of ctx.args.params) {
    if (prm.name === 'memblock' && prm.value === 'debug') mb.debug = true;
    if (prm.name === 'mem' && memIdx < ctx.args.mem.length) {
      applyMemParams(mb, c, physOffset, [ctx.args.mem[memIdx++]!], (m) => log(ctx, 'early_mem', m), memSeen);
    }
  }
  mb.debug = ctx.args.memblockDebug;
  const vmin = vmallocMin(c, ctx.args.vmalloc, (m) => log(ctx, 'early_vmalloc', m));
  // setup_dma_zone: the machine descriptor's dma_zone_size (none for the generic DT machine)
  const compat = readStrings(ctx.tree.root, 'compatible') ?? [];
  const mach = MACHINE_DMA_ZONE.find((m) => compat.includes(m.compatible));
  const armDmaLimit = mach ? physOffset + mach.dmaZoneSize - 1n : 0xffffffffn;
  const armDmaPfnLimit = armDmaLimit >> 12n;
  // MAX_DMA_ADDRESS (asm/dma.h), used as percpu's lower bound
  const maxDmaVirt = mach && mach.dmaZoneSize < 0x100000000n - c.pageOffset ? c.pageOffset + mach.dmaZoneSize : 0xffffffffn;
  if (mach) log(ctx, 'setup_dma_zone', `machine ${mach.name}: ZONE_DMA limited to ${mach.dmaZoneSize >> 20n} MiB (arm_dma_limit ${'0x' + armDmaLimit.toString(16)})`);

  const b1 = adjustLowmemBounds(mb, c, physOffset, vmin);
  ctx.state.lowmemLimitEarly = b1.lowmemLimit;

  // arm_memblock_init
  mb.reserve(physOffset + c.stextOffset, c.endOffset - c.stextOffset, c.callers.imageReserve!, 'kernel image');
  reserveInitrd(ctx);
  mb.reserve(physOffset + c.textOffset - c.swapperSize, c.swapperSize, c.callers.swapperReserve!, 'swapper_pg_dir');
  const remap: { name: string; base: bigint; size: bigint }[] = [];
  ctx.hooks = {
    ...(ctx.hooks ?? {}),
    dmaContiguousEarlyFixup: (base, size) => {
      const a = ctx.cmaAreas.find((x) => x.base === base && x.size === size);
      remap.push({ name: a?.name ?? 'cma', base, size });
    },
  };
  earlyInitFdtScanReservedMemArm(ctx);
  const dflt = dmaContiguousReserve(ctx, armDmaLimit, b1.lowmemLimit);
  if (dflt) ctx.result.defaultCma = dflt;
  snapshot(ctx, 'arm_memblock_init');

  const b2 = adjustLowmemBounds(mb, c, physOffset, vmin);
  ctx.result.lowmemLimit = b2.lowmemLimit;

  // paging_init
  const earlycon = ctx.args.params.some((x) => x.name === 'earlycon');
  if (earlycon && ctx.args.memblockDebug) {
    ctx.findings.push({ severity: 'warning', code: 'arm-earlycon-memblock-debug', message: 'earlycon together with memblock=debug hangs 32-bit arm 6.1 kernels right after the MEMBLOCK configuration dump (printk goes through the fixmap while paging_init tears it down).' });
  }
  const mmu = pagingInit({ mb, c, physOffset, lowmemLimit: b2.lowmemLimit, dtbAddr: ctx.dtbAddr, cmaAreas: remap, earlycon });
  for (const prob of mmu.problems) ctx.findings.push({ severity: 'error', code: prob === mmu.fatal ? 'sim-arm-hang' : 'sim-arm-paging', message: prob });
  ctx.result.pageTables = mmu.mappings;
  if (mmu.fatal) {
    log(ctx, 'paging_init', `(the kernel stops here: ${mmu.fatal})`);
    snapshot(ctx, 'paging_init');
    return;
  }
  // bootmem_init: memblock_allow_resize() first (arm lets memblock double its arrays only now)
  (mb as { canResize?: boolean }).canResize = true;
  const z = bootmemInit(mb, c, { movablecore: ctx.args.movablecore, kernelcore: ctx.args.kernelcore }, armDmaPfnLimit);
  for (const m of z.messages) log(ctx, 'free_area_init', m);
  // a memory region starting in the last page below 4 GiB: PFN_UP wraps to pfn 0 on 32-bit
  // phys_addr_t, the node then spans from pfn 0 and memblock_free_all frees struct pages of
  // memory that does not exist (generated case rand-32: `BUG: Bad page state ... pfn:00001`)
  const wrap = mb.memory.find((r) => r.base + 4095n > mb.physMax);
  if (wrap) {
    ctx.findings.push({
      severity: 'error', code: 'sim-arm-crash',
      message: `memory region at 0x${wrap.base.toString(16)} lies in the last page below 4 GiB: PFN_UP wraps to pfn 0, so the node starts at pfn 0 and the kernel crashes in mem_init (Bad page state, then an oops).`,
    });
  }
  reportZones(ctx, z);
  snapshot(ctx, 'paging_init');

  // request_standard_resources: one struct resource per usable memory range
  for (let i = 0; i < memRanges(mb).length; i++) mb.allocTryNid(c.resourceSize, 64n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.resource!, 'System RAM resource');
  // unflatten_device_tree + of_alias_scan
  mb.allocTryNid(BigInt(ctx.census.unflattenSize), 4n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.unflatten!, 'unflattened device tree');
  for (const s of ctx.census.aliasAllocSizes ?? []) mb.allocTryNid(BigInt(s), 4n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.unflatten!, 'of_alias_scan');

  // reserve_crashkernel (end of setup_arch)
  const ck = reserveCrashkernel(mb, ctx.args.params, z.minLowPfn, z.maxLowPfn, b2.lowmemLimit, c.sectionSize, { auto: c.callers.crashAuto!, fixed: c.callers.crashFixed! });
  if (ck) log(ctx, 'reserve_crashkernel', ck);

  // initrd_end = __va(phys_initrd_start) + size, and start_kernel's setup_boot_config (right
  // after setup_arch) reads the initrd's last 12 bytes through it: an initrd in highmem has no
  // such address and the kernel oopses in memcmp (generated case rand-316 on arm-lpae)
  const initrdEnd = ctx.state.initrdEnd as bigint | undefined;
  if (initrdEnd !== undefined && initrdEnd > b2.lowmemLimit) {
    ctx.findings.push({
      severity: 'error', code: 'sim-arm-crash',
      message: `The initrd ends at 0x${initrdEnd.toString(16)}, above lowmem (0x${b2.lowmemLimit.toString(16)}): the kernel reserves it, then setup_boot_config reads its end through an invalid __va() and oopses in start_kernel.`,
    });
    log(ctx, 'start_kernel', '(the kernel stops here: oops in setup_boot_config, reading the initrd through an invalid address)');
    snapshot(ctx, 'mem_init');
    return;
  }
  // start_kernel: setup_command_line (saved_command_line, static_command_line)
  const cmdLen = BigInt(new TextEncoder().encode(ctx.args.raw).length + 1);
  mb.allocTryNid(cmdLen, 64n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.cmdline1!, 'saved_command_line');
  mb.allocTryNid(cmdLen, 64n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.cmdline2!, 'static_command_line');
  const pcpu = setupPerCpuAreas(mb, c, physOffset, possibleCpus(ctx, c), maxDmaVirt);
  log(ctx, 'setup_per_cpu_areas', pcpu.message);
  const grouping = z.totalPages < (1n << BigInt(c.pageblockOrder)) * BigInt(c.migrateTypes) ? 'off' : 'on';
  log(ctx, 'build_all_zonelists', `Built 1 zonelists, mobility grouping ${grouping}.  Total pages: ${z.totalPages}`);
  ctx.result.totalPages = z.totalPages;
  log(ctx, 'start_kernel', `Kernel command line: ${ctx.args.raw}`);
  unknownBootOptions(ctx, c);

  setupLogBuf(ctx, c);
  // vfs_caches_init_early
  const num = (name: string) => {
    const v = ctx.args.params.find((x) => x.name === name)?.value;
    return v && /^\d+$/.test(v) ? BigInt(v) : undefined;
  };
  log(ctx, 'vfs_caches_init_early', largeSystemHash(mb, c, 'Dentry cache', 13n, z, num('dhash_entries')).message);
  log(ctx, 'vfs_caches_init_early', largeSystemHash(mb, c, 'Inode-cache', 14n, z, num('ihash_entries')).message);

  // mem_init
  if (c.lpae && z.maxPfn > armDmaPfnLimit) for (const m of swiotlbInit(mb, c)) log(ctx, 'mem_init', m);
  const mi = memInit(mb, c, z, ctx.totalCmaPages);
  if (mi.wrapStart !== undefined) {
    ctx.findings.push({
      severity: 'error', code: 'sim-arm-crash',
      message: `free memory from 0x${mi.wrapStart.toString(16)} lies in the last page below 4 GiB: PFN_UP wraps to pfn 0 and memblock_free_all frees pages that do not exist (Bad page state, then an oops in mem_init). Keep the top of RAM page aligned or reserve its last page.`,
    });
  }
  ctx.result.memoryLine = mi.line;
  log(ctx, 'mem_init', mi.line.text);
  snapshot(ctx, 'mem_init');

  // core_initcall cma_init_reserved_areas: every CMA area must sit in one zone
  cmaActivate(ctx, ctx.result.zones);
  flatmemCmaOutsideZones(ctx, z, c, b2.lowmemLimit);
  // the page-table inspector's view after boot (permissions applied, atomic pool remapped)
  // the atomic pool comes from dma_contiguous_default_area: the linux,cma-default node's area or the cmdline/Kconfig one
  const fromDt = ctx.state.defaultCmaFromDt;
  const dflt2 = ctx.cmaAreas.find((a) => (fromDt ? a.name === fromDt : a.isDefault) && a.activated !== false);
  const pool = dflt2 && dflt2.base + 256n * 1024n <= b2.lowmemLimit ? { pa: dflt2.base, size: 256n * 1024n } : undefined;
  ctx.result.pageTables = finalLinearMap(mmu.mappings, c, physOffset, pool);
}

/** cma_activate_area on FLATMEM for an area outside every zone: WARN_ON_ONCE(!pfn_valid) twice,
 * then page_zone(pfn_to_page(pfn)) reads mem_map + (pfn - start) beyond the node's memmap. The
 * kernel crashes at once when those struct pages are not in the lowmem linear map (generated cases:
 * rand-44 arm, a pool below RAM; rand-39 arm-lpae: past lowmem). Inside mapped lowmem it depends
 * on what the memory holds: rand-202 arm-lpae boots, rand-303/304 arm-lpae stall in endless
 * `Bad page state` reports from cma_init_reserved_areas. */
function flatmemCmaOutsideZones(ctx: BootContext, z: ZonesResult, c: ArmConsts, lowmemLimit: bigint): void {
  const mb = ctx.memblock;
  for (const a of ctx.cmaAreas) {
    if (a.activated !== false || !a.activationError?.includes('outside every zone')) continue;
    const first = a.base >> 12n;
    const last = (a.base + a.size - 1n) >> 12n;
    const lo = z.memmapBase + (first - z.memmapStartPfn) * c.structPageSize;
    const hi = z.memmapBase + (last + 1n - z.memmapStartPfn) * c.structPageSize;
    const mapped = lo >= 0n && memRanges(mb).some((r) => lo >= r.start && hi <= (r.end < lowmemLimit ? r.end : lowmemLimit));
    if (!mapped) continue;
    const f = ctx.findings.find((x) => x.code === 'cma-outside-ram' && x.message === a.activationError);
    a.activationError = `CMA area ${a.name} lies outside every zone: cma_activate_area warns (mm/cma.c WARN_ON_ONCE(!pfn_valid)) and takes whatever lies past the memmap in lowmem for its struct pages; what follows depends on that memory: the boot may go on with corrupted page state or drown in "BUG: Bad page state" reports`;
    if (f) {
      f.code = 'cma-outside-ram-flatmem';
      f.message = a.activationError;
    }
  }
}

/** The zone lines free_area_init prints and the SimResult's zone fields. */
function reportZones(ctx: BootContext, z: ZonesResult): void {
  const step = 'free_area_init';
  log(ctx, step, 'Zone ranges:');
  ctx.result.zoneRanges = [];
  for (const r of z.ranges) {
    const empty = r.startPfn === r.endPfn;
    log(ctx, step, `  ${r.name.padEnd(8)} ${empty ? 'empty' : `[mem ${fmt18(r.startPfn << 12n)}-${fmt18((r.endPfn << 12n) - 1n)}]`}`);
    ctx.result.zoneRanges.push({ name: r.name, range: empty ? null : { start: r.startPfn << 12n, end: (r.endPfn << 12n) - 1n } });
  }
  log(ctx, step, 'Movable zone start for each node');
  if (z.movablePfn) {
    log(ctx, step, `  Node 0: ${fmt18(z.movablePfn << 12n)}`);
    ctx.result.movableZoneStart = z.movablePfn << 12n;
  }
  log(ctx, step, 'Early memory node ranges');
  ctx.result.earlyMemoryRanges = [];
  for (const r of z.pfnRanges) {
    log(ctx, step, `  node   0: [mem ${fmt18(r.start << 12n)}-${fmt18((r.end << 12n) - 1n)}]`);
    ctx.result.earlyMemoryRanges.push({ start: r.start << 12n, end: (r.end << 12n) - 1n });
  }
  if (z.pfnRanges.length) log(ctx, step, `Initmem setup node 0 [mem ${fmt18(z.nodeStartPfn << 12n)}-${fmt18((z.nodeEndPfn << 12n) - 1n)}]`);
  ctx.result.zones = zoneInfos(z);
  for (const u of unavailablePages(z, ctx.memblock)) {
    log(ctx, 'memmap_init', `On node 0, zone ${u.zone}: ${u.pages} pages in unavailable ranges`);
    ctx.result.unavailable.push(u);
    const zi = ctx.result.zones.find((x) => x.name === u.zone);
    if (zi) zi.unavailablePages += u.pages;
  }
}
