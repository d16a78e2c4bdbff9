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

test('/plugin/: orphan fragments, __fixups__ and __local_fixups__ exactly as dtc 1.6.1', () => {
  const src = `/dts-v1/;
/plugin/;
&{/} { top = <&local &ext 1>, &local; };
&target { a = <&local>; n { b = <2 &ext2 &local>; }; };
/ { local: lnode { c = &local, <&local>; }; };
`;
  assert.equal(dump(src), `node /
node /fragment@0
prop target-path 2f00
node /fragment@0/__overlay__
prop top 00000001ffffffff000000012f6c6e6f646500
node /fragment@1
prop target ffffffff
node /fragment@1/__overlay__
prop a 00000001
node /fragment@1/__overlay__/n
prop b 00000002ffffffff00000001
node /lnode
prop c 2f6c6e6f64650000000001
prop phandle 00000001
node /__fixups__
prop ext 2f667261676d656e7440302f5f5f6f7665726c61795f5f3a746f703a3400
prop target 2f667261676d656e7440313a7461726765743a3000
prop ext2 2f667261676d656e7440312f5f5f6f7665726c61795f5f2f6e3a623a3400
node /__local_fixups__
node /__local_fixups__/fragment@0
node /__local_fixups__/fragment@0/__overlay__
prop top 00000000
node /__local_fixups__/fragment@1
node /__local_fixups__/fragment@1/__overlay__
prop a 00000000
node /__local_fixups__/fragment@1/__overlay__/n
prop b 00000008
node /__local_fixups__/lnode
prop c 00000007
`);
  assert.deepEqual(compile(src).findings, []);
});
