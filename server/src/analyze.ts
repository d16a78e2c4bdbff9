// One analysis of a board, shared by the CLI and the language server: preprocess + parse + merge
// (dts/), the boot simulation for the chosen kernel profile (sim/), and the diagnostics (rules/).
// Pure: no editor imports; file access goes through the FileSystem the caller passes (the language
// server overlays unsaved buffers on the disk).
import path from 'node:path';
import { compile, initParser, type CompileResult } from './dts/frontend.js';
import { nodeFileSystem, type FileSystem } from './dts/preprocess/index.js';
import { kbuildIncludeSetup } from './dts/kernel_tree.js';
import { readStrings, readU32, type DtTree } from './dts/tree.js';
import { simulate, type SimulateOptions } from './sim/simulate.js';
import { rebaseSim, simInputKey } from './sim/reuse.js';
import { treeCensus } from './sim/census.js';
import { resolveProfile, type Arch, type Profile, type ProfileOverrides } from './sim/profile.js';
import type { SimResult } from './sim/types.js';
import { assumeRam, runRules, SIM_FINDINGS_COVERED_BY_RULES, type RuleFinding } from './rules/index.js';

export interface AnalyzeOptions {
  /** Kernel profile; 'auto' (default) detects it from the path and the tree. */
  arch?: Arch | 'auto';
  /** Replaces /chosen/bootargs when set. */
  bootargs?: string;
  overrides?: ProfileOverrides | Record<string, unknown>;
  /** Extra `-I` directories, searched after kbuild's. */
  includeDirs?: string[];
  fs?: FileSystem;
  /** false: front end only (as the user types). */
  simulate?: boolean;
  /** A front-end result for the same text (the language server's as-you-type run): reused, so a
   * save only simulates and runs the rules. */
  compiled?: CompileResult;
  /** RAM banks a boot loader would write into /memory (what-if), replacing the tree's. */
  memory?: { base: bigint; size: bigint }[];
  /** Front-end parser when `compiled` is not given (default `native`, as `dtmem check` runs:
   * parser.ts alone builds the same statements without tree-sitter's parse and its wasm warm-up;
   * the language server passes `auto`). */
  parser?: 'auto' | 'native' | 'tree-sitter';
  /** The previous analysis of the same board with the same options (the editor's last run):
   * the front end resumes from its state before the edited text. */
  previous?: Analysis;
  /** Keep what the next analysis of the board reuses (the simulation's input key) even without
   * a `previous`: the editor's runs set it; one-shot runs (the CLI) do not pay for it. */
  incremental?: boolean;
}

export interface Analysis {
  entry: string;
  compile: CompileResult;
  /** undefined when not simulated (front end only, riscv, or a tree dtc would reject). */
  sim?: SimResult;
  profile?: Profile;
  arch?: Arch;
  /** The RAM bank assumed for a board that leaves the size to the boot loader. */
  assumedRam?: { base: bigint; size: bigint };
  /** Front-end findings, then the simulator's (those no rule rephrases), then the rules'. */
  findings: RuleFinding[];
  timings: { compile: number; simulate: number; rules: number };
  /** What the simulation read (sim/reuse.ts simInputKey) and the tree it ran on, so the next
   * analysis can reuse it. */
  simKey?: string;
  simTree?: DtTree;
  /** The include directories the board was compiled with (and the extra ones asked for). */
  includeSetup?: { extra: string[]; dirs: ReturnType<typeof includeSetupFor> };
}

/** Loads the tree-sitter wasm once; call before analyzeBoard. */
export async function initAnalysis(): Promise<void> {
  await initParser();
}

/** kbuild's include setup for a board in a Linux tree (else the board's own folder), with the
 * user's extra directories searched last. */
export function includeSetupFor(entry: string, extra: string[] = []) {
  const kb = kbuildIncludeSetup(entry);
  if (kb) return { ...kb, includeDirs: [...kb.includeDirs, ...extra], dtcIncludeDirs: [...kb.dtcIncludeDirs, ...extra] };
  const dir = path.dirname(entry);
  return { includeDirs: [...extra, dir], dtcIncludeDirs: [dir, ...extra] };
}

const V8_CPU = /^(arm,cortex-a(3[2-9]|5\d|6\d|7[2-9]|7\d\d|\d{3})|arm,cortex-x\d|arm,neoverse|arm,armv8|apm,potenza|cavium,thunder|nvidia,(carmel|denver)|qcom,(kryo|falkor|oryon))/;
const V7_CPU = /^(arm,cortex-a(5|7|8|9|12|15|17)$|arm,armv7|marvell,pj4|qcom,(krait|scorpion))/;

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

