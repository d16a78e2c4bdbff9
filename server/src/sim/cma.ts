// CMA reservation (mm/cma.c cma_init_reserved_mem / cma_declare_contiguous_nid, Linux 6.1),
// the default area (kernel/dma/contiguous.c dma_contiguous_reserve with cma= or
// CONFIG_CMA_SIZE_MBYTES) and the activation check of cma_init_reserved_areas (every page of an
// area must lie in one zone).
import type { DtNode } from '../dts/tree.js';
import { callerOf, fmtPa } from './profile.js';
import type { BootContext, ZoneInfo } from './types.js';

const MiB = 1n << 20n;
const SZ_4G = 1n << 32n;

function log(ctx: BootContext, text: string, node?: DtNode): void {
  ctx.log.push({ step: 'cma', text: 'cma: ' + text, node });
}

/** cma_init_reserved_mem: 0 or a negative errno. */
export function cmaInitReservedMem(ctx: BootContext, base: bigint, size: bigint, name: string, isDefault: boolean, node?: DtNode): number {
  const p = ctx.profile;
  if (ctx.cmaAreas.length >= p.cmaAreas + 1) {
    log(ctx, 'Not enough slots for CMA reserved regions!', node);
    return -28;
  }
  if (!size || !ctx.memblock.isRegionReserved(base, size)) return -22;
  if ((base | size) % p.cmaMinAlignment !== 0n) return -22;
  ctx.cmaAreas.push({ name, base, size, isDefault, node });
  ctx.totalCmaPages += size / p.pageSize;
  return 0;
}

export interface DeclareOptions {
  base: bigint;
  size: bigint;
  limit: bigint;
  alignment: bigint;
  fixed: boolean;
  name: string;
  /** __pa(high_memory - 1) + 1: the end of lowmem (arm) or of RAM (arm64). */
  highmemStart: bigint;
  /** Kernels where the "bottom-up above 4G" attempt runs after the highmem attempt and
   * overwrites its result (6.1's order; see the arm-lpae 4G case in the oracle README). */
  caller?: string;
}

/** cma_declare_contiguous_nid (6.1 order: highmem attempt, then bottom-up above 4 GiB which
 * overwrites addr, then top-down below limit). Returns the base or an error list. */
export function cmaDeclareContiguous(ctx: BootContext, o: DeclareOptions): { base: bigint; size: bigint } | { error: string[] } {
  const p = ctx.profile;
  const mb = ctx.memblock;
  const errors: string[] = [];
  const fail = (msg?: string) => {
    if (msg) {
      log(ctx, msg);
      errors.push(msg);
    }
    return { error: errors };
  };
  const memblockEnd = mb.endOfDram();
  if (ctx.cmaAreas.length >= p.cmaAreas + 1) return fail('Not enough slots for CMA reserved regions!');
  if (!o.size) return fail();
  if (o.alignment && (o.alignment & (o.alignment - 1n)) !== 0n) return fail();
  const alignment = o.alignment > p.cmaMinAlignment ? o.alignment : p.cmaMinAlignment;
  let { base, size, limit, fixed } = o;
  const giveUp = (msg?: string) => {
    if (msg) {
      log(ctx, msg);
      errors.push(msg);
    }
    const m = `Failed to reserve ${size / MiB} MiB`;
    log(ctx, m);
    errors.push(m);
    return { error: errors };
  };
  if (fixed && base & (alignment - 1n)) return giveUp(`Region at ${fmtPa(p, base)} must be aligned to ${fmtPa(p, alignment)} bytes`);
  base = (base + alignment - 1n) & ~(alignment - 1n);
  size = (size + alignment - 1n) & ~(alignment - 1n);
  limit &= ~(alignment - 1n);
  if (!base) fixed = false;
  const highmemStart = o.highmemStart;
  if (fixed && base < highmemStart && base + size > highmemStart) {
    return giveUp(`Region at ${fmtPa(p, base)} defined on low/high memory boundary (${fmtPa(p, highmemStart)})`);
  }
  if (limit === 0n || limit > memblockEnd) limit = memblockEnd;
  if (base + size > limit) return giveUp(`Size (${fmtPa(p, size)}) of region at ${fmtPa(p, base)} exceeds limit (${fmtPa(p, limit)})`);
  const owner = o.name === 'reserved' ? 'default CMA' : o.name;
  const caller = o.caller ?? callerOf(p, 'memblock_alloc_range_nid');
  if (fixed) {
    if (mb.isRegionReserved(base, size)) return giveUp();
    mb.reserve(base, size, callerOf(p, 'cma_declare_contiguous_nid'), owner);
  } else {
    let addr = 0n;
    if (base < highmemStart && limit > highmemStart) {
      addr = mb.allocRangeNid(size, alignment, highmemStart, limit, owner, caller);
      limit = highmemStart;
    }
    if (p.physAddrBits === 64 && !mb.bottomUp && memblockEnd >= SZ_4G + size) {
      mb.bottomUp = true;
      addr = mb.allocRangeNid(size, alignment, SZ_4G, limit, owner, caller);
      mb.bottomUp = false;
    }
    if (!addr) {
      addr = mb.allocRangeNid(size, alignment, base, limit, owner, caller);
      if (!addr) return giveUp();
    }
    base = addr;
  }
  const err = cmaInitReservedMem(ctx, base, size, o.name, o.name === 'reserved');
  if (err) {
    mb.physFree(base, size, callerOf(p, 'cma_declare_contiguous_nid'));
    return giveUp();
  }
  log(ctx, `Reserved ${size / MiB} MiB at ${fmtPa(p, base)}`);
  return { base, size };
}

