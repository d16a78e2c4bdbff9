// Code actions: the rules' fixes, carried in each diagnostic's `data` (convert.ts), turned into
// quick-fix workspace edits. Works for any client that echoes diagnostics back (LSP 3.16 `data`).
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node.js';
import { pathToUri, toRange, type DiagnosticData } from './convert.js';

export function codeActions(diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const data = d.data as DiagnosticData | undefined;
    if (!data || !Array.isArray(data.fixes)) continue;
    for (const fix of data.fixes.slice(0, 8)) {
      const changes: Record<string, TextEdit[]> = {};
      for (const e of fix.edits) (changes[pathToUri(e.range.file)] ??= []).push({ range: toRange(e.range), newText: e.newText });
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes }, isPreferred: out.length === 0 });
    }
  }
  return out;
}
