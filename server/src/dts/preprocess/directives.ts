// Preprocessing directives (libcpp directives.cc). In assembler-with-cpp mode a `#` line whose
// first word is not a directive name (`#address-cells = <1>;`, `# 12 "x"`) is ordinary text; a
// lone `#` is the null directive. Conditionals skip whole groups by scanning logical lines for
// nested #if/#endif, never evaluating what they skip. Missing includes and `#error` become
// findings and processing goes on.

import * as _tokens from './tokens.js';
import type { Tok } from './tokens.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const EOF_TOK = _tokens.EOF_TOK;
const F_BOL = _tokens.F_BOL;
const F_PREV_WHITE = _tokens.F_PREV_WHITE;
const T_EOF = _tokens.T_EOF;
const T_NAME = _tokens.T_NAME;
const T_NUMBER = _tokens.T_NUMBER;
const T_PUNCT = _tokens.T_PUNCT;
const T_STRING = _tokens.T_STRING;
import { Expander } from './expand.js';
import { evalIf } from './expr.js';
import * as _macros from './macros.js';
import type { Macro } from './macros.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const parseDefine = _macros.parseDefine;
const sameDefinition = _macros.sameDefinition;
import * as _lexer from './lexer.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const lineCol = _lexer.lineCol;
const lexFile = _lexer.lexFile;
import type { Engine, Frame } from './engine.js';

const DIRECTIVES = new Set([
  'define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef',
  'else', 'endif', 'line', 'error', 'warning', 'pragma', 'ident', 'sccs', 'assert', 'unassert',
]);

/** Expands the tokens of one directive line (for #if, #include MACRO, #line). */
class LineExpander extends Expander {
  private i: number;
  constructor(private eng: Engine, private toks: Tok[], from: number, private to: number) {
    super(eng.macros, eng.runId, eng.limits, eng.onError);
    this.i = from;
    this.inDirective = true;
  }
  baseToken(): Tok {
    this.baseFileId = this.eng.frames[this.eng.frames.length - 1].fid;
    return this.i < this.to ? this.toks[this.i++] : EOF_TOK;
  }
  baseBackup(tok: Tok): void {
    if (tok.t !== T_EOF) this.i--;
  }
  protected builtin(m: Macro, nameTok: Tok): Tok {
    return this.eng.builtin(m, nameTok);
  }
  all(): Tok[] {
    const out: Tok[] = [];
    for (;;) {
      const t = this.getToken();
      if (t.t === T_EOF) return out;
      out.push(t);
    }
  }
}

