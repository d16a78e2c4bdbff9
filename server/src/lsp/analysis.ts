// One analysis of a board as the server keeps it: preprocess (through the overlay file system,
// so unsaved buffers count) -> compile -> optionally simulate + rules. `quick` analyses (while
// typing) stop after the front end; `full` ones (open, save) run the boot simulation too. The
// versions of the open documents read are recorded so a result computed from text that has
// since changed is never published.
import { compileText, type TextCompileResult } from '../dts/frontend.js';
import { preprocess, type PreprocessResult } from '../dts/preprocess/index.js';
import { readStrings, readU32, type DtTree, type Finding } from '../dts/tree.js';
import { simulate } from '../sim/simulate.js';
import { resolveProfile, type Arch } from '../sim/profile.js';
import { runRules } from '../rules/index.js';
import type { SimResult } from '../sim/types.js';
import type { FindingWithFixes } from './convert.js';
import type { OverlayFs } from './overlay.js';
import { archFromPath, includeSetup } from './kernel.js';
import type { Settings } from './settings.js';

export interface Analysis {
  board: string;
  full: boolean;
  /** path -> version of every open document the run read. */
  versions: Map<string, number>;
  pre: PreprocessResult;
  compile: TextCompileResult;
  sim?: SimResult;
  arch: Arch;
  /** Front-end findings first (preprocess, parse, merge), then the simulator's and the rules'. */
  findings: FindingWithFixes[];
  frontCount: number;
  /** The server's disk/settings epoch when the analysis ran (see AnalyzeInput.reuse). */
  epoch: number;
  timings: { preprocess: number; parse: number; simulate: number; rules: number; total: number };
  at: Date;
}

// ARMv8-A cores (arm64 capable) and ARMv7-A cores as the /cpus nodes name them.
const V8_CPU = /^arm,(armv8|cortex-a(3[45]|5[357]|6[05]|7[2-8]|510|520|710|715|720)|cortex-x\d|neoverse)/;
const V7_CPU = /^arm,(cortex-a(5|7|8|9|12|15|17)|arm11|arm9)\b/;

function cpuFamily(tree: DtTree): 'v8' | 'v7' | undefined {
  const cpus = tree.root.children.find((c) => c.name === 'cpus');
  for (const cpu of cpus?.children.slice(0, 64) ?? []) {
    for (const c of readStrings(cpu, 'compatible') ?? []) {
      if (V8_CPU.test(c)) return 'v8';
      if (V7_CPU.test(c)) return 'v7';
    }
  }
  return undefined;
}

/** `auto`: the path says arm64 or arm (arch/<arch>/boot/dts); else the CPUs' compatible
 * (ARMv8 cores -> arm64, ARMv7 -> arm); else the root's #address-cells (2 -> arm64). A 32-bit
 * board with 2 address cells needs an LPAE kernel (phys_addr_t must hold the addresses). */
export function detectArch(setting: string, board: string, tree: DtTree | undefined): Arch {
  if (setting === 'arm' || setting === 'arm-lpae' || setting === 'arm64') return setting;
  const cells = tree ? readU32(tree.root, '#address-cells') : undefined;
  const fromPath = archFromPath(board) ?? (tree && cpuFamily(tree) === 'v7' ? 'arm' : tree && cpuFamily(tree) === 'v8' ? 'arm64' : undefined);
  if (fromPath === 'arm64') return 'arm64';
  if (fromPath === 'arm') return cells === 2 ? 'arm-lpae' : 'arm';
  return cells === 1 ? 'arm' : 'arm64';
}

export interface AnalyzeInput {
  board: string;
  full: boolean;
  fs: OverlayFs;
  epoch?: number;
  settings: Settings;
  folder?: string;
  /** A previous analysis of the same text (same open-document versions, nothing changed on
   * disk or in the settings since): its preprocess/compile are reused, only the simulation and
   * the rules run. The as-you-type analyses thus make the one on save cheap. */
  reuse?: Analysis;
  /** What-if overrides (webview), never published as diagnostics. */
  whatIf?: { arch?: Arch; bootargs?: string; overrides?: Record<string, unknown> };
}

function safe<T>(what: string, f: () => T, findings: Finding[]): T | undefined {
  try {
    return f();
  } catch (e) {
    findings.push({ severity: 'error', code: 'internal', message: `${what} failed: ${e instanceof Error ? e.message : String(e)}` });
    return undefined;
  }
}

export function analyze(input: AnalyzeInput): Analysis {
  const t0 = performance.now();
  const session = input.fs.session();
  const findings: FindingWithFixes[] = [];
  let pre: PreprocessResult;
  let compile: TextCompileResult;
  let t1 = t0;
  let t2 = t0;
  if (input.reuse) {
    ({ pre, compile } = input.reuse);
    for (const [p, v] of input.reuse.versions) session.versions.set(p, v);
    findings.push(...input.reuse.findings.slice(0, input.reuse.frontCount));
  } else {
    const inc = includeSetup(input.board, input.settings.includePaths, input.folder);
    pre = preprocess(input.board, { includeDirs: inc.includeDirs, dtcIncludeDirs: inc.dtcIncludeDirs, prefixMap: inc.prefixMap, prefixDir: inc.prefixDir, fs: session });
    t1 = performance.now();
    const c = pre.text;
    compile = safe('compile', () => compileText(c, { map: pre.map, file: input.board }), findings)
      ?? compileText('/dts-v1/; / { };', { file: input.board });
    t2 = performance.now();
    // A .dtsi checked on its own has no /dts-v1/ by design (its board has it).
    const lone = input.board.endsWith('.dtsi');
    findings.push(...pre.findings, ...compile.findings.filter((f) => !(lone && f.code === 'dts-v1-missing')));
  }
  const frontCount = findings.length;
  const arch = input.whatIf?.arch ?? detectArch(input.settings.arch, input.board, compile.tree);
  let sim: SimResult | undefined;
  let t3 = t2;
  let t4 = t2;
  // An overlay (/plugin/) is not a bootable tree: front-end findings only.
  if (input.full && !compile.plugin) {
    const bootargs = input.whatIf?.bootargs ?? (input.settings.bootargs || undefined);
    const overrides = { ...input.settings.kernel, ...input.whatIf?.overrides };
    sim = safe('simulation', () => simulate(compile.tree, { arch, bootargs, overrides }), findings);
    t3 = performance.now();
    if (sim) findings.push(...sim.findings);
    const profile = sim?.profile ?? safe('profile', () => resolveProfile(arch, overrides), findings);
    if (profile) findings.push(...(safe('rules', () => runRules({ tree: compile.tree, sim, profile, readFile: (f) => session.readFile(f) }), findings) ?? []));
    t4 = performance.now();
  }
  return {
    board: input.board, full: input.full, versions: session.versions, pre, compile, sim, arch, findings, frontCount, epoch: input.epoch ?? 0,
    timings: { preprocess: t1 - t0, parse: t2 - t1, simulate: t3 - t2, rules: t4 - t3, total: t4 - t0 },
    at: new Date(),
  };
}
