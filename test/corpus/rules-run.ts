// Test helper: runs the diagnostics over Linux 6.12 corpus boards as `dtmem check` does: compile
// with the kbuild include setup, assume a RAM bank when the board gives no RAM size, simulate
// (arm64 boards on the arm64 profile, arm boards on arm, riscv boards not simulated), run the
// rules. Collects counts per code and every warning/error with file:line for pinning.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { CORPUS, LINUX } from './cpp-helper.js';
import { compileBoard } from './compile-board.js';
import { simulate } from '../../server/src/sim/simulate.js';
import { resolveProfile, type Arch } from '../../server/src/sim/profile.js';
import type { SimResult } from '../../server/src/sim/types.js';
import { hasProp, nodePath, readStrings, type DtTree } from '../../server/src/dts/tree.js';
import { assumeRam, runRules, type RuleFinding } from '../../server/src/rules/index.js';

export interface BoardEntry { board: string; arch: string }

export function loadBoards(): BoardEntry[] {
  const text = readFileSync(path.join(CORPUS, 'canon/expected-linux-6.12.jsonl'), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => {
    const e = JSON.parse(l) as BoardEntry;
    return { board: e.board, arch: e.arch };
  });
}

export function simArch(e: BoardEntry): Arch | undefined {
  return e.arch === 'arm64' ? 'arm64' : e.arch === 'arm' ? 'arm' : undefined;
}

export interface Hit {
  board: string;
  code: string;
  severity: string;
  /** `path/relative/to/linux-6.12:line` (1-based), or the board when the finding has no range. */
  where: string;
  node: string;
  message: string;
}

export interface BoardOutcome {
  hits: Hit[];
  all: RuleFinding[];
  crashed?: string;
  assumed: boolean;
  /** Legal coherent pools on the board: shared-dma-pool + no-map, no reusable (the near-miss). */
  coherentPools?: number;
  tree?: DtTree;
}

export async function checkCorpusBoard(e: BoardEntry): Promise<BoardOutcome> {
  try {
    const r = await compileBoard(e.board);
    const arch = simArch(e);
    const ram = assumeRam(r.tree);
    let sim: SimResult | undefined;
    if (arch) sim = simulate(ram.tree, { arch });
    const fileCache = new Map<string, string | undefined>();
    const readFile = (f: string) => {
      if (!fileCache.has(f)) {
        try { fileCache.set(f, readFileSync(f, 'utf8')); } catch { fileCache.set(f, undefined); }
      }
      return fileCache.get(f);
    };
    const all = runRules({ tree: r.tree, sim, profile: sim?.profile ?? resolveProfile('arm64'), readFile, assumedRam: ram.assumed });
    const hits = all.map((f) => ({
      board: e.board, code: f.code, severity: f.severity,
      where: f.range ? `${path.relative(LINUX, f.range.file)}:${f.range.start.line + 1}` : e.board,
      node: f.node ? nodePath(f.node) : '/', message: f.message,
    }));
    const rmn = r.tree.root.children.find((n) => n.name === 'reserved-memory');
    const coherentPools = (rmn?.children ?? []).filter((n) => (readStrings(n, 'compatible') ?? []).includes('shared-dma-pool') && hasProp(n, 'no-map') && !hasProp(n, 'reusable')).length;
    return { hits, all, assumed: !!ram.assumed, coherentPools, tree: r.tree };
  } catch (err) {
    return { hits: [], all: [], assumed: false, crashed: err instanceof Error ? err.stack ?? err.message : String(err) };
  }
}
