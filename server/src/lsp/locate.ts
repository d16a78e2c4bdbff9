// Finding what is under the cursor in an analysis: the node name, property, reference or include
// at a file position, and the node a cursor is inside of. Per-file lists of the tree's nodes and
// properties are built once per analysis.
import { walk, type DtNode, type DtProp, type SourceRange } from '../dts/tree.js';
import type { Reference } from '../dts/build.js';
import type { Analysis } from './analysis.js';
import { contains } from './convert.js';

export interface FileIndex {
  nodes: { node: DtNode; range: SourceRange }[];
  props: { node: DtNode; prop: DtProp; range: SourceRange }[];
}

const indexes = new WeakMap<Analysis, Map<string, FileIndex>>();

export function fileIndex(a: Analysis, file: string): FileIndex {
  let m = indexes.get(a);
  if (!m) {
    m = new Map();
    for (const node of walk(a.compile.tree.root)) {
      for (const r of node.ranges ?? (node.range ? [node.range] : [])) get(m, r.file).nodes.push({ node, range: r });
      for (const prop of node.props) if (prop.range) get(m, prop.range.file).props.push({ node, prop, range: prop.range });
    }
    indexes.set(a, m);
  }
  return m.get(file) ?? { nodes: [], props: [] };
}

/** Builds the index of a fresh analysis ahead of the first request (the server calls it when
 * idle after publishing): it locates every node and property, which the tree does lazily, and
 * would otherwise land on the first hover (5-9 ms on the corpus/big boards). */
export function warmIndex(a: Analysis): void {
  fileIndex(a, '');
}

function get(m: Map<string, FileIndex>, f: string): FileIndex {
  let x = m.get(f);
  if (!x) m.set(f, (x = { nodes: [], props: [] }));
  return x;
}

export type Hit =
  | { kind: 'reference'; ref: Reference }
  | { kind: 'include'; path?: string; range: SourceRange }
  | { kind: 'prop'; node: DtNode; prop: DtProp }
  | { kind: 'node'; node: DtNode; range: SourceRange };

/** The narrowest thing at (file, line, col). */
export function hitAt(a: Analysis, file: string, line: number, col: number): Hit | undefined {
  for (const ref of a.compile.references) if (ref.range && ref.range.file === file && contains(ref.range, line, col)) return { kind: 'reference', ref };
  for (const inc of a.pre.includes) if (inc.range.file === file && contains(inc.range, line, col)) return { kind: 'include', path: inc.path, range: inc.range };
  const idx = fileIndex(a, file);
  for (const n of idx.nodes) if (contains(n.range, line, col)) return { kind: 'node', node: n.node, range: n.range };
  let best: { node: DtNode; prop: DtProp; range: SourceRange } | undefined;
  for (const p of idx.props) {
    if (!contains(p.range, line, col)) continue;
    if (!best || size(p.range) < size(best.range)) best = p;
  }
  return best && { kind: 'prop', node: best.node, prop: best.prop };
}

function size(r: SourceRange): number {
  return (r.end.line - r.start.line) * 100000 + (r.end.col - r.start.col);
}

/** The word (identifier characters dtc and cpp accept) at a position in `text`. */
export function wordAt(text: string, line: number, col: number): { word: string; start: number; end: number } | undefined {
  let off = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return undefined;
    off = nl + 1;
  }
  const lineEnd = text.indexOf('\n', off);
  const s = text.slice(off, lineEnd < 0 ? text.length : lineEnd);
  const isW = (c: string | undefined): boolean => !!c && /[A-Za-z0-9_]/.test(c);
  let a = col;
  let b = col;
  while (a > 0 && isW(s[a - 1])) a--;
  while (b < s.length && isW(s[b])) b++;
  if (a === b) return undefined;
  return { word: s.slice(a, b), start: a, end: b };
}
