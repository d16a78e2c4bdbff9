// Whole-corpus benchmark (issue 8): `dtmem check` (checkBoard + its text output: preprocess,
// parse, merge, simulate, rules) over all 2775 boards of corpus/canon, on both cores
// (worker_threads, boards handed out one at a time), beside `cpp | dtc` over the same boards with
// two parallel workers. Reports wall time and boards/s for each.
// Run: node --import tsx bench/corpus.ts [--workers N] [--limit N] [--no-dtc] [--json]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { initAnalysis } from '../server/src/analyze.js';
import { checkBoard, formatText } from '../server/src/cli/check.js';
import { LINUX, allBoards, cppDtcAsync, dtcVersion, emitJson, hasDtc } from './util.js';

const arg = (name: string): number | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : undefined;
};

interface Done { board: string; ms: number; findings: number; errors: number; failed?: string }

async function workerMain(): Promise<void> {
  await initAnalysis();
  parentPort!.on('message', (board: string | null) => {
    if (board === null) { parentPort!.close(); return; }
    const t0 = performance.now();
    let out: Done;
    try {
      const rep = checkBoard(path.join(LINUX, board), { arch: 'auto', includeDirs: [] });
      formatText(rep, false);
      out = { board, ms: performance.now() - t0, findings: rep.findings.length, errors: rep.findings.filter((f) => f.severity === 'error').length };
    } catch (e) {
      out = { board, ms: performance.now() - t0, findings: 0, errors: 0, failed: e instanceof Error ? e.message : String(e) };
    }
    parentPort!.postMessage(out);
  });
  parentPort!.postMessage('ready');
}

/** Runs every board through `n` dtmem workers; resolves with the wall time (ms). */
function runDtmem(boards: string[], n: number): Promise<{ wall: number; done: Done[] }> {
  return new Promise((resolve, reject) => {
    const queue = [...boards];
    const done: Done[] = [];
    let live = n;
    let t0 = 0;
    let ready = 0;
    const workers: Worker[] = [];
    for (let i = 0; i < n; i++) {
      // A .ts worker: register tsx's CommonJS hook inside the worker, then load this file.
      const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(__filename)});`;
      const w = new Worker(boot, { eval: true, workerData: { worker: true } });
      workers.push(w);
      w.on('error', reject);
      w.on('exit', () => {
        if (--live > 0) return;
        if (done.length < boards.length) reject(new Error(`workers exited after ${done.length} of ${boards.length} boards`));
        else resolve({ wall: performance.now() - t0, done });
      });
      w.on('message', (m: Done | 'ready') => {
        if (m === 'ready') {
          // Start the clock once every worker has loaded the parser (startup is not per-board work).
          if (++ready === n) { t0 = performance.now(); for (const x of workers) x.postMessage(queue.shift() ?? null); }
          return;
        }
        done.push(m);
        w.postMessage(queue.shift() ?? null);
      });
    }
  });
}

async function runCppDtc(boards: string[], n: number): Promise<{ wall: number; failed: number }> {
  const queue = [...boards];
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, async () => {
    for (let b = queue.shift(); b !== undefined; b = queue.shift()) if (!(await cppDtcAsync(b))) failed++;
  }));
  return { wall: performance.now() - t0, failed };
}

async function main(): Promise<void> {
  const n = arg('--workers') ?? Math.min(2, availableParallelism());
  let boards = allBoards();
  const limit = arg('--limit');
  if (limit) boards = boards.slice(0, limit);
  const d = await runDtmem(boards, n);
  const crashed = d.done.filter((x) => x.failed);
  const withErrors = d.done.filter((x) => x.errors > 0).length;
  const slowest = [...d.done].sort((a, b) => b.ms - a.ms).slice(0, 3).map((x) => `${path.basename(x.board)} ${x.ms.toFixed(0)} ms`).join(', ');
  console.log(`dtmem check, ${boards.length} boards, ${n} worker threads: ${(d.wall / 1000).toFixed(1)} s, ${(boards.length / (d.wall / 1000)).toFixed(1)} boards/s`);
  console.log(`  ${d.done.length} checked, ${crashed.length} exceptions, ${withErrors} with error findings; slowest: ${slowest}`);
  for (const c of crashed.slice(0, 10)) console.log(`  EXCEPTION ${c.board}: ${c.failed}`);
  const row: Record<string, number | string> = { boards: boards.length, workers: n, dtmemSec: d.wall / 1000, dtmemPerSec: boards.length / (d.wall / 1000), exceptions: crashed.length };
  if (hasDtc() && !process.argv.includes('--no-dtc')) {
    const c = await runCppDtc(boards, n);
    console.log(`cpp | dtc ${dtcVersion()}, ${boards.length} boards, ${n} parallel: ${(c.wall / 1000).toFixed(1)} s, ${(boards.length / (c.wall / 1000)).toFixed(1)} boards/s (${c.failed} boards dtc ${dtcVersion()} rejects)`);
    console.log(`  ratio dtmem / cpp|dtc wall time: ${(d.wall / c.wall).toFixed(2)}`);
    Object.assign(row, { cppDtcSec: c.wall / 1000, cppDtcPerSec: boards.length / (c.wall / 1000), dtcFailed: c.failed });
  }
  emitJson('corpus', [row]);
}

if (isMainThread) main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
else if ((workerData as { worker?: boolean } | undefined)?.worker) workerMain().catch((e: unknown) => { console.error(e); process.exit(1); });
