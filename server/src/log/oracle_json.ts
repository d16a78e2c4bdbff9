// Renders BootLogFacts in the boot-oracle's `result` JSON shape (shared/oracle/README.md: hex
// strings for addresses, inclusive start/end plus size/bytes for ranges, snake_case names), so the
// parser can be checked field by field against the oracle's own results and `dtmem compare
// --format json` speaks the same vocabulary.
import type { BootLogFacts, MemblockDumpFact, MemblockEventFact, MemblockRegionFact, NodeRangeFact, PhysRange, RmemResultFact } from './facts.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

function span(r: PhysRange): bigint {
  const s = r.end - r.start + 1n;
  return s < 0n ? 0n : s;
}

export function rangeJson(r: PhysRange): { [k: string]: Json } {
  const s = span(r);
  return { start: hex(r.start), end: hex(r.end), size: hex(s), bytes: Number(s) };
}

function eventJson(e: MemblockEventFact): { [k: string]: Json } {
  if (e.op !== 'alloc') return { op: e.op, ...rangeJson(e.range!), caller: e.caller, stage: e.stage };
  const o: { [k: string]: Json } = { op: 'alloc', fn: e.fn ?? '', bytes: Number(e.bytes), size: hex(e.bytes!), align: hex(e.align!) };
  if (e.nid !== undefined) o.nid = e.nid;
  o.from = hex(e.from!);
  o.max_addr = hex(e.maxAddr!);
  o.caller = e.caller;
  o.result = e.result ? rangeJson(e.result) : null;
  o.stage = e.stage;
  return o;
}

function allocJson(e: MemblockEventFact): { [k: string]: Json } {
  return { bytes: Number(e.bytes), align: hex(e.align!), from: hex(e.from!), max_addr: hex(e.maxAddr!), result: e.result ? rangeJson(e.result) : null };
}

function regionJson(r: MemblockRegionFact, memory: boolean): { [k: string]: Json } {
  const o: { [k: string]: Json } = { start: hex(r.range.start), end: hex(r.range.end), size: hex(r.size), bytes: Number(r.size), flags: r.flags };
  if (r.nid !== undefined) o.nid = r.nid;
  // MEMBLOCK_HOTPLUG = 0x1, MEMBLOCK_MIRROR = 0x2, MEMBLOCK_NOMAP = 0x4 (include/linux/memblock.h);
  // hotplug comes from the SRAT or a DT memory node's `hotpluggable` property.
  if (memory && r.flags & 4) o.nomap = true;
  if (memory && r.flags & 2) o.mirror = true;
  if (memory && r.flags & 1) o.hotplug = true;
  return o;
}

function dumpJson(d: MemblockDumpFact): { [k: string]: Json } {
  return {
    stage: d.stage, memory: d.memory.map((r) => regionJson(r, true)), reserved: d.reserved.map((r) => regionJson(r, false)),
    memory_size: hex(d.memorySize), reserved_size: hex(d.reservedSize), memory_cnt: d.memoryCnt, reserved_cnt: d.reservedCnt,
  };
}

function rmemResultJson(r: RmemResultFact): { [k: string]: Json } {
  switch (r.kind) {
    case 'initialized': {
      const o: { [k: string]: Json } = { kind: r.kind, compatible: r.compatible, type: r.type };
      if (r.base !== undefined) o.base = hex(r.base);
      if (r.sizeMib !== undefined) o.size_mib = r.sizeMib;
      return o;
    }
    case 'compatible-matching-fail':
      return r.cause ? { kind: r.kind, cause: r.cause } : { kind: r.kind };
    case 'reserve-failed':
      return { kind: r.kind, base: hex(r.base), size_mib: r.sizeMib };
    case 'alloc-failed':
      return { kind: r.kind, size_mib: r.sizeMib };
    case 'overlap':
      return { kind: r.kind, with: r.with };
    case 'invalid-property':
      return { kind: r.kind, property: r.property };
    default:
      return { kind: r.kind };
  }
}

function nodeRangeJson(n: NodeRangeFact): { [k: string]: Json } {
  return { node: n.node, ...rangeJson(n.range) };
}

/** True for the allocation early_init_dt_alloc_reserved_memory_arch makes for a dynamic node. */
export function isRmemAlloc(e: MemblockEventFact): boolean {
  return e.op === 'alloc' && e.caller.startsWith('early_init_dt_alloc_reserved_memory_arch');
}

/** True for the memblock_reserve of a static reserved-memory region (the FDT scan). */
export function isRmemReserve(e: MemblockEventFact): boolean {
  return e.op === 'reserve' && /^(?:early_init_fdt_scan_reserved_mem|__fdt_scan_reserved_mem|__reserved_mem_reserve_reg|early_init_dt_reserve_memory)\b/.test(e.caller);
}

