// DTB writer/reader (dts/fdt.ts): dtc's layout and its string-table tail reuse, round trip, and
// malformed input turned into findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtbSize, readDtb, writeDtb } from '../../server/src/dts/fdt.js';
import type { DtNode, DtTree } from '../../server/src/dts/tree.js';

function tree(propNames: string[]): DtTree {
  const root: DtNode = { name: '', parent: null, props: [], children: [], labels: [] };
  for (const n of propNames) root.props.push({ name: n, value: new Uint8Array([0, 0, 0, 1]), labels: [] });
  const child: DtNode = { name: 'memory@40000000', parent: root, props: [], children: [], labels: [] };
  root.children.push(child);
  return { root, memreserves: [{ address: 0x48000000n, size: 0x1000n }] };
}

test('size follows dtc: header, rsvmap, struct, strings with tail reuse', () => {
  // header 40; rsvmap (1 entry + terminator) 32;
  // struct: root BEGIN 4 + name 4, two props 2*(12+4), child BEGIN 4 + "memory@40000000\0" 16 + END 4,
  //         root END 4, FDT_END 4 = 72;
  // strings: "ba\0" then "a" is its tail -> 3 bytes. Total 40 + 32 + 72 + 3 = 147
  // (dtc 1.7.0 on the same tree: 147 and 149 bytes).
  assert.equal(dtbSize(tree(['ba', 'a'])), 147);
  // "a" first: "a\0ba\0" = 5 bytes
  assert.equal(dtbSize(tree(['a', 'ba'])), 149);
});

test('write then read gives the same tree and the same bytes', () => {
  const t = tree(['#address-cells', 'cells']);
  const bytes = writeDtb(t);
  assert.equal(bytes.length, dtbSize(t));
  const r = readDtb(bytes);
  assert.deepEqual(r.findings, []);
  assert.equal(r.tree!.root.children[0]!.name, 'memory@40000000');
  assert.deepEqual(r.tree!.memreserves, [{ address: 0x48000000n, size: 0x1000n }]);
  assert.deepEqual(Array.from(writeDtb(r.tree!)), Array.from(bytes));
});

test('garbage is a finding, not an exception', () => {
  const r = readDtb(new Uint8Array([1, 2, 3]));
  assert.equal(r.tree, undefined);
  assert.equal(r.findings[0]!.code, 'dtb-malformed');
  const bad = writeDtb(tree(['a']));
  new DataView(bad.buffer).setUint32(4, 100000); // totalsize beyond the buffer
  assert.equal(readDtb(bad).findings[0]!.code, 'dtb-malformed');
});

test('dtbSize equals the written DTB length for name sequences in any order (its strings-size memo)', () => {
  const seqs = [['ba', 'a'], ['a', 'ba'], ['ba', 'a'], ['x', 'compatible', 'reg', 'compatible'], ['reg', 'x', 'compatible'], ['a', 'ba'], ['linux,phandle', 'phandle', 'handle']];
  for (const s of seqs) {
    const t = tree(s);
    assert.equal(dtbSize(t), writeDtb(t).length, s.join(','));
  }
});
