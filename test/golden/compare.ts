// Fact-by-fact comparison of a SimResult with one boot-oracle result: reserved-memory node
// outcomes, dynamic allocations, the default CMA, zone ranges, the movable zone start,
// unavailable ranges, Total pages, every field of the Memory: line, and the memblock=debug
// trace event for event. Expected values are read from the oracle JSON only.
import type { SimResult } from '../../server/src/sim/types.js';
import type { OracleJson } from './oracle_cases.js';

export interface Fact {
  name: string;
  ok: boolean;
  expected: string;
  actual: string;
}

const hex = (v: bigint | undefined | null) => (v === undefined || v === null ? 'none' : '0x' + v.toString(16));
const MiB = 1n << 20n;
const fnOf = (s?: string) => (s ?? '').split('+')[0]!;

function fact(facts: Fact[], name: string, expected: unknown, actual: unknown): void {
  const e = typeof expected === 'string' ? expected : JSON.stringify(expected);
  const a = typeof actual === 'string' ? actual : JSON.stringify(actual);
  facts.push({ name, ok: e === a, expected: e, actual: a });
}

/** One line per result kind, as the oracle words it (kind[:type][@base][+size MiB]). */
function oracleResults(rs: { kind: string; base?: string; size_mib?: number; type?: string; with?: string }[]): string[] {
  return rs.map((r) => [r.kind, r.type ?? '', r.base ? hex(BigInt(r.base)) : '', r.size_mib !== undefined ? `${r.size_mib}M` : '', r.with ?? ''].join('|'));
}

function simResults(sim: SimResult, name: string): string[] {
  const rm = sim.rmem.find((r) => r.name === name);
  if (!rm) {
    // CMA areas that are not reserved-memory nodes (hugetlb_cma's `hugetlb0`): parse-log.mjs
    // files their activation failure under the area name
    const area = sim.cmaAreas.find((a) => a.name === name && !a.node);
    return area && area.activated === false ? ['cma-activation-failed||||'] : [];
  }
  return rm.results
    .filter((r) => r.kind !== 'no-handler' && r.kind !== 'dropped')
    .map((r) => {
      const withBase = r.kind === 'initialized' || r.kind === 'reserve-failed';
      const withSize = withBase || r.kind === 'alloc-failed';
      return [r.kind, r.kind === 'initialized' ? r.type ?? '' : '', withBase && r.base !== undefined ? hex(r.base) : '', withSize && r.size !== undefined ? `${r.size / MiB}M` : '', r.other ?? ''].join('|');
    });
}

export function compare(sim: SimResult, o: OracleJson): Fact[] {
  const facts: Fact[] = [];
  const r = o.result;
  // reserved-memory nodes: every node the oracle reports, and no extra reported ones
  const names = new Set([...Object.keys(r.reserved_mem?.nodes ?? {}), ...sim.rmem.filter((x) => simResults(sim, x.name).length).map((x) => x.name)]);
  for (const n of [...names].sort()) {
    fact(facts, `rmem ${n}`, oracleResults(r.reserved_mem?.nodes?.[n]?.results ?? []), simResults(sim, n));
  }
  // regions beyond MAX_RESERVED_REGIONS: the kernel's message does not name the node
  const droppedO = ((r.reserved_mem as { messages?: string[] }).messages ?? []).filter((m) => m.includes('not enough space for all defined regions')).length;
  const droppedS = sim.rmem.filter((x) => x.results.some((y) => y.kind === 'dropped')).length;
  if (droppedO || droppedS) fact(facts, 'rmem regions dropped (MAX_RESERVED_REGIONS)', String(droppedO), String(droppedS));
  // dynamic allocations in kernel order
  const dynO = r.memblock.events.filter((e) => e.op === 'alloc' && fnOf(e.caller) === 'early_init_dt_alloc_reserved_memory_arch')
    .map((e) => `${BigInt(e.size!)}/${hex(BigInt(e.align!))}[${hex(BigInt(e.from!))},${hex(BigInt(e.max_addr!))})->${e.result ? hex(BigInt(e.result.start)) : 'FAIL'}`);
  // only what memblock=debug prints (an oracle fallback boot runs without it)
  const dynS = sim.memblockEvents.filter((e) => e.op === 'alloc' && e.lines.length && fnOf(e.caller) === 'early_init_dt_alloc_reserved_memory_arch')
    .map((e) => `${e.size}/${hex(e.align)}[${hex(e.from)},${hex(e.maxAddr)})->${e.result ? hex(e.result) : 'FAIL'}`);
  if (dynO.length || dynS.length) fact(facts, 'dynamic allocations', dynO, dynS);
  // default CMA
  const dc = r.cma?.default;
  const simDc = sim.defaultCma;
  // parse-log.mjs records some failures only in cma.messages: the default area is declared
  // after every reserved-memory pool, so its failure is the last message
  const msgs = (r.cma as { messages?: string[] } | null)?.messages ?? [];
  const last = msgs[msgs.length - 1];
  const errs = (r.cma?.errors ?? []).filter((m) => !m.startsWith('CMA area'));
  // parse-log.mjs takes the first `Reserved N MiB at` as the default area; hugetlb_cma's area is
  // declared before it, so skip the lines that are the simulation's other (non-DT) areas
  const others = new Set(sim.cmaAreas.filter((a) => !a.isDefault && !a.node).map((a) => `${a.size / MiB}M@${hex(a.base)}`));
  const reservedLines = msgs.map((m) => /^Reserved (\d+) MiB at (0x[0-9a-f]+)/.exec(m)).filter((m): m is RegExpExecArray => !!m).map((m) => `${m[1]}M@${hex(BigInt(m[2]!))}`);
  const dcText = dc ? `${dc.size_mib}M@${hex(BigInt(dc.base))}` : undefined;
  const realDefault = dcText && others.has(dcText) ? reservedLines.find((l) => !others.has(l)) : dcText;
  const expectedDc = realDefault ? realDefault : errs.length ? errs.join('; ') : last && !/^(Reserved|CMA area)/.test(last) ? last : 'none';
  fact(facts, 'default CMA', expectedDc,
    simDc && 'base' in simDc ? `${simDc.size / MiB}M@${hex(simDc.base)}` : simDc && 'error' in simDc ? simDc.error.join('; ') : 'none');
  // zone ranges
  for (const [zn, z] of Object.entries(r.zones ?? {})) {
    const mine = sim.zoneRanges.find((x) => x.name === zn);
    fact(facts, `zone ${zn}`, z ? `${hex(BigInt(z.start))}-${hex(BigInt(z.end))}` : 'empty', mine ? (mine.range ? `${hex(mine.range.start)}-${hex(mine.range.end)}` : 'empty') : 'missing');
  }
  const mv = (r.movable_zone_start as ({ start: string } | string)[]).map((m) => (typeof m === 'string' ? m : m.start));
  fact(facts, 'movable zone start', mv.map((m) => hex(BigInt(m))), sim.movableZoneStart !== undefined ? [hex(sim.movableZoneStart)] : []);
  fact(facts, 'unavailable ranges', (r.unavailable_ranges ?? []).map((u) => `${u.zone}:${u.pages}`), sim.unavailable.map((u) => `${u.zone}:${u.pages}`));
  fact(facts, 'Total pages', String(r.zonelists?.total_pages ?? 'none'), String(sim.totalPages ?? 'none'));
  const ml = r.memory_line ?? {};
  const sm = sim.memoryLine;
  const simMl: Record<string, string> = sm
    ? {
        available_k: String(sm.availableK), total_k: String(sm.totalK), kernel_code_k: String(sm.kernelCodeK), rwdata_k: String(sm.rwdataK),
        rodata_k: String(sm.rodataK), init_k: String(sm.initK), bss_k: String(sm.bssK), reserved_k: String(sm.reservedK),
        cma_reserved_k: String(sm.cmaReservedK), ...(sm.highmemK !== undefined ? { highmem_k: String(sm.highmemK) } : {}),
      }
    : {};
  for (const [k, v] of Object.entries(ml)) fact(facts, `Memory: ${k}`, String(v), simMl[k] ?? 'missing');
  fact(facts, 'memblock trace', 'identical', traceDiff(sim, o) ?? 'identical');
  return facts;
}

