// One board of `dtmem check` (the command itself, with globs and workers, is batch.ts): the shared
// analysis (analyze.ts: compiled like kbuild, simulated, rules) and its output formats. Text follows
// dtc's warning format (`file:line.col-col: Warning (code): /path: message`) so existing problem
// matchers pick it up; SARIF is 2.1.0.
import path from 'node:path';
import { analyzeBoard } from '../analyze.js';
import { nodePath, type Finding, type SourceRange } from '../dts/tree.js';
import type { Arch } from '../sim/profile.js';
import { ruleCatalog, type RuleFinding } from '../rules/index.js';


export interface CheckOptions {
  arch: Arch | 'auto';
  bootargs?: string;
  includeDirs: string[];
}

export interface BoardReport {
  board: string;
  /** The simulated profile, or undefined when the board was not simulated (riscv). */
  arch?: Arch;
  findings: RuleFinding[];
}

export function checkBoard(board: string, opts: CheckOptions): BoardReport {
  const a = analyzeBoard(board, { arch: opts.arch, bootargs: opts.bootargs, includeDirs: opts.includeDirs });
  return { board, arch: a.sim ? a.arch : undefined, findings: a.findings };
}

// ---- output formats ------------------------------------------------------------------------

function where(r: SourceRange | undefined, board: string): string {
  if (!r) return board;
  const l1 = r.start.line + 1;
  const c1 = r.start.col + 1;
  if (r.end.line === r.start.line) return `${r.file}:${l1}.${c1}-${r.end.col + 1}`;
  return `${r.file}:${l1}.${c1}-${r.end.line + 1}.${r.end.col + 1}`;
}

const sevWord: Record<Finding['severity'], string> = { error: 'ERROR', warning: 'Warning', info: 'Info', hint: 'Hint' };

/** One dtc-style line per finding (+ indented notes for related locations). */
export function formatText(rep: BoardReport, withInfo: boolean): string {
  const out: string[] = [];
  for (const f of rep.findings) {
    if (!withInfo && (f.severity === 'info' || f.severity === 'hint')) continue;
    const p = f.node ? nodePath(f.node) : '/';
    out.push(`${where(f.range, rep.board)}: ${sevWord[f.severity]} (${f.code}): ${p}: ${f.message}`);
    for (const rel of f.related ?? []) out.push(`    ${where(rel.range, rep.board)}: note: ${rel.message}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

export function toJson(reps: BoardReport[]): unknown {
  return reps.map((rep) => ({
    board: rep.board,
    arch: rep.arch ?? null,
    findings: rep.findings.map((f) => ({
      severity: f.severity, code: f.code, message: f.message, path: f.node ? nodePath(f.node) : undefined,
      range: f.range, related: f.related, fixes: f.fixes,
    })),
  }));
}

const sarifLevel: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function fileUri(file: string): string {
  const abs = path.resolve(file).replace(/\\/g, '/');
  return 'file://' + (abs.startsWith('/') ? '' : '/') + abs.split('/').map(encodeURIComponent).join('/');
}

function region(r: SourceRange): Record<string, number> {
  return { startLine: r.start.line + 1, startColumn: r.start.col + 1, endLine: r.end.line + 1, endColumn: r.end.col + 1 };
}

function location(r: SourceRange): Record<string, unknown> {
  return { physicalLocation: { artifactLocation: { uri: fileUri(r.file) }, region: region(r) } };
}

/** A SARIF 2.1.0 log: one run, the rule catalogue as the driver's rules, fixes as replacements. */
export function toSarif(reps: BoardReport[], version = '0.1.0'): unknown {
  const codes = new Map<string, { title: string; kernel: string }>();
  for (const c of ruleCatalog) codes.set(c.code, c);
  const results: unknown[] = [];
  const used = new Set<string>();
  for (const rep of reps) {
    for (const f of rep.findings) {
      used.add(f.code);
      const res: Record<string, unknown> = {
        ruleId: f.code,
        level: sarifLevel[f.severity],
        message: { text: f.message },
        locations: [f.range ? location(f.range) : { physicalLocation: { artifactLocation: { uri: fileUri(rep.board) } } }],
      };
      if (f.node) (res.locations as Record<string, unknown>[])[0]!.logicalLocations = [{ fullyQualifiedName: nodePath(f.node), kind: 'object' }];
      if (f.related?.length) {
        res.relatedLocations = f.related.map((rel, i) => ({ id: i + 1, ...location(rel.range), message: { text: rel.message } }));
      }
      if (f.fixes?.length) {
        res.fixes = f.fixes.map((fx) => {
          const byFile = new Map<string, { range: SourceRange; newText: string }[]>();
          for (const e of fx.edits) byFile.set(e.range.file, [...(byFile.get(e.range.file) ?? []), e]);
          return {
            description: { text: fx.title },
            artifactChanges: [...byFile].map(([file, edits]) => ({
              artifactLocation: { uri: fileUri(file) },
              replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
            })),
          };
        });
      }
      results.push(res);
    }
  }
  const rules = [...used].sort().map((code) => {
    const c = codes.get(code);
    return { id: code, shortDescription: { text: c?.title ?? code }, ...(c ? { fullDescription: { text: `Predicts ${c.kernel}` } } : {}) };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'dtmem', version, informationUri: 'https://github.com/dtmem/dtmem', rules } }, results }],
  };
}
