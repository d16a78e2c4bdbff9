// Shared pieces of the benches: the corpus board lists, medians, the reference `cpp | dtc`
// pipeline exactly as kbuild runs it (scripts/Makefile.lib cmd_dtc: cpp -nostdinc -I
// include-prefixes -undef -D__DTS__ -x assembler-with-cpp, then dtc -i dirname -i
// include-prefixes), and the machine-readable line a bench prints for bench/run.ts.
// The dtc: $DTMEM_BENCH_DTC, else the newest ~/.cache/dtmem-bench/dtc-<version>/dtc built by
// bench/get-dtc.sh (dtc >= 1.7.0 from Debian's source package; Linux 6.12's corpus was made with
// 1.7.0, and Debian 12's dtc 1.6.1 stops early on some boards, e.g. stm32mp153c-mecio1r1), else
// /usr/bin/dtc.
import { execFile, execFileSync, execSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CORPUS, LINUX, includePrefixDir } from '../test/corpus/cpp-helper.js';
import { nodeFileSystem, type FileSystem } from '../server/src/dts/preprocess/index.js';

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

/** Where bench/get-dtc.sh puts its builds. */
export const DTC_CACHE = path.join(os.homedir(), '.cache', 'dtmem-bench');

const versionKey = (v: string): number[] => v.split('.').map((x) => Number(x) || 0);
const cmpVersion = (a: string, b: string): number => {
  const x = versionKey(a), y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

let dtcBin: string | undefined;
/** The dtc the benches run: $DTMEM_BENCH_DTC, else the newest bench/get-dtc.sh build, else /usr/bin/dtc. */
export function dtcPath(): string {
  if (dtcBin) return dtcBin;
  const env = process.env.DTMEM_BENCH_DTC;
  if (env) return (dtcBin = path.resolve(env));
  let best: { v: string; p: string } | undefined;
  try {
    for (const d of readdirSync(DTC_CACHE)) {
      const m = /^dtc-(\d+(?:\.\d+)*)$/.exec(d);
      const p = path.join(DTC_CACHE, d, 'dtc');
      if (m && existsSync(p) && (!best || cmpVersion(m[1]!, best.v) > 0)) best = { v: m[1]!, p };
    }
  } catch {
    // no cache folder: bench/get-dtc.sh was never run
  }
  return (dtcBin = best?.p ?? '/usr/bin/dtc');
}

let dtcVer: string | undefined;
/** `dtc --version` of dtcPath(), e.g. "1.7.2" ("?" when it does not run). */
export function dtcVersion(): string {
  if (dtcVer) return dtcVer;
  try {
    const out = execFileSync(dtcPath(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    dtcVer = /Version: DTC (\S+)/.exec(out)?.[1] ?? '?';
  } catch {
    dtcVer = '?';
  }
  return dtcVer;
}

/** "dtc 1.7.2 (~/.cache/dtmem-bench/dtc-1.7.2/dtc)": which dtc the `cpp | dtc` column used. */
export function dtcLabel(): string {
  const p = dtcPath();
  return `dtc ${dtcVersion()} (${p.startsWith(os.homedir() + path.sep) ? '~' + p.slice(os.homedir().length) : p})`;
}

let announced = false;
/** cpp and the chosen dtc are there; says once which dtc (and version) the bench uses. */
export function hasDtc(): boolean {
  const ok = existsSync(dtcPath()) && existsSync('/usr/bin/cpp');
  if (ok && !announced) {
    announced = true;
    console.log(`cpp | dtc reference: ${dtcLabel()}${cmpVersion(dtcVersion(), '1.7.0') < 0 ? ' — older than 1.7.0, run bench/get-dtc.sh for a newer one' : ''}`);
  }
  return ok;
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The shell pipeline kbuild runs for one board (output discarded). */
export function cppDtcCommand(board: string): string {
  const abs = path.join(LINUX, board);
  const p = includePrefixDir();
  return `cpp -nostdinc -I ${p} -undef -D__DTS__ -x assembler-with-cpp ${abs} | ${shq(dtcPath())} -q -I dts -O dtb -b 0 -i ${path.dirname(abs)} -i ${p} -o /dev/null -`;
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

/** The real files, the board `abs` with one property line inserted after its `/ {` line when
 * `edit()` gives a number (the benches' one-line edit), with version tokens as the language
 * server's overlay has them. */
export function editingFs(abs: string, edit: () => number | undefined): FileSystem {
  return {
    readFile: (p) => {
      const t = nodeFileSystem.readFile(p);
      const n = edit();
      if (p !== abs || t === undefined || n === undefined) return t;
      const m = /^\/ \{[^\n]*\n/m.exec(t);
      const line = `\tdtmem-bench = <${n}>;\n`;
      return m ? t.slice(0, m.index + m[0].length) + line + t.slice(m.index + m[0].length) : `${t}\n/ {\n${line}};\n`;
    },
    // As the language server's overlay: the edited buffer has its own version, other files the
    // disk's token (a resumed run checks them without reading them again).
    version: (p) => (p === abs ? `edit:${edit() ?? 'disk'}:${nodeFileSystem.version!(p)}` : nodeFileSystem.version!(p)),
  };
}
