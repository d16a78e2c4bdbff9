// dtc's live tree (livetree.c) with its deletion flags: nodes and properties are only *marked*
// deleted, a later definition brings them back in place, labels are prepended (most recent first)
// and merge_nodes folds a new fragment into an existing node property by property, child by child.
// Lookups (get_node_by_label / _by_path / _by_ref) skip deleted nodes and labels like dtc's
// for_each_* macros; labels are indexed so `&label` costs O(1) instead of a tree walk.
import type { Data, NodeDef, PropDef } from './ast.js';

export interface LLabel { name: string; deleted: boolean }

export interface LProp {
  name: string;
  labels: LLabel[];
  deleted: boolean;
  data: Data;
  /** The definition whose value won (for ranges). */
  def: PropDef;
  /** The final bytes when fixups changed them (phandles filled, paths inserted; phandle.ts). */
  value?: Uint8Array;
  /** The DtProp build.ts made of it (a field, not a Map: thousands per build). */
  built?: object;
}

export interface LNode {
  name: string;
  labels: LLabel[];
  props: LProp[];
  children: LNode[];
  parent: LNode | null;
  deleted: boolean;
  /** Merged into another node and discarded (dtc frees it). */
  dead: boolean;
  omit: boolean;
  referenced: boolean;
  phandle: number;
  /** Every definition that built or extended the node, in merge order. */
  defs: NodeDef[];
  /** The DtNode build.ts made of it. */
  built?: object;
}

export class LabelIndex {
  private readonly map = new Map<string, LNode[]>();
  register(label: string, node: LNode): void {
    const list = this.map.get(label);
    if (!list) this.map.set(label, [node]);
    else if (!list.includes(node)) list.push(node);
  }
  candidates(label: string): LNode[] { return this.map.get(label) ?? []; }
  names(): IterableIterator<string> { return this.map.keys(); }
}

/** The label list of the many nodes and properties without one: shared and frozen (one array
 * less each per merge); addLabel returns a new list instead of changing it. */
export const NO_LABELS: LLabel[] = Object.freeze([]) as unknown as LLabel[];

/** add_label: revive an existing (possibly deleted) label or prepend a new one; returns the list
 * to keep (a new one when `labels` is the shared empty list). */
export function addLabel(labels: LLabel[], name: string): LLabel[] {
  for (const l of labels) {
    if (l.name === name) { l.deleted = false; return labels; }
  }
  if (labels === NO_LABELS) return [{ name, deleted: false }];
  labels.unshift({ name, deleted: false });
  return labels;
}

function ownLabels(defs: { name: string }[]): LLabel[] {
  if (defs.length === 0) return NO_LABELS;
  const labels: LLabel[] = [];
  for (let i = 0; i < defs.length; i++) {
    const name = defs[i]!.name;
    let seen = false;
    for (let j = 0; j < labels.length && !seen; j++) seen = labels[j]!.name === name;
    if (!seen) labels.push({ name, deleted: false });
  }
  return labels;
}

/** build_node / build_property from one parsed definition (names included). */
export function buildNode(def: NodeDef, index: LabelIndex, parent: LNode | null): LNode {
  // `a: b: x {}` adds b then a, each prepended: the list reads a, b. Duplicates collapse.
  const labels = ownLabels(def.labels);
  // exactly sized arrays (push would give every node a 17-slot store)
  const dp = def.props;
  const dc = def.children;
  const props: LProp[] = dp.length ? new Array(dp.length) : [];
  const children: LNode[] = dc.length ? new Array(dc.length) : [];
  const node: LNode = {
    name: def.name, labels, props, children,
    parent, deleted: def.deleted, dead: false, omit: def.omit, referenced: false, phandle: 0, defs: [def], built: undefined,
  };
  for (let i = 0; i < labels.length; i++) index.register(labels[i]!.name, node);
  for (let i = 0; i < dp.length; i++) props[i] = buildProp(dp[i]!);
  for (let i = 0; i < dc.length; i++) children[i] = buildNode(dc[i]!, index, node);
  return node;
}

function buildProp(def: PropDef): LProp {
  const labels = ownLabels(def.labels);
  return { name: def.name, labels, deleted: def.deleted, data: def.data, def, value: undefined, built: undefined };
}

function deleteProp(p: LProp): void {
  p.deleted = true;
  for (const l of p.labels) l.deleted = true;
}

/** delete_node: marks the node, its live children and properties, and its labels. */
export function deleteNode(node: LNode): void {
  node.deleted = true;
  for (const c of node.children) if (!c.deleted) deleteNode(c);
  for (const p of node.props) if (!p.deleted) deleteProp(p);
  for (const l of node.labels) l.deleted = true;
}

