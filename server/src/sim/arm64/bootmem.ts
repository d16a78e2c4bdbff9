// arm64 bootmem_init (arch/arm64/mm/init.c, Linux 6.1): the dummy NUMA node (numa_init's
// distance table and NODE_DATA), sparse_init (mem_section roots, usemaps, the vmemmap buffer
// and its page tables), zone_sizes_init (ZONE_DMA from the devicetree's dma-ranges, ZONE_DMA32
// below 4 GiB, ZONE_NORMAL) and the default CMA area (dma_contiguous_reserve).
import { getProp, readNumber, type DtNode, type DtProp } from '../../dts/tree.js';
import { cmaDeclareContiguous, dmaContiguousReserve } from '../cma.js';
import { freeAreaInit, memPfnRanges, type FreeAreaResult } from '../free_area.js';
import type { BootContext } from '../types.js';
import { memparse } from '../bootargs.js';

const U64 = (1n << 64n) - 1n;
const fmt18 = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');
const fmt10 = (v: bigint) => '0x' + v.toString(16).padStart(8, '0');

/** arm64_numa_init -> numa_init(dummy_numa_init) with NUMA configured but no NUMA info. */
export function numaInit(ctx: BootContext): void {
  const a = ctx.profile.arm64!;
  const mb = ctx.memblock;
  const log = (text: string) => ctx.log.push({ step: 'numa_init', text });
  // numa_init(of_numa_init) allocates the distance table, finds no NUMA information and frees
  // it; numa_init(dummy_numa_init) allocates it again. numa=off skips the first attempt.
  const numaOff = ctx.args.params.some((x) => x.name === 'numa' && x.value === 'off');
  if (!numaOff) {
    const d1 = mb.allocTryNid(a.numaDistanceSize, ctx.profile.pageSize, 0n, 0n, -1, 'numa_init+0x80/0x3c8', 'NUMA distance table');
    log('NUMA: No NUMA configuration found');
    if (d1) mb.physFree(d1, a.numaDistanceSize, 'numa_free_distance+0x38/0x50');
  }
  mb.allocTryNid(a.numaDistanceSize, ctx.profile.pageSize, 0n, 0n, -1, 'numa_init+0x80/0x3c8', 'NUMA distance table');
  if (numaOff) log('NUMA: NUMA disabled');
  log(`NUMA: Faking a node at [mem ${fmt18(mb.startOfDram())}-${fmt18(mb.endOfDram() - 1n)}]`);
  const nd = mb.physAllocTryNid(a.nodeDataSize, ctx.profile.smpCacheBytes, 'NODE_DATA');
  ctx.state.nodeData = nd;
  log(`NUMA: NODE_DATA [mem ${fmt10(nd)}-${fmt10(nd + a.nodeDataSize - 1n)}]`);
}

