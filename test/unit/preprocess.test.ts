// Directives, #if evaluation and assembler-with-cpp behaviour. Expected outputs come from
// `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp` (GCC 12.2.0), linemarkers dropped and
// white space collapsed, unless a comment derives them by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { out, pp, words } from './preprocess-helpers.js';

test('assembler mode: `#` lines that are not directives pass through (macros expanded in them)', () => {
  const src = `#define LBL uart0
#define UNIT 1000
#define NAME serial
#define EMPTY
#define ADDR(x) x
/ {
	alias = &LBL;
	NAME@UNIT { reg = <ADDR(0x1000) 0x100>; };
	LBL: NAME@ADDR(UNIT) { };
	x = <&LBL 1>, <(UNIT-1)>, <-UNIT>;
	y = EMPTY<1>;
	linux,cma = <1>; unix = <2>; i386 = <3>;
	#address-cells = <ADDR(2)>;
	# size-cells = <1>;
	#foo-cells
};
`;
  // Whitespace-sensitive: &uart0, serial@1000 and uart0: stay glued, as dtc needs.
  assert.equal(out(src), [
    '/ {', 'alias = &uart0;', 'serial@1000 { reg = <0x1000 0x100>; };', 'uart0: serial@1000 { };',
    'x = <&uart0 1>, <(1000 -1)>, <-1000>;', 'y = <1>;', 'linux,cma = <1>; unix = <2>; i386 = <3>;',
    '#address-cells = <2>;', '# size-cells = <1>;', '#foo-cells', '};',
  ].join(' '));
});

test('`#include-cells` is an #include directive to cpp (an error), not a property', () => {
  // cpp: "error: #include expects "FILENAME" or <FILENAME>"
  const r = pp({ '/t/main.dts': '/ {\n\t#include-cells\n};\n' });
  assert.equal(words(r.text), '/ { };');
  assert.equal(r.findings[0].code, 'include-syntax');
  assert.equal(r.findings[0].range?.start.line, 1);
});

test('single quotes: char constants in macro arguments; an unmatched quote hides the rest of the line', () => {
  const src = `#define STM32_PINMUX(port, line, mode) (((port - 'A') * 16 + line) << 8 | mode)
#define AF1 2
#define FOO bar
x = <STM32_PINMUX('A', 0, AF1)>;
y = <STM32_PINMUX('B', 12, AF1)>;
/* it's a comment */ z = FOO; // don't
s = "it's FOO";
c = 'FOO' FOO;
w = it's FOO;
v = FOO "unterminated FOO
u = FOO;
`;
  assert.equal(out(src), [
    "x = <((('A' - 'A') * 16 + 0) << 8 | 2)>;", "y = <((('B' - 'A') * 16 + 12) << 8 | 2)>;", 'z = bar;',
    `s = "it's FOO";`, "c = 'FOO' bar;", "w = it's FOO;", 'v = bar "unterminated FOO', 'u = bar;',
  ].join(' '));
});

test('#if/#ifdef/#ifndef/#elif/#else/#endif with full integer expressions', () => {
  const src = `#define A 1
#define B 0
#if A && !B
one
#elif 1/0
bad
#else
bad
#endif
#ifdef A
two
#endif
#ifndef C
three
#else
bad
#endif
#if defined(A) && defined B && !defined(C)
four
#endif
#if 0
#if 1/0
#error no
#endif
#elif B
bad
#elif (A ? 2 : 1/0) == 2
five
#endif
#if 0
it's skipped ' " /* */
#else
six
#endif
#undef A
#ifdef A
bad
#endif
#if -1 < 0u
bad
#else
seven
#endif
#if (-1 >> 63) == -1 && (1 << 63) < 0 && 0xffffffffffffffff == -1 && 'A' == 65 && '\\377' < 0
eight
#endif
#if (2 || 1/0) && !(0 && 1/0) && (10 % 3 == 1) && (-7 / 2 == -3) && (~0 == -1) && (1 ? 2 : 3) == 2
nine
#endif
#if __has_include("x.dtsi") || !__has_include(<none.h>)
ten
#endif
#if UNDEFINED_NAME == 0 && (0x10 | 3) == 19 && (6 ^ 3) == 5 && 18446744073709551615u == -1 && 1000000000000 * 1000 > 0
eleven
#endif
`;
  const r = pp({ '/t/main.dts': src, '/t/x.dtsi': 'xx\n' });
  assert.equal(words(r.text), 'one two three four five six seven eight nine ten eleven');
  assert.deepEqual(r.findings, []);
});

