// Recursive-descent parser for preprocessed DTS with exactly dtc 1.7.0's grammar (dtc-parser.y):
// headers, /memreserve/s, `/ { }` and `&ref { }` fragments, /delete-node/ and /omit-if-no-ref/ at
// the top level; inside nodes properties, /delete-property/, subnodes, /delete-node/ name; and
// property values (strings, `< >` cells of integer_prim, `/bits/ N < >`, `[ ]` bytes, path refs,
// labels anywhere). Values are evaluated here, as dtc's actions do. A syntax error becomes a
// ParseError at the offending token; parsing resumes after the next `;` so the rest still counts.
import { Lexer, State, type Token } from './lexer.js';
import { parsePrim, type ExprContext } from './expr.js';
import { parsePropData } from './values.js';
import { adoptTail, tailMark, type TailReuse } from './parse_tail.js';
import { NO_LABEL_DEFS, type Data, type DtsAst, type Label, type NodeDef, type ParseError, type ParseMark, type PropDef, type RefTarget, type TopStatement } from './ast.js';

class SyntaxAbort extends Error {}

export function markOf(ast: DtsAst, seenBody: boolean, end: number, seen: number, lexState: number = State.PropNodeName): ParseMark {
  return { end, seen, lexState, statements: ast.statements.length, memreserves: ast.memreserves.length, errors: ast.errors.length, v1: ast.v1, plugin: ast.plugin, seenBody };
}

/** Bound on node nesting (recursion); real trees are under 15 deep. */
export const MAX_DEPTH = 1000;

export class DtsParser implements ExprContext {
  private readonly lx: Lexer;
  private tok: Token;
  private depth = 0;

  /** Parses `text[start, end)`; the lexer starts in dtc's PROPNODENAME state, as after `;`/`{`.
   * Errors go to `errors` (an AST's, when resuming one). */
  constructor(text: string, start = 0, end = text.length, readonly errors: ParseError[] = [], lexState: State = State.PropNodeName) {
    this.lx = new Lexer(text, start, end, lexState);
    this.tok = this.lx.next();
  }

  peek(): Token { return this.tok; }
  take(): Token { const t = this.tok; this.tok = this.lx.next(); return t; }

  syntax(tok: Token, what?: string): never {
    const msg = what ?? (tok.kind === 'eof' ? 'syntax error: unexpected end of input' : `syntax error: unexpected '${tok.kind === 'string' ? tok.text : tok.text || tok.kind}'`);
    this.errors.push({ code: 'syntax', message: msg, start: tok.start, end: Math.max(tok.end, tok.start), severity: 'error' });
    throw new SyntaxAbort(msg);
  }

  isOp(op: string): boolean { return this.tok.kind === 'op' && this.tok.text === op; }
  expectOp(op: string): Token {
    if (!this.isOp(op)) this.syntax(this.tok, `syntax error: expected '${op}'`);
    return this.take();
  }
  error(code: string, message: string, start: number, end: number, severity: 'error' | 'warning' = 'error'): void {
    this.errors.push({ code, message, start, end, severity });
  }

  /** Skips to just after the next `;` at brace depth 0 (relative to here), or a closing `}` that
   * ends the enclosing block (left in place). */
  private recover(): void {
    let depth = 0;
    for (let guard = 0; guard < 10_000_000; guard++) {
      const t = this.tok;
      if (t.kind === 'eof') return;
      if (t.kind === 'op') {
        if (t.text === '{') depth++;
        else if (t.text === '}') {
          if (depth === 0) return;
          depth--;
        } else if (t.text === ';' && depth === 0) { this.take(); return; }
      }
      this.take();
    }
  }

  parse(): DtsAst {
    const ast: DtsAst = { v1: false, plugin: false, memreserves: [], statements: [], errors: this.errors, marks: [], by: 'native' };
    this.parseInto(ast, { seenBody: false }, ast.marks);
    this.finish(ast);
    return ast;
  }

  /** Final checks and lexical errors, once the whole text was seen. */
  finish(ast: DtsAst): void {
    if (!ast.v1 && !ast.errors.some((e) => e.code === 'dts-v1-missing')) ast.errors.push({ code: 'dts-v1-missing', message: 'syntax error: the file does not start with /dts-v1/;', start: 0, end: 0, severity: 'error' });
    this.flushLexErrors(ast);
  }

