// Simulator benchmark: compiles every board of corpus/big/manifest.tsv once, picks the largest
// (most nodes + properties) and reports the median time of simulate() on it for its arch
// (arm boards on the arm profile), cold and warm, plus the other big boards for comparison.
// Run: node --import tsx bench/sim.ts
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from '../server/src/dts/frontend.js';
import { kbuildIncludeSetup } from '../server/src/dts/kernel_tree.js';
import { nodeFileSystem } from '../server/src/dts/preprocess/index.js';
import { walk, type DtTree } from '../server/src/dts/tree.js';
import type { Arch } from '../server/src/sim/profile.js';
import { simulate } from '../server/src/sim/simulate.js';
import { CORPUS, LINUX } from '../test/corpus/cpp-helper.js';

const RUNS = 15;
const median = (a: number[]): number => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]!; };

function boards(): { board: string; arch: string }[] {
  return readFileSync(path.join(CORPUS, 'big', 'manifest.tsv'), 'utf8').split('\n').slice(1).filter(Boolean)
    .map((l) => l.split('\t')).map(([board, arch]) => ({ board: board!, arch: arch! }));
}

function size(tree: DtTree): number {
  let n = 0;
  for (const node of walk(tree.root)) n += 1 + node.props.length;
  return n;
}

function main(): void {
  const rows: { board: string; arch: Arch; tree: DtTree; items: number }[] = [];
  for (const { board, arch } of boards()) {
    if (arch !== 'arm' && arch !== 'arm64') continue;
    const abs = path.join(LINUX, board);
    const r = compile(abs, { ...kbuildIncludeSetup(abs)!, fs: nodeFileSystem });
    rows.push({ board, arch: arch as Arch, tree: r.tree, items: size(r.tree) });
  }
  rows.sort((a, b) => b.items - a.items);
  console.log('board'.padEnd(64), 'nodes+props', 'cold ms', `median of ${RUNS} ms`, 'events', 'Memory:');
  for (const row of rows) {
    const t0 = performance.now();
    simulate(row.tree, { arch: row.arch });
    const cold = performance.now() - t0;
    const times: number[] = [];
    let last = simulate(row.tree, { arch: row.arch });
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      last = simulate(row.tree, { arch: row.arch });
      times.push(performance.now() - t);
    }
    console.log(row.board.padEnd(64), String(row.items).padStart(11), cold.toFixed(1).padStart(7), median(times).toFixed(2).padStart(10),
      String(last.memblockEvents.length).padStart(7), last.memoryLine?.text.replace(/ \(.*/, '') ?? last.findings.map((f) => f.code).join(','));
  }
}

main();
