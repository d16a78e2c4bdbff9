// Integer expressions inside `< >` and `/memreserve/`, evaluated the way dtc-parser.y's actions do:
// uint64_t arithmetic, unsigned comparisons, `<<`/`>>` by 64 or more give 0, `/` and `%` by zero are
// an error ("Division by zero") and give 0, and every operand is evaluated (bison runs all actions,
// so a division by zero in an untaken `?:` branch is still reported). dtc has no unary `+`.
import type { Lexer, Token } from './lexer.js';
import type { ParseError } from './ast.js';

const MASK = (1n << 64n) - 1n;

export interface ExprContext {
  peek(): Token;
  take(): Token;
  errors: ParseError[];
  syntax(tok: Token, what?: string): never;
}

interface Val { v: bigint; start: number; end: number }

const isOp = (t: Token, op: string): boolean => t.kind === 'op' && t.text === op;

// Nesting bound for `(` and unary operators: dtc's bison parser gives up at YYMAXDEPTH (10000)
// stack entries ("memory exhausted"), about 13 per parenthesis level (one per precedence level);
// each level here takes ~13 JS frames too, so stop well before the JS stack does.
const MAX_NESTING = 200;
let nesting = 0;

function nested<T>(cx: ExprContext, t: Token, fn: () => T): T {
  if (nesting >= MAX_NESTING) cx.syntax(t, `expression nested over ${MAX_NESTING} levels`);
  nesting++;
  try {
    return fn();
  } finally {
    nesting--;
  }
}

/** integer_prim: literal | char literal | '(' integer_expr ')'. */
export function parsePrim(cx: ExprContext): Val {
  const t = cx.peek();
  if (t.kind === 'literal' || t.kind === 'char') {
    cx.take();
    return { v: t.value!, start: t.start, end: t.end };
  }
  if (isOp(t, '(')) {
    cx.take();
    const e = nested(cx, t, () => parseTernary(cx));
    const close = cx.peek();
    if (!isOp(close, ')')) cx.syntax(close);
    cx.take();
    return { v: e.v, start: t.start, end: close.end };
  }
  return cx.syntax(t);
}

function parseUnary(cx: ExprContext): Val {
  const t = cx.peek();
  if (t.kind === 'op' && (t.text === '-' || t.text === '~' || t.text === '!')) {
    cx.take();
    const a = nested(cx, t, () => parseUnary(cx));
    const v = t.text === '-' ? (-a.v) & MASK : t.text === '~' ? ~a.v & MASK : a.v === 0n ? 1n : 0n;
    return { v, start: t.start, end: a.end };
  }
  return parsePrim(cx);
}

type Level = { ops: string[]; next: (cx: ExprContext) => Val };

function binary(cx: ExprContext, lvl: Level): Val {
  let left = lvl.next(cx);
  for (;;) {
    const t = cx.peek();
    if (t.kind !== 'op' || !lvl.ops.includes(t.text)) return left;
    cx.take();
    const right = lvl.next(cx);
    left = { v: apply(cx, t.text, left, right), start: left.start, end: right.end };
  }
}

function apply(cx: ExprContext, op: string, a: Val, b: Val): bigint {
  const x = a.v, y = b.v;
  switch (op) {
    case '*': return (x * y) & MASK;
    case '/':
    case '%':
      if (y === 0n) {
        cx.errors.push({ code: 'div-zero', message: 'Division by zero', start: a.start, end: b.end, severity: 'error' });
        return 0n;
      }
      return op === '/' ? x / y : x % y;
    case '+': return (x + y) & MASK;
    case '-': return (x - y) & MASK;
    case '<<': return y < 64n ? (x << y) & MASK : 0n;
    case '>>': return y < 64n ? x >> y : 0n;
    case '<': return x < y ? 1n : 0n;
    case '>': return x > y ? 1n : 0n;
    case '<=': return x <= y ? 1n : 0n;
    case '>=': return x >= y ? 1n : 0n;
    case '==': return x === y ? 1n : 0n;
    case '!=': return x !== y ? 1n : 0n;
    case '&': return x & y;
    case '^': return x ^ y;
    case '|': return x | y;
    case '&&': return x !== 0n && y !== 0n ? 1n : 0n;
    case '||': return x !== 0n || y !== 0n ? 1n : 0n;
  }
  return 0n;
}

const MUL: Level = { ops: ['*', '/', '%'], next: parseUnary };
const ADD: Level = { ops: ['+', '-'], next: (cx) => binary(cx, MUL) };
const SHIFT: Level = { ops: ['<<', '>>'], next: (cx) => binary(cx, ADD) };
const RELA: Level = { ops: ['<', '>', '<=', '>='], next: (cx) => binary(cx, SHIFT) };
const EQ: Level = { ops: ['==', '!='], next: (cx) => binary(cx, RELA) };
const BITAND: Level = { ops: ['&'], next: (cx) => binary(cx, EQ) };
const BITXOR: Level = { ops: ['^'], next: (cx) => binary(cx, BITAND) };
const BITOR: Level = { ops: ['|'], next: (cx) => binary(cx, BITXOR) };
const AND: Level = { ops: ['&&'], next: (cx) => binary(cx, BITOR) };
const OR: Level = { ops: ['||'], next: (cx) => binary(cx, AND) };

/** integer_trinary: integer_or ['?' integer_expr ':' integer_trinary] (right-associative). */
export function parseTernary(cx: ExprContext): Val {
  const cond = binary(cx, OR);
  const q = cx.peek();
  if (!isOp(q, '?')) return cond;
  cx.take();
  const a = parseTernary(cx);
  const colon = cx.peek();
  if (!isOp(colon, ':')) cx.syntax(colon);
  cx.take();
  const b = parseTernary(cx);
  return { v: cond.v !== 0n ? a.v : b.v, start: cond.start, end: b.end };
}

export type { Lexer };
