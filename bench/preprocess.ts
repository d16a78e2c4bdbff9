// Preprocessor speed on the 5 largest corpus boards (corpus/big/manifest.tsv): our preprocess()
// cold (empty lex cache, first call in the process also pays JIT warm-up) and warm (median of
// repeated runs, files cached by content), beside the real `cpp` run as kbuild runs it (wall time
// of the process, median). `warm cpu` is our mean CPU time per warm run (wall times suffer when the
// machine is loaded). Run: node --import tsx bench/preprocess.ts
// `edit ms` / `resume ms`: after a one-line edit in the board file (a property inserted after the
// root node's opening line, a new value each run, as bench/analysis.ts does), a full run vs a run
// resumed from the previous result (PreprocessOptions.previous), medians of RUNS interleaved runs.
// With ALL=1 it then also preprocesses all 2775 boards in one process (shared lex cache), the
// way a long-running language server would meet them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearLexCache, nodeFileSystem, preprocess, type PreprocessResult } from '../server/src/dts/preprocess/index.js';
import { kbuildIncludeSetup } from '../server/src/dts/kernel_tree.js';
import { editingFs, median } from './util.js';

const CORPUS = join(__dirname, '../../shared/corpus');
const TREE = join(CORPUS, 'linux-6.12');
const RUNS = Number(process.env.RUNS ?? 15);


const prefix = mkdtempSync(join(tmpdir(), 'dtmem-prefixes-'));
for (const line of readFileSync(join(TREE, 'INCLUDE-PREFIXES.txt'), 'utf8').split('\n')) {
  const m = /^([^#\s]\S*) -> (\S+)$/.exec(line.trim());
  if (m) symlinkSync(join(TREE, m[2]), join(prefix, m[1]));
}

const boards = readFileSync(join(CORPUS, 'big/manifest.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]);
console.log('board'.padEnd(58), 'out KB', ' cold ms', ' warm ms', 'warm cpu', ' edit ms', 'resume ms', '  cpp ms');
try {
  for (const board of boards) {
    const abs = join(TREE, board);
    const setup = kbuildIncludeSetup(abs)!;
    clearLexCache();
    let t = performance.now();
    const r = preprocess(abs, { ...setup, fs: nodeFileSystem });
    const cold = performance.now() - t;
    const warm: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      preprocess(abs, { ...setup, fs: nodeFileSystem });
      warm.push(performance.now() - t);
    }
    const cu = process.cpuUsage(c0);
    const warmCpu = (cu.user + cu.system) / 1000 / RUNS;
    let editNo = 0;
    const efs = editingFs(abs, () => editNo);
    let prev: PreprocessResult = preprocess(abs, { ...setup, fs: efs });
    const edit: number[] = [];
    const resume: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      editNo++;
      t = performance.now();
      preprocess(abs, { ...setup, fs: efs });
      edit.push(performance.now() - t);
      editNo++;
      t = performance.now();
      prev = preprocess(abs, { ...setup, fs: efs, previous: prev });
      resume.push(performance.now() - t);
    }
    const cpp: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 9); i++) {
      t = performance.now();
      execFileSync('cpp', ['-nostdinc', '-I', prefix, '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', board], { cwd: TREE, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
      cpp.push(performance.now() - t);
    }
    console.log(board.padEnd(58), (r.text.length / 1024).toFixed(0).padStart(6), cold.toFixed(1).padStart(8), median(warm).toFixed(1).padStart(8), warmCpu.toFixed(1).padStart(8), median(edit).toFixed(1).padStart(8), median(resume).toFixed(2).padStart(9), median(cpp).toFixed(1).padStart(8));
  }
  if (process.env.ALL === '1') {
    const all = readFileSync(join(CORPUS, 'canon/expected-linux-6.12.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { board: string }).board);
    clearLexCache();
    const times: number[] = [];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const b of all) {
      const abs = join(TREE, b);
      const t = performance.now();
      preprocess(abs, { ...kbuildIncludeSetup(abs)!, fs: nodeFileSystem });
      times.push(performance.now() - t);
    }
    const c = process.cpuUsage(c0);
    console.log(`all ${all.length} boards, one process: ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU, median ${median(times).toFixed(2)} ms per board`);
  }
} finally {
  rmSync(prefix, { recursive: true, force: true });
}
