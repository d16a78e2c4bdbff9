// /reserved-memory as Linux 6.1 handles it at early boot: the static pass
// (drivers/of/fdt.c __fdt_scan_reserved_mem, __reserved_mem_reserve_reg,
// early_init_dt_reserve_memory), /memreserve/ entries, then drivers/of/of_reserved_mem.c
// fdt_init_reserved_mem: sort + neighbour overlap check, dynamic allocation
// (__reserved_mem_alloc_size), and __reserved_mem_init_node with the shared-dma-pool handlers
// (kernel/dma/contiguous.c rmem_cma_setup, kernel/dma/coherent.c rmem_dma_setup).
import { getProp, readNumber, readStrings, type DtNode } from '../dts/tree.js';
import { callerOf, fmtPa } from './profile.js';
import { elfcorehdr, isAvailable, memCell, rootCells } from './fdt_scan.js';
import { kernelSort } from './ksort.js';
import { cmaInitReservedMem } from './cma.js';
import type { BootContext, RmemNode, RmemResult } from './types.js';

const U64 = (1n << 64n) - 1n;
const MiB = 1n << 20n;

function logLine(ctx: BootContext, text: string, rm?: RmemNode, node?: DtNode): void {
  ctx.log.push({ step: 'early_init_fdt_scan_reserved_mem', text, node: node ?? rm?.node });
  if (rm) rm.messages.push(text);
}

function result(rm: RmemNode, r: RmemResult): void {
  rm.results.push(r);
}

/** Is `compat` one of the node's compatible strings (of_flat_dt_is_compatible)? */
export function isCompatible(node: DtNode, compat: string): boolean {
  return (readStrings(node, 'compatible') ?? []).includes(compat);
}

function newRmem(node: DtNode, kind: RmemNode['kind']): RmemNode {
  return {
    name: node.name, node, kind, base: 0n, size: 0n, regs: [],
    nomap: !!getProp(node, 'no-map'), reusable: !!getProp(node, 'reusable'),
    compatible: readStrings(node, 'compatible') ?? [], saved: false, results: [], messages: [],
  };
}

/** fdt_reserved_mem_save_node: append to reserved_mem[] (MAX_RESERVED_REGIONS). */
function saveNode(ctx: BootContext, rm: RmemNode, base: bigint, size: bigint, saved: RmemNode[]): void {
  if (saved.length >= ctx.profile.maxReservedRegions) {
    logLine(ctx, 'OF: reserved mem: not enough space for all defined regions.', rm);
    result(rm, { kind: 'dropped' });
    return;
  }
  rm.base = base;
  rm.size = size;
  rm.saved = true;
  saved.push(rm);
}

/** early_init_dt_reserve_memory (6.1.y): no-map fails with -EBUSY when the range is memory that
 * is already (partly) reserved; otherwise mark NOMAP / memblock_reserve. */
function reserveMemory(ctx: BootContext, base: bigint, size: bigint, nomap: boolean, owner: string): boolean {
  const mb = ctx.memblock;
  if (nomap) {
    if (mb.overlaps('memory', base, size) && mb.isRegionReserved(base, size)) return false;
    if (!mb.markNomap(base, size, 'early_init_fdt_scan_reserved_mem')) return false;
    mb.noteOwner(base, size, owner + ' (no-map)');
    return true;
  }
  return mb.reserve(base, size, callerOf(ctx.profile, 'early_init_fdt_scan_reserved_mem'), owner);
}

