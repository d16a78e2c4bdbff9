// The two nodes dtc adds to a compiled `/plugin/` overlay (dtc.c + livetree.c
// generate_fixups_tree / generate_local_fixups_tree), after all checks:
//   /__fixups__        one property per unresolved label, each entry "path:prop:offset\0";
//   /__local_fixups__  the referencing nodes' paths mirrored, a property per referencing
//                      property holding the u32 offsets of resolved phandle cells.
// Offsets are those of the final value (after `&x` path strings were inserted before them).
import type { NodeDef, ParseError, PropDef } from './ast.js';
import { buildNode, fullPath, LabelIndex, type LNode, type LProp } from './livetree.js';
import type { ResolvedRef } from './phandle.js';

const enc = new TextEncoder();

function syntheticDef(name: string, at: NodeDef): NodeDef {
  return { name, labels: [], deleted: false, omit: false, props: [], children: [], start: at.start, end: at.start, nameStart: at.nameStart, nameEnd: at.nameEnd };
}

/** build_root_node: the live child `name` of `parent`, created at the end when missing. */
function child(parent: LNode, name: string): LNode {
  const found = parent.children.find((c) => !c.deleted && c.name === name);
  if (found) return found;
  const n = buildNode(syntheticDef(name, parent.defs[0]), new LabelIndex(), parent);
  parent.children.push(n);
  return n;
}

/** append_to_property: extend a live property or add it at the end. */
function append(node: LNode, name: string, bytes: Uint8Array): void {
  const p = node.props.find((x) => !x.deleted && x.name === name);
  if (p) {
    const v = new Uint8Array(p.data.bytes.length + bytes.length);
    v.set(p.data.bytes);
    v.set(bytes, p.data.bytes.length);
    p.data = { bytes: v, markers: [] };
    return;
  }
  const def: PropDef = { name, labels: [], deleted: false, data: { bytes, markers: [] }, start: node.defs[0].nameStart, end: node.defs[0].nameEnd, nameStart: node.defs[0].nameStart, nameEnd: node.defs[0].nameEnd };
  node.props.push({ name, labels: [], deleted: false, data: def.data, def });
}

/** Adds the fixup nodes; returns errors for unresolved `&{/path}` references, which the format
 * cannot express (dtc 1.7.0 dies with "Can't generate fixup for reference to path"). */
export function addOverlayFixups(root: LNode, refs: ResolvedRef[]): ParseError[] {
  const errors: ParseError[] = [];
  // Final offset of each phandle cell: path strings inserted earlier in the same value shift it.
  const shift = new Map<LProp, Map<object, number>>();
  const byProp = new Map<LProp, ResolvedRef[]>();
  for (const r of refs) {
    const list = byProp.get(r.prop);
    if (list) list.push(r); else byProp.set(r.prop, [r]);
  }
  for (const [prop, list] of byProp) {
    const pathLen = new Map<object, number>();
    for (const r of list) if (r.kind === 'path' && r.target) pathLen.set(r.marker, enc.encode(fullPath(r.target)).length + 1);
    let delta = 0;
    const m = new Map<object, number>();
    for (const mk of prop.data.markers) {
      m.set(mk, mk.offset + delta);
      delta += pathLen.get(mk) ?? 0;
    }
    shift.set(prop, m);
  }
  const phandleRefs = refs.filter((r) => r.kind === 'phandle' && !r.node.deleted && !r.prop.deleted);
  const order = new Map<LNode, number>();
  let i = 0;
  const visit = (n: LNode): void => { order.set(n, i++); for (const c of n.children) if (!c.deleted) visit(c); };
  visit(root);
  phandleRefs.sort((a, b) => order.get(a.node)! - order.get(b.node)!);
  const offsetOf = (r: ResolvedRef): number => shift.get(r.prop)?.get(r.marker) ?? r.marker.offset;

  const unresolved = phandleRefs.filter((r) => {
    if (r.target) return false;
    if (!r.marker.ref.includes('/')) return true;
    errors.push({ code: 'label-undefined', message: `Can't generate fixup for reference to path &{${r.marker.ref}}`, start: r.marker.start, end: r.marker.end, severity: 'error' });
    return false;
  });
  if (unresolved.length) {
    const fn = child(root, '__fixups__');
    for (const r of unresolved) append(fn, r.marker.ref, enc.encode(`${fullPath(r.node)}:${r.prop.name}:${offsetOf(r)}\0`));
  }
  const local = phandleRefs.filter((r) => r.target);
  if (local.length) {
    const lfn = child(root, '__local_fixups__');
    for (const r of local) {
      const names: string[] = [];
      for (let n: LNode | null = r.node; n && n.parent; n = n.parent) names.unshift(n.name);
      let wn = lfn;
      for (const name of names) wn = child(wn, name);
      const cell = new Uint8Array(4);
      new DataView(cell.buffer).setUint32(0, offsetOf(r));
      append(wn, r.prop.name, cell);
    }
  }
  return errors;
}
