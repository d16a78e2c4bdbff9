// One analysis of a board as the server keeps it, on top of analyzeBoard (server/src/analyze.ts,
// shared with the CLI): read through the overlay file system so unsaved buffers count; `quick`
// analyses (while typing) stop after the front end, `full` ones (open, save) run the boot
// simulation and the rules. The versions of the open documents read are recorded so a result
// computed from text that has since changed is never published.
import path from 'node:path';
import { analyzeBoard, detectArch, type Analysis as BoardAnalysis } from '../analyze.js';
import type { CompileResult } from '../dts/frontend.js';
import type { PreprocessResult } from '../dts/preprocess/index.js';
import type { Arch } from '../sim/profile.js';
import type { SimResult } from '../sim/types.js';
import type { DtTree } from '../dts/tree.js';
import type { FindingWithFixes } from './convert.js';
import type { OverlayFs } from './overlay.js';
import type { Settings } from './settings.js';

export interface Analysis {
  board: string;
  full: boolean;
  /** path -> version of every open document the run read. */
  versions: Map<string, number>;
  pre: PreprocessResult;
  /** The front end's result (retention.ts's slimmed copy has no `ast`/`text`). */
  compile: CompileResult;
  /** Undefined for quick runs, trees dtc would refuse (errors), overlays and unmodelled archs. */
  sim?: SimResult;
  /** The profile simulated ('none' when no arch applies, e.g. riscv). */
  arch: Arch | 'none';
  /** Front-end findings first (preprocess, parse, merge), then the simulator's and the rules'. */
  findings: FindingWithFixes[];
  frontCount: number;
  /** The server's disk/settings epoch when the analysis ran (see AnalyzeInput.reuse). */
  epoch: number;
  /** The compile still holds what the next analysis of the board resumes from (statement AST,
   * parsed text, preprocessor checkpoints); false once retention.ts slimmed it. */
  incremental: boolean;
  /** What analyzeBoard recorded for reusing the simulation (simKey/simTree), when it did. */
  simReuse?: { simKey?: string; simTree?: DtTree };
  /** The include directories it compiled with (the next analysis of the board reuses them). */
  includeSetup?: BoardAnalysis['includeSetup'];
  timings: { preprocess: number; parse: number; simulate: number; rules: number; total: number };
  at: Date;
}

export interface AnalyzeInput {
  board: string;
  full: boolean;
  fs: OverlayFs;
  epoch?: number;
  settings: Settings;
  folder?: string;
  /** A previous analysis of the same text (same open-document versions, nothing changed on
   * disk or in the settings since): its front end is reused, only the simulation and the rules
   * run. The as-you-type analyses thus make the one on save cheap. */
  reuse?: Analysis;
  /** The board's kept analyses from the same epoch, for analyzeBoard's `previous` (the front end
   * resumes before the edit; an unchanged boot path reuses the simulation): `front` the latest,
   * used only while `incremental`; `sim` the last full one. Ignored for what-if runs. */
  previous?: { front?: Analysis; sim?: Analysis };
  /** What-if overrides (webview), never published as diagnostics. */
  whatIf?: { arch?: Arch; bootargs?: string; overrides?: Record<string, unknown>; ram?: { base: string; size: string }[] };
}

function archSetting(input: AnalyzeInput): Arch | 'auto' {
  const s = input.whatIf?.arch ?? input.settings.arch;
  return s === 'arm' || s === 'arm-lpae' || s === 'arm64' ? s : 'auto';
}

/** The profile a quick run would simulate (shown in status and requests before a full run). */
function arch(input: AnalyzeInput, r: BoardAnalysis): Arch | undefined {
  const s = archSetting(input);
  return s === 'auto' ? detectArch(input.board, r.compile.tree) : s;
}

/** analyzeBoard's `previous` from the kept analyses (one per board: nothing is copied). */
function boardPrevious(board: string, p: AnalyzeInput['previous']): BoardAnalysis | undefined {
  const front = p?.front;
  // A slimmed compile has no AST to resume from: passing it would make the parser look for one.
  if (!front || front.board !== board || !front.incremental) return undefined;
  const s = p?.sim?.board === board ? p.sim : undefined;
  const prev: BoardAnalysis = {
    entry: board, compile: front.compile, findings: [], timings: { compile: 0, simulate: 0, rules: 0 }, includeSetup: front.includeSetup,
    ...(s?.sim && s.simReuse ? { sim: s.sim, ...s.simReuse } : {}),
  };
  return prev;
}

export function analyze(input: AnalyzeInput): Analysis {
  const t0 = performance.now();
  const session = input.fs.session();
  // A .dtsi no board includes is checked on its own: front end only, and without dtc's
  // /dts-v1/ complaint (a .dtsi never has it; its board does).
  const lone = input.board.endsWith('.dtsi');
  const full = input.full && !lone;
  const overrides = { ...input.settings.kernel, ...input.whatIf?.overrides };
  const bootargs = input.whatIf?.bootargs ?? (input.settings.bootargs || undefined);
  const includeDirs = input.settings.includePaths.map((p) => (path.isAbsolute(p) ? p : path.resolve(input.folder ?? path.dirname(input.board), p)));
  if (input.reuse && full) for (const [p, v] of input.reuse.versions) session.versions.set(p, v);
  const previous = input.whatIf ? undefined : boardPrevious(input.board, input.previous);
  const memory = full ? input.whatIf?.ram?.map((b) => ({ base: BigInt(b.base), size: BigInt(b.size) })) : undefined;
  const r: BoardAnalysis = analyzeBoard(input.board, {
    // tree-sitter parses the expanded text in the editor: it re-parses only the edited part of
    // the previous tree (frontend.ts keeps it per board).
    arch: archSetting(input), bootargs, overrides, includeDirs, fs: session, simulate: full, parser: 'auto', incremental: !input.whatIf,
    ...(input.reuse && full ? { compiled: input.reuse.compile } : {}), ...(memory ? { memory } : {}),
    ...(previous ? { previous } : {}),
  });
  const front = r.compile.findings.length;
  let findings: FindingWithFixes[] = r.findings;
  let frontCount = front;
  if (lone) {
    findings = findings.filter((f, i) => i >= front || f.code !== 'dts-v1-missing');
    frontCount = findings.length;
  }
  // An overlay (/plugin/) is not a bootable tree: no boot findings for it.
  const sim = r.compile.plugin ? undefined : r.sim;
  if (r.compile.plugin) findings = findings.slice(0, frontCount);
  const ct = r.compile.timings;
  return {
    board: input.board, full, versions: session.versions, pre: r.compile.pre, compile: r.compile, sim,
    arch: r.arch ?? arch(input, r) ?? 'none', findings, frontCount, epoch: input.epoch ?? 0, incremental: true,
    ...(r.simKey !== undefined ? { simReuse: { simKey: r.simKey, simTree: r.simTree } } : {}),
    ...(r.includeSetup ? { includeSetup: r.includeSetup } : {}),
    timings: {
      preprocess: input.reuse && full ? 0 : ct.preprocess, parse: input.reuse && full ? 0 : ct.parse + ct.merge,
      simulate: r.timings.simulate, rules: r.timings.rules, total: performance.now() - t0,
    },
    at: new Date(),
  };
}
