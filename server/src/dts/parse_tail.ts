// The unchanged tail of a previous parse, taken over by the next one (issue #8). After an edit,
// a parse resumes before it (frontend.ts reusable) and would go on to the end of the text; but
// the text after the edit is the previous text shifted by the edit's length. Once the parse stands
// at a statement boundary inside that shared tail, in the state the previous parse had at the
// same place (same lexer start state, /dts-v1/, /plugin/, a node seen, /memreserve/s seen), every
// later statement, error and mark of the previous parse is what this one would produce, offsets
// shifted: they are moved over instead of parsed again. The previous AST is consumed: its moved
// objects are shifted in place (ASTs are never read after the next parse of their board took
// them over; frontend.ts marks them consumed and never resumes from one again).
import type { DtsAst, Label, Marker, NodeDef, ParseError, PropDef, TopStatement } from './ast.js';

export interface TailReuse {
  prev: DtsAst;
  /** Characters the previous and the new text share at their ends. */
  suffix: number;
  /** New length minus old length: what an offset in the shared tail moves by. */
  delta: number;
  newLength: number;
}

/** The index of the previous parse's mark where this parse can take over at `pos` (a statement
 * boundary of the new text, with this state), or -1. */
export function tailMark(ast: DtsAst, tail: TailReuse, pos: number, seenBody: boolean, lexState: number): number {
  if (pos < tail.newLength - tail.suffix) return -1;
  const marks = tail.prev.marks;
  if (!marks?.length) return -1;
  const old = pos - tail.delta;
  let lo = 0, hi = marks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = marks[mid]!;
    if (m.end < old) lo = mid + 1;
    else if (m.end > old) hi = mid - 1;
    else {
      const same = m.lexState === lexState && m.seenBody === seenBody && m.v1 === ast.v1 && m.plugin === ast.plugin
        && (m.memreserves > 0) === (ast.memreserves.length > 0);
      return same ? mid : -1;
    }
  }
  return -1;
}

/** Appends the previous parse's statements, /memreserve/s, errors and marks after its mark `i` to
 * `ast`, shifted to the new text. The error finish() adds at offset 0 for a missing /dts-v1/ is
 * left out: the new parse's finish() decides it again. */
export function adoptTail(ast: DtsAst, tail: TailReuse, i: number): void {
  const prev = tail.prev;
  const d = tail.delta;
  const m = prev.marks![i]!;
  const base = { statements: ast.statements.length - m.statements, memreserves: ast.memreserves.length - m.memreserves, errors: ast.errors.length - m.errors };
  for (let k = m.statements; k < prev.statements.length; k++) ast.statements.push(shiftStatement(prev.statements[k]!, d));
  for (let k = m.memreserves; k < prev.memreserves.length; k++) {
    const r = prev.memreserves[k]!;
    shiftSpan(r, d);
    shiftLabels(r.labels, d);
    ast.memreserves.push(r);
  }
  for (let k = m.errors; k < prev.errors.length; k++) {
    const e = prev.errors[k]!;
    if (e.code === 'dts-v1-missing' && e.start === 0 && e.end === 0) continue;
    shiftSpan(e, d);
    ast.errors.push(e as ParseError);
  }
  const marks = prev.marks!;
  for (let k = i + 1; k < marks.length; k++) {
    const x = marks[k]!;
    ast.marks!.push({
      ...x, end: x.end + d, seen: x.seen + d,
      statements: x.statements + base.statements, memreserves: x.memreserves + base.memreserves, errors: x.errors + base.errors,
    });
  }
}

function shiftSpan(x: { start: number; end: number }, d: number): void {
  x.start += d;
  x.end += d;
}

function shiftLabels(labels: Label[], d: number): void {
  for (let i = 0; i < labels.length; i++) shiftSpan(labels[i]!, d);
}

function shiftMarkers(markers: Marker[], d: number): void {
  for (let i = 0; i < markers.length; i++) shiftSpan(markers[i]!, d);
}

function shiftProp(p: PropDef, d: number): void {
  shiftSpan(p, d);
  p.nameStart += d;
  p.nameEnd += d;
  if (p.valueStart !== undefined) p.valueStart += d;
  if (p.valueEnd !== undefined) p.valueEnd += d;
  shiftLabels(p.labels, d);
  shiftMarkers(p.data.markers, d);
}

function shiftNode(n: NodeDef, d: number): void {
  shiftSpan(n, d);
  n.nameStart += d;
  n.nameEnd += d;
  shiftLabels(n.labels, d);
  for (let i = 0; i < n.props.length; i++) shiftProp(n.props[i]!, d);
  for (let i = 0; i < n.children.length; i++) shiftNode(n.children[i]!, d);
}

function shiftStatement(st: TopStatement, d: number): TopStatement {
  if (st.kind === 'root') shiftNode(st.node, d);
  else {
    shiftSpan(st.target, d);
    if (st.kind === 'extend') {
      if (st.label) shiftSpan(st.label, d);
      shiftNode(st.node, d);
    } else shiftSpan(st, d);
  }
  return st;
}
