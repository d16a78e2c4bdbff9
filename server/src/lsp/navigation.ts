// Go to definition / find references for labels, `&label` and `&{/path}` references (phandles,
// paths, node extensions) and `memory-region` users; includes open their file (definition and
// document links); macros go to their #define.
import type { DocumentLink, Location } from 'vscode-languageserver/node.js';
import type { DtNode } from '../dts/tree.js';
import type { Analysis } from './analysis.js';
import { pathToUri, toLocation, toRange, ZERO_RANGE } from './convert.js';
import { hitAt, wordAt } from './locate.js';

/** The node the cursor designates: a reference's target, a node name, a label word. */
export function targetNode(a: Analysis, file: string, text: string | undefined, line: number, col: number): DtNode | undefined {
  const hit = hitAt(a, file, line, col);
  if (hit?.kind === 'reference') return hit.ref.target;
  if (hit?.kind === 'node') return hit.node;
  if (text !== undefined) {
    const w = wordAt(text, line, col);
    if (w) {
      const n = a.compile.labels.get(w.word);
      if (n) return n;
    }
  }
  if (hit?.kind === 'prop' && hit.prop.name === 'memory-region') {
    return a.compile.references.find((r) => r.prop === hit.prop && r.target)?.target;
  }
  return undefined;
}

export function definition(a: Analysis, file: string, text: string | undefined, line: number, col: number): Location[] {
  const hit = hitAt(a, file, line, col);
  if (hit?.kind === 'include') return hit.path ? [{ uri: pathToUri(hit.path), range: ZERO_RANGE }] : [];
  if (hit?.kind === 'reference') {
    const t = hit.ref.target;
    return t?.range ? [toLocation(t.range)] : [];
  }
  if (text !== undefined) {
    const w = wordAt(text, line, col);
    if (w) {
      const m = a.pre.macros.get(w.word);
      if (m?.range) return [toLocation(m.range)];
      const n = a.compile.labels.get(w.word);
      if (n?.range) return [toLocation(n.range)];
    }
  }
  if (hit?.kind === 'node' && hit.node.range) return [toLocation(hit.node.range)];
  return [];
}

export function references(a: Analysis, file: string, text: string | undefined, line: number, col: number, includeDeclaration: boolean): Location[] {
  const t = targetNode(a, file, text, line, col);
  if (!t) return [];
  const out: Location[] = [];
  if (includeDeclaration) for (const r of t.ranges ?? (t.range ? [t.range] : [])) out.push(toLocation(r));
  for (const ref of a.compile.references) if (ref.target === t && ref.range && ref.kind !== 'node') out.push(toLocation(ref.range));
  // `&label { }` extensions are references too, after the uses.
  for (const ref of a.compile.references) if (ref.target === t && ref.range && ref.kind === 'node') out.push(toLocation(ref.range));
  const seen = new Set<string>();
  return out.filter((l) => {
    const k = `${l.uri}:${l.range.start.line}:${l.range.start.character}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function documentLinks(a: Analysis, file: string): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const inc of a.pre.includes) {
    if (inc.range.file !== file || !inc.path) continue;
    out.push({ range: toRange(inc.range), target: pathToUri(inc.path), tooltip: inc.path });
  }
  return out;
}
