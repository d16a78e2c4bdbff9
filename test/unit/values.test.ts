// Property value evaluation against dtc: every expected dump below was produced by Debian's dtc
// 1.6.1 (`dtc -I dts -O dtb` + canon/fdt-canon.py) from the same source text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, dump, errors } from '../corpus/dts-helpers.js';

const prop = (body: string): string => {
  const d = dump(`/dts-v1/;\n/ {\n\t${body}\n};\n`);
  const line = d.split('\n').find((l) => l.startsWith('prop '));
  assert.ok(line, d);
  return line.split(' ').slice(2).join(' ');
};

test('arithmetic is uint64, then truncated to the cell', () => {
  assert.equal(prop('arith = <(1 + 2) (10 - 3) (6 * 7) (100 / 7) (100 % 7) (0 - 1) (-1) (~0) (!0) (!5)>;'),
    '00000003000000070000002a0000000e00000002ffffffffffffffffffffffff0000000100000000');
});

test('shifts by 64 or more give 0; >> is logical', () => {
  assert.equal(prop('shifts = <(1 << 4) (0x80000000 >> 31) (1 << 64) (8 >> 64) ((1 << 63) >> 62) (1 << 31)>;'),
    '000000100000000100000000000000000000000280000000');
});

test('comparisons are unsigned', () => {
  assert.equal(prop('cmp = <(1 < 2) (2 < 1) (1 > 2) (2 >= 2) (1 <= 0) (3 == 3) (3 != 3) ((0 - 1) > 1)>;'),
    '0000000100000000000000000000000100000000000000010000000000000001');
});

test('logical and bitwise operators', () => {
  assert.equal(prop('logic = <(1 && 2) (0 && 1) (0 || 0) (0 || 7) (0xf0 & 0x3c) (0xf0 | 0x0f) (0xff ^ 0x0f)>;'),
    '0000000100000000000000000000000100000030000000ff000000f0');
});

test('?: is right-associative; C precedence', () => {
  assert.equal(prop('tern = <(1 ? 2 : 3) (0 ? 2 : 3) (0 ? 1 : 0 ? 2 : 4) (1 + 2 * 3) ((1 + 2) * 3) (1 - 2 - 3) (2 * 3 % 4)>;'),
    '0000000200000003000000040000000700000009fffffffc00000002');
});

test('64-bit wrap-around in /bits/ 64', () => {
  assert.equal(prop('wrap64 = /bits/ 64 <(0xffffffffffffffff + 2) (0x8000000000000000 * 2) (-1) (0 - 0x10) (1 << 63)>;'),
    '00000000000000010000000000000000fffffffffffffffffffffffffffffff08000000000000000');
  assert.equal(prop('div64 = /bits/ 64 <((0 - 1) / 2) ((0 - 1) % 10) (0x123456789 >> 4)>;'),
    '7fffffffffffffff00000000000000050000000012345678');
});

test('char literals (unsigned char value) and escapes', () => {
  assert.equal(prop("chars = <'a' '\\n' '\\'' '\\x41' '\\101' '\\0' '\\xff'>;"), '000000610000000a00000027000000410000004100000000000000ff');
});

test('integer suffixes U/L/UL/LL/ULL and octal', () => {
  assert.equal(prop('suffixes = <0x10UL 10U 7L 0x20ULL 3LL 010 0>;'), '000000100000000a0000000700000020000000030000000800000000');
});

test('/bits/ 8, 16, 64 and sign-extended negatives', () => {
  assert.equal(prop("b8 = /bits/ 8 <1 0xff 'A' (-1)>;"), '01ff41ff');
  assert.equal(prop('b16 = /bits/ 16 <0x1234 0xffff (-2)>;'), '1234fffffffe');
  assert.equal(prop('b64 = /bits/ 64 <0x123456789abcdef0 1>;'), '123456789abcdef00000000000000001');
});

test('strings with escapes, byte strings, mixed values and labels inside values', () => {
  assert.equal(prop('str = "a\\tb\\n", "\\x41\\102\\"\\\\", "";'), '6109620a004142225c0000');
  assert.equal(prop('bytes = [00 0102 ab CD], [];'), '000102abcd');
  assert.equal(prop('lbl = l1: <l2: 1 l3: 2> l4:, [l5: 01 l6:];'), '000000010000000201');
  // `<&{/n}>` takes phandle 1 (the only one), `&{/n}` inserts "/n\0".
  const d = dump('/dts-v1/;\n/ {\n\tmixed = "s", <1>, [ff], /bits/ 16 <2>, <&{/n}>, &{/n};\n\tn { };\n};\n');
  assert.match(d, /^prop mixed 730000000001ff0002000000012f6e00$/m);
});

test('out-of-range cells are truncated with a warning (dtc 1.7.0; 1.6.1 made it an error)', () => {
  // dtc 1.6.1: "3.17-24 Value out of range for 16-bit array element" and "4.16-19 ... 8-bit";
  // dtc 1.7.0's changelog: "Warning rather than hard error if integer expression results are
  // truncated due to cell size". (-129) sign-extends (all ones above the mask): not flagged.
  const src = '/dts-v1/;\n/ {\n\ta = /bits/ 16 <0x12345>;\n\tb = /bits/ 8 <256 (-129)>;\n};\n';
  assert.match(dump(src), /^prop a 2345$/m);
  assert.match(dump(src), /^prop b 007f$/m);
  const w = compile(src).findings.map((f) => `${f.severity} ${f.range!.start.line + 1}.${f.range!.start.col + 1}-${f.range!.end.col + 1} ${f.code}`);
  assert.deepEqual(w, ['warning 3.17-24 value-truncated', 'warning 4.16-19 value-truncated']);
});

test('division by zero is an error at the whole operation, the value 0', () => {
  // dtc 1.6.1: "e3.dts:3.8-13 Division by zero" and "3.16-27 Division by zero"
  const src = '/dts-v1/;\n/ {\n\ta = <(1 / 0) (5 % (2 - 2))>;\n};\n';
  assert.deepEqual(errors(src), ['3.8-3.13 div-zero: Division by zero', '3.16-3.27 div-zero: Division by zero']);
  assert.match(dump(src), /^prop a 0000000000000000$/m);
});

test('a bare expression (no parentheses) is a syntax error, as in dtc', () => {
  // dtc accepts only integer_prim in cells: literal, char literal or ( expr ).
  assert.equal(errors('/dts-v1/;\n/ {\n\ta = <1 + 2>;\n};\n')[0], '3.9-3.10 syntax: syntax error: unexpected \'+\'');
});
