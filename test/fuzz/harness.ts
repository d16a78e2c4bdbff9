// Fuzz harness shared by the fuzz test and its regression fixtures: runs one case (a set of
// files, one of them the board) through the front end (compile, compileText), the simulator
// (every arch, with the case's command line) and analyzeBoard, and returns what went wrong:
// an exception escaping a public API, a case slower than the time bound, a heap beyond the
// bound, or a finding whose range does not lie inside a file that exists.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeBoard, includeSetupFor } from '../../server/src/analyze.js';
import { analysisFacts } from '../analysis_facts.js';
import { compile, compileText } from '../../server/src/dts/frontend.js';
import { nodeFileSystem, type FileSystem } from '../../server/src/dts/preprocess/index.js';
import type { Finding, SourceRange } from '../../server/src/dts/tree.js';
import { simulate } from '../../server/src/sim/simulate.js';
import type { Arch } from '../../server/src/sim/profile.js';

/** One fuzz case: `files` override (or add to) the disk; `entry` is the board. */
export interface FuzzCase {
  entry: string;
  files: Record<string, string>;
  bootargs?: string;
  /** What produced it (mutator names), for the report. */
  note?: string;
}

export const TIME_BOUND_MS = 1000;
// A collection before reading the heap, so the bound is on what stays reachable (the caches).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
export const HEAP_BOUND_BYTES = 768 * 1024 ** 2;
const ARCHS: Arch[] = ['arm', 'arm-lpae', 'arm64'];

export function caseFs(c: FuzzCase): FileSystem {
  return { readFile: (p) => (Object.hasOwn(c.files, p) ? c.files[p] : nodeFileSystem.readFile(p)) };
}

const lineCache = new WeakMap<object, Map<string, number[] | null>>();

/** Line lengths (UTF-16) of a file, or null when it does not exist. */
function lineLengths(fs: FileSystem, file: string): number[] | null {
  let m = lineCache.get(fs);
  if (!m) lineCache.set(fs, (m = new Map()));
  if (m.has(file)) return m.get(file)!;
  const t = fs.readFile(file);
  const v = t === undefined ? null : t.split('\n').map((l) => l.length);
  m.set(file, v);
  return v;
}

/** Why `r` is not a range inside an existing file (undefined when it is). */
export function badRange(fs: FileSystem, r: SourceRange): string | undefined {
  const lens = lineLengths(fs, r.file);
  if (!lens) return `file ${r.file} does not exist`;
  const inside = (p: { line: number; col: number }): boolean =>
    Number.isInteger(p.line) && Number.isInteger(p.col) && p.line >= 0 && p.col >= 0 && p.line < lens.length && p.col <= lens[p.line]!;
  if (!inside(r.start)) return `start ${r.start.line}:${r.start.col} outside ${r.file} (${lens.length} lines)`;
  if (!inside(r.end)) return `end ${r.end.line}:${r.end.col} outside ${r.file} (${lens.length} lines)`;
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.col < r.start.col)) return `end before start in ${r.file}`;
  return undefined;
}

function checkFindings(fs: FileSystem, where: string, findings: readonly Finding[], problems: string[]): void {
  for (const f of findings) {
    const ranges = [f.range, ...(f.related ?? []).map((x) => x.range)];
    for (const fx of (f as { fixes?: { edits: { range: SourceRange }[] }[] }).fixes ?? []) ranges.push(...fx.edits.map((e) => e.range));
    for (const r of ranges) {
      if (!r) continue;
      const bad = badRange(fs, r);
      if (bad) problems.push(`${where}: finding ${f.code} "${f.message.slice(0, 80)}": ${bad}`);
    }
    if (typeof f.message !== 'string' || !f.message) problems.push(`${where}: finding ${f.code} without a message`);
  }
}

/** Calls one public API; a thrown exception or a call over TIME_BOUND_MS is a problem. */
function guarded<T>(where: string, problems: string[], fn: () => T, slow: string[]): T | undefined {
  const t0 = performance.now();
  try {
    return fn();
  } catch (e) {
    problems.push(`${where}: exception ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e)}`);
    return undefined;
  } finally {
    const ms = performance.now() - t0;
    if (ms > TIME_BOUND_MS) slow.push(`${where}: ${ms.toFixed(0)} ms (bound ${TIME_BOUND_MS} ms)`);
  }
}

