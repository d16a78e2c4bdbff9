// Shared pieces of the benches: the corpus board lists, medians, the reference `cpp | dtc`
// pipeline exactly as kbuild runs it (scripts/Makefile.lib cmd_dtc: cpp -nostdinc -I
// include-prefixes -undef -D__DTS__ -x assembler-with-cpp, then dtc -i dirname -i
// include-prefixes), and the machine-readable line a bench prints for bench/run.ts.
import { execFile, execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS, LINUX, includePrefixDir } from '../test/corpus/cpp-helper.js';

export { CORPUS, LINUX };

export const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The 5 big boards (corpus/big/manifest.tsv): path relative to the tree, and arch. */
export function bigBoards(): { board: string; arch: string }[] {
  return readFileSync(path.join(CORPUS, 'big', 'manifest.tsv'), 'utf8').split('\n').slice(1).filter(Boolean)
    .map((l) => l.split('\t')).map(([board, arch]) => ({ board: board!, arch: arch! }));
}

/** Every board of the canonical corpus (2775), relative to the tree. */
export function allBoards(): string[] {
  return readFileSync(path.join(CORPUS, 'canon/expected-linux-6.12.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => (JSON.parse(l) as { board: string }).board);
}

export const hasDtc = (): boolean => existsSync('/usr/bin/dtc') && existsSync('/usr/bin/cpp');

/** The shell pipeline kbuild runs for one board (output discarded). */
export function cppDtcCommand(board: string): string {
  const abs = path.join(LINUX, board);
  const p = includePrefixDir();
  return `cpp -nostdinc -I ${p} -undef -D__DTS__ -x assembler-with-cpp ${abs} | dtc -q -I dts -O dtb -b 0 -i ${path.dirname(abs)} -i ${p} -o /dev/null -`;
}

/** Wall time of one `cpp | dtc` run (ok: dtc exited 0). */
export function cppDtc(board: string): { ms: number; ok: boolean } {
  const cmd = cppDtcCommand(board);
  const t0 = performance.now();
  let ok = true;
  try { execSync(cmd, { stdio: ['ignore', 'ignore', 'ignore'], shell: '/bin/sh' }); } catch { ok = false; }
  return { ms: performance.now() - t0, ok };
}

/** The same, asynchronously (for parallel workers). */
export function cppDtcAsync(board: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', cppDtcCommand(board)], { maxBuffer: 64 * 1024 * 1024 }, (err) => resolve(!err));
  });
}

/** A bench's figures for bench/run.ts: one line `BENCH_JSON {...}` on stdout. */
export function emitJson(bench: string, rows: Record<string, number | string | boolean>[]): void {
  if (process.argv.includes('--json')) console.log(`BENCH_JSON ${JSON.stringify({ bench, rows })}`);
}

export const ms = (x: number): string => x.toFixed(1).padStart(7);