/** Event-for-event comparison with the oracle's memblock=debug events; undefined when equal,
 * else a description of the first difference. */
export function traceDiff(sim: SimResult, o: OracleJson): string | undefined {
  type Ev = { op: string; start?: bigint; end?: bigint; size?: bigint; res?: bigint | null; caller: string };
  const mine: Ev[] = [];
  const evs = sim.memblockEvents.filter((e) => e.lines.length);
  for (let i = 0; i < evs.length; i++) {
    const e = evs[i]!;
    if (e.op === 'alloc') {
      mine.push({ op: 'alloc', size: e.size, res: e.result ?? null, caller: fnOf(e.caller) });
      if (e.result) {
        const next = evs[i + 1];
        if (next && next.op === 'reserve' && next.base === e.result) i++;
      }
    } else {
      // memblock_dbg prints end = base + size - 1 in phys_addr_t: it wraps at 32 bits on arm
      const end = (e.base! + e.size - 1n) & ((1n << BigInt(sim.profile.physAddrBits)) - 1n);
      mine.push({ op: e.op, start: e.base!, end, caller: fnOf(e.caller) });
    }
  }
  const theirs = o.result.memblock.events;
  const n = Math.max(theirs.length, mine.length);
  for (let i = 0; i < n; i++) {
    const t = theirs[i];
    const m = mine[i];
    if (!t || !m) return `event ${i}: oracle ${t ? JSON.stringify({ op: t.op, caller: t.caller }) : 'ends'}, sim ${m ? `${m.op} ${fnOf(m.caller)}` : 'ends'} (${theirs.length} vs ${mine.length} events)`;
    let same: boolean;
    if (t.op === 'alloc') same = m.op === 'alloc' && m.size === BigInt(t.size!) && (m.res ?? null) === (t.result ? BigInt(t.result.start) : null) && m.caller === fnOf(t.caller);
    else same = m.op === t.op && m.start === BigInt(t.start!) && m.end === BigInt(t.end!) && m.caller === fnOf(t.caller);
    if (!same) {
      const show = (x: Ev) => `${x.op} ${x.caller} ${x.op === 'alloc' ? `${x.size}->${hex(x.res)}` : `[${hex(x.start)}-${hex(x.end)}]`}`;
      const tt: Ev = t.op === 'alloc' ? { op: 'alloc', size: BigInt(t.size!), res: t.result ? BigInt(t.result.start) : null, caller: fnOf(t.caller) } : { op: t.op, start: BigInt(t.start!), end: BigInt(t.end!), caller: fnOf(t.caller) };
      return `event ${i}: oracle ${show(tt)}, sim ${show(m)}`;
    }
  }
  return undefined;
}
