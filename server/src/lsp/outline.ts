// A light scanner of one document's raw text (no preprocessing, works on a half-typed buffer):
// node blocks with their labels and name spans, comment blocks and #if groups. It feeds the
// outline (document symbols), folding ranges and completion's "which node am I in". Linear in
// the text, nesting capped.

export interface Block {
  /** `memory@80000000`, `/`, `&label`, `&{/path}`. */
  name: string;
  labels: string[];
  /** Offsets: name token, and the whole statement through `};`. */
  nameStart: number;
  nameEnd: number;
  start: number;
  end: number;
  children: Block[];
  parent?: Block;
}

export interface Outline {
  roots: Block[];
  comments: { start: number; end: number }[];
  conditionals: { start: number; end: number }[];
  lineStarts: number[];
}

const MAX_DEPTH = 64;
const NAME_CH = /[A-Za-z0-9,._+*#?@\-/]/;

export function scanOutline(text: string): Outline {
  const roots: Block[] = [];
  const comments: Outline['comments'] = [];
  const conditionals: Outline['conditionals'] = [];
  const ifStack: number[] = [];
  const stack: Block[] = [];
  let stmt: { s: string; start: number; end: number }[] = [];
  let stmtStart = -1;
  let i = 0;
  const n = text.length;
  let bol = true;
  while (i < n) {
    const c = text[i];
    if (c === '\n') { bol = true; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '/' && text[i + 1] === '/') {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? n : e;
      const last = comments[comments.length - 1];
      // Consecutive // lines fold as one block.
      if (last && /^\s*$/.test(text.slice(last.end, i)) && text.slice(last.end, i).split('\n').length <= 2) last.end = end;
      else comments.push({ start: i, end });
      i = end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      const end = e < 0 ? n : e + 2;
      comments.push({ start: i, end });
      i = end;
      continue;
    }
    if (c === '#' && bol) {
      let e = i;
      // A directive runs to the end of the line, backslash continuations included.
      for (;;) {
        const nl = text.indexOf('\n', e);
        if (nl < 0) { e = n; break; }
        if (text[nl - 1] === '\\' || (text[nl - 1] === '\r' && text[nl - 2] === '\\')) { e = nl + 1; continue; }
        e = nl;
        break;
      }
      const d = /^#\s*(\w+)/.exec(text.slice(i, Math.min(e, i + 40)));
      if (d && /^if/.test(d[1])) ifStack.push(i);
      else if (d && d[1] === 'endif' && ifStack.length) conditionals.push({ start: ifStack.pop()!, end: e });
      i = e;
      continue;
    }
    bol = false;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (c === '{') {
      if (stmtStart < 0) stmtStart = i;
      const toks = stmt.filter((t) => t.s !== ':');
      const labels: string[] = [];
      let name: { s: string; start: number; end: number } | undefined;
      for (let k = 0; k < stmt.length; k++) {
        if (stmt[k + 1]?.s === ':') labels.push(stmt[k].s);
      }
      name = toks.filter((t) => !labels.includes(t.s) && t.s !== '/omit-if-no-ref/').pop();
      if (!name || stmt.some((t) => t.s === '=')) name = { s: '?', start: i, end: i };
      const b: Block = { name: name.s, labels, nameStart: name.start, nameEnd: name.end, start: stmtStart, end: n, children: [] };
      if (stack.length < MAX_DEPTH) {
        const parent = stack[stack.length - 1];
        if (parent) { b.parent = parent; parent.children.push(b); } else roots.push(b);
      }
      stack.push(b);
      stmt = [];
      stmtStart = -1;
      i++;
      continue;
    }
    if (c === '}') {
      const b = stack.pop();
      let j = i + 1;
      while (j < n && /\s/.test(text[j])) j++;
      if (b) b.end = text[j] === ';' ? j + 1 : i + 1;
      stmt = [];
      stmtStart = -1;
      i = text[j] === ';' ? j + 1 : i + 1;
      continue;
    }
    if (c === ';') { stmt = []; stmtStart = -1; i++; continue; }
    if (stmtStart < 0) stmtStart = i;
    if (c === '&' && text[i + 1] === '{') {
      const e = text.indexOf('}', i);
      const end = e < 0 ? n : e + 1;
      stmt.push({ s: text.slice(i, end), start: i, end });
      i = end;
      continue;
    }
    if (c === '&' || NAME_CH.test(c)) {
      let j = i + 1;
      while (j < n && NAME_CH.test(text[j])) j++;
      // A label is `name:` (no space before the colon in dtc's lexer).
      stmt.push({ s: text.slice(i, j), start: i, end: j });
      if (text[j] === ':') { stmt.push({ s: ':', start: j, end: j + 1 }); j++; }
      i = j;
      continue;
    }
    if (c === '<') {
      const e = text.indexOf('>', i);
      i = e < 0 ? n : e + 1;
      continue;
    }
    stmt.push({ s: c, start: i, end: i + 1 });
    i++;
  }
  const lineStarts = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  return { roots, comments, conditionals, lineStarts };
}

export function posOf(o: Outline, offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = o.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (o.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - o.lineStarts[lo] };
}

export function offsetOf(o: Outline, line: number, character: number): number {
  return (o.lineStarts[Math.min(line, o.lineStarts.length - 1)] ?? 0) + character;
}

/** The innermost block containing `offset` (inside its braces). */
export function blockAt(o: Outline, offset: number): Block | undefined {
  let list = o.roots;
  let found: Block | undefined;
  for (let d = 0; d < MAX_DEPTH; d++) {
    const b = list.find((x) => x.nameEnd <= offset && offset < x.end);
    if (!b) break;
    found = b;
    list = b.children;
  }
  return found;
}

/** `/reserved-memory/linux,cma` style path of a block chain (ref blocks keep `&label`). */
export function blockPath(b: Block): string[] {
  const out: string[] = [];
  for (let x: Block | undefined = b; x; x = x.parent) out.unshift(x.name);
  return out;
}
