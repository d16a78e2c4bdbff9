// Conversions between the core's model (file paths, SourceRange, Finding) and LSP's (URIs,
// Range, Diagnostic). Findings keep their rule fixes in `Diagnostic.data` so code actions can be
// answered from the diagnostic the client sends back, by any client (VS Code, Neovim).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Location, type Range } from 'vscode-languageserver/node.js';
import type { Finding, Severity, SourceRange } from '../dts/tree.js';

// Everything inside the server is keyed by path; a document the client opened is answered with
// the URI string it used (clients encode characters such as `,` differently), see uriFor.
const openUris = new Map<string, string>();

export function uriToPath(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

/** Remembers the client's spelling of an open document's URI. */
export function noteUri(uri: string): string {
  const p = uriToPath(uri);
  openUris.set(p, uri);
  return p;
}

export function forgetUri(path: string): void {
  openUris.delete(path);
}

export function pathToUri(path: string): string {
  const known = openUris.get(path);
  if (known) return known;
  if (!path.startsWith('/')) return path;
  return pathToFileURL(path).toString();
}

export function toRange(r: SourceRange): Range {
  return { start: { line: r.start.line, character: r.start.col }, end: { line: r.end.line, character: r.end.col } };
}

export function toLocation(r: SourceRange): Location {
  return { uri: pathToUri(r.file), range: toRange(r) };
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
export { ZERO as ZERO_RANGE };

export function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error': return DiagnosticSeverity.Error;
    case 'warning': return DiagnosticSeverity.Warning;
    case 'info': return DiagnosticSeverity.Information;
    default: return DiagnosticSeverity.Hint;
  }
}

/** A rule's machine-applicable fix (rules attach `fixes` to their findings). */
export interface FixEdit { range: SourceRange; newText: string }
export interface Fix { title: string; edits: FixEdit[]; preferred?: boolean }
export type FindingWithFixes = Finding & { fixes?: Fix[] };

/** What a diagnostic carries in `data`: the fixes, as plain JSON. */
export interface DiagnosticData { fixes: Fix[] }

/** Does the position (0-based) lie within the range (end inclusive, so a cursor right after a
 * token still counts)? */
export function contains(r: SourceRange, line: number, col: number): boolean {
  if (line < r.start.line || line > r.end.line) return false;
  if (line === r.start.line && col < r.start.col) return false;
  if (line === r.end.line && col > r.end.col) return false;
  return true;
}

export function rangeKey(r: SourceRange | undefined): string {
  return r ? `${r.file}:${r.start.line}:${r.start.col}-${r.end.line}:${r.end.col}` : '-';
}

export function toDiagnostic(f: FindingWithFixes, related: { range: SourceRange; message: string }[]): Diagnostic {
  const d: Diagnostic = {
    range: f.range ? toRange(f.range) : ZERO,
    severity: toSeverity(f.severity),
    code: f.code,
    source: 'dtmem',
    message: f.message,
  };
  const rel = [...(f.related ?? []), ...related];
  if (rel.length) d.relatedInformation = rel.slice(0, 20).map((r) => ({ location: toLocation(r.range), message: r.message }));
  if (f.fixes?.length) d.data = { fixes: f.fixes } satisfies DiagnosticData;
  return d;
}
