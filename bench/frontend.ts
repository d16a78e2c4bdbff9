// Front-end benchmark: for the 5 boards of corpus/big/manifest.tsv, median times of preprocess,
// parse (tree-sitter structure and native parser) and merge, cold (first compile in the process,
// preprocessor caches cleared) and warm, beside the real `cpp | dtc` for the same board.
// Warm runs model an on-save re-analysis: each run the board file gets a different trailing
// property (an edit), so tree-sitter re-parses incrementally from the previous tree; `ts full`
// is a fresh tree-sitter parse of the same text (no previous tree).
// `--corpus` adds whole-corpus totals (every board once, one process) for dtmem and cpp | dtc.
// Run: node --import tsx bench/frontend.ts [--corpus]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compile, compileText, initParser, type CompileResult } from '../server/src/dts/frontend.js';
import { kbuildIncludeSetup } from '../server/src/dts/kernel_tree.js';
import { clearLexCache, nodeFileSystem, type FileSystem } from '../server/src/dts/preprocess/index.js';
import { CORPUS, LINUX } from '../test/corpus/cpp-helper.js';
import { cppDtc, dtcVersion, hasDtc } from './util.js';

const WARM_RUNS = 9;
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const ms = (x: number): string => x.toFixed(1).padStart(7);

function manifest(name: string): string[] {
  return readFileSync(path.join(CORPUS, name, 'manifest.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]);
}

let edit = 0;
/** The real files, with an edit appended to the board (a new value each call). */
const editingFs = (abs: string): FileSystem => ({
  readFile: (p) => {
    const t = nodeFileSystem.readFile(p);
    return p === abs && t !== undefined ? `${t}\n/ { dtmem-bench = <${edit++}>; };\n` : t;
  },
});

function run(board: string, parser: 'tree-sitter' | 'native', fresh = false): CompileResult {
  const abs = path.join(LINUX, board);
  const opts = { ...kbuildIncludeSetup(abs)!, fs: editingFs(abs), parser };
  if (!fresh) return compile(abs, opts);
  // No previous tree: compile the preprocessed text under a key never used before.
  const r = compile(abs, { ...opts, parser: 'native' });
  const t = compileText(r.pre.text, { map: r.pre.map, parser, cacheKey: undefined });
  return { ...t, pre: r.pre, timings: { preprocess: r.timings.preprocess, ...t.timings } };
}

async function main(): Promise<void> {
  const dtc = hasDtc();
  if (!dtc) console.log('dtc not found (apt-get install -y device-tree-compiler, or bench/get-dtc.sh): cpp | dtc column skipped');
  const t0 = performance.now();
  await initParser();
  console.log(`initParser (web-tree-sitter + grammar): ${(performance.now() - t0).toFixed(1)} ms`);
  const boards = manifest('big');
  console.log('\nmedian ms; pre = preprocess, ts = tree-sitter parse (incremental after an edit) + top-level walk + parser.ts per statement,');
  console.log('ts full = the same without a previous tree, nat = native parser, merge = merge + fixups + DtTree');
  console.log('board                                    | cold: pre  parse  merge | warm: pre     ts ts full    nat  merge | total(ts) total(nat) | cpp|dtc');
  for (const b of boards) {
    clearLexCache();
    const cold = run(b, 'tree-sitter');
    const w = { pre: [] as number[], ts: [] as number[], full: [] as number[], nat: [] as number[], mts: [] as number[], mnat: [] as number[] };
    for (let i = 0; i < WARM_RUNS; i++) {
      const a = run(b, 'tree-sitter');
      const n = run(b, 'native');
      w.full.push(run(b, 'tree-sitter', true).timings.parse);
      w.pre.push(a.timings.preprocess, n.timings.preprocess);
      w.ts.push(a.timings.parse);
      w.nat.push(n.timings.parse);
      w.mts.push(a.timings.merge);
      w.mnat.push(n.timings.merge);
    }
    const merge = median([...w.mts, ...w.mnat]);
    const totTs = median(w.pre) + median(w.ts) + merge;
    const totNat = median(w.pre) + median(w.nat) + merge;
    let dtcCol = '   n/a';
    if (dtc) {
      const runs = Array.from({ length: 5 }, () => cppDtc(b));
      dtcCol = ms(median(runs.map((r) => r.ms))) + (runs[0].ok ? '' : ` (dtc ${dtcVersion()} fails)`);
    }
    const via = cold.parsedBy === 'tree-sitter' ? '' : ' *';
    console.log(`${(b.split('/').pop()! + via).padEnd(40)} | ${ms(cold.timings.preprocess)}${ms(cold.timings.parse)}${ms(cold.timings.merge)} | ${ms(median(w.pre))}${ms(median(w.ts))}${ms(median(w.full))}${ms(median(w.nat))}${ms(merge)} | ${ms(totTs)}   ${ms(totNat)} | ${dtcCol}`);
  }
  console.log('* = the tree-sitter CST had errors (grammar gaps), so the native parser built the structure');

  if (process.argv.includes('--corpus')) {
    const all = readFileSync(path.join(CORPUS, 'canon/expected-linux-6.12.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { board: string }).board);
    for (const parser of ['native', 'tree-sitter'] as const) {
      const t = { pre: 0, parse: 0, merge: 0 };
      const start = performance.now();
      for (const b of all) {
        const r = run(b, parser);
        t.pre += r.timings.preprocess; t.parse += r.timings.parse; t.merge += r.timings.merge;
      }
      console.log(`\nwhole corpus, dtmem (${parser}), ${all.length} boards, one process: ${((performance.now() - start) / 1000).toFixed(1)} s (preprocess ${(t.pre / 1000).toFixed(1)} s, parse ${(t.parse / 1000).toFixed(1)} s, merge ${(t.merge / 1000).toFixed(1)} s)`);
    }
    if (dtc) {
      const start = performance.now();
      let failed = 0;
      for (const b of all) if (!cppDtc(b).ok) failed++;
      console.log(`whole corpus, cpp | dtc 1.6.1, sequential: ${((performance.now() - start) / 1000).toFixed(1)} s (${failed} boards dtc 1.6.1 cannot compile)`);
    }
  }
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
