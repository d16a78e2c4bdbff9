// Simulator benchmark: compiles every board of corpus/big/manifest.tsv once, picks the largest
// (most nodes + properties) and reports the median time of simulate() on it for its arch
// (arm boards on the arm profile): the first run (cold JIT, incl. the no-memory probe) and the
// warm median, plus the other big boards for comparison.
// Boards whose /memory is filled in by the boot loader (reg size 0) get 4 GiB at the memory
// node's base, as `dtmem simulate --mem` would give them.
// Run: node --import tsx bench/sim.ts
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from '../server/src/dts/frontend.js';
import { kbuildIncludeSetup } from '../server/src/dts/kernel_tree.js';
import { nodeFileSystem } from '../server/src/dts/preprocess/index.js';
import { getProp, readNumber, readString, walk, type DtTree } from '../server/src/dts/tree.js';
import type { SimulateOptions } from '../server/src/sim/simulate.js';
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

/** 4 GiB at the first memory node's base when the DTS leaves the size to the boot loader. */
function bootLoaderMemory(tree: DtTree): SimulateOptions['memory'] {
  const mem = tree.root.children.find((c) => readString(c, 'device_type') === 'memory');
  const reg = mem && getProp(mem, 'reg');
  if (!reg || reg.value.length < 8) return undefined;
  const cells = reg.value.length >= 16 ? 2 : 1;
  return [{ base: readNumber(reg.value, 0, cells), size: 4n << 30n }];
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
  const optsOf = (row: (typeof rows)[number]): SimulateOptions => {
    const first = simulate(row.tree, { arch: row.arch });
    const memory = first.findings.some((f) => f.code === 'sim-no-memory') ? bootLoaderMemory(row.tree) : undefined;
    return memory ? { arch: row.arch, memory } : { arch: row.arch };
  };
  console.log('board'.padEnd(64), 'nodes+props', 'first ms', `median of ${RUNS} ms`, 'events', 'Memory:');
  for (const row of rows) {
    const t0 = performance.now();
    const opts = optsOf(row);
    simulate(row.tree, opts);
    const cold = performance.now() - t0;
    const times: number[] = [];
    let last = simulate(row.tree, opts);
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      last = simulate(row.tree, opts);
      times.push(performance.now() - t);
    }
    console.log((row.board + (opts.memory ? ' (+4G)' : '')).padEnd(64), String(row.items).padStart(11), cold.toFixed(1).padStart(7), median(times).toFixed(2).padStart(10),
      String(last.memblockEvents.length).padStart(7), last.memoryLine?.text.replace(/ \(.*/, '') ?? last.findings.map((f) => f.code).join(','));
  }
}

main();