/** The static pass: every available descendant of /reserved-memory in DT order. */
export function fdtScanReservedMem(ctx: BootContext): RmemNode[] {
  const saved: RmemNode[] = [];
  const cells = rootCells(ctx.tree);
  const rmNode = ctx.tree.root.children.find((c) => c.name === 'reserved-memory');
  if (!rmNode) return saved;
  // __reserved_mem_check_root
  const sc = getProp(rmNode, '#size-cells');
  const ac = getProp(rmNode, '#address-cells');
  const okSize = sc && sc.value.length >= 4 && Number(readNumber(sc.value, 0, 1)) === cells.size;
  const okAddr = ac && ac.value.length >= 4 && Number(readNumber(ac.value, 0, 1)) === cells.addr;
  if (!okSize || !okAddr || !getProp(rmNode, 'ranges')) {
    ctx.log.push({ step: 'early_init_fdt_scan_reserved_mem', text: 'OF: fdt: Reserved memory: unsupported node format, ignoring', node: rmNode });
    ctx.findings.push({
      severity: 'error', code: 'rmem-unsupported-format', range: rmNode.range,
      message: `/reserved-memory is ignored entirely: its #address-cells/#size-cells must equal the root's (${cells.addr}/${cells.size}) and it needs an empty ranges property.`,
    });
    return saved;
  }
  const t = (cells.addr + cells.size) * 4;
  // of_scan_flat_dt visits every descendant (depth >= 2) until the next depth-1 node
  const visit = (node: DtNode, depth: number) => {
    if (depth > 64) return;
    if (isAvailable(node)) scanOne(node);
    for (const c of node.children) visit(c, depth + 1);
  };
  const scanOne = (node: DtNode) => {
    const owner = nodePathOf(node);
    const reg = getProp(node, 'reg');
    if (reg) {
      const rm = newRmem(node, 'static');
      ctx.rmem.push(rm);
      const len = reg.value.length;
      if (len && t && len % t !== 0) {
        logLine(ctx, `OF: fdt: Reserved memory: invalid reg property in '${node.name}', skipping node.`, rm);
        rm.kind = 'invalid';
        result(rm, { kind: 'invalid-property', cause: 'reg' });
        return;
      }
      let first = true;
      for (let off = 0; t && off + t <= len; off += t) {
        // phys_addr_t base, size: 32 bits on arm without LPAE (generated case rand-44: a pool
        // at 0x1_17800000 is reserved and created at 0x17800000)
        const paMask = (1n << BigInt(ctx.profile.physAddrBits)) - 1n;
        const base = memCell(reg.value, off, cells.addr) & paMask;
        const size = memCell(reg.value, off + cells.addr * 4, cells.size) & paMask;
        rm.regs.push({ base, size });
        const ok = size !== 0n && reserveMemory(ctx, base, size, rm.nomap, owner);
        if (!ok) {
          logLine(ctx, `OF: fdt: Reserved memory: failed to reserve memory for node '${node.name}': base ${fmtPa(ctx.profile, base)}, size ${size / MiB} MiB`, rm);
          result(rm, { kind: 'reserve-failed', base, size });
        }
        if (first) {
          saveNode(ctx, rm, base, size, saved);
          first = false;
        }
      }
      return;
    }
    if (getProp(node, 'size')) {
      const rm = newRmem(node, 'dynamic');
      ctx.rmem.push(rm);
      saveNode(ctx, rm, 0n, 0n, saved);
    }
  };
  for (const c of rmNode.children) visit(c, 2);
  return saved;
}

function nodePathOf(node: DtNode): string {
  const parts: string[] = [];
  for (let n: DtNode | null = node; n && n.parent; n = n.parent) parts.unshift(n.name);
  return '/' + parts.join('/');
}

/** /memreserve/ entries of the DTB header: memblock_reserve each (size 0 ends the list). */
export function reserveMemreserves(ctx: BootContext): void {
  for (const r of ctx.tree.memreserves) {
    if (!r.size) break;
    ctx.memblock.reserve(r.address, r.size, callerOf(ctx.profile, 'early_init_fdt_scan_reserved_mem:memreserve'), '/memreserve/');
  }
}

/** __rmem_cmp: base, then size (dynamic regions, 0/0, first). */
function rmemCmp(a: RmemNode, b: RmemNode): number {
  if (a.base !== b.base) return a.base < b.base ? -1 : 1;
  if (a.size !== b.size) return a.size < b.size ? -1 : 1;
  return 0;
}

/** fdt_init_reserved_mem: overlap check on the sorted array, then per region: allocate the
 * dynamic ones, run the handlers, free what no handler took. */
