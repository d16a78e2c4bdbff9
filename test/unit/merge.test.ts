// dtc's merge order rules (SPEC.md §5, livetree.c merge_nodes): expected dumps produced by Debian's
// dtc 1.6.1 + canon/fdt-canon.py from the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, dump } from '../corpus/dts-helpers.js';

const MERGE = `/dts-v1/;
/memreserve/ 0x1000 0x2000;
/memreserve/ (0x1 << 32) 0x10;
/ {
	a = <1>;
	b = <2>;
	c = <3>;
	n1: node1 { name = "node1"; p = <1>; };
	node2@10 { name = "node2"; other = "y"; };
	node3 { x; };
	gone { y; };
};
/ {
	b = <20>;
	/delete-property/ a;
	d = <4>;
	a = <10>;
	/delete-node/ node1;
	node4 { };
	node1 { q = <2>; };
};
&{/node3} { /delete-property/ x; z; x = "back"; };
/delete-node/ &{/gone};
/ { gone { w; }; };
`;

test('§5: redefinitions keep their place, deleted entries come back in place, name dropped', () => {
  assert.equal(dump(MERGE), `memreserve 0x1000 0x2000
memreserve 0x100000000 0x10
node /
prop a 0000000a
prop b 00000014
prop c 00000003
prop d 00000004
node /node1
prop q 00000002
node /node2@10
prop other 7900
node /node3
prop x 6261636b00
prop z
node /gone
prop w
node /node4
`);
});

test('labels: most recent first, deleted with their node, revived by re-adding', () => {
  const r = compile('/dts-v1/;\n/ {\n\ta: b: n { };\n};\nc: &a { };\n&b { d: m { }; };\n');
  const n = r.tree.root.children[0];
  assert.deepEqual(n.labels, ['c', 'a', 'b']);
  assert.equal(r.labels.get('d')?.name, 'm');
  const del = compile('/dts-v1/;\n/ {\n\tl: n { };\n};\n/delete-node/ &l;\n/ { n { }; };\n');
  assert.deepEqual(del.tree.root.children[0].labels, []);
  assert.equal(del.labels.get('l'), undefined);
});

test('/delete-property/ in the defining block does not delete (dtc applies it only on merge)', () => {
  // dtc 1.6.1 keeps `a` here: build_node keeps the delete marker in the list, unmerged.
  assert.match(dump('/dts-v1/;\n/ {\n\ta = <1>;\n\t/delete-property/ a;\n};\n'), /^prop a 00000001$/m);
});

test('every node and property has a range; nodes list every definition', () => {
  const r = compile(MERGE);
  const node3 = r.tree.root.children.find((c) => c.name === 'node3')!;
  assert.deepEqual(node3.range, { file: 'test.dts', start: { line: 9, col: 1 }, end: { line: 9, col: 6 } });
  assert.equal(node3.ranges?.length, 2);
  const x = node3.props.find((p) => p.name === 'x')!;
  assert.deepEqual(x.range, { file: 'test.dts', start: { line: 21, col: 36 }, end: { line: 21, col: 47 } });
  assert.deepEqual(r.valueRange(x), { file: 'test.dts', start: { line: 21, col: 40 }, end: { line: 21, col: 46 } });
  for (const p of r.tree.root.props) assert.ok(p.range, p.name);
  assert.ok(r.tree.memreserves.every((m) => m.range));
});
