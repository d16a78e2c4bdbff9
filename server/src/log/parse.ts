// parseBootLog: extracts the memory facts of a Linux boot log (dmesg or serial capture; with or
// without printk timestamps, CRLF, other lines interleaved, tail cut off). Each fact comes from the
// line the kernel prints for it (Linux 6.1 wording): setup_arch's command line and `Memory limited
// to`, memblock=debug, reserved-memory and CMA messages, free_area_init's zone blocks,
// build_all_zonelists' `Total pages`, mem_init_print_info's `Memory:` line. Regexes are anchored at
// both ends so a line cut off by a truncated log yields no fact instead of a wrong one.
import type { BootLogFacts, BootStage, MemblockDumpFact, MemblockEventFact, NodeRangeFact, PhysRange } from './facts.js';
import { splitLog, type LogMessage } from './lines.js';
import { isAllocReserve, MemblockDumpReader, parseMemblockLine } from './memblock_lines.js';
import { RmemReader } from './rmem_lines.js';

/** Upper bound on stored memblock events and other lists (nothing may grow without bound). */
const MAX_ITEMS = 200_000;

const MEM_RANGE = '\\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\\]';
const ZONE_RE = new RegExp(`^  (DMA|DMA32|Normal|HighMem|Movable|Device)\\s+(?:empty|${MEM_RANGE})$`);
const MOVABLE_NODE_RE = /^ {2}Node (\d+): (0x[0-9a-f]+)$/;
const EARLY_NODE_RE = new RegExp(`^  node\\s+(\\d+): ${MEM_RANGE}$`);
const INITMEM_RE = new RegExp(`^Initmem setup node (\\d+) ${MEM_RANGE}$`);
const UNAVAIL_RE = /^On node (\d+), zone (\S+): (\d+) pages in unavailable ranges$/;
const ZONELISTS_RE = /^Built (\d+) zonelists, mobility grouping (on|off)\.\s+Total pages: (\d+)$/;
const MEMORY_RE = /^Memory: (\d+)K\/(\d+)K available \(((?:\d+K [a-z -]+)(?:, \d+K [a-z -]+)*)\)$/;
const CMA_RESERVED_RE = /^cma: Reserved (\d+) MiB at (0x[0-9a-f]+)$/;

/** The kernel's messages that report memory the kernel will not use. */
function isIgnoredMemory(text: string): boolean {
  return /^OF: fdt: Ignoring memory (?:range|block)/.test(text) || /Memory resource size exceeds max/.test(text);
}

/** Oops/WARN headers (the first line of each report). */
function isWarning(text: string): boolean {
  return text === '------------[ cut here ]------------' || /^WARNING: CPU: \d+ PID: \d+ at /.test(text)
    || /^Unable to handle kernel /.test(text) || /^Internal error: /.test(text) || /^BUG: /.test(text);
}

function range(a: string, b: string): PhysRange {
  return { start: BigInt(a), end: BigInt(b) };
}

export function emptyFacts(): BootLogFacts {
  return {
    linuxVersion: null, kernelRelease: null, machineModel: null, commandLine: null, memoryLimit: null, memoryLimitedTo: null,
    memblock: { dump: null, earlierDumps: [], events: [] },
    reservedMem: { messages: [], nodes: new Map(), overlaps: [], pools: [] },
    cma: { default: null, areas: [], messages: [], errors: [] },
    zones: null, movableZoneStart: [], earlyMemoryNodeRanges: [], initmemSetup: [], unavailableRanges: [], zonelists: null,
    policyZone: null, memoryLine: null, numa: [], percpu: null, deferredPages: null, ignoredMemory: [], panic: null,
    warnings: [], evidence: [],
  };
}

/** Parses a boot log's text. Never throws. A capture holding several boots (a serial log across
 * reboots, or a boot followed by a `dmesg` replay of it) is cut into boots and the last complete
 * one is parsed: see splitBoots. */