export function fdtInitReservedMem(ctx: BootContext, saved: RmemNode[]): void {
  const p = ctx.profile;
  if (saved.length >= 2) {
    kernelSort(saved, rmemCmp);
    for (let i = 0; i < saved.length - 1; i++) {
      const a = saved[i]!;
      const b = saved[i + 1]!;
      if (a.base + a.size > b.base) {
        const aEnd = a.base + a.size;
        const bEnd = b.base + b.size;
        const text = `OF: reserved mem: OVERLAP DETECTED!\n${a.name} (${fmtPa(p, a.base)}--${fmtPa(p, aEnd)}) overlaps with ${b.name} (${fmtPa(p, b.base)}--${fmtPa(p, bEnd)})`;
        ctx.log.push({ step: 'fdt_init_reserved_mem', text, node: a.node });
        a.messages.push(text);
        b.messages.push(text);
        result(a, { kind: 'overlap', other: b.name });
        result(b, { kind: 'overlap', other: a.name });
      }
    }
  }
  for (const rm of saved) {
    let ok = true;
    if (rm.size === 0n) ok = allocSize(ctx, rm);
    if (!ok) continue;
    const err = initNode(ctx, rm);
    if (err !== 0 && err !== -2) {
      const text = `OF: reserved mem: node ${rm.name} compatible matching fail`;
      logLine(ctx, text, rm);
      const last = rm.results[rm.results.length - 1];
      if (!last || last.kind !== 'compatible-matching-fail') result(rm, { kind: 'compatible-matching-fail' });
      if (rm.nomap) ctx.memblock.clearNomap(rm.base, rm.size, 'fdt_init_reserved_mem');
      else ctx.memblock.physFree(rm.base, rm.size, callerOf(p, 'fdt_init_reserved_mem'));
    }
  }
}

/** __reserved_mem_alloc_size + early_init_dt_alloc_reserved_memory_arch. */
function allocSize(ctx: BootContext, rm: RmemNode): boolean {
  const p = ctx.profile;
  const cells = rootCells(ctx.tree);
  const node = rm.node;
  const t = (cells.addr + cells.size) * 4;
  const sizeProp = getProp(node, 'size');
  // a static region of size 0 lands here too: no `size` property, -EINVAL without a message
  if (!sizeProp) return false;
  if (sizeProp.value.length !== cells.size * 4) {
    logLine(ctx, `OF: reserved mem: invalid size property in '${rm.name}' node.`, rm);
    result(rm, { kind: 'invalid-property', cause: 'size' });
    return false;
  }
  // phys_addr_t size and align (32 bits on arm without LPAE)
  const paMask = (1n << BigInt(p.physAddrBits)) - 1n;
  const size = memCell(sizeProp.value, 0, cells.size) & paMask;
  let align = 0n;
  const alignProp = getProp(node, 'alignment');
  if (alignProp) {
    if (alignProp.value.length !== cells.addr * 4) {
      logLine(ctx, `OF: reserved mem: invalid alignment property in '${rm.name}' node.`, rm);
      result(rm, { kind: 'invalid-property', cause: 'alignment' });
      return false;
    }
    align = memCell(alignProp.value, 0, cells.addr) & paMask;
  }
  if (isCompatible(node, 'shared-dma-pool') && rm.reusable && !rm.nomap && align < p.cmaMinAlignment) align = p.cmaMinAlignment;
  const anywhere = (1n << BigInt(p.physAddrBits)) - 1n;
  const tryAlloc = (start: bigint, end: bigint): bigint => {
    const e = end === 0n ? anywhere : end & anywhere;
    const a = align === 0n ? p.smpCacheBytes : align;
    const base = ctx.memblock.physAllocRange(size, a, start & anywhere, e, callerOf(p, 'early_init_dt_alloc_reserved_memory_arch'), nodePathOf(node));
    if (!base) return 0n;
    if (rm.nomap) ctx.memblock.markNomap(base, size, 'early_init_dt_alloc_reserved_memory_arch');
    return base;
  };
  let base = 0n;
  const ranges = getProp(node, 'alloc-ranges');
  if (ranges) {
    if (t === 0 || ranges.value.length % t !== 0) {
      logLine(ctx, `OF: reserved mem: invalid alloc-ranges property in '${rm.name}', skipping node.`, rm);
      result(rm, { kind: 'invalid-property', cause: 'alloc-ranges' });
      return false;
    }
    for (let off = 0; off + t <= ranges.value.length; off += t) {
      const start = memCell(ranges.value, off, cells.addr);
      const end = (start + memCell(ranges.value, off + cells.addr * 4, cells.size)) & U64;
      base = tryAlloc(start, end);
      if (base) break;
    }
  } else {
    base = tryAlloc(0n, 0n);
  }
  if (base === 0n) {
    logLine(ctx, `OF: reserved mem: failed to allocate memory for node '${rm.name}': size ${size / MiB} MiB`, rm);
    result(rm, { kind: 'alloc-failed', size });
    return false;
  }
  rm.base = base;
  rm.size = size;
  return true;
}

/** __reserved_mem_init_node: try each handler whose compatible matches; 0 = initialised,
 * -2 (-ENOENT) = no handler matched (the region stays as it is), other = failure. */
