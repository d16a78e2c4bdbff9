// Macro expansion against GNU cpp. Every expected string below is the output of
// `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp` (GCC 12.2.0, Debian 12) on the same
// input, linemarkers dropped and white space runs collapsed (words()); the C11 examples also
// match the results printed in ISO/IEC 9899:2011 6.10.3.5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { out, pp } from './preprocess-helpers.js';

test('C11 6.10.3.5 example 3: rescanning, self-reference, # and ## with empty arguments', () => {
  const src = `#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };
`;
  assert.equal(out(src), [
    'f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);',
    'f(2 * (2 +(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);',
    'int i[] = { 1, 23, 4, 5, };',
    'char c[2][6] = { "hello", "" };',
  ].join(' '));
});

test('C11 example 4: stringizing escapes string and char literals, ## builds names', () => {
  const src = `#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", \\
 x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\\0d", "abc", '\\4') // this goes away
 == 0) str(: @\\n), s);
xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)
`;
  assert.equal(out(src), [
    'printf("x" "1" "= %d, x" "2" "= %s", x1, x2);',
    'fputs("strncmp(\\"abc\\\\0d\\", \\"abc\\", \'\\\\4\') == 0" ": @\\n", s);',
    '"vers2.h"',
    '"hello";',
    '"hello" ", world"',
  ].join(' '));
});

test('C11 example 5: placemarkers', () => {
  const src = `#define t(x,y,z) x ## y ## z
int j[] = { t(1,2,3), t(,4,5), t(6,,7), t(8,9,),
 t(10,,), t(,11,), t(,,12), t(,,) };
`;
  assert.equal(out(src), 'int j[] = { 123, 45, 67, 89, 10, 11, 12, };');
});

test('C11 example 7: variadic macros and #__VA_ARGS__', () => {
  const src = `#define debug(...) fprintf(stderr, __VA_ARGS__)
#define showlist(...) puts(#__VA_ARGS__)
#define report(test, ...) ((test)?puts(#test):\\
 printf(__VA_ARGS__))
debug("Flag");
debug("X = %d\\n", x);
showlist(The first, second, and third items.);
report(x>y, "x is %d but y is %d", x, y);
`;
  assert.equal(out(src), [
    'fprintf(stderr, "Flag");',
    'fprintf(stderr, "X = %d\\n", x);',
    'puts("The first, second, and third items.");',
    '((x>y)?puts("x>y"): printf("x is %d but y is %d", x, y));',
  ].join(' '));
});

test('nested function-like macros; a wrong argument count is an error and leaves the name', () => {
  const src = `#define ID(x) x
#define PAIR(a, b) <a b>
#define CELL(x) PAIR(ID(x), ID((x) + 1))
#define APPLY(f, x) f(x)
p = CELL(4) APPLY(ID, 7) APPLY(PAIR, (1, 2));
q = ID(ID(ID(&lbl)));
`;
  const r = pp({ '/t/main.dts': src });
  assert.equal(out(src), 'p = <4 (4) + 1> 7 PAIR; q = &lbl;');
  const f = r.findings.find((x) => x.code === 'macro-args');
  assert.ok(f);
  assert.match(f.message, /macro "PAIR" requires 2 arguments, but only 1 given/);
});

test('self-reference and mutual recursion stop (disabled macros, NO_EXPAND)', () => {
  const src = `#define foo foo + 1
#define a b
#define b a
#define f(x) x f
#define g(x) [x]
foo; a; b; f(1)(2); f(f)(3);
#define AA(x) x BB
#define BB(x) AA
AA(1)(2)(3)(4);
`;
  assert.equal(out(src), 'foo + 1; a; b; 1 f(2); f f(3); 1 3 AA;');
});

test('arguments with parentheses, commas, white space and empty arguments', () => {
  const src = `#define F(a, b) [a|b]
#define G(x) {x}
#define E
F((1, 2), 3) F(f(1, (2, 3)), ) F(,) F( , E ) G() G( )
F(  lots   of   space  ,  b  )
#define S(x) #x
S(  a   "b c"   d  ) S(()) S( 'x' ) S(\\n) S("\\\\")
`;
  assert.equal(out(src), '[(1, 2)|3] [f(1, (2, 3))|] [|] [|] {} {} [lots of space|b] "a \\"b c\\" d" "()" "\'x\'" "\\n" "\\"\\\\\\\\\\""');
  const r = pp({ '/t/main.dts': '#define G(x) {x}\nG((,),(,))\n' });
  assert.match(r.findings[0].message, /passed 2 arguments, but takes just 1/);
});

