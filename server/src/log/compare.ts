// Fact-by-fact comparison of a simulated boot with a real boot log. Both sides are reduced to the
// same BootLogFacts: the log by parseBootLog, the simulation by rendering it as the kernel's log
// (sim/log_format.ts) and parsing that, so a fact means the same thing on both sides. Each fact
// becomes a row: agree, differ (expected = simulation, seen = log), only in log, only in
// simulation. Facts the simulator does not model (kernel version, NUMA, percpu, panics) are not
// rows; they are reported as log information.
import type { DtNode, Finding } from '../dts/tree.js';
import { formatSimLog } from '../sim/log_format.js';
import type { SimResult } from '../sim/types.js';
import type { BootLogFacts, MemblockEventFact, PhysRange, RmemResultFact } from './facts.js';
import { hex, isRmemAlloc, isRmemReserve } from './oracle_json.js';
import { parseMessages } from './parse.js';

export type Verdict = 'agree' | 'differ' | 'only-in-log' | 'only-in-sim';

export interface FactRow {
  /** Stable key, e.g. `rmem linux,cma`, `zone DMA`, `Memory: reserved`. */
  fact: string;
  verdict: Verdict;
  /** The simulation's value (absent for only-in-log). */
  expected?: string;
  /** The log's value (absent for only-in-sim). */
  seen?: string;
  /** The /reserved-memory node the fact is about (for diagnostics on that node). */
  node?: DtNode;
  /** The simulated value comes from the kernel profile's build constants, not the devicetree. */
  profileDerived?: boolean;
}

export interface Comparison {
  rows: FactRow[];
  counts: Record<Verdict, number>;
  /** True when every row agrees. */
  agree: boolean;
}

export interface CompareOptions {
  /** Compare the memblock=debug trace when the log has one (default true). */
  memblock?: boolean;
}

/** The facts of the simulated boot, read back from its rendered log. */
export function simFacts(sim: SimResult): BootLogFacts {
  const lines = formatSimLog(sim, { memblockDebug: true });
  return parseMessages(lines.map((l, i) => ({ text: l.text, raw: l.text, line: i })));
}

const rng = (r: PhysRange | null | undefined) => (r ? `${hex(r.start)}-${hex(r.end)}` : 'empty');

function rmemResult(r: RmemResultFact): string {
  switch (r.kind) {
    case 'initialized':
      return `initialized ${r.type}${r.base !== undefined ? ` at ${hex(r.base)}` : ''}${r.sizeMib !== undefined ? ` ${r.sizeMib} MiB` : ''}`;
    case 'compatible-matching-fail':
      return `compatible matching fail${r.cause ? ` (${r.cause})` : ''}`;
    case 'reserve-failed':
      return `failed to reserve ${hex(r.base)} ${r.sizeMib} MiB`;
    case 'alloc-failed':
      return `failed to allocate ${r.sizeMib} MiB`;
    case 'overlap':
      return `overlaps ${r.with}`;
    case 'invalid-property':
      return `invalid ${r.property}`;
    default:
      return r.kind;
  }
}

function allocText(e: MemblockEventFact): string {
  return `${e.bytes} bytes align=${hex(e.align!)} [${hex(e.from!)}, ${hex(e.maxAddr!)}] -> ${e.result ? rng(e.result) : 'failed'}`;
}

/** The event as memblock=debug prints it, minus the stage (where a line lands between the zone
 * and zonelist messages is not a memory fact). */
function eventText(e: MemblockEventFact): string {
  if (e.op === 'alloc') return `${e.fn} ${allocText(e)} ${e.caller}`;
  return `${e.op} ${rng(e.range)} ${e.caller}`;
}

/** The first difference between two memblock traces, or undefined. */
function traceDiff(sim: MemblockEventFact[], log: MemblockEventFact[]): { at: number; expected: string; seen: string } | undefined {
  const n = Math.max(sim.length, log.length);
  for (let i = 0; i < n; i++) {
    const a = sim[i] ? eventText(sim[i]!) : 'end of trace';
    const b = log[i] ? eventText(log[i]!) : 'end of trace';
    if (a !== b) return { at: i, expected: a, seen: b };
  }
  return undefined;
}

