// dtc's checks that change the tree (checks.c, run in check_table order over the merged tree):
// name_properties (drop a `name` equal to the base name), explicit_phandles, phandle_references
// (numbering by get_node_phandle: smallest unused number >= the last one given, `phandle`
// appended last), path_references (`&x` outside cells -> full path + NUL), then
// omit_unused_nodes — after numbering, so omitted nodes have already used numbers (SPEC.md §4).
// Also duplicate labels. Errors come back with text offsets.
import { NO_LABEL_DEFS, NO_MARKERS, type Marker, type ParseError } from './ast.js';
import { deleteNode, fullPath, nodeByRef, NO_LABELS, type LabelIndex, type LNode, type LProp } from './livetree.js';

export interface ResolvedRef {
  marker: Marker;
  kind: 'phandle' | 'path';
  prop: LProp;
  node: LNode;
  target?: LNode;
}

export interface FixupResult {
  errors: ParseError[];
  refs: ResolvedRef[];
}

/** Big-endian cell at `at` (no DataView per write: thousands of references per board). */
function writeU32(v: Uint8Array, at: number, x: number): void {
  v[at] = x >>> 24;
  v[at + 1] = (x >>> 16) & 255;
  v[at + 2] = (x >>> 8) & 255;
  v[at + 3] = x & 255;
}

/** Live nodes in pre-order (for_each_child order), without recursion. */
function liveNodes(root: LNode): LNode[] {
  const out: LNode[] = [];
  const stack: LNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) if (!n.children[i].deleted) stack.push(n.children[i]);
  }
  return out;
}

function hasMarker(p: LProp, kind: Marker['kind']): boolean {
  const ms = p.data.markers;
  for (let i = 0; i < ms.length; i++) if (ms[i]!.kind === kind) return true;
  return false;
}

const utf8 = new TextEncoder();

const baseLen = (name: string): number => { const i = name.indexOf('@'); return i < 0 ? name.length : i; };

function isOneString(v: Uint8Array): boolean {
  return v.length > 0 && v[v.length - 1] === 0 && v.indexOf(0) === v.length - 1;
}

/** check_name_properties (skipped entirely when name_is_string failed somewhere, as its prereq). */
function nameProperties(live: LNode[]): void {
  const withName: LNode[] = [];
  for (let i = 0; i < live.length; i++) {
    const n = live[i]!;
    let first = true;
    for (let j = 0; j < n.props.length; j++) {
      const x = n.props[j]!;
      if (x.name !== 'name') continue;
      if (first) withName.push(n);
      first = false;
      if (x.deleted) continue;
      if (!isOneString(x.data.bytes)) return;
      break;
    }
  }
  for (const n of withName) {
    const i = n.props.findIndex((x) => x.name === 'name');
    const v = n.props[i].data.bytes;
    const bl = baseLen(n.name);
    if (v.length !== bl + 1) continue;
    let same = true;
    for (let k = 0; k < bl; k++) if (v[k] !== n.name.charCodeAt(k)) { same = false; break; }
    if (same) n.props.splice(i, 1);
  }
}

