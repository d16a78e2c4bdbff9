// `dtmem check` over many boards, for CI: board globs expanded here (`'arch/arm64/boot/dts/**/*.dts'`),
// `--config FILE.json`, parallel worker threads (`-j N`, default: the CPUs, at most the boards),
// a progress bar on stderr when it is a terminal, and the same outputs as check.ts (dtc-style
// text, JSON, one merged SARIF log) in the order the boards were given. Exit codes: 0 clean,
// 1 an error-severity finding, 2 usage error, unreadable board or engine failure.
//
// Worker threads need a separate entry: from source (tsx) it is batch_worker.ts next to this
// file; in the bundle it is dist/check-worker.js when esbuild.mjs builds it. Without it the
// boards are checked in this thread, one after the other (same output, no parallelism).
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { initAnalysis } from '../analyze.js';
import { checkOne, type BoardOutcome } from './batch_core.js';
import type { CheckOptions } from './check.js';
import { ConfigError, expandConfig } from './config.js';
import { expandGlob, isGlob } from './glob.js';
import { archOrAuto, Argv, UsageError } from './args.js';

export type { BoardOutcome } from './batch_core.js';

const usage = `usage: dtmem check BOARD.dts|GLOB... [--config FILE.json] [--arch auto|arm|arm-lpae|arm64] [--bootargs "..."]
       [--format text|json|sarif] [-I dir]... [--info] [-j N|--jobs N] [--progress|--no-progress]
`;

export interface BatchOptions {
  /** Worker threads; 1 checks in this thread. Default: CPUs, at most the number of boards. */
  jobs?: number;
  withInfo?: boolean;
  /** Called after each board (in completion order). */
  onBoard?: (done: number, total: number, o: BoardOutcome) => void;
}

/** The worker entry for this build, or undefined when only in-thread checking is possible. */
export function workerEntry(): string | undefined {
  const fromSource = path.join(__dirname, 'batch_worker.ts');
  if (__filename.endsWith('.ts') && existsSync(fromSource)) return fromSource;
  const bundled = path.join(__dirname, 'check-worker.js');
  return existsSync(bundled) ? bundled : undefined;
}

export function defaultJobs(boards: number): number {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cpus, boards, 32));
}

/** Checks every board (with workers when jobs > 1); outcomes in the input order. Never throws
 * for a bad board: it becomes an outcome with `failure`. */
export async function checkMany(boards: string[], opts: CheckOptions, batch: BatchOptions = {}): Promise<BoardOutcome[]> {
  const withInfo = batch.withInfo ?? false;
  const jobs = Math.max(1, Math.min(batch.jobs ?? defaultJobs(boards.length), boards.length || 1));
  const entry = jobs > 1 ? workerEntry() : undefined;
  const out: BoardOutcome[] = new Array(boards.length);
  let done = 0;
  const finish = (o: BoardOutcome) => {
    out[o.index] = o;
    batch.onBoard?.(++done, boards.length, o);
  };
  if (!entry) {
    await initAnalysis();
    for (let i = 0; i < boards.length; i++) {
      finish(checkOne(boards[i]!, opts, withInfo, i));
      // Let the event loop breathe so a progress bar repaints.
      if (i % 8 === 7) await new Promise((r) => setImmediate(r));
    }
    return out;
  }
  let next = 0;
  await new Promise<void>((resolve) => {
    let live = jobs;
    for (let w = 0; w < jobs; w++) {
      // From source (tests) the worker must load TypeScript: register tsx's CommonJS hook first.
      // The bundles define DTMEM_BUNDLE, so this branch (and tsx) is not in them.
      const worker = process.env.DTMEM_BUNDLE !== '1' && entry.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: { opts, withInfo } })
        : new Worker(entry, { workerData: { opts, withInfo } });
      let current = -1;
      const feed = () => {
        if (next >= boards.length) {
          current = -1;
          void worker.terminate();
          return;
        }
        current = next++;
        worker.postMessage({ index: current, board: boards[current]! });
      };
      worker.on('message', (o: BoardOutcome) => {
        finish(o);
        feed();
      });
      worker.on('error', (e) => {
        // A worker that dies takes its board with it; the others carry on.
        if (current >= 0) finish({ index: current, board: boards[current]!, text: '', json: null, sarif: null, errors: 0, warnings: 0, failure: `${boards[current]}: ${e.message}` });
        current = -1;
      });
      worker.on('exit', () => {
        if (current >= 0) finish({ index: current, board: boards[current]!, text: '', json: null, sarif: null, errors: 0, warnings: 0, failure: `${boards[current]}: worker exited` });
        current = -1;
        if (--live === 0) {
          // Boards nobody took (every worker died): check them here.
          void (async () => {
            if (next < boards.length) await initAnalysis();
            while (next < boards.length) finish(checkOne(boards[next]!, opts, withInfo, next++));
            resolve();
          })();
        }
      });
      feed();
    }
  });
  return out;
}

interface SarifLog {
  runs: { tool: { driver: { rules: { id: string }[] } & Record<string, unknown> }; results: unknown[] }[];
}

