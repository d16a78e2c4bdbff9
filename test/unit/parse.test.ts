// The tree-sitter-devicetree gaps (shared/docs/tree-sitter-gaps.md) get dtc's meaning, through both
// the tree-sitter path and the native parser; syntax errors land on the offending token.
// Expected dumps come from Debian's dtc 1.6.1 on the same text, except `&{label/path}` which 1.6.1
// cannot parse: its expectation is derived by hand from dtc 1.7.0's get_node_by_ref (label, then
// the path below it).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initParser } from '../../server/src/dts/frontend.js';
import { compile, dump, errors } from '../corpus/dts-helpers.js';

before(async () => { await initParser(); });

const GAPS = `/dts-v1/;
/ {
	bits = /bits/ 64 <1>, /bits/ 64 <2>, /bits/ 8 <3>;
	ch = <'A' 'z'>;
	ul = <0x10UL 0x20ULL 10U>;
	base: base { sub { leaf { }; }; };
};
&{/} { rootprop = "r"; };
&{/base/sub} { x = <1>; };
`;
const GAPS_DTC = `node /
prop bits 0000000000000001000000000000000203
prop ch 000000410000007a
prop ul 00000010000000200000000a
prop rootprop 7200
node /base
node /base/sub
prop x 00000001
node /base/sub/leaf
`;

test('gaps: comma-separated /bits/, char literals, 0x10UL, &{/}, &{/path}', () => {
  for (const parser of ['native', 'tree-sitter'] as const) {
    assert.equal(dump(GAPS, { parser }), GAPS_DTC, parser);
    assert.deepEqual(errors(GAPS, { parser }), []);
  }
});

test('gap: &{label/path} resolves the path below the label (dtc 1.7.0)', () => {
  const src = '/dts-v1/;\n/ {\n\tb: base { sub { }; };\n\tp = <&{b/sub}>;\n};\n&{b/sub} { x; };\n';
  const want = 'node /\nprop p 00000001\nnode /base\nnode /base/sub\nprop x\nprop phandle 00000001\n';
  assert.equal(dump(src, { parser: 'native' }), want);
  assert.equal(dump(src, { parser: 'tree-sitter' }), want);
});

test('the tree-sitter path is used for clean text and agrees with the native parser', () => {
  const src = '/dts-v1/;\n/memreserve/ 0x1000 0x100;\n/ {\n\tl: n@1 { a = <1 2>, "s"; /delete-property/ a; };\n\t/omit-if-no-ref/ o { };\n};\n&l { b; };\n';
  const ts = compile(src, { parser: 'tree-sitter' });
  const nat = compile(src, { parser: 'native' });
  assert.equal(ts.parsedBy, 'tree-sitter');
  assert.equal(nat.parsedBy, 'native');
  assert.equal(dump(src, { parser: 'tree-sitter' }), dump(src, { parser: 'native' }));
  assert.deepEqual(ts.findings, nat.findings);
});

test('syntax error at the token dtc reports (e1.dts:3.10-11), tree still built', () => {
  const src = '/dts-v1/;\n/ {\n\ta = <1 2;\n\tb = <3>;\n};\n';
  for (const parser of ['native', 'tree-sitter'] as const) {
    assert.deepEqual(errors(src, { parser }), ["3.10-3.11 syntax: syntax error: unexpected ';'"]);
    assert.match(dump(src, { parser }), /^prop b 00000003$/m);
  }
});

test('undefined labels: top-level &x and references in values', () => {
  // dtc 1.6.1: "Label or path other not found" at the reference (6.1-7); references in values
  // are reported by phandle_references / path_references.
  const src = '/dts-v1/;\n/ {\n\ta = <&nolabel>;\n\tb = &missing;\n};\n&other { };\n';
  assert.deepEqual(errors(src), [
    '6.1-6.7 label-undefined: Label or path other not found',
    '3.7-3.15 label-undefined: Reference to non-existent node or label "nolabel"',
    '4.6-4.14 label-undefined: Reference to non-existent node or label "missing"',
  ]);
});

test('duplicate label on two nodes and duplicate explicit phandle are errors', () => {
  // dtc 1.6.1: "ERROR (duplicate_label): /b: Duplicate label 'l' on /b and /a" and
  // "ERROR (explicit_phandles): /d: duplicated phandle 0x1 (seen before at /c)".
  assert.deepEqual(errors('/dts-v1/;\n/ {\n\tl: a { };\n\tl: b { };\n};\n'), ["4.5-4.6 label-duplicate: Duplicate label 'l' on /b and /a"]);
  assert.deepEqual(errors('/dts-v1/;\n/ {\n\tc { phandle = <1>; };\n\td { phandle = <1>; };\n};\n'), ['4.2-4.3 phandle-duplicate: duplicated phandle 0x1 (seen before at /c)']);
});

test('properties after a subnode, bad /bits/ size and missing /dts-v1/ are errors', () => {
  assert.deepEqual(errors('/dts-v1/;\n/ {\n\tn { };\n\tp;\n};\n'), ['4.2-4.4 syntax: Properties must precede subnodes']);
  assert.deepEqual(errors('/dts-v1/;\n/ {\n\tp = /bits/ 7 <1>;\n};\n'), ['3.13-3.14 bits-size: Array elements must be 8, 16, 32 or 64-bits']);
  assert.equal(errors('/ { };\n')[0], '1.1-1.2 dts-v1-missing: syntax error: the file does not start with /dts-v1/;');
});

test('cpp linemarkers map ranges back to the original files', () => {
  const src = '# 1 "board.dts"\n/dts-v1/;\n# 1 "soc.dtsi" 1\n/ {\n\tx = <(1/0)>;\n};\n# 3 "board.dts" 2\n';
  const f = compile(src).findings.find((x) => x.code === 'div-zero')!;
  assert.deepEqual(f.range, { file: 'soc.dtsi', start: { line: 1, col: 7 }, end: { line: 1, col: 10 } });
});

test('nothing throws on garbage; unterminated input gives findings', () => {
  for (const s of ['', '}}}{{{', '/dts-v1/; / { a = <(((', '/dts-v1/;\n/ { "unterminated', '\u0000\uffff', '/dts-v1/; &{ {'.repeat(50)]) {
    assert.doesNotThrow(() => compile(s, { parser: 'native' }));
    assert.doesNotThrow(() => compile(s, { parser: 'tree-sitter' }));
  }
  // Nesting is bounded (MAX_DEPTH 1000): deeper input becomes a finding, not a stack overflow.
  const deep = '/dts-v1/;\n/ {' + ' a {'.repeat(1500) + ' };'.repeat(1500) + '};';
  assert.ok(compile(deep).findings.some((f) => f.message === 'nesting too deep'));
});