class Rows {
  readonly rows: FactRow[] = [];
  add(fact: string, expected: string | undefined, seen: string | undefined, extra: Partial<FactRow> = {}): void {
    if (expected === undefined && seen === undefined) return;
    const verdict: Verdict = expected === undefined ? 'only-in-log' : seen === undefined ? 'only-in-sim' : expected === seen ? 'agree' : 'differ';
    const row: FactRow = { fact, verdict, ...extra };
    if (expected !== undefined) row.expected = expected;
    if (seen !== undefined) row.seen = seen;
    this.rows.push(row);
  }
}

const PROFILE_FIELDS = new Set(['kernel code', 'rwdata', 'rodata', 'init', 'bss']);

/** Compares simulated facts `s` with the log's facts `l`. `sim` attaches devicetree nodes. */
export function compareFacts(s: BootLogFacts, l: BootLogFacts, sim?: SimResult, opts: CompareOptions = {}): Comparison {
  const out = new Rows();
  const nodeOf = (name: string) => sim?.rmem.find((r) => r.name === name)?.node;

  out.add('memory limited to', s.memoryLimitedTo ?? undefined, l.memoryLimitedTo ?? undefined);
  const ign = new Set([...s.ignoredMemory, ...l.ignoredMemory].filter((t) => t.startsWith('OF: fdt:')));
  for (const t of ign) out.add('ignored memory', s.ignoredMemory.includes(t) ? t : undefined, l.ignoredMemory.includes(t) ? t : undefined);

  // reserved-memory: every node either side reports, and the overlaps.
  const names = [...new Set([...s.reservedMem.nodes.keys(), ...l.reservedMem.nodes.keys()])];
  for (const n of names) {
    const a = s.reservedMem.nodes.get(n);
    const b = l.reservedMem.nodes.get(n);
    const node = nodeOf(n);
    out.add(`rmem ${n}`, a?.results.map(rmemResult).join('; '), b?.results.map(rmemResult).join('; '), node ? { node } : {});
  }
  const ovl = (o: BootLogFacts['reservedMem']['overlaps'][number]) => `${o.a} [${hex(o.aStart)}, ${hex(o.aEndExcl)}) overlaps ${o.b} [${hex(o.bStart)}, ${hex(o.bEndExcl)})`;
  const ovs = new Set([...s.reservedMem.overlaps.map(ovl), ...l.reservedMem.overlaps.map(ovl)]);
  for (const o of ovs) out.add('overlap', s.reservedMem.overlaps.map(ovl).includes(o) ? o : undefined, l.reservedMem.overlaps.map(ovl).includes(o) ? o : undefined);

  // CMA: the default area and the error messages.
  const dc = (f: BootLogFacts) => (f.cma.default ? `${f.cma.default.sizeMib} MiB at ${hex(f.cma.default.base)}` : f.cma.errors.length || f.zones ? 'none' : undefined);
  out.add('default CMA', dc(s), dc(l));
  const errs = [...new Set([...s.cma.errors, ...l.cma.errors])];
  for (const e of errs) out.add('cma message', s.cma.errors.includes(e) ? e : undefined, l.cma.errors.includes(e) ? e : undefined);

  // Zones and node ranges.
  const zn = [...new Set([...(s.zones?.keys() ?? []), ...(l.zones?.keys() ?? [])])];
  for (const z of zn) {
    out.add(`zone ${z}`, s.zones?.has(z) ? rng(s.zones.get(z)) : undefined, l.zones?.has(z) ? rng(l.zones.get(z)) : undefined);
  }
  const mv = (f: BootLogFacts) => (f.zones ? f.movableZoneStart.map((m) => `node ${m.node}: ${hex(m.start)}`).join(', ') || 'none' : undefined);
  out.add('movable zone start', mv(s), mv(l));
  const nr = (f: BootLogFacts) => (f.zones ? f.earlyMemoryNodeRanges.map((r) => `node ${r.node}: ${rng(r.range)}`).join(', ') : undefined);
  out.add('early memory node ranges', nr(s), nr(l));
  const uz = [...new Set([...s.unavailableRanges, ...l.unavailableRanges].map((u) => `node ${u.node} zone ${u.zone}`))];
  for (const k of uz) {
    const pick = (f: BootLogFacts) => f.unavailableRanges.find((u) => `node ${u.node} zone ${u.zone}` === k);
    const a = pick(s);
    const b = pick(l);
    out.add(`unavailable ${k}`, a ? `${a.pages} pages` : s.zones ? '0 pages' : undefined, b ? `${b.pages} pages` : l.zones ? '0 pages' : undefined);
  }
  out.add('Total pages', s.zonelists ? String(s.zonelists.totalPages) : undefined, l.zonelists ? String(l.zonelists.totalPages) : undefined);

  // The Memory: line, field by field.
  const mf = [...new Set([...(s.memoryLine?.fields.keys() ?? []), ...(l.memoryLine?.fields.keys() ?? [])])];
  for (const k of mf) {
    const a = s.memoryLine?.fields.get(k);
    const b = l.memoryLine?.fields.get(k);
    out.add(`Memory: ${k}`, a !== undefined ? `${a}K` : undefined, b !== undefined ? `${b}K` : undefined, PROFILE_FIELDS.has(k) ? { profileDerived: true } : {});
  }

  // memblock=debug, when the log has it: reserved-memory requests one by one, then the trace.
  if ((opts.memblock ?? true) && l.memblock.events.length) {
    const sa = s.memblock.events.filter(isRmemAlloc);
    const la = l.memblock.events.filter(isRmemAlloc);
    for (let i = 0; i < Math.max(sa.length, la.length); i++) {
      out.add(`rmem allocation ${i + 1}`, sa[i] ? allocText(sa[i]!) : undefined, la[i] ? allocText(la[i]!) : undefined);
    }
    const sr = s.memblock.events.filter(isRmemReserve);
    const lr = l.memblock.events.filter(isRmemReserve);
    for (let i = 0; i < Math.max(sr.length, lr.length); i++) {
      out.add(`rmem reserve ${i + 1}`, sr[i] ? rng(sr[i]!.range) : undefined, lr[i] ? rng(lr[i]!.range) : undefined);
    }
    // memblock_dump_all's regions (arm: end of arm_memblock_init; arm64: bootmem_init).
    const sd = s.memblock.dump;
    const ld = l.memblock.dump;
    if (ld) {
      const reg = (r: { range: PhysRange; flags: number }) => `${rng(r.range)} flags 0x${r.flags.toString(16)}`;
      for (const kind of ['memory', 'reserved'] as const) {
        const a = sd?.[kind] ?? [];
        const b = ld[kind];
        for (let i = 0; i < Math.max(a.length, b.length); i++) out.add(`memblock.${kind}[${i}]`, a[i] ? reg(a[i]!) : undefined, b[i] ? reg(b[i]!) : undefined);
      }
    }
    const d = traceDiff(s.memblock.events, l.memblock.events);
    if (d) out.add(`memblock trace event ${d.at + 1}`, d.expected, d.seen);
    else out.add('memblock trace', `${s.memblock.events.length} events`, `${l.memblock.events.length} events`);
  }

  const counts: Record<Verdict, number> = { agree: 0, differ: 0, 'only-in-log': 0, 'only-in-sim': 0 };
  for (const r of out.rows) counts[r.verdict]++;
  return { rows: out.rows, counts, agree: out.rows.every((r) => r.verdict === 'agree') };
}

/** Simulation vs log in one call. */
export function compareSimWithLog(sim: SimResult, log: BootLogFacts, opts: CompareOptions = {}): Comparison {
  return compareFacts(simFacts(sim), log, sim, opts);
}

/** The disagreements as findings (for editor diagnostics): on the /reserved-memory node a row is
 * about when there is one, else without a range. Code `log-differs`, `log-only` or `sim-only`. */
export function comparisonFindings(c: Comparison): Finding[] {
  const out: Finding[] = [];
  for (const r of c.rows) {
    if (r.verdict === 'agree') continue;
    const code = r.verdict === 'differ' ? 'log-differs' : r.verdict === 'only-in-log' ? 'log-only' : 'sim-only';
    const message = r.verdict === 'differ'
      ? `${r.fact}: dtmem expects ${r.expected}, the boot log shows ${r.seen}`
      : r.verdict === 'only-in-log'
        ? `${r.fact}: the boot log shows ${r.seen}, dtmem expects nothing`
        : `${r.fact}: dtmem expects ${r.expected}, the boot log does not show it`;
    const f: Finding = { severity: 'warning', code, message };
    if (r.node?.range) f.range = r.node.range;
    out.push(f);
  }
  return out;
}