/** One SARIF log from per-board logs: one run, rules de-duplicated by id, results concatenated. */
export function mergeSarif(logs: unknown[]): unknown {
  const valid = logs.filter((l): l is SarifLog => !!l && Array.isArray((l as SarifLog).runs) && (l as SarifLog).runs.length > 0);
  if (!valid.length) {
    return { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [{ tool: { driver: { name: 'dtmem', rules: [] } }, results: [] }] };
  }
  const first = valid[0]!;
  const rules = new Map<string, { id: string }>();
  const results: unknown[] = [];
  for (const l of valid) {
    for (const r of l.runs[0]!.tool.driver.rules ?? []) if (!rules.has(r.id)) rules.set(r.id, r);
    results.push(...l.runs[0]!.results);
  }
  const driver = { ...first.runs[0]!.tool.driver, rules: [...rules.values()].sort((a, b) => a.id.localeCompare(b.id)) };
  return { ...first, runs: [{ ...first.runs[0]!, tool: { driver }, results }] };
}

// ---- progress bar ----------------------------------------------------------------------------

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** `[#######.......]  812/2775  29%  3 errors  0:42 eta 1:40  board.dts` on one rewritten line. */
/** Where a command writes (process.stdout/stderr by default; tests pass their own). */
export interface Io {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown; isTTY?: boolean; columns?: number };
}

export class ProgressBar {
  private readonly t0 = Date.now();
  private last = 0;
  private errors = 0;
  constructor(private readonly stream: Io['err'], private readonly width = 24) {}

  update(done: number, total: number, o: BoardOutcome): void {
    if (o.errors || o.failure) this.errors++;
    const now = Date.now();
    if (done < total && now - this.last < 100) return;
    this.last = now;
    const frac = total ? done / total : 1;
    const fill = Math.round(frac * this.width);
    const elapsed = now - this.t0;
    const eta = done ? (elapsed / done) * (total - done) : 0;
    const cols = this.stream.columns || 100;
    let line = `[${'#'.repeat(fill)}${'.'.repeat(this.width - fill)}] ${done}/${total} ${Math.floor(frac * 100)}% ${this.errors} with errors ${clock(elapsed)} eta ${clock(eta)} ${path.basename(o.board)}`;
    if (line.length > cols - 1) line = line.slice(0, cols - 1);
    this.stream.write(`\r\x1b[K${line}`);
  }

  end(): void {
    this.stream.write('\r\x1b[K');
  }
}

// ---- command ---------------------------------------------------------------------------------

export async function run(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let args: string[];
  let configBoards: string[];
  try {
    ({ args, boards: configBoards } = expandConfig('check', argv));
  } catch (e) {
    io.err.write(`dtmem check: ${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const patterns: string[] = [];
  const opts: CheckOptions = { arch: 'auto', includeDirs: [] };
  let format: 'text' | 'json' | 'sarif' = 'text';
  let withInfo = false;
  let jobs: number | undefined;
  let progress: boolean | undefined;
  const cl = new Argv(args);
  try {
    while (cl.next()) {
      const a = cl.arg;
      let v: string | undefined;
      if ((v = cl.value('--arch')) !== undefined) opts.arch = archOrAuto(v);
      else if ((v = cl.value('--bootargs')) !== undefined) opts.bootargs = v;
      else if ((v = cl.value('--format')) !== undefined) {
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`unknown format '${v}'`);
        format = v;
      } else if ((v = cl.includeDir()) !== undefined) opts.includeDirs.push(v);
      else if (a === '--info') withInfo = true;
      else if ((v = /^-j\d+$/.test(a) ? a.slice(2) : cl.value('-j') ?? cl.value('--jobs')) !== undefined) {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`${a} wants a number of workers from 1 to 256`);
        jobs = n;
      } else if (a === '--progress') progress = true;
      else if (a === '--no-progress') progress = false;
      else if (a === '-h' || a === '--help') {
        io.out.write(usage);
        return 0;
      } else if (a.startsWith('-')) throw new UsageError(`unexpected argument '${a}'`);
      else patterns.push(a);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err.write(`dtmem check: ${e.message}\n${usage}`);
    return 2;
  }
  const boards: string[] = [];
  let unmatched = false;
  for (const p of patterns.length ? patterns : configBoards) {
    if (!isGlob(p)) {
      boards.push(path.resolve(p));
      continue;
    }
    const m = expandGlob(p);
    if (!m.length) {
      io.err.write(`dtmem check: no file matches '${p}'\n`);
      unmatched = true;
    }
    boards.push(...m);
  }
  if (!boards.length) {
    if (!unmatched) io.err.write(usage);
    return 2;
  }
  const showBar = progress ?? (io.err.isTTY === true && boards.length > 1);
  const bar = showBar ? new ProgressBar(io.err) : undefined;
  const outcomes = await checkMany(boards, opts, { jobs, withInfo, onBoard: bar ? (d, t, o) => bar.update(d, t, o) : undefined });
  bar?.end();
  let failed = false;
  for (const o of outcomes) {
    if (o.failure) {
      failed = true;
      io.err.write(`dtmem check: ${o.failure}\n`);
    }
  }
  const ok = outcomes.filter((o) => !o.failure);
  if (format === 'text') io.out.write(ok.map((o) => o.text).join(''));
  else if (format === 'json') io.out.write(JSON.stringify(ok.map((o) => o.json), null, 2) + '\n');
  else io.out.write(JSON.stringify(mergeSarif(ok.map((o) => o.sarif)), null, 2) + '\n');
  if (failed || unmatched) return 2;
  return ok.some((o) => o.errors > 0) ? 1 : 0;
}