test('#if arithmetic details: unsigned promotion, shifts, char constants, ?: types', () => {
  const cases: [string, boolean][] = [
    // -1 converted to unsigned is UINTMAX_MAX (usual arithmetic conversions).
    ['-1 > 0u', true],
    ['(0u - 1) >> 63 == 1', true],
    // Right shift of a negative signed value is arithmetic in cpp.
    ['(-16 >> 2) == -4', true],
    // A negative shift count shifts the other way.
    ['(1 << -1) == 0 && (4 >> -1) == 8', true],
    // 'ab' is a multi-char int constant: ('a' << 8) | 'b' = 0x6162.
    ["'ab' == 0x6162", true],
    ["'\\n' == 10 && '\\x41' == 65 && '\\0' == 0", true],
    // The result of ?: is unsigned when either branch is: so -1 becomes huge.
    ['(1 ? -1 : 0u) > 0', true],
    ['0x7fffffffffffffff + 1 < 0', true],
    ['010 == 8 && 0b101 == 5 && 10UL == 10 && 0x10ull == 16', true],
    ['(1, 0)', false],
    ['!defined FOO', true],
  ];
  for (const [expr, want] of cases) {
    const r = pp({ '/t/main.dts': `#if ${expr}\nyes\n#else\nno\n#endif\n` });
    assert.equal(words(r.text), want ? 'yes' : 'no', expr);
    assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), [], expr);
  }
});

