// `#if` / `#elif` expression evaluation as cpp does it (libcpp expr.cc): intmax_t arithmetic
// (64-bit two's complement, BigInt.asIntN), unsigned when either operand is (usual arithmetic
// conversions), shifts keep the left operand's type, comparisons and logical operators give
// signed int, `defined X` / `defined(X)` read with expansion disabled, identifiers left after
// expansion are 0, character constants are int (plain char signed, as on x86 and arm64 hosts),
// division by zero is an error only where evaluated (not in the dead side of && || ?:).

import * as _tokens from './tokens.js';
import type { Tok } from './tokens.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const T_CHAR = _tokens.T_CHAR;
const T_EOF = _tokens.T_EOF;
const T_NAME = _tokens.T_NAME;
const T_NUMBER = _tokens.T_NUMBER;
const T_PUNCT = _tokens.T_PUNCT;
const T_STRING = _tokens.T_STRING;
const F_PREV_WHITE = _tokens.F_PREV_WHITE;

export interface IfSource {
  /** Next macro-expanded token of the directive line (T_EOF at its end). */
  next(): Tok;
  /** Disable / re-enable macro expansion (for the operand of `defined`). */
  prevent(delta: number): void;
  isDefined(name: string): boolean;
  hasInclude(path: string, angled: boolean): boolean;
}

const utf8 = new TextEncoder();

interface Val {
  v: bigint;
  u: boolean;
}

class ExprError extends Error {}

function norm(v: bigint, u: boolean): Val {
  return { v: u ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v), u };
}

/** Parses an integer pp-number; throws on floats and bad digits. */
export function parseIntLiteral(s: string): Val {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)$/.exec(s);
  if (!m) {
    if (/^(0[xX][0-9a-fA-F]*\.|[0-9]*\.|[0-9]+[eE]|0[xX][0-9a-fA-F]*[pP])/.test(s)) throw new ExprError('floating constant in preprocessor expression');
    throw new ExprError(`invalid suffix or digits in integer constant "${s}"`);
  }
  const digits = m[1];
  const suffix = m[2];
  if (!/^(u?(l|L|ll|LL)?|(l|L|ll|LL)u?)$/i.test(suffix) || /lL|Ll/.test(suffix)) throw new ExprError(`invalid suffix "${suffix}" on integer constant`);
  let v: bigint;
  if (/^0[bB]/.test(digits)) v = BigInt(digits);
  else if (/^0[xX]/.test(digits)) v = BigInt(digits);
  else if (digits.length > 1 && digits[0] === '0') {
    if (/[89]/.test(digits)) throw new ExprError(`invalid digit in octal constant "${s}"`);
    v = BigInt('0o' + digits.slice(1));
  } else v = BigInt(digits);
  let u = /[uU]/.test(suffix);
  v = BigInt.asUintN(64, v); // "integer constant is too large for its type" truncates
  if (!u && v > 0x7fffffffffffffffn) u = true; // "so large that it is unsigned"
  return norm(v, u);
}

/** Value of a character constant ('a', '\n', 'ab', L'x'). */
export function charValue(s: string): Val {
  const wide = s[0] === 'L';
  const body = s.slice(wide ? 2 : 1, -1);
  const chars: number[] = [];
  for (let i = 0; i < body.length; ) {
    let c = body.charCodeAt(i);
    if (c !== 92) {
      const cp = body.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      if (wide) chars.push(cp);
      else for (const b of utf8.encode(String.fromCodePoint(cp))) chars.push(b);
      continue;
    }
    i++;
    const e = body[i++];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, E: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };
    if (e in simple) c = simple[e];
    else if (e >= '0' && e <= '7') {
      let v = e.charCodeAt(0) - 48;
      for (let k = 0; k < 2 && i < body.length && body[i] >= '0' && body[i] <= '7'; k++) v = v * 8 + body.charCodeAt(i++) - 48;
      c = v;
    } else if (e === 'x') {
      let v = 0;
      while (i < body.length && /[0-9a-fA-F]/.test(body[i])) v = v * 16 + parseInt(body[i++], 16);
      c = v;
    } else c = e ? e.charCodeAt(0) : 0;
    chars.push(c);
  }
  if (chars.length === 0) throw new ExprError('empty character constant');
  if (wide) return norm(BigInt.asIntN(32, BigInt(chars[chars.length - 1])), false);
  if (chars.length === 1) return norm(BigInt.asIntN(8, BigInt(chars[0] & 0xff)), false);
  let v = 0n;
  for (const c of chars) v = (v << 8n) | BigInt(c & 0xff);
  return norm(BigInt.asIntN(32, v), false);
}