/** The facts as the boot-oracle's `result` object. */
export function toOracleResult(f: BootLogFacts): { [k: string]: Json } {
  const ev = f.memblock.events;
  const nodes: { [k: string]: Json } = {};
  for (const [name, n] of f.reservedMem.nodes) nodes[name] = { name, results: n.results.map(rmemResultJson), messages: n.messages };
  const pool = (type: string) => f.reservedMem.pools.filter((p) => p.type === type)
    .map((p) => ({ type: p.type, base: hex(p.base), size_mib: p.sizeMib, node: p.node ?? null }));
  // The oracle calls the first `cma: Reserved` area `default` and the later ones `others` (on arm64
  // the hugetlb_cma/cma_pernuma areas come first; BootLogFacts.cma.default is the last one).
  const area = (a: { sizeMib: number; base: bigint }) => ({ size_mib: a.sizeMib, base: hex(a.base), end: hex(a.base + (BigInt(a.sizeMib) << 20n) - 1n) });
  const cma: { [k: string]: Json } = {
    default: f.cma.areas.length ? area(f.cma.areas[0]!) : null,
    messages: f.cma.messages,
  };
  if (f.cma.areas.length > 1) cma.others = f.cma.areas.slice(1).map(area);
  if (f.cma.errors.length) cma.errors = f.cma.errors;
  let zones: { [k: string]: Json } | null = null;
  if (f.zones) {
    zones = {};
    for (const [name, r] of f.zones) zones[name] = r ? rangeJson(r) : null;
  }
  const ml = f.memoryLine;
  let memoryLine: { [k: string]: Json } | null = null;
  if (ml) {
    memoryLine = {};
    for (const [k, v] of ml.fields) memoryLine[k.replace(/[ -]/g, '_') + '_k'] = Number(v);
  }
  const high = f.zones?.get('HighMem');
  return {
    linux_version: f.linuxVersion,
    kernel_release: f.kernelRelease,
    machine_model: f.machineModel,
    command_line: f.commandLine,
    memory_limit: f.memoryLimit,
    memory_limited_to: f.memoryLimitedTo,
    memblock: {
      dump: f.memblock.dump ? dumpJson(f.memblock.dump) : null,
      earlier_dumps: f.memblock.earlierDumps.map(dumpJson),
      events: ev.map(eventJson),
      reserved_mem_allocs: ev.filter(isRmemAlloc).map(allocJson),
      reserved_mem_reserves: ev.filter(isRmemReserve).map((e) => {
        const r = rangeJson(e.range!);
        return { op: e.op, start: r.start!, end: r.end!, size: r.size!, caller: e.caller };
      }),
      cma_allocs: ev.filter((e) => e.op === 'alloc' && e.caller.startsWith('cma_')).map(allocJson),
      event_count: ev.length,
    },
    reserved_mem: { messages: f.reservedMem.messages, nodes, overlaps: f.reservedMem.overlaps.map((o) => ({
      a: o.a, a_start: hex(o.aStart), a_end_excl: hex(o.aEndExcl), b: o.b, b_start: hex(o.bStart), b_end_excl: hex(o.bEndExcl),
    })), cma_pools: pool('cma'), dma_pools: pool('dma-coherent') },
    cma,
    zones,
    movable_zone_start: f.movableZoneStart.map((m) => ({ node: m.node, start: hex(m.start) })),
    early_memory_node_ranges: f.earlyMemoryNodeRanges.map(nodeRangeJson),
    initmem_setup: f.initmemSetup.map(nodeRangeJson),
    unavailable_ranges: f.unavailableRanges.map((u) => ({ node: u.node, zone: u.zone, pages: Number(u.pages) })),
    zonelists: f.zonelists ? { zonelists: f.zonelists.count, mobility_grouping: f.zonelists.mobilityGrouping, total_pages: Number(f.zonelists.totalPages) } : null,
    policy_zone: f.policyZone,
    memory_line: memoryLine,
    memory_line_raw: ml ? ml.raw : null,
    highmem_start: high ? hex(high.start) : null,
    virtual_layout: null,
    numa: f.numa,
    percpu: f.percpu ? { pages_per_cpu: f.percpu.pagesPerCpu, detail: f.percpu.detail } : null,
    deferred_pages: f.deferredPages ? { node: f.deferredPages.node, ms: f.deferredPages.ms } : null,
    ignored_memory: f.ignoredMemory,
    panic: f.panic,
    warnings: f.warnings,
    evidence: f.evidence,
  };
}