export interface CaseResult {
  problems: string[];
  /** Calls over the time bound (kept apart: a loaded machine can slow one call; re-run to confirm). */
  slow: string[];
  ms: number;
}

/** Runs a case through every public API; `problems` is empty when all held. */
export function runCase(c: FuzzCase): CaseResult {
  const problems: string[] = [];
  const slow: string[] = [];
  const fs = caseFs(c);
  const t0 = performance.now();
  const compiled = guarded('compile', problems, () => compile(c.entry, { ...includeSetupFor(c.entry), fs }), slow);
  if (compiled) {
    checkFindings(fs, 'compile', compiled.findings, problems);
    for (const arch of ARCHS) {
      const sim = guarded(`simulate ${arch}`, problems, () => simulate(compiled.tree, { arch, bootargs: c.bootargs }), slow);
      if (sim) checkFindings(fs, `simulate ${arch}`, sim.findings, problems);
    }
  }
  const text = c.files[c.entry];
  if (text !== undefined) {
    // The front end on the raw text (no preprocessing): ranges are in the entry file itself.
    const raw = guarded('compileText', problems, () => compileText(text, { file: c.entry, parser: 'auto' }), slow);
    if (raw) checkFindings(fs, 'compileText', raw.findings, problems);
  }
  const a = guarded('analyzeBoard', problems, () => analyzeBoard(c.entry, { fs, bootargs: c.bootargs }), slow);
  if (a) checkFindings(fs, 'analyzeBoard', a.findings, problems);
  // The editor's path: the case as an edit of the board on disk, re-analysed from the previous
  // analysis (preprocessor resume, statement reuse, simulation reuse) must say the same.
  const before = guarded('analyzeBoard (before the edit)', problems, () => analyzeBoard(c.entry, { bootargs: c.bootargs, incremental: true }), slow);
  const after = before && guarded('analyzeBoard (previous)', problems, () => analyzeBoard(c.entry, { fs, bootargs: c.bootargs, previous: before }), slow);
  if (a && after && analysisFacts(after) !== analysisFacts(a)) problems.push('analyzeBoard with the previous analysis differs from a fresh analysis');
  const ms = performance.now() - t0;
  gc();
  const heap = process.memoryUsage().heapUsed;
  if (heap > HEAP_BOUND_BYTES) problems.push(`heap ${(heap / 2 ** 20).toFixed(0)} MiB after the case (bound ${HEAP_BOUND_BYTES / 2 ** 20} MiB)`);
  return { problems, slow, ms };
}

/** A stored fixture: file contents are text, or `{prefix, repeat, times, suffix}` (`{i}`: the index) for the large
 * generated inputs (kept small in git). `entry` and file names starting with `$LINUX/` are
 * resolved against the corpus tree. */
export interface FixtureFile { prefix?: string; repeat: string; times: number; suffix?: string }

/** `repeat` `times` times, `{i}` replaced by the repetition's index. */
function expand(v: FixtureFile): string {
  const body = v.repeat.includes('{i}') ? Array.from({ length: v.times }, (_, i) => v.repeat.replaceAll('{i}', String(i))).join('') : v.repeat.repeat(v.times);
  return `${v.prefix ?? ''}${body}${v.suffix ?? ''}`;
}
export interface Fixture { entry: string; files: Record<string, string | FixtureFile>; bootargs?: string; note: string; fixedIn?: string }

export function fixtureCase(f: Fixture, linux: string): FuzzCase {
  const abs = (p: string): string => p.replace(/^\$LINUX\//, `${linux}/`);
  const files: Record<string, string> = {};
  for (const [name, v] of Object.entries(f.files)) {
    files[abs(name)] = typeof v === 'string' ? v : expand(v);
  }
  return { entry: abs(f.entry), files, bootargs: f.bootargs, note: f.note };
}