  flushLexErrors(ast: DtsAst, before = Infinity): void {
    const keep = this.lx.errors.filter((e) => e.start >= before);
    for (const e of this.lx.errors) if (e.start < before) ast.errors.push({ code: 'syntax', message: e.message, start: e.start, end: e.end, severity: 'error' });
    this.lx.errors.length = 0;
    this.lx.errors.push(...keep);
  }

  /** Top-level statements until the end of this parser's range, appended to `ast`; with `marks`,
   * the state after each statement is recorded there (ending at the next token: its lexing saw
   * the text up to there). With `tail`, the parse stops where it can take over the rest of a
   * previous parse (parse_tail.ts). */
  parseInto(ast: DtsAst, state: { seenBody: boolean }, marks?: ParseMark[], tail?: TailReuse): void {
    let first = true;
    while (this.tok.kind !== 'eof') {
      if (marks && !first) {
        this.flushLexErrors(ast, this.tok.start);
        marks.push(markOf(ast, state.seenBody, this.tok.start, this.lx.far, this.lx.stateBefore));
        const i = tail ? tailMark(ast, tail, this.tok.start, state.seenBody, this.lx.stateBefore) : -1;
        if (i >= 0) {
          adoptTail(ast, tail!, i);
          // what the lexer read ahead belongs to the adopted tail (its errors came with it)
          this.lx.errors.length = 0;
          return;
        }
      }
      first = false;
      let seenBody = state.seenBody;
      const start = this.tok.start;
      try {
        const labels = this.labels();
        const t = this.tok;
        if (t.kind === 'v1' || t.kind === 'plugin') {
          if (labels.length) this.syntax(t);
          this.take();
          this.expectOp(';');
          if (seenBody || ast.memreserves.length || (t.kind === 'v1' && ast.plugin)) this.error('syntax', `syntax error: ${t.text} must come first`, t.start, t.end);
          if (t.kind === 'plugin' && !ast.v1) this.error('syntax', 'syntax error: /plugin/ before /dts-v1/', t.start, t.end);
          if (t.kind === 'v1') ast.v1 = true; else ast.plugin = true;
          continue;
        }
        if (!ast.v1 && !seenBody && !ast.memreserves.length) this.error('dts-v1-missing', 'syntax error: the file does not start with /dts-v1/;', t.start, t.end);
        if (t.kind === 'memreserve') {
          this.take();
          const a = parsePrim(this), b = parsePrim(this);
          const semi = this.expectOp(';');
          if (seenBody) this.error('syntax', 'syntax error: /memreserve/ after the first node', t.start, t.end);
          ast.memreserves.push({ address: a.v, size: b.v, labels, start, end: semi.end });
          continue;
        }
        if (this.isOp('/')) {
          if (labels.length) this.syntax({ kind: 'label', start: labels[0].start, end: labels[0].end, text: labels[0].name });
          this.take();
          const node = this.nodeBody('', [], t.start, t.start, t.end, false);
          ast.statements.push({ kind: 'root', node });
          seenBody = true;
          continue;
        }
        if (t.kind === 'ref' || t.kind === 'pathref') {
          if (labels.length > 1) this.syntax(t);
          this.take();
          const target: RefTarget = { ref: t.text, start: t.start, end: t.end };
          const node = this.nodeBody('', [], start, t.start, t.end, false);
          const st: TopStatement = { kind: 'extend', target, node };
          if (labels.length) st.label = labels[0];
          ast.statements.push(st);
          seenBody = true;
          continue;
        }
        if (t.kind === 'delnode' || t.kind === 'omit') {
          if (labels.length) this.syntax(t);
          this.take();
          const r = this.tok;
          if (r.kind !== 'ref' && r.kind !== 'pathref') this.syntax(r);
          this.take();
          const semi = this.expectOp(';');
          if (!seenBody) this.syntax(t);
          ast.statements.push({ kind: t.kind === 'delnode' ? 'delete' : 'omit', target: { ref: r.text, start: r.start, end: r.end }, start: t.start, end: semi.end });
          continue;
        }
        this.syntax(t);
      } catch (e) {
        if (!(e instanceof SyntaxAbort)) throw e;
        this.recover();
        if (this.isOp('}')) this.take();
      } finally {
        state.seenBody = seenBody;
      }
    }
  }

  labels(): Label[] {
    if (this.tok.kind !== 'label') return NO_LABEL_DEFS;
    const out: Label[] = [];
    while (this.tok.kind === 'label') {
      const t = this.take();
      out.push({ name: t.text, start: t.start, end: t.end - 1 });
    }
    return out;
  }

