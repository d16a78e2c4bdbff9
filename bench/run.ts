// `npm run bench`: runs every benchmark as its own process, several times, and writes
// bench/RESULTS.md: per-board on-save analysis (bench/analysis.ts) and the whole-corpus check
// (bench/corpus.ts) as medians over the runs with the ratio to `cpp | dtc` measured in the same
// runs, then the other benches' own reports (front end, preprocessor, simulator, language
// server) from their last run. The `cpp | dtc` reference uses bench/util.ts dtcPath(): a dtc >= 1.7.0
// built by bench/get-dtc.sh when present (Debian 12's 1.6.1 stops early on some boards), and the
// header of RESULTS.md names the dtc and version actually used.
// Run: node --import tsx bench/run.ts [--runs N (default 3)] [--quick: 1 run, 300 corpus boards]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dtcLabel, dtcPath, dtcVersion, median } from './util.js';
import { SERVER_EXEC_ARGV } from '../server/src/lsp/launch.js';

const argRuns = process.argv.indexOf('--runs');
const quick = process.argv.includes('--quick');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : quick ? 1 : 3;
const ROOT = path.resolve(__dirname, '..');

type Row = Record<string, number | string | boolean>;

function node(args: string[], flags: string[] = []): string {
  return execFileSync(process.execPath, [...flags, '--import', 'tsx', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Runs a JSON-emitting bench RUNS times; rows of the same index are merged by median. */
function jsonBench(file: string, extra: string[] = [], flags: string[] = []): Row[] {
  const runs: Row[][] = [];
  for (let i = 0; i < RUNS; i++) {
    process.stderr.write(`bench: ${file} ${flags.join(' ')} run ${i + 1}/${RUNS}\n`);
    const out = node([file, '--json', ...extra], flags);
    const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
    if (!line) throw new Error(`${file} printed no BENCH_JSON line:\n${out}`);
    runs.push((JSON.parse(line.slice('BENCH_JSON '.length)) as { rows: Row[] }).rows);
  }
  return runs[0]!.map((row, i) => {
    const merged: Row = {};
    for (const [k, v] of Object.entries(row)) merged[k] = typeof v === 'number' ? median(runs.map((r) => r[i]![k] as number)) : v;
    return merged;
  });
}

const f1 = (x: unknown): string => (typeof x === 'number' ? x.toFixed(1) : String(x));
const f2 = (x: number): string => x.toFixed(2);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function textBench(file: string, args: string[] = []): string {
  process.stderr.write(`bench: ${file}\n`);
  try {
    return node([file, ...args]).trim();
  } catch (e) {
    return `(failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

function main(): void {
  const started = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const analysis = jsonBench('bench/analysis.ts');
  // The same under the language server's node flags (launch.ts: a small young generation for its
  // memory bound), where the editor's re-analyses actually run.
  const inServer = jsonBench('bench/analysis.ts', [], SERVER_EXEC_ARGV);
  const corpus = jsonBench('bench/corpus.ts', quick ? ['--limit', '300'] : []);
  const others: [string, string][] = [
    ['Front end (bench/frontend.ts)', textBench('bench/frontend.ts')],
    ['Preprocessor (bench/preprocess.ts)', textBench('bench/preprocess.ts')],
    ['Simulator (bench/sim.ts)', textBench('bench/sim.ts')],
  ];
  try {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
    others.push(['Language server (bench/lsp.ts, bundled dist/server.js)', textBench('bench/lsp.ts')]);
  } catch {
    others.push(['Language server (bench/lsp.ts)', '(not run: the esbuild bundle failed)']);
  }

  // The benches resolve the dtc the same way (bench/util.ts dtcPath, same environment).
  const dtcUsed = dtcPath().startsWith(path.join(os.homedir(), '.cache', 'dtmem-bench'))
    ? `${dtcLabel()}, built from Debian's source package by bench/get-dtc.sh`
    : dtcPath() === '/usr/bin/dtc' ? `Debian's ${dtcLabel()} (bench/get-dtc.sh builds a dtc >= 1.7.0, which the benches then use)` : `${dtcLabel()} (DTMEM_BENCH_DTC)`;
  const md: string[] = [];
  md.push('# dtmem benchmarks', '');
  md.push(`Written by \`npm run bench\` (bench/run.ts) on ${started}: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, node ${process.version}, ${RUNS} run(s) per bench, medians. `
    + `\`cpp | dtc\` is the kbuild pipeline (cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp | dtc -I dts -O dtb) with ${dtcUsed}, timed in the same runs; ratio = dtmem / cpp|dtc (below 1: dtmem is faster).`, '');
  md.push('## On-save analysis, corpus/big (bench/analysis.ts)', '');
  md.push('analyzeBoard = preprocess + parse + merge + boot simulation + rules. cold: first analysis in the process; warm: re-save without changes; edit: re-analysis after a one-line edit in the board file. Targets (issue 8): on-save < cpp|dtc, one-line edit < cpp|dtc / 3.', '');
  md.push(`Each run warms up first (10 unmeasured edit rounds). The last two columns are the same edit under the language server's node flags (${SERVER_EXEC_ARGV.join(' ')}, server/src/lsp/launch.ts), whose small young generation keeps the server's memory down at the cost of more garbage-collection pauses.`, '');
  md.push(table(['board', 'cold ms', 'warm ms', 'edit ms', 'cpp\\|dtc ms', 'warm ratio', 'edit ratio', 'edit split (ms)', 'edit ms, server flags', 'edit ratio, server flags'],
    analysis.map((r, i) => [String(r.board) + (r.dtcOk ? '' : ' *'), f1(r.cold), f1(r.warm), f1(r.edit), f1(r.cppDtc), f2((r.warm as number) / (r.cppDtc as number)), f2((r.edit as number) / (r.cppDtc as number)), String(r.split),
      f1(inServer[i]?.edit), f2((inServer[i]?.edit as number) / (r.cppDtc as number))])));
  if (analysis.some((r) => !r.dtcOk)) md.push('', `\\* dtc ${dtcVersion()} stops at a syntax it does not support (a newer dtc is needed: bench/get-dtc.sh), so its time is for a partial run.`);
  md.push('', '## Whole corpus, `dtmem check` (bench/corpus.ts)', '');
  md.push(table(['boards', 'workers', 'dtmem s', 'dtmem boards/s', 'cpp\\|dtc s', 'cpp\\|dtc boards/s', 'ratio (time)', 'exceptions'],
    corpus.map((r) => [f1(r.boards).replace('.0', ''), f1(r.workers).replace('.0', ''), f1(r.dtmemSec), f1(r.dtmemPerSec), f1(r.cppDtcSec), f1(r.cppDtcPerSec), f2((r.dtmemSec as number) / (r.cppDtcSec as number)), f1(r.exceptions).replace('.0', '')])));
  md.push('', 'dtmem runs on worker_threads (one per core), cpp|dtc as the same number of parallel shell pipelines; dtmem\'s worker start-up (tree-sitter load) is excluded.');
  for (const [title, text] of others) md.push('', `## ${title}`, '', '```', text, '```');
  md.push('');
  writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), md.join('\n'));
  console.log(md.join('\n'));
}

main();