/** sparse_init for one node. */
export function sparseInit(ctx: BootContext, memstart: bigint): void {
  const p = ctx.profile;
  const a = p.arm64!;
  const mb = ctx.memblock;
  const sectionPages = p.sectionSize / p.pageSize;
  const ranges = memPfnRanges(ctx);
  const sections: bigint[] = [];
  const seen = new Set<bigint>();
  for (const r of mb.memory) {
    const s = r.base / p.pageSize;
    const e = (r.base + r.size + p.pageSize - 1n) / p.pageSize;
    // At most 2^16 sections (8 TiB with 128 MiB sections): beyond real boards, and a BigInt per
    // section of fuzzed petabyte RAM took seconds.
    for (let sec = s / sectionPages; sec * sectionPages < e && sections.length < 1 << 16; sec++) {
      if (!seen.has(sec)) {
        seen.add(sec);
        sections.push(sec);
      }
    }
  }
  void ranges;
  sections.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  // memblocks_present: the mem_section root array, then one root per SECTIONS_PER_ROOT
  mb.allocTryNid(a.memSectionRootsSize, 64n, 0n, 0n, -1, 'sparse_init+0x9c/0x294', 'mem_section');
  const roots = new Set<bigint>();
  for (const sec of sections) {
    const root = sec / BigInt(a.sectionsPerRoot);
    if (roots.has(root)) continue;
    roots.add(root);
    mb.allocTryNid(p.pageSize, 64n, 0n, 0n, 0, 'sparse_index_alloc+0x5c/0x90', 'mem_section root');
  }
  if (!sections.length) return;
  // sparse_init_nid: usemaps next to NODE_DATA's section
  const nd = (ctx.state.nodeData as bigint | undefined) ?? mb.startOfDram();
  const goal = nd & ~(p.sectionSize - 1n);
  const usemapSize = a.usemapPerSection * BigInt(sections.length);
  let got = mb.allocTryNid(usemapSize, 64n, goal, goal + p.sectionSize, 0, 'sparse_init_nid+0xb4/0x348', 'sparse usemap');
  if (!got) mb.allocTryNid(usemapSize, 64n, goal, 0n, 0, 'sparse_init_nid+0xb4/0x348', 'sparse usemap');
  // sparse_buffer_init: the vmemmap of every present section, PMD aligned
  const mapSize = ((sectionPages * p.structPageSize + (1n << 21n) - 1n) >> 21n) << 21n;
  got = mb.allocTryNid(mapSize * BigInt(sections.length), mapSize, memstart, 0n, 0, 'memmap_alloc+0x28/0x3c', 'vmemmap (struct pages)', 'memblock_alloc_exact_nid_raw');
  // vmemmap_populate: a PUD table per 512 GiB and a PMD table per 1 GiB of vmemmap VA
  const vmemmapVa = (sec: bigint) => (sec * sectionPages - memstart / p.pageSize) * p.structPageSize;
  const pud = new Set<bigint>();
  const pmd = new Set<bigint>();
  for (const sec of sections) {
    const v = vmemmapVa(sec);
    const g = v >> 39n;
    if (!pud.has(g)) {
      pud.add(g);
      mb.allocTryNid(p.pageSize, p.pageSize, memstart, 0n, 0, '__earlyonly_bootmem_alloc+0x2c/0x44', 'vmemmap page tables', 'memblock_alloc_try_nid_raw');
    }
    const m = v >> 30n;
    if (!pmd.has(m)) {
      pmd.add(m);
      mb.allocTryNid(p.pageSize, p.pageSize, memstart, 0n, 0, '__earlyonly_bootmem_alloc+0x2c/0x44', 'vmemmap page tables', 'memblock_alloc_try_nid_raw');
    }
  }
  if (!got) ctx.findings.push({ severity: 'error', code: 'sim-vmemmap-failed', message: 'The vmemmap buffer for struct pages could not be allocated.' });
  else {
    // VMEMMAP_START (48-bit VA, 64-byte struct page) + the sections' struct pages, 2 MiB blocks
    // handed out of the sparse buffer in section order
    const VMEMMAP_START = 0xfffffc0000000000n;
    sections.forEach((sec, i) => {
      ctx.result.pageTables.push({
        va: VMEMMAP_START + vmemmapVa(sec), pa: got + BigInt(i) * mapSize, size: mapSize, granule: 1n << 21n,
        attrs: 'PAGE_KERNEL (RW, XN)', note: `vmemmap: struct pages of section ${sec} (pfn 0x${(sec * sectionPages).toString(16)})`,
      });
    });
  }
}

/** The highest CPU address `n`'s own dma-ranges reach, translated through its ancestors'
 * dma-ranges (of_dma_get_max_cpu_address's per-node step; 0 when no entry translates). The walk
 * over the tree, of the available nodes down to depth 64, is sim/census.ts's. */
export function dmaRangesEnd(n: DtNode, dr: DtProp): bigint {
  const cellsOf = (x0: DtNode | null, name: string, dflt: number) => {
    for (let x = x0; x; x = x.parent) {
      const pr = getProp(x, name);
      if (pr && pr.value.length >= 4) return Number(readNumber(pr.value, 0, 1));
      if (name === '#size-cells') break;
    }
    return dflt;
  };
  const ownCells = (x: DtNode, name: string, dflt: number) => {
    const pr = getProp(x, name);
    return pr && pr.value.length >= 4 ? Number(readNumber(pr.value, 0, 1)) : dflt;
  };
  // of_translate_dma_address: from the bus space of `node`'s parent up to the root through each
  // ancestor's dma-ranges; a missing or empty dma-ranges is a 1:1 translation
  const translate = (node: DtNode, addr: bigint): bigint | undefined => {
    let cur: DtNode | null = node.parent;
    let a = addr;
    for (let guard = 0; cur && cur.parent && guard < 64; guard++, cur = cur.parent) {
      const rp = getProp(cur, 'dma-ranges');
      if (!rp || rp.value.length === 0) continue;
      const na = ownCells(cur, '#address-cells', 2);
      const ns = ownCells(cur, '#size-cells', 1);
      const pna = cellsOf(cur.parent, '#address-cells', 2);
      const entry = (na + pna + ns) * 4;
      let hit: bigint | undefined;
      for (let off = 0; entry && off + entry <= rp.value.length; off += entry) {
        const child = readNumber(rp.value, off, na);
        const parent = readNumber(rp.value, off + na * 4, pna);
        const size = readNumber(rp.value, off + (na + pna) * 4, ns);
        if (a >= child && a < child + size) {
          hit = parent + (a - child);
          break;
        }
      }
      if (hit === undefined) return undefined;
      a = hit;
    }
    return a;
  };
  const na = ownCells(n, '#address-cells', 2);
  const ns = ownCells(n, '#size-cells', 1);
  const pna = cellsOf(n.parent, '#address-cells', 2);
  const entry = (na + pna + ns) * 4;
  let cpuEnd = 0n;
  for (let off = 0; entry && off + entry <= dr.value.length; off += entry) {
    const parentAddr = readNumber(dr.value, off + na * 4, pna);
    const size = readNumber(dr.value, off + (na + pna) * 4, ns);
    const cpu = translate(n, parentAddr);
    if (cpu === undefined) continue;
    if (cpu + size > cpuEnd) cpuEnd = cpu + size - 1n;
  }
  return cpuEnd;
}

