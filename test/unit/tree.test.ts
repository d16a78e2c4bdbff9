// The tree model's cell and string readers (tree.ts), on hand-written byte strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCells, readRegs, readStrings, type DtNode } from '../../server/src/dts/tree.js';

test('readCells reads big-endian multi-cell numbers and ignores a trailing partial entry', () => {
  const v = new Uint8Array([0, 0, 0, 1, 0x80, 0, 0, 0, 0xff, 0xff]);
  assert.deepEqual(readCells(v, 2), [0x180000000n]);
  assert.deepEqual(readCells(v, 1), [1n, 0x80000000n]);
});

test('readRegs pairs address and size cells', () => {
  const v = new Uint8Array([0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0]);
  assert.deepEqual(readRegs(v, 2, 2), [{ base: 0x40000000n, size: 0x10000000n }]);
  assert.deepEqual(readRegs(v, 1, 1), [{ base: 0n, size: 0x40000000n }, { base: 0n, size: 0x10000000n }]);
});

test('readStrings splits a NUL-separated list', () => {
  const node: DtNode = { name: 'n', parent: null, children: [], labels: [], props: [{ name: 'compatible', value: new TextEncoder().encode('a,b\0c\0'), labels: [] }] };
  assert.deepEqual(readStrings(node, 'compatible'), ['a,b', 'c']);
  assert.equal(readStrings(node, 'missing'), undefined);
});