/** dma_contiguous_reserve(limit): the default CMA area unless a DT node took linux,cma-default. */
export function dmaContiguousReserve(ctx: BootContext, limit: bigint, highmemStart: bigint): { base: bigint; size: bigint } | { error: string[] } | undefined {
  const p = ctx.profile;
  let size: bigint;
  let base = 0n;
  let selLimit = limit;
  let fixed = false;
  const c = ctx.args.cma;
  if (c) {
    // size_cmdline, base_cmdline and limit_cmdline are phys_addr_t: 32 bits on arm without LPAE
    // (generated case rand-316: cma=48M@0x111000000-0x130000000 is [0x11000000, 0x30000000))
    const m = (1n << BigInt(p.physAddrBits)) - 1n;
    size = c.size & m;
    base = c.base & m;
    const cl = c.limit & m;
    selLimit = cl && limit ? (cl < limit ? cl : limit) : cl || limit;
    if (((base + size) & m) === cl) fixed = true;
  } else {
    size = BigInt(p.cmaSizeMbytes) * MiB;
  }
  if (!size || ctx.state.defaultCmaFromDt) return undefined;
  const r = cmaDeclareContiguous(ctx, { base, size, limit: selLimit, alignment: 0n, fixed, name: 'reserved', highmemStart });
  if ('base' in r) ctx.hooks?.dmaContiguousEarlyFixup?.(r.base, r.size);
  return r;
}

/** cma_init_reserved_areas -> cma_activate_area: every pfn of the area must be in the zone of
 * its first pfn; otherwise `CMA area %s could not be activated`. Areas outside every zone are
 * reported too (the real kernel crashes there). */
export function cmaActivate(ctx: BootContext, zones: ZoneInfo[], zoneOfPfn?: (pfn: bigint) => number): void {
  const ps = ctx.profile.pageSize;
  // the zone page_zone(pfn_to_page(pfn)) gives: by default the zone spans; an arch may pass its
  // memmap's view (arm64 sparse: holes and the last section's tail have zones too)
  const zoneOf = zoneOfPfn ?? ((pfn: bigint) => zones.findIndex((z) => z.spanned > 0n && pfn >= z.startPfn && pfn < z.endPfn));
  for (const a of ctx.cmaAreas) {
    const first = a.base / ps;
    const last = (a.base + a.size) / ps - 1n;
    const z0 = zoneOf(first);
    if (z0 < 0) {
      a.activated = false;
      a.activationError = `CMA area ${a.name} lies outside every zone: cma_activate_area warns and the kernel crashes at core_initcall`;
      ctx.findings.push({ severity: 'error', code: 'cma-outside-ram', message: a.activationError, range: a.node?.range });
      continue;
    }
    // zone indexes grow with the pfn, so the last pfn decides for the whole area
    if (zoneOf(last) !== z0) {
      a.activated = false;
      a.activationError = `CMA area ${a.name} could not be activated`;
      log(ctx, a.activationError, a.node);
      const rm = ctx.rmem.find((r) => r.node === a.node);
      if (rm) {
        rm.results.push({ kind: 'cma-activation-failed' });
        rm.messages.push('cma: ' + a.activationError);
      }
    } else {
      a.activated = true;
    }
  }
}
