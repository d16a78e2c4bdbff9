// From parsed source to the shared DtTree: merge (merge.ts), dtc's fixups (phandle.ts), then the
// live nodes and properties become DtNode/DtProp with their final bytes and mapped source ranges.
// Also collects what editor features need: labels, phandles, references with their targets.
import type { DtsAst, NodeDef, ParseError, PropDef } from './ast.js';
import { mergeAst } from './merge.js';
import { runFixups } from './phandle.js';
import { addOverlayFixups } from './overlay.js';
import type { LNode } from './livetree.js';
import type { OffsetMap } from './srcmap.js';
import type { DtNode, DtProp, DtTree, Finding, SourceRange } from './tree.js';

export interface Reference {
  /** Label name, `/path` or `label/path` as written after `&`. */
  name: string;
  /** `phandle`: inside `< >`; `path`: a path reference value; `node`: a top-level `&x { }`,
   * `/delete-node/ &x;` or `/omit-if-no-ref/ &x;`. */
  kind: 'phandle' | 'path' | 'node';
  range?: SourceRange;
  /** The node it resolved to, when it still exists in the final tree. */
  target?: DtNode;
  /** The property holding it (phandle/path references). */
  prop?: DtProp;
}

export interface BuildResult {
  tree: DtTree;
  findings: Finding[];
  labels: Map<string, DtNode>;
  phandles: Map<number, DtNode>;
  references: Reference[];
  /** Every label definition (`name:` before a node) with its range and the node it names in
   * the final tree (undefined when that node was deleted or omitted). */
  labelDefs: { name: string; range?: SourceRange; node?: DtNode }[];
  /** Where a property's winning value was written (after `=`), computed on demand. */
  valueRange(prop: DtProp): SourceRange | undefined;
  plugin: boolean;
}

export function toFinding(e: ParseError, map: OffsetMap): Finding {
  const f: Finding = { severity: e.severity, code: e.code, message: e.message };
  const r = map.range(e.start, e.end);
  if (r) f.range = r;
  return f;
}

// The tree's nodes and properties locate themselves on first use: a board has thousands of
// properties and a re-analysis after an edit reads the ranges of a few (diagnostics, hover), so
// mapping every one through the source map up front would cost more than the rest of the merge.
// Private fields keep the map and definitions out of JSON and deep comparisons. Properties
// without labels share one frozen empty list (most of them: one array less each).
const EMPTY: string[] = Object.freeze([]) as unknown as string[];
const UNSET = null as unknown as SourceRange;