test('variadic macros: GNU `, ## __VA_ARGS__`, named `args...`, omitted variable arguments', () => {
  const src = `#define V(fmt, ...) f(fmt, ##__VA_ARGS__)
#define W(fmt, args...) g(fmt, ## args)
#define X(...) h(__VA_ARGS__)
#define Y(a, ...) #__VA_ARGS__
V(1) V(1,) V(1, 2) V(1, 2, 3) W(a) W(a, b, c) X() X(1, (2, 3), 4) Y(0) Y(0, a ,b)
`;
  assert.equal(out(src), 'f(1) f(1,) f(1, 2) f(1, 2, 3) g(a) g(a, b, c) h() h(1, (2, 3), 4) "" "a ,b"');
});

test('## pasting, including pastes that fail (kept apart silently in assembler mode)', () => {
  const src = `#define CAT(a, b) a ## b
#define CAT3(a, b, c) a ## b ## c
#define XCAT(a, b) CAT(a, b)
#define ONE 1
CAT(ONE, 2) XCAT(ONE, 2) CAT(0x, 10) CAT(-, >) CAT(<<, =) CAT(., 5) CAT(a, 1.5) CAT3(x, _, y)
CAT(+, -) CAT(/, /) CAT(&, lbl) CAT(lbl, :) CAT("a", b) CAT(L, "w")
#define PIN(port, n) pin_ ## port ## n
PIN(A, 3) PIN(, 4) PIN(B,)
`;
  const r = pp({ '/t/main.dts': src });
  assert.equal(out(src), 'ONE2 12 0x10 -> <<= .5 a 1.5 x_y + - / / & lbl lbl : "a" b L"w" pin_A3 pin_4 pin_B');
  assert.deepEqual(r.findings, []);
});

test('function-like macro name without ( is not expanded; invocation may span lines', () => {
  const src = '#define f(x) [x]\nf\n(1) f (2) f\n#define Z 1\nf Z\n#define g f\ng(g)(3)\n';
  // cpp: "[1] [2] f" / "f 1" / "[f](3)"
  assert.equal(out(src), '[1] [2] f f 1 [f](3)');
});

test('#undef, redefinition warning, identical redefinition is silent', () => {
  const r = pp({ '/t/main.dts': '#define A 1\n#define A 1\n#define A 2\nA\n#undef A\nA\n' });
  assert.equal(r.text.split(/\s+/).filter(Boolean).join(' '), '2 A');
  assert.deepEqual(r.findings.map((f) => [f.code, f.range?.start.line]), [['macro-redefined', 2]]);
});

test('the final macro table is exposed for hover, with parameters, body and definition range', () => {
  const r = pp({ '/t/main.dts': '\n#define PIN(port, n)  ((port) * 16 + (n))\n#define V(a, ...) a __VA_ARGS__\n#define S(x) #x\n' });
  const m = r.macros.get('PIN');
  assert.ok(m);
  assert.deepEqual(m.params, ['port', 'n']);
  assert.equal(m.body, '((port) * 16 + (n))');
  assert.deepEqual(m.range?.start, { line: 1, col: 0 });
  assert.deepEqual(r.macros.get('V')?.params, ['a', '...']);
  assert.equal(r.macros.get('S')?.body, '#x');
  assert.equal(r.macros.get('__DTS__')?.body, '1');
});

test('line splicing joins lines inside directives and tokens', () => {
  assert.equal(out('#define LONG 1 + \\\n 2\nx = <LONG>; FO\\\nO\n#define FOO bar\nFO\\\nO'), 'x = <1 + 2>; FOO bar');
});

test('__VA_OPT__ (GCC 12 accepts it in this mode too)', () => {
  // cpp: "f(1 ) f(1 , 2)"
  assert.equal(out('#define F(a,...) f(a __VA_OPT__(,) __VA_ARGS__)\nF(1) F(1,2)\n'), 'f(1 ) f(1 , 2)');
});

test('directives inside macro arguments are processed (cpp does, with a pedantic warning)', () => {
  // cpp: "[yes]"
  assert.equal(out('#define E(x) [x]\nE(\n#ifdef E\nyes\n#else\nno\n#endif\n)\n'), '[yes]');
});
