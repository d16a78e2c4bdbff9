// fdt-canon v1 text (SPEC.md §2-3) from a hand-built tree: memreserve lines first, lowercase hex
// without leading zeros, boolean properties without a trailing space, phandle lines dropped in
// the nophandle variant only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalDump } from '../../server/src/dts/frontend.js';
import type { DtNode, DtTree } from '../../server/src/dts/tree.js';

test('canonicalDump writes both variants exactly', () => {
  const root: DtNode = { name: '', parent: null, props: [], children: [], labels: [] };
  const child: DtNode = { name: 'node@10', parent: root, props: [], children: [], labels: ['x'] };
  const leaf: DtNode = { name: 'child', parent: child, props: [], children: [], labels: [] };
  root.children.push(child);
  child.children.push(leaf);
  root.props.push({ name: 'compatible', value: new Uint8Array([0x61, 0x2c, 0x62, 0, 0x63, 0]), labels: [] }, { name: 'empty', value: new Uint8Array(0), labels: [] });
  child.props.push({ name: 'phandle', value: new Uint8Array([0, 0, 0, 1]), labels: [] }, { name: 'linux,phandle', value: new Uint8Array([0, 0, 0, 1]), labels: [] });
  const tree: DtTree = { root, memreserves: [{ address: 0n, size: 0x1000n }, { address: 0x123456789n, size: 0x20000000n }] };
  const head = 'memreserve 0x0 0x1000\nmemreserve 0x123456789 0x20000000\nnode /\nprop compatible 612c62006300\nprop empty\nnode /node@10\n';
  assert.equal(canonicalDump(tree), head + 'prop phandle 00000001\nprop linux,phandle 00000001\nnode /node@10/child\n');
  assert.equal(canonicalDump(tree, { phandles: false }), head + 'node /node@10/child\n');
});