/** Something at [start, end) of the expanded text, located in the user's files on first use. */
class Located {
  #range: SourceRange | undefined = UNSET;
  readonly #map: OffsetMap;
  readonly #start: number;
  readonly #end: number;
  constructor(map: OffsetMap, start: number, end: number) {
    this.#map = map;
    this.#start = start;
    this.#end = end;
  }
  get range(): SourceRange | undefined {
    if (this.#range === UNSET) this.#range = this.#map.range(this.#start, this.#end);
    return this.#range;
  }
  set range(r: SourceRange | undefined) { this.#range = r; }
  protected locate(start: number, end: number): SourceRange | undefined {
    return this.#map.range(start, end);
  }
}

class Prop extends Located implements DtProp {
  // The winning definition's value offsets (numbers, not the PropDef: a kept tree would keep the
  // whole parsed source alive).
  readonly #valueStart: number;
  readonly #valueEnd: number;
  constructor(public name: string, public value: Uint8Array, public labels: string[], def: PropDef, map: OffsetMap) {
    super(map, def.start, def.end);
    this.#valueStart = def.valueStart ?? -1;
    this.#valueEnd = def.valueEnd ?? -1;
  }
  /** Where the value after `=` was written. */
  valueRange(): SourceRange | undefined {
    return this.#valueStart < 0 ? undefined : this.locate(this.#valueStart, this.#valueEnd);
  }
}

class Ref extends Located implements Reference {
  declare target?: DtNode;
  declare prop?: DtProp;
  constructor(public name: string, public kind: Reference['kind'], map: OffsetMap, start: number, end: number, target?: DtNode, prop?: DtProp) {
    super(map, start, end);
    if (target) this.target = target;
    if (prop) this.prop = prop;
  }
}

class LabelDef extends Located {
  declare node?: DtNode;
  constructor(public name: string, map: OffsetMap, start: number, end: number, node?: DtNode) {
    super(map, start, end);
    if (node) this.node = node;
  }
}

class Node implements DtNode {
  props: DtProp[] = EMPTY as unknown as DtProp[];
  children: DtNode[] = EMPTY as unknown as DtNode[];
  /** The shared empty list until a label is added (most nodes have none). */
  labels: string[] = EMPTY;
  #ranges: SourceRange[] | undefined = UNSET as unknown as SourceRange[];
  /** Name token offsets of every definition, [start, end, start, end, ...]. */
  readonly #names: number[];
  readonly #map: OffsetMap;
  constructor(public name: string, public parent: DtNode | null, defs: NodeDef[], map: OffsetMap) {
    const names: number[] = [];
    for (const d of defs) names.push(d.nameStart, d.nameEnd);
    this.#names = names;
    this.#map = map;
  }
  get ranges(): SourceRange[] | undefined {
    if (this.#ranges === (UNSET as unknown as SourceRange[])) {
      const out: SourceRange[] = [];
      for (let i = 0; i < this.#names.length; i += 2) {
        const r = this.#map.range(this.#names[i], this.#names[i + 1]);
        if (r) out.push(r);
      }
      this.#ranges = out.length ? out : undefined;
    }
    return this.#ranges;
  }
  set ranges(r: SourceRange[] | undefined) { this.#ranges = r; }
  get range(): SourceRange | undefined { return this.ranges?.[0]; }
  set range(r: SourceRange | undefined) { this.ranges = r ? [r, ...(this.ranges ?? []).slice(1)] : undefined; }
}

/** BuildResult.valueRange: the property keeps its value's offsets (a closure inside buildTree
 * would keep the merged live tree alive as long as the result). */
function valueRange(prop: DtProp): SourceRange | undefined {
  return prop instanceof Prop ? prop.valueRange() : undefined;
}

export function buildTree(ast: DtsAst, map: OffsetMap): BuildResult {
  const merged = mergeAst(ast);
  const fix = runFixups(merged.root, merged.index, ast.plugin);
  const overlayErrors = ast.plugin ? addOverlayFixups(merged.root, fix.refs) : [];
  const findings: Finding[] = [];
  for (const e of [...ast.errors, ...merged.errors, ...fix.errors, ...overlayErrors]) findings.push(toFinding(e, map));

  const nodeOf = (ln: LNode): DtNode | undefined => ln.built as DtNode | undefined;
  const labels = new Map<string, DtNode>();
  const phandles = new Map<number, DtNode>();
  // Indexed loops and exactly sized arrays: this runs for every node and property of the board
  // on each analysis (issue #8).
  const convert = (ln: LNode, parent: DtNode | null): DtNode => {
    const node = new Node(ln.name, parent, ln.defs, map);
    ln.built = node;
    const ll = ln.labels;
    for (let i = 0; i < ll.length; i++) {
      const l = ll[i]!;
      if (l.deleted) continue;
      (node.labels === EMPTY ? (node.labels = []) : node.labels).push(l.name);
      if (!labels.has(l.name)) labels.set(l.name, node);
    }
    if (ln.phandle && !phandles.has(ln.phandle)) phandles.set(ln.phandle, node);
    const lp = ln.props;
    let live = 0;
    for (let i = 0; i < lp.length; i++) if (!lp[i]!.deleted) live++;
    const props: DtProp[] = new Array(live);
    for (let i = 0, k = 0; i < lp.length; i++) {
      const p = lp[i]!;
      if (p.deleted) continue;
      let plabels = EMPTY;
      for (let j = 0; j < p.labels.length; j++) {
        const l = p.labels[j]!;
        if (!l.deleted) (plabels === EMPTY ? (plabels = []) : plabels).push(l.name);
      }
      const prop = new Prop(p.name, p.value ?? p.data.bytes, plabels, p.def, map);
      p.built = prop;
      props[k++] = prop;
    }
    node.props = props;
    const lc = ln.children;
    live = 0;
    for (let i = 0; i < lc.length; i++) if (!lc[i]!.deleted) live++;
    const children: DtNode[] = new Array(live);
    for (let i = 0, k = 0; i < lc.length; i++) if (!lc[i]!.deleted) children[k++] = convert(lc[i]!, node);
    node.children = children;
    return node;
  };
  const root = convert(merged.root, null);
  const tree: DtTree = {
    root,
    memreserves: ast.memreserves.map((m) => {
      const r = map.range(m.start, m.end);
      return r ? { address: m.address, size: m.size, range: r } : { address: m.address, size: m.size };
    }),
  };

  const labelDefs: BuildResult['labelDefs'] = [];
  const labelDef = (name: string, start: number, end: number, target: LNode): void => {
    labelDefs.push(new LabelDef(name, map, start, end, nodeOf(target)));
  };
  const all: LNode[] = [merged.root];
  // A loop, not push(...children): a node with ~100k children would overflow the call stack.
  for (let i = 0; i < all.length; i++) {
    const ch = all[i]!.children;
    for (let j = 0; j < ch.length; j++) all.push(ch[j]!); // deleted nodes too
  }
  for (let i = 0; i < all.length; i++) {
    const ln = all[i]!;
    for (let j = 0; j < ln.defs.length; j++) {
      const ls = ln.defs[j]!.labels;
      for (let k = 0; k < ls.length; k++) labelDef(ls[k]!.name, ls[k]!.start, ls[k]!.end, ln);
    }
  }
  for (const l of merged.fragmentLabels) labelDef(l.name, l.start, l.end, l.target);

  const references: Reference[] = [];
  const ref = (name: string, kind: Reference['kind'], start: number, end: number, target?: LNode, prop?: DtProp): void => {
    references.push(new Ref(name, kind, map, start, end, target && nodeOf(target), prop));
  };
  for (const f of merged.fragmentRefs) ref(f.ref, 'node', f.start, f.end, f.target);
  for (const x of fix.refs) ref(x.marker.ref, x.kind, x.marker.start, x.marker.end, x.target, x.prop.built as DtProp | undefined);
  return { tree, findings, labels, phandles, references, labelDefs, valueRange, plugin: ast.plugin };
}