test('#if errors are findings at the directive; the group is skipped', () => {
  const bad: [string, RegExp][] = [
    ['1/0', /division by zero in #if/],
    ['1 %0', /division by zero/],
    ['', /#if with no expression/],
    ['(1', /missing '\)'/],
    ['1 2', /missing binary operator/],
    ['"s"', /not valid in preprocessor expressions/],
    ['1.5', /floating constant/],
    ['defined', /requires an identifier/],
  ];
  for (const [expr, re] of bad) {
    const r = pp({ '/t/main.dts': `\n#if ${expr}\nyes\n#endif\nafter\n` });
    assert.equal(words(r.text), 'after', expr);
    assert.equal(r.findings.length, 1, expr);
    assert.match(r.findings[0].message, re, expr);
    assert.equal(r.findings[0].code, 'if-expression');
    assert.equal(r.findings[0].range?.start.line, 1, expr);
  }
});

test('#else/#endif with stray tokens, #elif after #else, #endif without #if', () => {
  const r = pp({ '/t/main.dts': '#if 0\n#else junk\nA\n#endif junk\n#endif\n#if 1\n#else\n#elif 1\n#endif\n' });
  assert.equal(words(r.text), 'A');
  assert.deepEqual(r.findings.map((f) => [f.code, f.message, f.range?.start.line]), [
    ['if-expression', '#endif without #if', 4],
    ['if-expression', '#elif after #else', 7],
  ]);
});

test('unterminated #if and unterminated comment are findings', () => {
  const r = pp({ '/t/main.dts': 'a\n#ifdef X\nb\n' });
  assert.equal(words(r.text), 'a');
  assert.equal(r.findings[0].code, 'unterminated-conditional');
  assert.equal(r.findings[0].range?.start.line, 1);
  const c = pp({ '/t/main.dts': 'a /* b\nc\n' });
  assert.equal(words(c.text), 'a');
  assert.equal(c.findings[0].code, 'unterminated-comment');
  assert.deepEqual(c.findings[0].range?.start, { line: 0, col: 2 });
});

test('#error and #warning are findings at their line; processing continues', () => {
  const r = pp({ '/t/main.dts': 'a\n#warning hi there\n#error  bad   X\nb\n' });
  assert.equal(words(r.text), 'a b');
  assert.deepEqual(r.findings.map((f) => [f.severity, f.code, f.message, f.range?.start.line]), [
    ['warning', 'cpp-warning', '#warning hi there', 1],
    ['error', 'cpp-error', '#error bad X', 2],
  ]);
});

test('null directive, #pragma, #ident, #line, __LINE__, __FILE__ and predefined macros', () => {
  const r = pp({ '/t/main.dts': '#\n# /* c */\n#pragma foo\n#ident "x"\na __LINE__ __STDC__ __ASSEMBLER__ __DTS__ __INCLUDE_LEVEL__\n#line 100\nb __LINE__ __FILE__\nlinux unix __x86_64__ __GNUC__\n__COUNTER__ __COUNTER__\n' });
  // cpp: "a 5 1 1 1 0" (its __LINE__ is 1-based), "b 100", -undef leaves linux/unix undefined.
  assert.equal(words(r.text), 'a 5 1 1 1 0 b 100 "/t/main.dts" linux unix __x86_64__ __GNUC__ 0 1');
  assert.deepEqual(r.findings, []);
});

test('options.defines adds -D macros', () => {
  const r = pp({ '/t/main.dts': '#ifdef BOARD_B\nX Y\n#endif\n' }, { defines: { BOARD_B: '', X: '42' } });
  assert.equal(words(r.text), '42 Y');
});

test('#include "..." searches the includer\'s dir then -I; <...> only -I; #include MACRO', () => {
  const files = {
    '/t/main.dts': '#include "a.dtsi"\n#include <b.h>\n#define HDR <sub/c.h>\n#include HDR\n#define Q(x) #x\n#include Q(d.dtsi)\n',
    '/t/a.dtsi': 'a_local\n',
    '/inc/a.dtsi': 'a_inc\n',
    '/t/b.h': 'b_local\n',
    '/inc/b.h': 'b_inc\n',
    '/inc/sub/c.h': '#include "near.h"\n',
    '/inc/sub/near.h': 'near\n',
    '/t/d.dtsi': 'd\n',
  };
  const r = pp(files, { includeDirs: ['/inc'] });
  assert.equal(words(r.text), 'a_local b_inc near d');
  assert.deepEqual(r.files, ['/t/main.dts', '/t/a.dtsi', '/inc/b.h', '/inc/sub/c.h', '/inc/sub/near.h', '/t/d.dtsi']);
  assert.deepEqual(r.includes.map((i) => [i.kind, i.path, i.range.start.line]), [
    ['cpp', '/t/a.dtsi', 0], ['cpp', '/inc/b.h', 1], ['cpp', '/inc/sub/c.h', 3], ['cpp', '/inc/sub/near.h', 0], ['cpp', '/t/d.dtsi', 5],
  ]);
});

test('prefixMap stands in for the include-prefixes dir at its place in the search list', () => {
  const files = {
    '/t/main.dts': '#include <dt-bindings/gpio/gpio.h>\n#include <arm64/qcom/soc.dtsi>\n#include "arm64/qcom/soc.dtsi"\n',
    '/tree/include/dt-bindings/gpio/gpio.h': '#define GPIO_ACTIVE_LOW 1\nGPIO_ACTIVE_LOW\n',
    '/tree/arch/arm64/boot/dts/qcom/soc.dtsi': 'soc\n',
  };
  const r = pp(files, {
    includeDirs: ['/tree/scripts/dtc/include-prefixes'],
    prefixDir: '/tree/scripts/dtc/include-prefixes',
    prefixMap: { 'dt-bindings': '/tree/include/dt-bindings', arm64: '/tree/arch/arm64/boot/dts' },
  });
  assert.equal(words(r.text), '1 soc soc');
});
