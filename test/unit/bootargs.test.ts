// Command-line parsing (sim/bootargs.ts): memparse and simple_strtoull bases, next_arg quoting,
// `--`, and the early parameters' own grammars (cma=, mem=, movablecore=).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memparse, parseBootArgs, splitCmdline } from '../../server/src/sim/bootargs.js';

test('memparse suffixes and bases', () => {
  assert.equal(memparse('64M').value, 64n << 20n);
  assert.equal(memparse('2g').value, 2n << 30n);
  assert.equal(memparse('0x1000').value, 0x1000n);
  assert.equal(memparse('010').value, 8n); // leading 0 is octal in simple_strtoull
  assert.equal(memparse('12K@').end, 3);
});

test('next_arg keeps quoted spaces and stops the early params at --', () => {
  assert.deepEqual(splitCmdline('a=1 b="x y" c'), [{ name: 'a', value: '1' }, { name: 'b', value: 'x y' }, { name: 'c' }]);
  const a = parseBootArgs('cma=16M -- cma=32M');
  assert.equal(a.cma?.size, 16n << 20n);
});

test('cma= size, size@base (limit = base + size), size@base-limit', () => {
  assert.deepEqual(parseBootArgs('cma=64M').cma, { size: 64n << 20n, base: 0n, limit: 0n, raw: '64M' });
  const f = parseBootArgs('cma=32M@0x50000000').cma!;
  assert.equal(f.base, 0x50000000n);
  assert.equal(f.limit, 0x52000000n);
  const r = parseBootArgs('cma=32M@0-0x80000000').cma!;
  assert.equal(r.base, 0n);
  assert.equal(r.limit, 0x80000000n);
});

test('mem=, movablecore=, kernelcore=%, memblock=debug', () => {
  const a = parseBootArgs('mem=512M movablecore=256M kernelcore=50% memblock=debug');
  assert.equal(a.mem[0]!.value, 512n << 20n);
  assert.equal(a.movablecore?.bytes, 256n << 20n);
  assert.equal(a.kernelcore?.percent, 50);
  assert.equal(a.memblockDebug, true);
});
