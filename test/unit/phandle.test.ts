// Phandle numbering (SPEC.md §4, dtc get_node_phandle): expected dump from Debian's dtc 1.6.1 +
// canon/fdt-canon.py. c=1 (first reference), a skips the explicit 2 -> 3, keep=4, f=5, b=6,
// phandle=<&self> keeps its place (7), linux,phandle=<&lp> gets 8 and a `phandle` appended, d=9 is
// numbered from a node that /omit-if-no-ref/ later removes; `dr` is unreferenced and omitted,
// `pathkept` is kept by a path reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, dump } from '../corpus/dts-helpers.js';

const PH = `/dts-v1/;
/ {
	user1 = <&c &a>;
	pathref = &a, "x", &{/explicit};
	user2 = <&keep &f>;
	pathuser = &pk;
	e: explicit { phandle = <2>; };
	a: a { };
	b: b { ref = <&b>; };
	c: c { };
	self: s { foo; phandle = <&self>; bar; };
	lp: lp { linux,phandle = <&lp>; };
	o1: omitted { ref = <&d>; };
	d: d { };
	/omit-if-no-ref/ keep: k { };
	/omit-if-no-ref/ drop: dr { };
	f: f { };
	/omit-if-no-ref/ pk: pathkept { };
};
/omit-if-no-ref/ &o1;
`;

test('§4 numbering, appended phandle, self references, omit-if-no-ref after numbering', () => {
  assert.equal(dump(PH), `node /
prop user1 0000000100000003
prop pathref 2f610078002f6578706c6963697400
prop user2 0000000400000005
prop pathuser 2f706174686b65707400
node /explicit
prop phandle 00000002
node /a
prop phandle 00000003
node /b
prop ref 00000006
prop phandle 00000006
node /c
prop phandle 00000001
node /s
prop foo
prop phandle 00000007
prop bar
node /lp
prop linux,phandle 00000008
prop phandle 00000008
node /d
prop phandle 00000009
node /k
prop phandle 00000004
node /f
prop phandle 00000005
node /pathkept
`);
});

test('phandles map and references with targets', () => {
  const r = compile(PH);
  assert.equal(r.phandles.get(2)?.name, 'explicit');
  assert.equal(r.phandles.get(9)?.name, 'd');
  const user1 = r.references.filter((x) => x.prop?.name === 'user1');
  assert.deepEqual(user1.map((x) => [x.name, x.kind, x.target?.name]), [['c', 'phandle', 'c'], ['a', 'phandle', 'a']]);
  assert.deepEqual(user1[0].range, { file: 'test.dts', start: { line: 2, col: 10 }, end: { line: 2, col: 12 } });
  const top = r.references.find((x) => x.kind === 'node')!;
  assert.equal(top.name, 'o1');
  assert.equal(top.target, undefined); // omitted from the final tree
});

test('label definitions keep their ranges and final nodes', () => {
  const r = compile('/dts-v1/;\n/ {\n\ta: b: n { };\n\tx: gone { };\n};\nc: &a { };\n/delete-node/ &x;\n');
  assert.deepEqual(r.labelDefs.map((d) => [d.name, d.node?.name, d.range?.start.line, d.range?.start.col]), [
    ['a', 'n', 2, 1], ['b', 'n', 2, 4], ['x', undefined, 3, 1], ['c', 'n', 5, 0],
  ]);
});