const BIN_PREC: Record<string, number> = {
  '*': 10, '/': 10, '%': 10, '+': 9, '-': 9, '<<': 8, '>>': 8, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '==': 6, '!=': 6, '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1,
};

class Parser {
  cur!: Tok;
  skip = 0;
  constructor(private src: IfSource) {}

  advance(): void {
    this.cur = this.src.next();
  }

  isP(s: string): boolean {
    return this.cur.t === T_PUNCT && this.cur.s === s;
  }

  expect(s: string, msg: string): void {
    if (!this.isP(s)) throw new ExprError(msg);
    this.advance();
  }

  /** comma-expression */
  expr(): Val {
    let v = this.cond();
    while (this.isP(',')) {
      this.advance();
      v = this.cond();
    }
    return v;
  }

  cond(): Val {
    const c = this.binary(1);
    if (!this.isP('?')) return c;
    this.advance();
    const take = c.v !== 0n;
    if (!take) this.skip++;
    const a = this.expr();
    if (!take) this.skip--;
    this.expect(':', "'?' without following ':'");
    if (take) this.skip++;
    const b = this.cond();
    if (take) this.skip--;
    const u = a.u || b.u;
    return norm(take ? a.v : b.v, u);
  }

  binary(minPrec: number): Val {
    let lhs = this.unary();
    for (;;) {
      if (this.cur.t !== T_PUNCT) {
        if (this.cur.t === T_EOF) return lhs;
        if (this.cur.t === T_NAME || this.cur.t === T_NUMBER || this.cur.t === T_CHAR) throw new ExprError(`missing binary operator before token "${this.cur.s}"`);
        throw new ExprError(`token "${this.cur.s}" is not valid in preprocessor expressions`);
      }
      const op = this.cur.s;
      const prec = BIN_PREC[op];
      if (prec === undefined) {
        if (op === ')' || op === ':' || op === '?' || op === ',') return lhs;
        if (op === '(') throw new ExprError('missing binary operator before token "("');
        throw new ExprError(`token "${op}" is not valid in preprocessor expressions`);
      }
      if (prec < minPrec) return lhs;
      this.advance();
      if (op === '&&' || op === '||') {
        const short = op === '&&' ? lhs.v === 0n : lhs.v !== 0n;
        if (short) this.skip++;
        const rhs = this.binary(prec + 1);
        if (short) this.skip--;
        lhs = { v: (op === '&&' ? lhs.v !== 0n && rhs.v !== 0n : lhs.v !== 0n || rhs.v !== 0n) ? 1n : 0n, u: false };
        continue;
      }
      const rhs = this.binary(prec + 1);
      lhs = this.apply(op, lhs, rhs);
    }
  }

  apply(op: string, a: Val, b: Val): Val {
    const u = a.u || b.u;
    const av = u ? BigInt.asUintN(64, a.v) : a.v;
    const bv = u ? BigInt.asUintN(64, b.v) : b.v;
    switch (op) {
      case '*': return norm(av * bv, u);
      case '/':
      case '%':
        if (bv === 0n) {
          if (!this.skip) throw new ExprError('division by zero in #if');
          return norm(0n, u);
        }
        return norm(op === '/' ? av / bv : av % bv, u);
      case '+': return norm(av + bv, u);
      case '-': return norm(av - bv, u);
      case '<<':
      case '>>': {
        // The count is read with its own signedness; a negative count shifts the other way.
        let n = b.u ? BigInt.asUintN(64, b.v) : b.v;
        let left = op === '<<';
        if (n < 0n) {
          n = -n;
          left = !left;
        }
        const x = a.u ? BigInt.asUintN(64, a.v) : a.v;
        if (left) return n >= 64n ? norm(0n, a.u) : norm(x << n, a.u);
        if (n >= 64n) return norm(!a.u && x < 0n ? -1n : 0n, a.u);
        return norm(x >> n, a.u);
      }
      case '<': return { v: av < bv ? 1n : 0n, u: false };
      case '>': return { v: av > bv ? 1n : 0n, u: false };
      case '<=': return { v: av <= bv ? 1n : 0n, u: false };
      case '>=': return { v: av >= bv ? 1n : 0n, u: false };
      case '==': return { v: av === bv ? 1n : 0n, u: false };
      case '!=': return { v: av !== bv ? 1n : 0n, u: false };
      case '&': return norm(av & bv, u);
      case '^': return norm(av ^ bv, u);
      case '|': return norm(av | bv, u);
    }
    throw new ExprError(`bad operator ${op}`);
  }

