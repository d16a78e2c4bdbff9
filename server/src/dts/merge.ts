// Applies the top-level statements of a parsed source in order, as dtc-parser.y's `devicetree`
// actions do: the first `/ { }` becomes the root, later ones and `&ref { }` / `&{/path} { }` /
// `&{label/path} { }` fragments are merged into the node they name (looked up in the tree built so
// far), `label: &ref { }` adds the label, and `/delete-node/ &ref;` / `/omit-if-no-ref/ &ref;` act
// on the target. Unresolvable targets become `label-undefined` errors, as dtc reports them.
// In a `/plugin/` overlay, `&{/path} { }` and unresolved `&label { }` become dtc's orphan
// fragments (add_orphan_node): `fragment@N { target = <&label>; | target-path = "/path";
// __overlay__ { ... }; }`. (The __fixups__/__local_fixups__ nodes are not generated.)
import type { DtsAst, Marker, NodeDef, ParseError, PropDef } from './ast.js';
import { addLabel, buildNode, deleteNode, LabelIndex, mergeNodes, nodeByRef, type LNode } from './livetree.js';

export interface MergeResult {
  root: LNode;
  index: LabelIndex;
  errors: ParseError[];
  /** Top-level `&ref` targets with what they resolved to (for editor features). */
  fragmentRefs: { ref: string; start: number; end: number; target?: LNode }[];
  /** Labels given by `label: &ref { }` (not part of any node definition). */
  fragmentLabels: { name: string; start: number; end: number; target: LNode }[];
}

export function mergeAst(ast: DtsAst): MergeResult {
  const index = new LabelIndex();
  const errors: ParseError[] = [];
  const fragmentRefs: MergeResult['fragmentRefs'] = [];
  const fragmentLabels: MergeResult['fragmentLabels'] = [];
  let root: LNode | undefined;
  const emptyRoot = (): LNode => buildNode({ name: '', labels: [], deleted: false, omit: false, props: [], children: [], start: 0, end: 0, nameStart: 0, nameEnd: 0 }, index, null);
  let fragments = 0;
  const orphan = (r: LNode, ref: string, def: NodeDef): void => {
    const overlay = buildNode({ ...def, name: '__overlay__' }, index, null);
    const isPath = ref[0] === '/';
    const bytes = isPath ? new TextEncoder().encode(ref + '\0') : new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    const markers: Marker[] = isPath ? [] : [{ kind: 'phandle', offset: 0, ref, start: def.nameStart, end: def.nameEnd }];
    const prop: PropDef = { name: isPath ? 'target-path' : 'target', labels: [], deleted: false, data: { bytes, markers }, start: def.nameStart, end: def.nameEnd, nameStart: def.nameStart, nameEnd: def.nameEnd };
    const frag = buildNode({ name: `fragment@${fragments++}`, labels: [], deleted: false, omit: false, props: [prop], children: [], start: def.start, end: def.end, nameStart: def.nameStart, nameEnd: def.nameEnd }, index, r);
    overlay.parent = frag;
    frag.children.push(overlay);
    r.children.push(frag);
  };
  for (const st of ast.statements) {
    if (st.kind === 'root') {
      const node = buildNode(st.node, index, null);
      if (!root) root = node;
      else mergeNodes(root, node, index);
      continue;
    }
    const first = !root;
    if (!root) root = emptyRoot();
    if (st.kind === 'extend' && !st.label && ast.plugin && (first || st.target.ref[0] === '/')) {
      // dtc-parser.y: in a plugin the first fragment and every `&{/path}` are always orphans.
      fragmentRefs.push({ ref: st.target.ref, start: st.target.start, end: st.target.end });
      orphan(root, st.target.ref, st.node);
      continue;
    }
    const target = first ? undefined : nodeByRef(root, st.target.ref, index);
    fragmentRefs.push({ ref: st.target.ref, start: st.target.start, end: st.target.end, target });
    if (!target && st.kind === 'extend' && !st.label && ast.plugin) {
      orphan(root, st.target.ref, st.node);
      continue;
    }
    if (!target) {
      errors.push({ code: 'label-undefined', message: `Label or path ${st.target.ref} not found`, start: st.target.start, end: st.target.end, severity: 'error' });
      continue;
    }
    if (st.kind === 'extend') {
      if (st.label) {
        target.labels = addLabel(target.labels, st.label.name);
        index.register(st.label.name, target);
        fragmentLabels.push({ ...st.label, target });
      }
      mergeNodes(target, buildNode(st.node, index, null), index);
    } else if (st.kind === 'delete') deleteNode(target);
    else target.omit = true;
  }
  return { root: root ?? emptyRoot(), index, errors, fragmentRefs, fragmentLabels };
}