/** The kernel profile for a board: the path says it in a Linux tree (arch/<arch>/boot/dts;
 * riscv is not modelled), else the CPUs' compatible (ARMv8 cores run arm64), else the root's
 * #address-cells. A 32-bit board with 2 address cells needs an LPAE kernel: phys_addr_t must
 * hold its addresses. */
export function detectArch(entry: string, tree: DtTree | undefined): Arch | undefined {
  const p = entry.split(path.sep).join('/');
  if (p.includes('/arch/riscv/')) return undefined;
  const cells = tree ? readU32(tree.root, '#address-cells') : undefined;
  const family = p.includes('/arch/arm64/') ? 'v8' : p.includes('/arch/arm/') ? 'v7' : tree && cpuFamily(tree);
  if (family === 'v8') return 'arm64';
  if (family === 'v7') return cells === 2 ? 'arm-lpae' : 'arm';
  if (tree && (readStrings(tree.root, 'compatible') ?? []).some((c) => /riscv|sifive|starfive|thead/.test(c))) return undefined;
  return cells === 1 ? 'arm' : 'arm64';
}

/** Analyses a board (after initAnalysis()). Never throws. */
export function analyzeBoard(entry: string, opts: AnalyzeOptions = {}): Analysis {
  const fs = opts.fs ?? nodeFileSystem;
  const t0 = performance.now();
  const previous = opts.previous?.entry === entry ? opts.previous : undefined;
  // kbuild's include setup probes the file system up to the tree's root: the previous analysis
  // of the board (same options) already did
  const extra = opts.includeDirs ?? [];
  const setup = previous?.includeSetup && previous.includeSetup.extra.join('\0') === extra.join('\0') ? previous.includeSetup : { extra, dirs: includeSetupFor(entry, extra) };
  const compiled = opts.compiled ?? compile(entry, { ...setup.dirs, fs, parser: opts.parser ?? 'native', ...(previous ? { previous: previous.compile } : {}) });
  const t1 = performance.now();
  const out: Analysis = { entry, compile: compiled, findings: [...compiled.findings], timings: { compile: t1 - t0, simulate: 0, rules: 0 }, includeSetup: setup };
  const arch = opts.arch && opts.arch !== 'auto' ? opts.arch : detectArch(entry, compiled.tree);
  // dtc refuses a tree with errors: the kernel would never see it.
  if (opts.simulate === false || compiled.findings.some((f) => f.severity === 'error')) return out;
  out.arch = arch;
  out.profile = resolveProfile(arch ?? 'arm64', opts.overrides);
  const ram = assumeRam(compiled.tree);
  out.assumedRam = ram.assumed;
  if (arch) {
    // The whole-tree quantities (DTB size, unflatten size, ...) are one walk, shared by the key
    // and the simulation.
    const simOpts: SimulateOptions = { arch, bootargs: opts.bootargs || undefined, overrides: opts.overrides, ...(opts.memory ? { memory: opts.memory } : {}), census: treeCensus(ram.tree, out.profile) };
    // Re-simulate only when something the boot path reads changed (sim/reuse.ts): the previous
    // result, re-pointed at this tree's nodes, is the same outcome. The key costs whole-tree
    // walks, so a one-shot analysis (the CLI) does not make one.
    const key = opts.incremental || previous ? simInputKey(ram.tree, simOpts) : undefined;
    const prev = key !== undefined && previous?.sim && previous.simKey === key && previous.simTree ? rebaseSim(previous.sim, previous.simTree, ram.tree) : undefined;
    out.sim = prev ?? simulate(ram.tree, simOpts);
    if (key !== undefined) {
      out.simKey = key;
      out.simTree = ram.tree;
    }
    out.findings.push(...out.sim.findings.filter((f) => !SIM_FINDINGS_COVERED_BY_RULES.has(f.code)));
  }
  const t2 = performance.now();
  out.findings.push(...runRules({ tree: compiled.tree, sim: out.sim, profile: out.profile, readFile: (f) => fs.readFile(f), assumedRam: ram.assumed }));
  out.timings.simulate = t2 - t1;
  out.timings.rules = performance.now() - t2;
  return out;
}