export function runFixups(root: LNode, index: LabelIndex, plugin: boolean): FixupResult {
  const errors: ParseError[] = [];
  const refs: ResolvedRef[] = [];
  const err = (code: string, message: string, start: number, end: number): void => { errors.push({ code, message, start, end, severity: 'error' }); };
  // None of the passes before omit_unused_nodes adds or deletes nodes: one pre-order list serves all.
  const live = liveNodes(root);
  nameProperties(live);

  // explicit_phandles
  const used = new Map<number, LNode>();
  /** The phandle a `phandle`/`linux,phandle` property gives, 0 when it gives none. */
  const phandleValue = (n: LNode, p: LProp): number => {
    const name = p.name;
    const v = p.data.bytes;
    if (v.length !== 4) {
      err('phandle-invalid', `bad length (${v.length}) ${name} property`, p.def.start, p.def.end);
      return 0;
    }
    const m = p.data.markers.find((x) => x.kind === 'phandle');
    if (m) {
      if (nodeByRef(root, m.ref, index) !== n) err('phandle-invalid', `${name} is a reference to another node`, m.start, m.end);
      return 0;
    }
    const ph = ((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0;
    if (ph === 0 || ph === 0xffffffff) {
      err('phandle-invalid', `bad value (0x${ph.toString(16)}) in ${name} property`, p.def.start, p.def.end);
      return 0;
    }
    return ph;
  };
  for (let i = 0; i < live.length; i++) {
    const n = live[i]!;
    // the first live `phandle` and `linux,phandle` (one pass: most nodes have neither)
    let pp: LProp | undefined;
    let lp: LProp | undefined;
    for (let j = 0; j < n.props.length; j++) {
      const x = n.props[j]!;
      if (x.deleted) continue;
      if (x.name === 'phandle') pp ??= x;
      else if (x.name === 'linux,phandle') lp ??= x;
    }
    if (!pp && !lp) continue;
    let ph = pp ? phandleValue(n, pp) : 0;
    const lph = lp ? phandleValue(n, lp) : 0;
    if (!ph && !lph) continue;
    const def = n.defs[0];
    if (lph && ph && ph !== lph) err('phandle-mismatch', "mismatching 'phandle' and 'linux,phandle' properties", def.nameStart, def.nameEnd);
    if (lph && !ph) ph = lph;
    const other = used.get(ph);
    if (other && other !== n) {
      err('phandle-duplicate', `duplicated phandle 0x${ph.toString(16)} (seen before at ${fullPath(other)})`, def.nameStart, def.nameEnd);
      continue;
    }
    n.phandle = ph;
    used.set(ph, n);
  }

  // Working copies of values that fixups write into (LProp.value: the parsed bytes are shared
  // with the next analysis's reused statements, so they are never written).
  const valueOf = (p: LProp): Uint8Array => {
    let v = p.value;
    if (!v) {
      v = hasMarker(p, 'phandle') ? p.data.bytes.slice() : p.data.bytes;
      p.value = v;
    }
    return v;
  };

  // phandle_references with get_node_phandle's static counter
  let next = 1;
  for (let i = 0; i < live.length; i++) {
    const n = live[i]!;
    for (let j = 0; j < n.props.length; j++) {
      const p = n.props[j]!;
      if (p.deleted) continue;
      const ms = p.data.markers;
      for (let k = 0; k < ms.length; k++) {
        const m = ms[k]!;
        if (m.kind !== 'phandle') continue;
        const target = nodeByRef(root, m.ref, index);
        refs.push({ marker: m, kind: 'phandle', prop: p, node: n, target });
        const v = valueOf(p);
        if (!target) {
          if (!plugin) err('label-undefined', `Reference to non-existent node or label "${m.ref}"`, m.start, m.end);
          continue;
        }
        if (!target.phandle) {
          while (used.has(next)) next++;
          target.phandle = next;
          used.set(next, target);
          if (!target.props.some((x) => !x.deleted && x.name === 'phandle')) {
            const d = new Uint8Array(4);
            writeU32(d, 0, next);
            const def = target.defs[0];
            // ~one per referenced node: the value and the empty lists are shared by the pair
            const data = { bytes: d, markers: NO_MARKERS };
            target.props.push({ name: 'phandle', labels: NO_LABELS, deleted: false, data, def: { name: 'phandle', labels: NO_LABEL_DEFS, deleted: false, data, start: def.nameStart, end: def.nameEnd, nameStart: def.nameStart, nameEnd: def.nameEnd }, value: undefined, built: undefined });
          }
        }
        writeU32(v, m.offset, target.phandle);
        target.referenced = true;
      }
    }
  }

  // path_references: insert full paths (markers are in offset order within a value)
  for (let i = 0; i < live.length; i++) {
    const n = live[i]!;
    for (let j = 0; j < n.props.length; j++) {
      const p = n.props[j]!;
      if (p.deleted || !hasMarker(p, 'path')) continue;
      const base = valueOf(p);
      const parts: Uint8Array[] = [];
      let at = 0;
      for (const m of p.data.markers) {
        if (m.kind !== 'path') continue;
        const target = nodeByRef(root, m.ref, index);
        refs.push({ marker: m, kind: 'path', prop: p, node: n, target });
        if (!target) {
          err('label-undefined', `Reference to non-existent node or label "${m.ref}"`, m.start, m.end);
          continue;
        }
        parts.push(base.subarray(at, m.offset));
        at = m.offset;
        parts.push(utf8.encode(fullPath(target) + '\0'));
        target.referenced = true;
      }
      parts.push(base.subarray(at));
      const total = parts.reduce((s, x) => s + x.length, 0);
      const out = new Uint8Array(total);
      let o = 0;
      for (const x of parts) { out.set(x, o); o += x.length; }
      p.value = out;
    }
  }

  // omit_unused_nodes, pre-order; a deleted node's subtree is not visited further
  const omit = (n: LNode): void => {
    if (n.omit && !n.referenced) { deleteNode(n); return; }
    for (const c of n.children) if (!c.deleted) omit(c);
  };
  omit(root);

  duplicateLabels(root, err);
  return { errors, refs };
}

/** check_duplicate_label: one label on two different nodes, properties or value positions. */
function duplicateLabels(root: LNode, err: (c: string, m: string, s: number, e: number) => void): void {
  // The first owner of each label: a node, a property of it, or a position in its value (an
  // object only for the first sighting; every label of a board is seen once or twice).
  type Owner = { node: LNode; prop?: LProp; marker?: Marker };
  const describe = (o: Owner): string => {
    const path = fullPath(o.node);
    if (!o.prop) return path;
    return o.marker ? `value of '${o.prop.name}' in ${path}` : `'${o.prop.name}' in ${path}`;
  };
  const owners = new Map<string, Owner>();
  const see = (label: string, node: LNode, prop: LProp | undefined, marker: Marker | undefined, start: number, end: number): void => {
    const prev = owners.get(label);
    if (!prev) owners.set(label, { node, prop, marker });
    else if (prev.node !== node || prev.prop !== prop || prev.marker !== marker) {
      err('label-duplicate', `Duplicate label '${label}' on ${describe({ node, prop, marker })} and ${describe(prev)}`, start, end);
    }
  };
  const live = liveNodes(root);
  for (let i = 0; i < live.length; i++) {
    const n = live[i]!;
    const def = n.defs[0]!;
    for (let j = 0; j < n.labels.length; j++) {
      const l = n.labels[j]!;
      if (!l.deleted) see(l.name, n, undefined, undefined, def.nameStart, def.nameEnd);
    }
    for (let j = 0; j < n.props.length; j++) {
      const p = n.props[j]!;
      if (p.deleted) continue;
      for (let k = 0; k < p.labels.length; k++) {
        const l = p.labels[k]!;
        if (!l.deleted) see(l.name, n, p, undefined, p.def.nameStart, p.def.nameEnd);
      }
      const ms = p.data.markers;
      for (let k = 0; k < ms.length; k++) if (ms[k]!.kind === 'label') see(ms[k]!.ref, n, p, ms[k], ms[k]!.start, ms[k]!.end);
    }
  }
}