// Name -> first child / property of a node, extended as the arrays grow (rebuilt if one shrank):
// dtc's linear lookups made merging two definitions of a node with n entries O(n^2) (40k
// children: 6 s). Short arrays keep the plain scan.
interface NameIndex<T> { arr: T[]; seen: number; map: Map<string, T> }
const childIndex = new WeakMap<LNode, NameIndex<LNode>>();
const propIndex = new WeakMap<LNode, NameIndex<LProp>>();

function firstNamed<T extends { name: string }>(cache: WeakMap<LNode, NameIndex<T>>, node: LNode, arr: T[], name: string): T | undefined {
  if (arr.length <= 16) return arr.find((x) => x.name === name);
  let ix = cache.get(node);
  if (!ix || ix.arr !== arr || ix.seen > arr.length) cache.set(node, (ix = { arr, seen: 0, map: new Map() }));
  for (; ix.seen < arr.length; ix.seen++) {
    const x = arr[ix.seen]!;
    if (!ix.map.has(x.name)) ix.map.set(x.name, x);
  }
  return ix.map.get(name);
}

/** merge_nodes(old, new) exactly as dtc 1.7.0 does it. */
export function mergeNodes(old: LNode, neu: LNode, index: LabelIndex): void {
  old.deleted = false;
  for (const l of neu.labels) {
    old.labels = addLabel(old.labels, l.name);
    index.register(l.name, old);
  }
  for (const np of neu.props) {
    if (np.deleted) {
      const victim = firstNamed(propIndex, old, old.props, np.name);
      if (victim) deleteProp(victim);
      continue;
    }
    const op = firstNamed(propIndex, old, old.props, np.name);
    if (op) {
      for (const l of np.labels) op.labels = addLabel(op.labels, l.name);
      op.data = np.data;
      op.def = np.def;
      op.deleted = false;
    } else old.props.push(np);
  }
  for (const nc of neu.children) {
    if (nc.deleted) {
      nc.dead = true;
      const victim = firstNamed(childIndex, old, old.children, nc.name);
      if (victim) deleteNode(victim);
      continue;
    }
    const oc = firstNamed(childIndex, old, old.children, nc.name);
    if (oc) mergeNodes(oc, nc, index);
    else {
      nc.parent = old;
      old.children.push(nc);
    }
  }
  old.defs.push(...neu.defs);
  neu.dead = true;
}

function hasLiveLabel(node: LNode, label: string): boolean {
  for (const l of node.labels) if (!l.deleted && l.name === label) return true;
  return false;
}

/** Reachable from the root through live nodes only (what for_each_child would visit). */
function reachable(node: LNode, root: LNode): boolean {
  for (let n: LNode | null = node, i = 0; n && i < 10_000; n = n.parent, i++) {
    if (n.deleted || n.dead) return false;
    if (n === root) return true;
  }
  return false;
}

function byLabelWalk(node: LNode, label: string): LNode | undefined {
  if (hasLiveLabel(node, label)) return node;
  for (const c of node.children) {
    if (c.deleted) continue;
    const r = byLabelWalk(c, label);
    if (r) return r;
  }
  return undefined;
}

/** get_node_by_label: the first live node in pre-order carrying a live label. */
export function nodeByLabel(root: LNode, label: string, index: LabelIndex): LNode | undefined {
  let hit: LNode | undefined;
  for (const n of index.candidates(label)) {
    if (!hasLiveLabel(n, label) || !reachable(n, root)) continue;
    if (hit) return byLabelWalk(root, label); // several: the first in pre-order wins
    hit = n;
  }
  return hit;
}

/** get_node_by_path: components match full names (`name@unit`), live children only. */
export function nodeByPath(tree: LNode, path: string): LNode | undefined {
  let node = tree;
  let rest = path;
  for (let guard = 0; guard < 10_000; guard++) {
    if (!rest) return node.deleted ? undefined : node;
    while (rest[0] === '/') rest = rest.slice(1);
    const slash = rest.indexOf('/');
    const part = slash < 0 ? rest : rest.slice(0, slash);
    const child = node.children.find((c) => !c.deleted && c.name === part);
    if (!child) return undefined;
    if (slash < 0) return child;
    node = child;
    rest = rest.slice(slash + 1);
  }
  return undefined;
}

/** get_node_by_ref: `/`, `/abs/path`, `label` or `label/rel/path`. */
export function nodeByRef(root: LNode, ref: string, index: LabelIndex): LNode | undefined {
  if (ref === '/') return root;
  if (ref[0] === '/') return nodeByPath(root, ref);
  const slash = ref.indexOf('/');
  const label = slash < 0 ? ref : ref.slice(0, slash);
  if (!label) return undefined;
  const target = nodeByLabel(root, label, index);
  if (!target) return undefined;
  return slash < 0 ? target : nodeByPath(target, ref.slice(slash + 1));
}

export function fullPath(node: LNode): string {
  const parts: string[] = [];
  for (let n: LNode | null = node; n && n.parent; n = n.parent) parts.push(n.name);
  return '/' + parts.reverse().join('/');
}
