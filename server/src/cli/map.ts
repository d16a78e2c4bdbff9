// `dtmem map BOARD.dts [-o out.svg|out.png] [--arch ...] [--bootargs "..."] [-I dir]... [--config
// FILE.json] [--linear]`: the board's physical memory map (RAM banks, reserved-memory, CMA, zones)
// as the webview draws it — the same renderer (server/src/render, memoryMapSvg) fed with the same
// payload the language server sends the panel (lsp/simulation.ts simulationResult). SVG goes to
// stdout without -o. PNG is rasterised by a headless Chromium (DTMEM_CHROMIUM, else chromium /
// chromium-browser / google-chrome on PATH); without one, `-o x.png` fails with exit 2 and says so.
// Exit codes: 0 written, 2 usage, I/O, no renderer, or a board that cannot be simulated.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeBoard, initAnalysis } from '../analyze.js';
import { nodeFileSystem } from '../dts/preprocess/index.js';
import type { Analysis as LspAnalysis } from '../lsp/analysis.js';
import { pathToUri } from '../lsp/convert.js';
import { simulationResult } from '../lsp/simulation.js';
import { memoryMapSvg } from '../render/index.js';
import type { Arch } from '../sim/profile.js';
import { ConfigError, expandConfig } from './config.js';
import type { Io } from './batch.js';
import { archOrAuto, Argv, UsageError } from './args.js';

const usage = 'usage: dtmem map BOARD.dts [-o out.svg|out.png] [--arch auto|arm|arm-lpae|arm64] [--bootargs "..."] [-I dir]... [--config FILE.json] [--linear]\n';

export interface MapOptions {
  arch?: Arch | 'auto';
  bootargs?: string;
  includeDirs?: string[];
  mode?: 'log' | 'linear';
}

/** The memory-map SVG of a board, or the reason there is none (not simulated: riscv, errors). */
export async function boardMapSvg(board: string, opts: MapOptions = {}): Promise<{ svg?: string; reason?: string }> {
  await initAnalysis();
  const b = analyzeBoard(board, { arch: opts.arch ?? 'auto', bootargs: opts.bootargs, includeDirs: opts.includeDirs ?? [] });
  if (!b.sim) {
    const errors = b.findings.filter((f) => f.severity === 'error').slice(0, 3).map((f) => f.message);
    return { reason: errors.length ? `the board has errors the kernel would never get past: ${errors.join('; ')}` : 'no kernel profile applies to this board (riscv is not modelled)' };
  }
  // simulationResult reads the analysis fields the panel payload needs; the language server's
  // bookkeeping (open-document versions, epochs) has no meaning here.
  const a = {
    board, full: true, versions: new Map<string, number>(), compile: b.compile, sim: b.sim, arch: b.arch ?? 'none',
    findings: b.findings, frontCount: b.compile.findings.length, epoch: 0,
    timings: { preprocess: 0, parse: b.timings.compile, simulate: b.timings.simulate, rules: b.timings.rules, total: 0 }, at: new Date(0),
  } as unknown as LspAnalysis;
  return { svg: memoryMapSvg(simulationResult(a, pathToUri(board)), { mode: opts.mode ?? 'log' }) };
}

/** A headless Chromium for PNG output, if one is installed. */
export function findChromium(): string | undefined {
  const env = process.env.DTMEM_CHROMIUM;
  if (env) return existsSync(env) ? env : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      const p = path.join(dir, name);
      if (dir && existsSync(p)) return p;
    }
  }
  return undefined;
}

/** Rasterises an SVG with headless Chromium's --screenshot at the SVG's own size. */
export function svgToPng(svg: string, out: string, chromium: string): string | undefined {
  const w = Number(/<svg[^>]*\bwidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 1200);
  const h = Number(/<svg[^>]*\bheight="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 800);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dtmem-map-'));
  try {
    const html = path.join(dir, 'map.html');
    writeFileSync(html, `<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    const r = spawnSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(dir, 'profile')}`,
      `--window-size=${Math.min(Math.ceil(w), 16384)},${Math.min(Math.ceil(h), 16384)}`, `--screenshot=${path.resolve(out)}`, `file://${html}`,
    ], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) return `chromium failed: ${r.error.message}`;
    try {
      if (statSync(out).size > 0) return undefined;
    } catch {
      // fall through
    }
    return `chromium wrote no PNG (exit ${r.status}): ${(r.stderr ?? '').split('\n').slice(-3).join(' ')}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let args: string[];
  try {
    args = expandConfig('map', argv).args;
  } catch (e) {
    io.err.write(`dtmem map: ${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  let board: string | undefined;
  let out: string | undefined;
  const opts: MapOptions = { arch: 'auto', includeDirs: [] };
  const cl = new Argv(args);
  try {
    while (cl.next()) {
      const a = cl.arg;
      let v: string | undefined;
      if ((v = cl.value('-o') ?? cl.value('--output')) !== undefined) out = v;
      else if ((v = cl.value('--arch')) !== undefined) opts.arch = archOrAuto(v);
      else if ((v = cl.value('--bootargs')) !== undefined) opts.bootargs = v;
      else if ((v = cl.includeDir()) !== undefined) opts.includeDirs!.push(v);
      else if (a === '--linear') opts.mode = 'linear';
      else if (a === '-h' || a === '--help') {
        io.out.write(usage);
        return 0;
      } else if (a.startsWith('-') || board) throw new UsageError(`unexpected argument '${a}'`);
      else board = path.resolve(a);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err.write(`dtmem map: ${e.message}\n${usage}`);
    return 2;
  }
  if (!board) {
    io.err.write(usage);
    return 2;
  }
  if (out && !/\.(svg|png)$/i.test(out)) {
    io.err.write(`dtmem map: -o wants a .svg or .png file\n${usage}`);
    return 2;
  }
  if (nodeFileSystem.readFile(board) === undefined) {
    io.err.write(`dtmem map: ${board}: cannot read\n`);
    return 2;
  }
  const chromium = out && /\.png$/i.test(out) ? findChromium() : undefined;
  if (out && /\.png$/i.test(out) && !chromium) {
    io.err.write('dtmem map: PNG output needs a headless Chromium (install chromium or set DTMEM_CHROMIUM); -o out.svg needs nothing\n');
    return 2;
  }
  const r = await boardMapSvg(board, opts);
  if (!r.svg) {
    io.err.write(`dtmem map: ${board}: no memory map: ${r.reason}\n`);
    return 2;
  }
  if (!out) {
    io.out.write(r.svg.endsWith('\n') ? r.svg : r.svg + '\n');
    return 0;
  }
  try {
    if (chromium) {
      const err = svgToPng(r.svg, out, chromium);
      if (err) {
        io.err.write(`dtmem map: ${err}\n`);
        return 2;
      }
    } else writeFileSync(out, r.svg);
  } catch (e) {
    io.err.write(`dtmem map: ${out}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  return 0;
}

/** Reads back the PNG header (for tests and callers that check the output): width, height. */
export function pngSize(file: string): { width: number; height: number } | undefined {
  const b = readFileSync(file);
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47) return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