  unary(): Val {
    const t = this.cur;
    if (t.t === T_PUNCT) {
      switch (t.s) {
        case '+': this.advance(); return this.unary();
        case '-': { this.advance(); const v = this.unary(); return norm(-v.v, v.u); }
        case '~': { this.advance(); const v = this.unary(); return norm(~v.v, v.u); }
        case '!': { this.advance(); const v = this.unary(); return { v: v.v === 0n ? 1n : 0n, u: false }; }
        case '(': {
          this.advance();
          if (this.isP(')')) throw new ExprError("missing expression between '(' and ')'");
          const v = this.expr();
          this.expect(')', "missing ')' in expression");
          return v;
        }
      }
      if (t.s === ')') throw new ExprError("missing expression between '(' and ')'");
      throw new ExprError(`operator '${t.s}' has no left operand`);
    }
    if (t.t === T_EOF) throw new ExprError('#if with no expression');
    if (t.t === T_NUMBER) {
      this.advance();
      return parseIntLiteral(t.s);
    }
    if (t.t === T_CHAR) {
      this.advance();
      return charValue(t.s);
    }
    if (t.t === T_NAME) {
      if (t.s === 'defined') return this.defined();
      if (t.s === '__has_include' || t.s === '__has_include_next') return this.hasInclude();
      this.advance();
      return { v: 0n, u: false };
    }
    if (t.t === T_STRING) throw new ExprError(`token "${t.s}" is not valid in preprocessor expressions`);
    throw new ExprError(`token "${t.s}" is not valid in preprocessor expressions`);
  }

  defined(): Val {
    this.src.prevent(1);
    try {
      this.advance();
      const paren = this.isP('(');
      if (paren) this.advance();
      if (this.cur.t !== T_NAME) throw new ExprError('operator "defined" requires an identifier');
      const name = this.cur.s;
      if (paren) {
        this.advance();
        if (!this.isP(')')) throw new ExprError('missing \')\' after "defined"');
      }
      const v = this.src.isDefined(name) ? 1n : 0n;
      this.src.prevent(-1);
      this.advance();
      return { v, u: false };
    } catch (e) {
      this.src.prevent(-1);
      throw e;
    }
  }

  hasInclude(): Val {
    this.src.prevent(1);
    try {
      this.advance();
      this.expect('(', 'missing \'(\' before "__has_include" operand');
      let path: string;
      let angled = false;
      if (this.cur.t === T_STRING) {
        path = this.cur.s.slice(1, -1);
        this.advance();
      } else if (this.isP('<')) {
        angled = true;
        path = '';
        this.advance();
        while (!this.isP('>')) {
          if (this.cur.t === T_EOF) throw new ExprError('missing terminating > character');
          if (path && this.cur.f & F_PREV_WHITE) path += ' ';
          path += this.cur.s;
          this.advance();
        }
        this.advance();
      } else throw new ExprError('operator "__has_include" requires a header-name');
      if (!this.isP(')')) throw new ExprError('missing \')\' after "__has_include" operand');
      const v = this.src.hasInclude(path, angled) ? 1n : 0n;
      this.src.prevent(-1);
      this.advance();
      return { v, u: false };
    } catch (e) {
      this.src.prevent(-1);
      throw e;
    }
  }
}

/** Evaluates a #if expression; `error` is set (and value false) on a syntax or arithmetic error. */
export function evalIf(src: IfSource): { value: boolean; error?: string } {
  const p = new Parser(src);
  try {
    p.advance();
    if (p.cur.t === T_EOF) return { value: false, error: '#if with no expression' };
    const v = p.expr();
    if (p.cur.t !== T_EOF) {
      if (p.isP(')')) throw new ExprError("missing '(' in expression");
      if (p.isP(':')) throw new ExprError("':' without preceding '?'");
      throw new ExprError(`missing binary operator before token "${p.cur.s}"`);
    }
    return { value: v.v !== 0n };
  } catch (e) {
    if (e instanceof ExprError) return { value: false, error: e.message };
    throw e;
  }
}