export function parseBootLog(text: string): BootLogFacts {
  const boots = splitBoots(splitLog(text));
  return parseMessages(boots.chosen);
}

/** A printk clock going back by more than this (seconds) starts a new boot or a replay. */
const CLOCK_RESET = 2;

/**
 * Cuts a capture into boots. A boot ends once its `Memory:` line has been printed and then either
 * `Booting Linux on physical CPU` / `Linux version` appears again or the printk clock goes back by
 * more than CLOCK_RESET seconds (a line stamped by another source rarely does that). The chosen
 * boot is the last one that starts at `Booting Linux`/`Linux version` (a complete boot), else the
 * first (a `dmesg` replay whose ring buffer lost the beginning is not a boot of its own).
 */
export function splitBoots(msgs: LogMessage[]): { boots: LogMessage[][]; chosen: LogMessage[] } {
  const boots: LogMessage[][] = [[]];
  let sawMemory = false;
  let maxTime = 0;
  /** Timestamped lines of the current boot: a line printed again with its old timestamp after the
   * clock went back is a replay (a later boot would not repeat the exact timestamps). */
  let lines = new Set<string>();
  for (const m of msgs) {
    const start = /^(?:Booting Linux on physical CPU|Linux version )/.test(m.text);
    const back = m.time !== undefined && m.time < maxTime;
    const reset = back && (m.time! < maxTime - CLOCK_RESET || lines.has(m.raw.trim()));
    if (sawMemory && (start || reset) && boots.length < 1000) {
      boots.push([]);
      sawMemory = false;
      maxTime = 0;
      lines = new Set();
    }
    boots[boots.length - 1]!.push(m);
    if (m.time !== undefined) {
      if (m.time > maxTime) maxTime = m.time;
      if (lines.size < MAX_ITEMS) lines.add(m.raw.trim());
    }
    if (!sawMemory && /^Memory: \d+K\//.test(m.text)) sawMemory = true;
  }
  // A `dmesg` replay repeats lines of an earlier boot with their timestamps; the live console copy
  // is the complete one (the ring buffer may have dropped memblock=debug lines).
  const seen = new Set<string>();
  const fresh: LogMessage[][] = [];
  for (const b of boots) {
    // Lines stamped 0.000000 repeat across boots of the same kernel; later stamps do not.
    const timed = b.filter((m) => m.time !== undefined && m.time > 0);
    const repeated = timed.filter((m) => seen.has(m.raw.trim())).length;
    if (!fresh.length || repeated < Math.max(3, timed.length >> 1)) fresh.push(b);
    for (const m of timed) if (seen.size < MAX_ITEMS) seen.add(m.raw.trim());
  }
  const complete = fresh.filter((b) => b.slice(0, 50).some((m) => /^(?:Booting Linux on physical CPU|Linux version )/.test(m.text)));
  return { boots, chosen: complete[complete.length - 1] ?? boots[0]! };
}

export function parseMessages(msgs: LogMessage[]): BootLogFacts {
  const f = emptyFacts();
  const rmem = new RmemReader();
  let stage: BootStage = 'before_zones';
  /** The block whose indented lines follow: zones, movable starts, early node ranges. */
  let block: 'zones' | 'movable' | 'early' | null = null;
  let dump: MemblockDumpReader | null = null;
  let pendingAlloc: MemblockEventFact | null = null;
  const events = f.memblock.events;
  const evidence = (m: LogMessage) => {
    if (f.evidence.length < MAX_ITEMS) f.evidence.push(m.raw);
  };
  const finishDump = () => {
    if (!dump) return;
    if (f.memblock.dump) f.memblock.earlierDumps.push(f.memblock.dump);
    f.memblock.dump = dump.dump;
    dump = null;
  };

  /** Unrecognised lines since the open dump or block last matched: other output interleaved in a
   * serial capture does not end them, a recognised kernel line or a long gap does. */
  let misses = 0;
  for (const m of msgs) {
    const t = m.text;
    if (dump && dump.take(t)) {
      misses = 0;
      continue;
    }
    if (block && takeBlock(f, block, m, evidence)) {
      misses = 0;
      continue;
    }
    let recognized = true;
    let entered = false;
    if (t.startsWith('memblock_') && parseMemblockLine(t, stage)) {
      // memblock=debug lines are the bulk of the log.
      const ev = parseMemblockLine(t, stage)!;
      if (pendingAlloc && isAllocReserve(pendingAlloc, ev)) {
        pendingAlloc.result = ev.range!;
        pendingAlloc = null;
      } else {
        pendingAlloc = ev.op === 'alloc' ? ev : null;
        if (events.length < MAX_ITEMS) events.push(ev);
      }
    } else if (t === 'MEMBLOCK configuration:') {
      finishDump();
      dump = new MemblockDumpReader(stage);
      block = null;
      misses = 0;
      continue;
    } else if (rmem.take(t)) {
      // A reserved-memory message after a request ends it: the allocation failed (its
      // failure message is printed right after the request).
      pendingAlloc = null;
      evidence(m);
    } else {
      recognized = parseOther(f, m, rmem, evidence, (sec) => {
        entered = true;
        if (sec === 'zones') {
          f.zones = new Map();
          stage = 'zones_printed';
        }
        block = sec === 'zonelists' || sec === 'mem_init' ? null : sec;
        if (sec === 'zonelists') stage = 'zonelists_built';
        if (sec === 'mem_init') stage = 'mem_init_printed';
      });
    }
    if (recognized) {
      finishDump();
      if (!entered) block = null;
      misses = 0;
    } else if ((dump || block) && ++misses > MAX_GAP) {
      finishDump();
      block = null;
    }
  }
  finishDump();
  f.reservedMem.messages = rmem.messages;
  f.reservedMem.nodes = rmem.nodes;
  f.reservedMem.overlaps = rmem.overlaps;
  f.reservedMem.pools = rmem.pools;
  return f;
}

type Section = 'zones' | 'movable' | 'early' | 'zonelists' | 'mem_init';

/** Unrelated lines tolerated inside a block or dump before it is considered over. */
const MAX_GAP = 16;

/** One indented line of the open block (free_area_init's zone, movable and node lists). */
function takeBlock(f: BootLogFacts, block: 'zones' | 'movable' | 'early', m: LogMessage, evidence: (m: LogMessage) => void): boolean {
  const t = m.text;
  let mm: RegExpExecArray | null;
  if (block === 'zones' && (mm = ZONE_RE.exec(t))) {
    f.zones!.set(mm[1]!, mm[2] ? range(mm[2], mm[3]!) : null);
  } else if (block === 'movable' && (mm = MOVABLE_NODE_RE.exec(t))) {
    f.movableZoneStart.push({ node: Number(mm[1]), start: BigInt(mm[2]!) });
  } else if (block === 'early' && (mm = EARLY_NODE_RE.exec(t))) {
    f.earlyMemoryNodeRanges.push({ node: Number(mm[1]), range: range(mm[2]!, mm[3]!) });
  } else {
    return false;
  }
  evidence(m);
  return true;
}

/** The one-line facts. `enter` reports a line that opens a block or moves the boot stage on. */
function parseOther(f: BootLogFacts, m: LogMessage, rmem: RmemReader, evidence: (m: LogMessage) => void, enter: (s: Section) => void): boolean {
  const t = m.text;
  let mm: RegExpExecArray | null;
  if (t === 'Zone ranges:') {
    evidence(m);
    enter('zones');
  } else if (t === 'Movable zone start for each node') {
    enter('movable');
  } else if (t === 'Early memory node ranges') {
    enter('early');
  } else if ((mm = INITMEM_RE.exec(t))) {
    f.initmemSetup.push(nodeRange(mm));
    evidence(m);
  } else if ((mm = UNAVAIL_RE.exec(t))) {
    f.unavailableRanges.push({ node: Number(mm[1]), zone: mm[2]!, pages: BigInt(mm[3]!) });
    evidence(m);
  } else if ((mm = ZONELISTS_RE.exec(t))) {
    f.zonelists = { count: Number(mm[1]), mobilityGrouping: mm[2] === 'on', totalPages: BigInt(mm[3]!) };
    evidence(m);
    enter('zonelists');
  } else if ((mm = MEMORY_RE.exec(t))) {
    const fields = new Map<string, bigint>([['available', BigInt(mm[1]!)], ['total', BigInt(mm[2]!)]]);
    for (const part of mm[3]!.split(', ')) {
      const p = /^(\d+)K (.+)$/.exec(part);
      if (p) fields.set(p[2]!, BigInt(p[1]!));
    }
    f.memoryLine = { fields, raw: t };
    evidence(m);
    enter('mem_init');
  } else if ((mm = CMA_RESERVED_RE.exec(t))) {
    f.cma.default = { sizeMib: Number(mm[1]), base: BigInt(mm[2]!) };
    if (f.cma.areas.length < MAX_ITEMS) f.cma.areas.push(f.cma.default);
    f.cma.messages.push(t.slice(5));
    evidence(m);
  } else if (t.startsWith('cma: ')) {
    const s = t.slice(5);
    f.cma.messages.push(s);
    // cma_init_reserved_mem's "Not enough slots" belongs to a reserved-memory node, whose
    // `compatible matching fail` reports it; the rest are failures of a cma= or default area.
    if (!s.startsWith('Not enough slots')) f.cma.errors.push(s);
    const a = /^CMA area (\S+) could not be activated$/.exec(s);
    if (a) rmem.activationFailed(a[1]!, t);
    evidence(m);
  } else if (t.startsWith('Kernel command line: ')) {
    f.commandLine = t.slice('Kernel command line: '.length);
    evidence(m);
  } else if (t.startsWith('Linux version ')) {
    f.linuxVersion = t;
    f.kernelRelease = /^Linux version (\S+)/.exec(t)![1]!;
    evidence(m);
  } else if ((mm = /^(?:OF: fdt: )?Machine model: (.*)$/.exec(t))) {
    f.machineModel = mm[1]!;
  } else if ((mm = /^Memory limited to (\d+MB)$/.exec(t))) {
    f.memoryLimitedTo = mm[1]!;
    evidence(m);
  } else if ((mm = /^Memory Limit: (.+)$/.exec(t))) {
    f.memoryLimit = mm[1]!;
  } else if ((mm = /^Policy zone: (\S+)$/.exec(t))) {
    f.policyZone = mm[1]!;
  } else if (t.startsWith('NUMA: ')) {
    f.numa.push(t.slice(6));
  } else if ((mm = /^percpu: Embedded (\d+) pages\/cpu (.+)$/.exec(t))) {
    f.percpu = { pagesPerCpu: Number(mm[1]), detail: mm[2]! };
  } else if ((mm = /^node (\d+) deferred pages initialised in (\d+)ms$/.exec(t))) {
    f.deferredPages = { node: Number(mm[1]), ms: Number(mm[2]) };
    evidence(m);
  } else if (isIgnoredMemory(t)) {
    f.ignoredMemory.push(t);
    evidence(m);
  } else if ((mm = /^Kernel panic - not syncing: (.*)$/.exec(t))) {
    if (f.panic === null) f.panic = mm[1]!;
  } else if (isWarning(t)) {
    f.warnings.push(t);
  } else {
    return false;
  }
  return true;
}

function nodeRange(mm: RegExpExecArray): NodeRangeFact {
  return { node: Number(mm[1]), range: range(mm[2]!, mm[3]!) };
}

export type { MemblockDumpFact };
