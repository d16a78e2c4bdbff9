// Outline (document symbols) from the raw text's node blocks, with the memory facts of the
// analysed tree as detail (`reg 0x80000000 (1 GiB)`, `size 64 MiB`); workspace symbols (labels and
// node names of every analysed board); folding ranges (nodes, comment blocks, #if groups).
import { SymbolKind, FoldingRangeKind, type DocumentSymbol, type FoldingRange, type SymbolInformation } from 'vscode-languageserver/node.js';
import { getProp, nodePath, readRegs, readU32, walk, type DtNode } from '../dts/tree.js';
import type { Analysis } from './analysis.js';
import { toLocation } from './convert.js';
import { hex, human } from './format.js';
import { posOf, type Block, type Outline } from './outline.js';

const MAX_SYMBOLS = 20000;

function cellsOf(node: DtNode | null, name: string, dflt: number): number {
  return (node && readU32(node, name)) ?? dflt;
}

/** `reg 0x.. (size)` / `size ..` summary for a node. */
export function sizeDetail(node: DtNode): string {
  const reg = getProp(node, 'reg');
  if (reg) {
    const regs = readRegs(reg.value, cellsOf(node.parent, '#address-cells', 2), cellsOf(node.parent, '#size-cells', 1));
    if (regs.length) return regs.slice(0, 3).map((r) => `${hex(r.base)} (${human(r.size)})`).join(', ') + (regs.length > 3 ? ', …' : '');
  }
  const size = getProp(node, 'size');
  if (size) {
    let root = node;
    while (root.parent) root = root.parent;
    const v = readRegs(size.value, 0, cellsOf(root, '#size-cells', 1))[0]?.size;
    if (v !== undefined) return `dynamic, ${human(v)}`;
  }
  return '';
}

/** Maps raw blocks to tree nodes by the analysed tree's name ranges in this file. */
function nodeByNameOffset(a: Analysis | undefined, file: string): Map<string, DtNode> {
  const m = new Map<string, DtNode>();
  if (!a) return m;
  for (const n of walk(a.compile.tree.root)) {
    for (const r of n.ranges ?? []) if (r.file === file) m.set(`${r.start.line}:${r.start.col}`, n);
  }
  return m;
}

export function documentSymbols(o: Outline, a: Analysis | undefined, file: string): DocumentSymbol[] {
  const byPos = nodeByNameOffset(a, file);
  let count = 0;
  const conv = (b: Block): DocumentSymbol | undefined => {
    if (++count > MAX_SYMBOLS) return undefined;
    const sel = { start: posOf(o, b.nameStart), end: posOf(o, b.nameEnd) };
    const node = byPos.get(`${sel.start.line}:${sel.start.character}`);
    const detail = [b.labels.map((l) => l + ':').join(' '), node ? sizeDetail(node) : ''].filter(Boolean).join(' ');
    const kind = b.name === '/' ? SymbolKind.Namespace : b.name.startsWith('&') ? SymbolKind.Object : /^memory(@|$)/.test(b.name) || node?.parent?.name === 'reserved-memory' ? SymbolKind.Struct : SymbolKind.Module;
    const s: DocumentSymbol = { name: b.name, detail, kind, range: { start: posOf(o, b.start), end: posOf(o, b.end) }, selectionRange: sel };
    const kids = b.children.map(conv).filter((x): x is DocumentSymbol => !!x);
    if (kids.length) s.children = kids;
    return s;
  };
  return o.roots.map(conv).filter((x): x is DocumentSymbol => !!x);
}

export function workspaceSymbols(analyses: Analysis[], query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  const seen = new Set<string>();
  for (const a of analyses) {
    for (const n of walk(a.compile.tree.root)) {
      if (!n.range || out.length >= 500) continue;
      const names = [n.name, ...n.labels];
      if (q && !names.some((x) => x.toLowerCase().includes(q))) continue;
      const key = `${nodePath(n)}@${n.range.file}:${n.range.start.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = n.labels.length ? `${n.labels[0]}: ${n.name || '/'}` : n.name || '/';
      out.push({ name, kind: n.labels.length ? SymbolKind.Constant : SymbolKind.Module, location: toLocation(n.range), containerName: n.parent ? nodePath(n.parent) : '' });
    }
  }
  return out;
}

export function foldingRanges(o: Outline): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (s: number, e: number, kind?: string): void => {
    const a = posOf(o, s).line;
    const b = posOf(o, Math.max(s, e - 1)).line;
    if (b > a) out.push(kind ? { startLine: a, endLine: b, kind } : { startLine: a, endLine: b });
  };
  const visit = (b: Block): void => {
    if (out.length > 20000) return;
    add(b.start, b.end);
    b.children.forEach(visit);
  };
  o.roots.forEach(visit);
  for (const c of o.comments) add(c.start, c.end, FoldingRangeKind.Comment);
  for (const c of o.conditionals) add(c.start, c.end, FoldingRangeKind.Region);
  return out;
}