/** Handles the directive whose `#` was just read; false when the line is not a directive. */
export function handleDirective(e: Engine, hash: Tok): boolean {
  const fr = e.frames[e.frames.length - 1];
  const toks = fr.lf.toks;
  const start = fr.pos;
  let end = start;
  while (end < toks.length && !(toks[end].f & F_BOL)) end++;
  if (start === end) return true; // null directive
  const nameTok = toks[start];
  if (nameTok.t !== T_NAME || !DIRECTIVES.has(nameTok.s)) return false;
  fr.pos = end;
  const a = start + 1;
  const lineEndOff = toks[end - 1].e;
  const fid = fr.fid;
  switch (nameTok.s) {
    case 'define': {
      let m = fr.lf.defCache.get(start);
      if (m === undefined) {
        m = parseDefine(toks, a, end);
        if (typeof m !== 'string') {
          m.file = fr.lf;
          m.start = hash.o;
          m.end = lineEndOff;
        }
        fr.lf.defCache.set(start, m);
      }
      if (typeof m === 'string') {
        e.finding('error', 'macro-define', m, fid, a < end ? toks[a].o : nameTok.o, lineEndOff);
        break;
      }
      const old = e.macros.get(m.name);
      if (old && old !== m) {
        if (old.builtin) e.finding('warning', 'macro-redefined', `redefining builtin macro "${m.name}"`, fid, toks[a].o, toks[a].e);
        else if (!sameDefinition(old, m)) e.finding('warning', 'macro-redefined', `"${m.name}" redefined`, fid, toks[a].o, toks[a].e);
      }
      if (old !== m) e.writableMacros().set(m.name, m);
      break;
    }
    case 'undef':
      if (a < end && toks[a].t === T_NAME) {
        if (e.macros.has(toks[a].s)) e.writableMacros().delete(toks[a].s);
      }
      else e.finding('error', 'macro-define', 'no macro name given in #undef directive', fid, nameTok.o, nameTok.e);
      break;
    case 'include':
    case 'include_next':
    case 'import':
      doInclude(e, fr, nameTok, toks, a, end);
      break;
    case 'ifdef':
    case 'ifndef': {
      let cond = false;
      if (a < end && toks[a].t === T_NAME) {
        cond = isDefined(e, toks[a].s) === (nameTok.s === 'ifdef');
      } else e.finding('error', 'if-expression', `no macro name given in #${nameTok.s} directive`, fid, nameTok.o, nameTok.e);
      fr.ifs.push({ taken: cond, sawElse: false, hash, at: start - 1 });
      if (!cond) skipGroup(fr);
      break;
    }
    case 'if': {
      const cond = evaluate(e, fr, nameTok, toks, a, end);
      fr.ifs.push({ taken: cond, sawElse: false, hash, at: start - 1 });
      if (!cond) skipGroup(fr);
      break;
    }
    case 'elif':
    case 'elifdef':
    case 'elifndef': {
      const top = fr.ifs[fr.ifs.length - 1];
      if (!top) {
        e.finding('error', 'if-expression', `#${nameTok.s} without #if`, fid, hash.o, nameTok.e);
        break;
      }
      if (top.sawElse) e.finding('error', 'if-expression', `#${nameTok.s} after #else`, fid, hash.o, nameTok.e);
      if (top.taken) {
        skipGroup(fr);
        break;
      }
      let cond: boolean;
      if (nameTok.s === 'elif') cond = evaluate(e, fr, nameTok, toks, a, end);
      else if (a < end && toks[a].t === T_NAME) cond = isDefined(e, toks[a].s) === (nameTok.s === 'elifdef');
      else {
        e.finding('error', 'if-expression', `no macro name given in #${nameTok.s} directive`, fid, nameTok.o, nameTok.e);
        cond = false;
      }
      if (cond) top.taken = true;
      else skipGroup(fr);
      break;
    }
    case 'else': {
      const top = fr.ifs[fr.ifs.length - 1];
      if (!top) {
        e.finding('error', 'if-expression', '#else without #if', fid, hash.o, nameTok.e);
        break;
      }
      if (top.sawElse) e.finding('error', 'if-expression', '#else after #else', fid, hash.o, nameTok.e);
      top.sawElse = true;
      if (top.taken) skipGroup(fr);
      else top.taken = true;
      break;
    }
    case 'endif':
      if (!fr.ifs.pop()) e.finding('error', 'if-expression', '#endif without #if', fid, hash.o, nameTok.e);
      break;
    case 'line': {
      const x = new LineExpander(e, toks, a, end).all();
      if (x.length && x[0].t === T_NUMBER && /^[0-9]+$/.test(x[0].s)) {
        const next = lineCol(fr.lf, lineEndOff).line + 1;
        fr.lineDelta = Number(x[0].s) - 1 - next;
        if (x[1]?.t === T_STRING) fr.presumed = x[1].s.slice(1, -1);
      } else e.finding('error', 'line-directive', `"${x[0]?.s ?? ''}" after #line is not a positive integer`, fid, nameTok.o, lineEndOff);
      break;
    }
    case 'error':
    case 'warning': {
      const msg = `#${nameTok.s} ${spell(toks, a, end)}`.trimEnd();
      e.finding(nameTok.s === 'error' ? 'error' : 'warning', nameTok.s === 'error' ? 'cpp-error' : 'cpp-warning', msg, fid, hash.o, lineEndOff);
      break;
    }
    case 'pragma':
      if (a < end && toks[a].s === 'once') e.once.add(fr.lf.path);
      break;
    default:
      // #ident, #sccs, #assert, #unassert: nothing in the output of `cpp -x assembler-with-cpp`.
      break;
  }
  return true;
}

function isDefined(e: Engine, name: string): boolean {
  return e.macros.has(name) || name === '__has_include' || name === '__has_include_next';
}

/** Tokens of a line re-spelled with single spaces (for #error and header names). */
function spell(toks: Tok[], from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    if (i > from && toks[i].f & F_PREV_WHITE) s += ' ';
    s += toks[i].s;
  }
  return s;
}

function evaluate(e: Engine, fr: Frame, nameTok: Tok, toks: Tok[], a: number, end: number): boolean {
  const x = new LineExpander(e, toks, a, end);
  const r = evalIf({
    next: () => x.getToken(),
    prevent: (d) => {
      x.preventExpansion += d;
    },
    isDefined: (n) => isDefined(e, n),
    hasInclude: (path, angled) => e.reader.find(path, angled ? undefined : fr.dir, e.opts.cppSearch) !== undefined,
  });
  x.unwind();
  if (r.error) {
    const end2 = end > a ? toks[end - 1].e : nameTok.e;
    e.finding('error', 'if-expression', r.error, fr.fid, a < end ? toks[a].o : nameTok.o, end2);
  }
  return r.value && !r.error;
}