function fls64(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** max_zone_phys(zone_bits). */
function maxZonePhys(ctx: BootContext, bits: number): bigint {
  const mb = ctx.memblock;
  let mask = bits >= 64 ? U64 : (1n << BigInt(bits)) - 1n;
  const start = mb.startOfDram();
  if (start > 0xffffffffn) mask = U64;
  else if (start > mask) mask = 0xffffffffn;
  const end = mb.endOfDram() - 1n;
  return (mask < end ? mask : end) + 1n;
}

/** zone_sizes_init: returns the free_area_init result and arm64_dma_phys_limit. */
export function zoneSizesInit(ctx: BootContext): { fa: FreeAreaResult; dmaLimit: bigint; maxPfn: bigint } {
  const ps = ctx.profile.pageSize;
  const mb = ctx.memblock;
  const dtBits = fls64(ctx.census.dmaMaxCpuAddress ?? U64);
  const zoneDmaBits = Math.min(32, dtBits, 64);
  const dmaLimit = maxZonePhys(ctx, zoneDmaBits);
  const dma32 = maxZonePhys(ctx, 32);
  const maxPfn = mb.endOfDram() / ps;
  const fa = freeAreaInit(ctx, [
    { name: 'DMA', maxPfn: dmaLimit / ps },
    { name: 'DMA32', maxPfn: dma32 / ps },
    { name: 'Normal', maxPfn },
  ]);
  return { fa, dmaLimit: dmaLimit || dma32, maxPfn };
}

/** kernel/crash_core.c parse_crashkernel*: the last crashkernel= without (suffix) or with the
 * given suffix; `size[@offset]` or `start-[end]:size,…[@offset]` against system RAM. */
function parseCrashkernel(ctx: BootContext, suffix: '' | ',high' | ',low'): { size: bigint; base: bigint } | 'enoent' | 'invalid' {
  const all = ctx.args.params.filter((x) => x.name === 'crashkernel' && x.value !== undefined).map((x) => x.value!);
  const pick = all.filter((v) => (suffix ? v.endsWith(suffix) : !v.endsWith(',high') && !v.endsWith(',low'))).pop();
  if (pick === undefined) return 'enoent';
  const v = suffix ? pick.slice(0, -suffix.length) : pick;
  if (v.includes(':')) {
    const ram = ctx.memblock.physMemSize();
    let chosen: bigint | undefined;
    let rest = v;
    const at = v.lastIndexOf('@');
    let base = 0n;
    if (at > v.lastIndexOf(':')) {
      base = memparse(v, at + 1).value;
      rest = v.slice(0, at);
    }
    for (const part of rest.split(',')) {
      const m = /^([^-]+)-([^:]*):(.+)$/.exec(part);
      if (!m) return 'invalid';
      const start = memparse(m[1]!).value;
      const end = m[2] ? memparse(m[2]).value : undefined;
      if (ram >= start && (end === undefined || ram < end)) {
        chosen = memparse(m[3]!).value;
        break;
      }
    }
    return chosen === undefined ? { size: 0n, base } : { size: chosen, base };
  }
  const sz = memparse(v);
  if (sz.end === 0) return 'invalid';
  const base = v[sz.end] === '@' ? memparse(v, sz.end + 1).value : 0n;
  return { size: sz.value, base };
}

/** arch/arm64/mm/init.c reserve_crashkernel as in 6.1: crashkernel=X[@Y] below the DMA limit
 * (falling back to anywhere below 2^48 without a fixed base), or X,high anywhere plus an optional
 * Y,low below the DMA limit (6.1 has no default low size; 6.2 added one). */
export function reserveCrashkernel(ctx: BootContext, dmaLimit: bigint): void {
  const mb = ctx.memblock;
  const ps = ctx.profile.pageSize;
  const SZ_2M = 1n << 21n;
  const lowMax = dmaLimit;
  const highMax = 1n << BigInt(ctx.profile.arm64!.physMaskShift); // PHYS_MASK + 1
  const caller = 'bootmem_init+0x1c0/0x2d8';
  const log = (text: string) => ctx.log.push({ step: 'reserve_crashkernel', text });
  let crashMax = lowMax;
  let lowSize = 0n;
  let r = parseCrashkernel(ctx, '');
  if (r === 'enoent') {
    const h = parseCrashkernel(ctx, ',high');
    if (h === 'enoent' || h === 'invalid' || !h.size) return;
    r = h;
    const l = parseCrashkernel(ctx, ',low');
    if (l === 'invalid') return;
    if (l !== 'enoent') lowSize = l.size;
    crashMax = highMax;
  } else if (r === 'invalid' || !r.size) return;
  const size = (r.size + ps - 1n) & ~(ps - 1n);
  const fixed = r.base !== 0n;
  if (fixed) crashMax = r.base + size;
  let base = mb.physAllocRange(size, SZ_2M, r.base, crashMax, caller, 'crashkernel');
  if (!base && !fixed && crashMax === lowMax) {
    crashMax = highMax;
    base = mb.physAllocRange(size, SZ_2M, r.base, crashMax, caller, 'crashkernel');
  }
  if (!base) {
    log(`cannot allocate crashkernel (size:0x${size.toString(16)})`);
    return;
  }
  if (lowSize && base > lowMax - lowSize) {
    const low = mb.physAllocRange(lowSize, SZ_2M, 0n, lowMax, caller, 'crashkernel low');
    if (!low) {
      log(`cannot allocate crashkernel low memory (size:0x${lowSize.toString(16)}).`);
      mb.physFree(base, size, caller);
      return;
    }
    log(`crashkernel low memory reserved: 0x${low.toString(16).padStart(8, '0')} - 0x${(low + lowSize).toString(16).padStart(8, '0')} (${lowSize >> 20n} MB)`);
  }
  log(`crashkernel reserved: 0x${base.toString(16).padStart(16, '0')} - 0x${(base + size).toString(16).padStart(16, '0')} (${size >> 20n} MB)`);
}

/** arm64_hugetlb_cma_reserve -> mm/hugetlb.c hugetlb_cma_reserve(PUD_SHIFT - PAGE_SHIFT), one
 * node: hugetlb_cma=SIZE rounded up to 1 GiB, declared with 2 MiB alignment (bottom-up above
 * 4 GiB when RAM reaches that far, as cma_declare_contiguous_nid does). */
export function hugetlbCmaReserve(ctx: BootContext): void {
  const prm = [...ctx.args.params].reverse().find((x) => x.name === 'hugetlb_cma');
  if (!prm?.value) return;
  const log = (text: string) => ctx.log.push({ step: 'hugetlb_cma_reserve', text });
  // "nid:size,…" is node-specific; one node here, so only node 0's size counts
  let size = 0n;
  if (prm.value.includes(':')) {
    for (const part of prm.value.split(',')) {
      const [nid, sz] = part.split(':');
      if (nid === '0' && sz) size += memparse(sz).value;
    }
  } else size = memparse(prm.value).value;
  if (!size) return;
  const gigantic = ctx.profile.pageSize << 18n; // PAGE_SIZE << (PUD_SHIFT - PAGE_SHIFT) = 1 GiB
  if (size < gigantic) {
    log(`hugetlb_cma: cma area should be at least ${gigantic >> 20n} MiB`);
    return;
  }
  log(`hugetlb_cma: reserve ${size >> 20n} MiB, up to ${size >> 20n} MiB per node`);
  const rounded = ((size + gigantic - 1n) / gigantic) * gigantic;
  const r = cmaDeclareContiguous(ctx, { base: 0n, size: rounded, limit: 0n, alignment: 2n << 20n, fixed: false, name: 'hugetlb0', highmemStart: ctx.memblock.endOfDram() });
  if ('base' in r) log(`hugetlb_cma: reserved ${rounded >> 20n} MiB on node 0`);
  else log('hugetlb_cma: reservation failed: err -12, node 0');
}

/** kernel/dma/contiguous.c dma_pernuma_cma_reserve: cma_pernuma=SIZE gives each online node
 * (one here) a `pernuma0` CMA area anywhere in RAM. */
export function dmaPernumaCmaReserve(ctx: BootContext): void {
  const prm = [...ctx.args.params].reverse().find((x) => x.name === 'cma_pernuma');
  const size = prm?.value ? memparse(prm.value).value : 0n;
  if (!size) return;
  const r = cmaDeclareContiguous(ctx, { base: 0n, size, limit: 0n, alignment: 0n, fixed: false, name: 'pernuma0', highmemStart: ctx.memblock.endOfDram() });
  if (!('base' in r)) ctx.log.push({ step: 'dma_pernuma_cma_reserve', text: 'dma_pernuma_cma_reserve: reservation failed: err -12, node 0' });
}

export function defaultCma(ctx: BootContext, dmaLimit: bigint): void {
  const r = dmaContiguousReserve(ctx, dmaLimit, ctx.memblock.endOfDram());
  if (r) ctx.result.defaultCma = r;
}
