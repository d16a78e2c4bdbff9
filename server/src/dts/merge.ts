// Applies the top-level statements of a parsed source in order, as dtc-parser.y's `devicetree`
// actions do: the first `/ { }` becomes the root, later ones and `&ref { }` / `&{/path} { }` /
// `&{label/path} { }` fragments are merged into the node they name (looked up in the tree built so
// far), `label: &ref { }` adds the label, and `/delete-node/ &ref;` / `/omit-if-no-ref/ &ref;` act
// on the target. Unresolvable targets become `label-undefined` errors, as dtc reports them.
import type { DtsAst, ParseError } from './ast.js';
import { addLabel, buildNode, deleteNode, LabelIndex, mergeNodes, nodeByRef, type LNode } from './livetree.js';

export interface MergeResult {
  root: LNode;
  index: LabelIndex;
  errors: ParseError[];
  /** Top-level `&ref` targets with what they resolved to (for editor features). */
  fragmentRefs: { ref: string; start: number; end: number; target?: LNode }[];
}

export function mergeAst(ast: DtsAst): MergeResult {
  const index = new LabelIndex();
  const errors: ParseError[] = [];
  const fragmentRefs: MergeResult['fragmentRefs'] = [];
  let root: LNode | undefined;
  const emptyRoot = (): LNode => buildNode({ name: '', labels: [], deleted: false, omit: false, props: [], children: [], start: 0, end: 0, nameStart: 0, nameEnd: 0 }, index, null);
  for (const st of ast.statements) {
    if (st.kind === 'root') {
      const node = buildNode(st.node, index, null);
      if (!root) root = node;
      else mergeNodes(root, node, index);
      continue;
    }
    if (!root) root = emptyRoot();
    const target = nodeByRef(root, st.target.ref, index);
    fragmentRefs.push({ ref: st.target.ref, start: st.target.start, end: st.target.end, target });
    if (!target) {
      errors.push({ code: 'label-undefined', message: `Label or path ${st.target.ref} not found`, start: st.target.start, end: st.target.end, severity: 'error' });
      continue;
    }
    if (st.kind === 'extend') {
      if (st.label) {
        addLabel(target.labels, st.label.name);
        index.register(st.label.name, target);
      }
      mergeNodes(target, buildNode(st.node, index, null), index);
    } else if (st.kind === 'delete') deleteNode(target);
    else target.omit = true;
  }
  return { root: root ?? emptyRoot(), index, errors, fragmentRefs };
}