/** Skips a false group: stops at the #elif/#else/#endif that closes it (left to be read). */
function skipGroup(fr: Frame): void {
  const toks = fr.lf.toks;
  let depth = 0;
  let i = fr.pos;
  const n = toks.length;
  while (i < n) {
    const t = toks[i];
    if (t.f & F_BOL && t.t === T_PUNCT && t.s === '#' && i + 1 < n && !(toks[i + 1].f & F_BOL) && toks[i + 1].t === T_NAME) {
      const name = toks[i + 1].s;
      if (name === 'if' || name === 'ifdef' || name === 'ifndef') depth++;
      else if (name === 'endif') {
        if (depth === 0) {
          fr.pos = i;
          return;
        }
        depth--;
      } else if (depth === 0 && (name === 'else' || name === 'elif' || name === 'elifdef' || name === 'elifndef')) {
        fr.pos = i;
        return;
      }
      i += 2;
      continue;
    }
    i++;
  }
  fr.pos = n;
}

/** The include guard of a file (`#ifndef X` / `#define X` ... `#endif` around everything). */
function guardOf(lf: Frame['lf']): string | null {
  if (lf.guard !== undefined) return lf.guard;
  lf.guard = null;
  const t = lf.toks;
  if (t.length < 5 || t[0].s !== '#' || t[1].s !== 'ifndef' || t[2].t !== T_NAME) return null;
  let depth = 0;
  let lastEndif = -1;
  for (let i = 0; i < t.length; i++) {
    if (t[i].f & F_BOL && t[i].s === '#' && i + 1 < t.length && !(t[i + 1].f & F_BOL)) {
      const n = t[i + 1].s;
      if (n === 'if' || n === 'ifdef' || n === 'ifndef') depth++;
      else if (n === 'endif') {
        depth--;
        if (depth === 0) {
          lastEndif = i;
          break;
        }
      }
    }
  }
  if (lastEndif < 0) return null;
  let j = lastEndif + 2;
  while (j < t.length && !(t[j].f & F_BOL)) j++;
  if (j !== t.length) return null;
  lf.guard = t[2].s;
  return lf.guard;
}

function doInclude(e: Engine, fr: Frame, nameTok: Tok, toks: Tok[], a: number, end: number): void {
  const fid = fr.fid;
  let name: string | undefined;
  let angled = false;
  let hdr: Tok[] = toks.slice(a, end);
  if (!(hdr.length && (hdr[0].t === T_STRING || (hdr[0].t === T_PUNCT && hdr[0].s === '<')))) {
    hdr = new LineExpander(e, toks, a, end).all();
  }
  const rs = a < end ? toks[a].o : nameTok.o;
  const re = a < end ? toks[end - 1].e : nameTok.e;
  if (hdr.length && hdr[0].t === T_STRING && hdr[0].s[0] === '"') name = hdr[0].s.slice(1, -1);
  else if (hdr.length && hdr[0].t === T_PUNCT && hdr[0].s === '<') {
    let s = '';
    let closed = false;
    for (let i = 1; i < hdr.length; i++) {
      if (hdr[i].t === T_PUNCT && hdr[i].s === '>') {
        closed = true;
        break;
      }
      if (i > 1 && hdr[i].f & F_PREV_WHITE) s += ' ';
      s += hdr[i].s;
    }
    if (closed) {
      name = s;
      angled = true;
    }
  }
  const range = e.rangeOf(fid, rs, re);
  if (name === undefined || name === '') {
    e.finding('error', 'include-syntax', `#${nameTok.s} expects "FILENAME" or <FILENAME>`, fid, rs, re);
    e.includes.push({ range, kind: 'cpp' });
    return;
  }
  const found = e.reader.find(name, angled ? undefined : fr.dir, e.opts.cppSearch);
  if (!found) {
    e.finding('error', 'include-missing', `${name}: No such file or directory`, fid, rs, re);
    e.includes.push({ range, kind: 'cpp' });
    return;
  }
  e.includes.push({ range, path: found.path, kind: 'cpp' });
  if (e.once.has(found.path)) return;
  if (nameTok.s === 'import') e.once.add(found.path);
  // libcpp's multiple-include optimisation: a wholly guarded file whose guard is defined would
  // produce nothing, so it is not read again.
  const lf = lexFile(found.path, found.text);
  const guard = guardOf(lf);
  if (guard && e.macros.has(guard)) {
    e.fileId(lf);
    return;
  }
  if (e.frames.length >= e.opts.maxIncludeDepth) {
    e.finding('error', 'include-depth', `#include nested depth ${e.frames.length} exceeds maximum of ${e.opts.maxIncludeDepth}`, fid, rs, re);
    return;
  }
  const onStack = e.frames.findIndex((f) => f.lf.path === found.path);
  if (onStack >= 0) {
    const g = guardOf(e.frames[onStack].lf);
    if (g && e.macros.has(g)) return; // guarded: cpp would read it and output nothing
    const chain = e.frames.slice(onStack).map((f) => f.lf.path).concat(found.path).join(' -> ');
    e.finding('error', 'include-cycle', `#include cycle: ${chain}`, fid, rs, re);
    return;
  }
  e.pushFile(found.path, found.text);
}