  /** nodedef: '{' proplist subnodes '}' ';' — the current token is `{`. */
  private nodeBody(name: string, labels: Label[], start: number, nameStart: number, nameEnd: number, omit: boolean): NodeDef {
    const node: NodeDef = { name, labels, deleted: false, omit, props: [], children: [], start, end: start, nameStart, nameEnd };
    this.expectOp('{');
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      this.syntax(this.tok, 'nesting too deep');
    }
    try {
      let sawChild = false;
      while (!this.isOp('}')) {
        if (this.tok.kind === 'eof') this.syntax(this.tok);
        try {
          const memberStart = this.tok.start;
          const member = this.member(memberStart);
          if ('props' in member) {
            node.children.push(member);
            sawChild = true;
          } else {
            if (sawChild) this.error('syntax', 'Properties must precede subnodes', member.start, member.end);
            node.props.push(member);
          }
        } catch (e) {
          if (!(e instanceof SyntaxAbort) || this.peek().kind === 'eof') throw e;
          this.recover();
        }
      }
      this.take();
      node.end = this.expectOp(';').end;
    } finally {
      this.depth--;
    }
    return node;
  }

  private member(start: number): NodeDef | PropDef {
    const labels = this.labels();
    const t = this.tok;
    if (t.kind === 'omit') {
      this.take();
      const inner = this.member(start);
      if (!('props' in inner)) this.syntax(t);
      if (labels.length) inner.labels = [...labels, ...inner.labels];
      inner.omit = true;
      return inner;
    }
    if (t.kind === 'delprop') {
      this.take();
      const n = this.tok;
      if (n.kind !== 'name') this.syntax(n);
      this.take();
      const semi = this.expectOp(';');
      return { name: n.text, labels, deleted: true, data: { bytes: new Uint8Array(0), markers: [] }, start, end: semi.end, nameStart: n.start, nameEnd: n.end };
    }
    if (t.kind === 'delnode') {
      this.take();
      const n = this.tok;
      if (n.kind !== 'name') this.syntax(n);
      this.take();
      const semi = this.expectOp(';');
      return { name: n.text, labels, deleted: true, omit: false, props: [], children: [], start, end: semi.end, nameStart: n.start, nameEnd: n.end };
    }
    if (t.kind !== 'name') this.syntax(t);
    this.take();
    if (this.isOp('{')) {
      // A nested label after the name is not allowed; labels come first.
      const inner = this.member2(t, labels, start);
      return inner;
    }
    if (this.isOp(';')) {
      const semi = this.take();
      return { name: t.text, labels, deleted: false, data: { bytes: new Uint8Array(0), markers: [] }, start, end: semi.end, nameStart: t.start, nameEnd: t.end };
    }
    this.expectOp('=');
    const valueStart = this.tok.start;
    const data = this.propData();
    const valueEnd = this.lastEnd;
    const semi = this.expectOp(';');
    return { name: t.text, labels, deleted: false, data, start, end: semi.end, nameStart: t.start, nameEnd: t.end, valueStart, valueEnd };
  }

  private member2(name: Token, labels: Label[], start: number): NodeDef {
    return this.nodeBody(name.text, labels, start, name.start, name.end, false);
  }

  private lastEnd = 0;

  /** propdata (values.ts); `lastEnd` is the end of the last value token. */
  private propData(): Data {
    const r = parsePropData(this);
    this.lastEnd = r.end;
    return r.data;
  }

}

export function parseDts(text: string): DtsAst {
  return new DtsParser(text).parse();
}

/** The AST of `text` whose first statements are those of `prev` up to `mark` (the text before
 * mark.end is unchanged): parses only from there on. */
export function resumeDts(text: string, prev: DtsAst, mark: ParseMark, tail?: TailReuse): DtsAst {
  const ast = prefixAst(prev, mark, 'native');
  const p = new DtsParser(text, mark.end, text.length, ast.errors, mark.lexState as State);
  p.parseInto(ast, { seenBody: mark.seenBody }, ast.marks, tail?.prev.by === 'native' ? tail : undefined);
  p.finish(ast);
  return ast;
}

/** A new AST holding what `prev` held at `mark` (the marks up to and including it). */
export function prefixAst(prev: DtsAst, mark: ParseMark, by: DtsAst['by']): DtsAst {
  const marks = prev.marks ?? [];
  return {
    v1: mark.v1, plugin: mark.plugin, memreserves: prev.memreserves.slice(0, mark.memreserves),
    statements: prev.statements.slice(0, mark.statements), errors: prev.errors.slice(0, mark.errors),
    marks: marks.slice(0, marks.indexOf(mark) + 1), by,
  };
}
