// Test helpers for the rule tests: compile a fixture board (with an in-memory overlay over the
// disk so that fixes can be applied without touching the files), simulate it for one arch, run the
// rules, and apply a fix's text edits (exact ranges in the user's files).
import path from 'node:path';
import { compile } from '../../server/src/dts/frontend.js';
import { nodeFileSystem, type FileSystem } from '../../server/src/dts/preprocess/index.js';
import type { DtTree, SourceRange } from '../../server/src/dts/tree.js';
import { simulate } from '../../server/src/sim/simulate.js';
import type { Arch } from '../../server/src/sim/profile.js';
import type { SimResult } from '../../server/src/sim/types.js';
import { assumeRam, runRules, type Fix, type RuleFinding } from '../../server/src/rules/index.js';

export const FIXTURES = path.resolve(__dirname, '../fixtures/rules');

export type Overlay = Map<string, string>;

export function overlayFs(overlay: Overlay): FileSystem {
  return { readFile: (p) => overlay.get(p) ?? nodeFileSystem.readFile(p) };
}

export interface Checked {
  findings: RuleFinding[];
  tree: DtTree;
  sim?: SimResult;
  frontEndErrors: string[];
}

/** Compile + simulate + rules, as `dtmem check` does (RAM assumed when the board has none). */
export function check(file: string, arch: Arch | undefined, overlay: Overlay = new Map(), bootargs?: string): Checked {
  const abs = path.isAbsolute(file) ? file : path.join(FIXTURES, file);
  const fs = overlayFs(overlay);
  const r = compile(abs, { includeDirs: [path.dirname(abs)], fs });
  const ram = assumeRam(r.tree);
  const sim = arch ? simulate(ram.tree, { arch, bootargs }) : undefined;
  const findings = runRules({ tree: r.tree, sim, profile: sim?.profile ?? simulate(r.tree, { arch: 'arm64' }).profile, readFile: (p) => fs.readFile(p), assumedRam: ram.assumed });
  return { findings, tree: r.tree, sim, frontEndErrors: r.findings.filter((f) => f.severity === 'error').map((f) => `${f.code}: ${f.message}`) };
}

function offsetOf(text: string, line: number, col: number): number {
  let off = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off + col;
}

/** Applies the edits of `fixes` (all of them, several findings' fixes may be combined) to the
 * overlay (reading the files from disk the first time). Edits in one file must not overlap. */
export function applyFixes(fixes: Fix[], overlay: Overlay = new Map()): Overlay {
  const byFile = new Map<string, { range: SourceRange; newText: string }[]>();
  for (const f of fixes) for (const e of f.edits) byFile.set(e.range.file, [...(byFile.get(e.range.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    let text = overlay.get(file) ?? nodeFileSystem.readFile(file);
    if (text === undefined) throw new Error(`cannot read ${file}`);
    const spans = edits.map((e) => ({ s: offsetOf(text!, e.range.start.line, e.range.start.col), e: offsetOf(text!, e.range.end.line, e.range.end.col), t: e.newText }));
    spans.sort((a, b) => b.s - a.s);
    for (const sp of spans) text = text.slice(0, sp.s) + sp.t + text.slice(sp.e);
    overlay.set(file, text);
  }
  return overlay;
}

/** Findings that are warnings or errors. */
export function problems(fs: RuleFinding[]): RuleFinding[] {
  return fs.filter((f) => f.severity === 'error' || f.severity === 'warning');
}

export function describe(fs: RuleFinding[]): string {
  return fs.map((f) => `${f.severity} ${f.code} @${f.range ? `${path.basename(f.range.file)}:${f.range.start.line + 1}` : '-'}: ${f.message}`).join('\n');
}