function initNode(ctx: BootContext, rm: RmemNode): number {
  let ret = -2;
  for (const h of ctx.profile.rmemHandlers) {
    if (!isCompatible(rm.node, h.compatible)) continue;
    ret = h.handler === 'cma' ? rmemCmaSetup(ctx, rm) : rmemDmaSetup(ctx, rm);
    if (ret === 0) {
      logLine(ctx, `OF: reserved mem: initialized node ${rm.name}, compatible id ${h.compatible}`, rm);
      break;
    }
  }
  return ret;
}

/** kernel/dma/contiguous.c rmem_cma_setup. */
function rmemCmaSetup(ctx: BootContext, rm: RmemNode): number {
  const p = ctx.profile;
  const isDefault = !!getProp(rm.node, 'linux,cma-default');
  if (ctx.args.cma && isDefault) {
    logLine(ctx, `Reserved memory: bypass ${rm.name} node, using cmdline CMA params instead`, rm);
    result(rm, { kind: 'bypassed-by-cmdline-cma' });
    return -16;
  }
  if (!rm.reusable || rm.nomap) return -22;
  if ((rm.base | rm.size) % p.cmaMinAlignment !== 0n) {
    logLine(ctx, 'Reserved memory: incorrect alignment of CMA region', rm);
    result(rm, { kind: 'compatible-matching-fail', cause: 'incorrect alignment of CMA region' });
    return -22;
  }
  const err = cmaInitReservedMem(ctx, rm.base, rm.size, rm.name, false, rm.node);
  if (err) {
    logLine(ctx, 'Reserved memory: unable to setup CMA region', rm);
    result(rm, { kind: 'compatible-matching-fail', cause: 'unable to setup CMA region' });
    return err;
  }
  ctx.hooks?.dmaContiguousEarlyFixup?.(rm.base, rm.size);
  if (isDefault) ctx.state.defaultCmaFromDt = rm.name;
  logLine(ctx, `Reserved memory: created CMA memory pool at ${fmtPa(p, rm.base)}, size ${rm.size / MiB} MiB`, rm);
  result(rm, { kind: 'initialized', type: 'cma', base: rm.base, size: rm.size });
  return 0;
}

/** kernel/dma/coherent.c rmem_dma_setup. */
function rmemDmaSetup(ctx: BootContext, rm: RmemNode): number {
  if (rm.reusable) return -22;
  if (ctx.profile.dmaCoherentNeedsNomap && !rm.nomap) {
    logLine(ctx, 'Reserved memory: regions without no-map are not yet supported', rm);
    result(rm, { kind: 'compatible-matching-fail', cause: 'regions without no-map are not yet supported' });
    return -22;
  }
  logLine(ctx, `Reserved memory: created DMA memory pool at ${fmtPa(ctx.profile, rm.base)}, size ${rm.size / MiB} MiB`, rm);
  result(rm, { kind: 'initialized', type: 'dma-coherent', base: rm.base, size: rm.size });
  return 0;
}

/** fdt_reserve_elfcorehdr (CONFIG_CRASH_DUMP): reserve /chosen/linux,elfcorehdr unless it
 * overlaps a reservation already. */
export function reserveElfcorehdr(ctx: BootContext): void {
  const e = elfcorehdr(ctx.tree);
  if (!e) return;
  const step = 'early_init_fdt_scan_reserved_mem';
  if (ctx.memblock.isRegionReserved(e.base, e.size)) {
    ctx.log.push({ step, text: 'OF: fdt: elfcorehdr is overlapped' });
    return;
  }
  ctx.memblock.reserve(e.base, e.size, callerOf(ctx.profile, 'early_init_fdt_scan_reserved_mem:elfcorehdr'), 'elfcorehdr');
  ctx.log.push({ step, text: `OF: fdt: Reserving ${e.size >> 10n} KiB of memory at 0x${e.base.toString(16)} for elfcorehdr` });
}

/** early_init_fdt_scan_reserved_mem as Debian's 6.1.176 runs it: /memreserve/ first, then the
 * static pass, elfcorehdr and fdt_init_reserved_mem. A no-map node over a /memreserve/ range
 * fails with -EBUSY (boot-oracle memrsv-nomap on arm, arm and arm64 alike). */
export function earlyInitFdtScanReservedMem(ctx: BootContext): void {
  reserveMemreserves(ctx);
  const saved = fdtScanReservedMem(ctx);
  reserveElfcorehdr(ctx);
  fdtInitReservedMem(ctx, saved);
}
