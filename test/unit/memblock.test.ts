// memblock model (sim/memblock.ts) against hand-derived expectations from mm/memblock.c's
// rules: add/merge, isolate on remove, NOMAP flags, the top-down/bottom-up finder, alloc
// retries, mem= capping, phys_addr_t width, and the kernel's unstable sort (lib/sort.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Memblock, MEMBLOCK_NOMAP, roundDown, roundUp } from '../../server/src/sim/memblock.js';
import { kernelSort } from '../../server/src/sim/ksort.js';

const U64 = (1n << 64n) - 1n;
const mb64 = () => new Memblock({ physMax: U64, pageSize: 4096n, paDigits: 16 });
const regions = (m: Memblock, t: 'memory' | 'reserved') => (t === 'memory' ? m.memory : m.reserved).map((r) => [r.base, r.size, r.flags]);

test('adjacent and overlapping adds merge into one region', () => {
  const m = mb64();
  m.add(0x40000000n, 0x10000000n);
  m.add(0x50000000n, 0x10000000n); // touches the first: merged
  m.add(0x48000000n, 0x20000000n); // overlaps both and extends to 0x68000000
  assert.deepEqual(regions(m, 'memory'), [[0x40000000n, 0x28000000n, 0]]);
});

test('remove splits a region (memblock_isolate_range)', () => {
  const m = mb64();
  m.add(0x40000000n, 0x40000000n);
  m.remove(0x50000000n, 0x1000000n);
  assert.deepEqual(regions(m, 'memory'), [[0x40000000n, 0x10000000n, 0], [0x51000000n, 0x2f000000n, 0]]);
});

test('mark_nomap splits, clear_nomap merges back', () => {
  const m = mb64();
  m.add(0x40000000n, 0x40000000n);
  m.markNomap(0x50000000n, 0x400000n);
  assert.deepEqual(regions(m, 'memory'), [[0x40000000n, 0x10000000n, 0], [0x50000000n, 0x400000n, MEMBLOCK_NOMAP], [0x50400000n, 0x2fc00000n, 0]]);
  m.clearNomap(0x50000000n, 0x400000n);
  assert.deepEqual(regions(m, 'memory'), [[0x40000000n, 0x40000000n, 0]]);
});

test('top-down allocation takes the highest aligned free range and skips reserved and NOMAP', () => {
  const m = mb64();
  m.add(0x40000000n, 0x40000000n); // RAM [0x40000000, 0x80000000)
  m.reserve(0x7ff00000n, 0x100000n, 'test', 'top MiB');
  m.markNomap(0x7fe00000n, 0x100000n);
  // free below 0x7fe00000; 0x7fe00000 - 0x3000 = 0x7fdfd000, & ~0x1fff = 0x7fdfc000
  const a = m.allocTryNid(0x3000n, 0x2000n, 0n, 0n, -1, 'test', 'x');
  assert.equal(a, 0x7fdfc000n);
  // memblock_reserve of the found range is logged with the alloc-range caller
  assert.equal(m.events[m.events.length - 1]!.op, 'reserve');
});

test('allocation inside [start, end) fails when the range is too small, retry from 0 with min_addr', () => {
  const m = mb64();
  m.add(0x40000000n, 0x40000000n);
  assert.equal(m.physAllocRange(0x2000000n, 0x40n, 0x50000000n, 0x51000000n, 'test', 'x'), 0n);
  // memblock_alloc_try_nid with min_addr above every fit retries from 0: top of RAM
  assert.equal(m.allocTryNid(0x1000n, 0x1000n, 0x90000000n, 0n, -1, 'test', 'x'), 0x7ffff000n);
});

test('bottom-up allocation takes the lowest fit above start', () => {
  const m = mb64();
  m.add(0x40000000n, 0x40000000n);
  m.reserve(0x40000000n, 0x100000n, 'test', 'low');
  m.bottomUp = true;
  // first free byte 0x40100000, aligned up to 2 MiB -> 0x40200000
  assert.equal(m.findInRange(0x1000n, 0x200000n, 0n, U64), 0x40200000n);
});

test('mem= limit keeps the first N bytes of memory and truncates reserved', () => {
  const m = mb64();
  m.add(0x40000000n, 0x10000000n);
  m.add(0x60000000n, 0x20000000n);
  m.reserve(0x70000000n, 0x1000n, 'test', 'above');
  m.memLimitRemoveMap(0x18000000n); // 256 MiB of bank 0 + 128 MiB of bank 1 -> ends at 0x68000000
  assert.deepEqual(regions(m, 'memory'), [[0x40000000n, 0x10000000n, 0], [0x60000000n, 0x8000000n, 0]]);
  assert.deepEqual(regions(m, 'reserved'), []);
});

test('32-bit phys_addr_t caps a bank at 4 GiB - 1 (memblock_cap_size)', () => {
  const m = new Memblock({ physMax: 0xffffffffn, pageSize: 4096n, paDigits: 8 });
  m.add(0x40000000n, 0xc0000000n);
  // PHYS_ADDR_MAX - base = 0xbfffffff: the region ends at 0xfffffffe
  assert.deepEqual(regions(m, 'memory'), [[0x40000000n, 0xbfffffffn, 0]]);
});

test('debug lines use the memblock=debug wording', () => {
  const m = mb64();
  m.add(0x40000000n, 0x40000000n);
  m.reserve(0x40210000n, 0x2000000n, 'arm64_memblock_init+0x1f0/0x260', 'kernel');
  m.allocTryNid(39772n, 8n, 0n, 0n, -1, 'early_init_dt_alloc_memory_arch+0x30/0x60', 'dt');
  const lines = m.traceLines();
  assert.equal(lines[1], 'memblock_reserve: [0x0000000040210000-0x000000004220ffff] arm64_memblock_init+0x1f0/0x260');
  assert.equal(lines[2], 'memblock_alloc_try_nid: 39772 bytes align=0x8 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 early_init_dt_alloc_memory_arch+0x30/0x60');
});

test('round_up/round_down are bit masks like the kernel macros', () => {
  // 0x7ff00000 & ~0x2fffff clears bit 21 (0x200000) and bits 0-19: 0x7fd00000
  assert.equal(roundDown(0x7ff00000n, 0x300000n), 0x7fd00000n);
  assert.equal(roundUp(0x50100000n, 0x200000n), 0x50200000n);
});

test("lib/sort.c heapsort leaves equal keys out of order", () => {
  // Hand trace for three equal keys A, B, C (num 3): heapify sifts index 0 with no move;
  // extract: swap(0,2) -> C B A, sift leaves it; swap(0,1) -> B C A.
  const out = kernelSort(['A', 'B', 'C'].map((n) => ({ n, k: 0 })), (x, y) => x.k - y.k).map((x) => x.n);
  assert.deepEqual(out, ['B', 'C', 'A']);
  const sorted = kernelSort([5, 1, 4, 2, 3, 9, 0], (x, y) => x - y);
  assert.deepEqual(sorted, [0, 1, 2, 3, 4, 5, 9]);
});

test('physAllocPages = that many memblock_phys_alloc_range(PAGE_SIZE) calls (regions, events, owners)', async () => {
  const { prng } = await import('../prng.js');
  const page = 4096n;
  for (let seed = 1; seed <= 300; seed++) {
    const r = prng(seed);
    const int = (n: number) => Math.floor(r() * n);
    // one random layout, built twice: memory banks (some touching, some NOMAP), unaligned
    // reservations, a small reserved array that may need doubling, a current_limit
    const ops: ((m: Memblock) => void)[] = [];
    let at = 0x40000000n + BigInt(int(4)) * page;
    for (let b = 0, nb = 1 + int(3); b < nb; b++) {
      const size = BigInt(1 + int(64)) * page + (r() < 0.3 ? BigInt(int(4096)) : 0n);
      const base = at;
      const nomap = r() < 0.2;
      ops.push((m) => { m.add(base, size); if (nomap) m.markNomap(base, size); });
      at += size + (r() < 0.5 ? 0n : BigInt(int(8)) * page);
    }
    for (let k = 0, nr = int(6); k < nr; k++) {
      const base = 0x40000000n + BigInt(int(Number((at - 0x40000000n) / 64n))) * 64n;
      const size = BigInt(1 + int(3 * 4096));
      ops.push((m) => { m.reserve(base, size, 'test', `r${k}`); });
    }
    const limit = r() < 0.3 ? 0x40000000n + BigInt(int(Number((at - 0x40000000n) / page))) * page : undefined;
    const opts = { physMax: U64, pageSize: page, paDigits: 16, debug: seed % 2 === 0, reservedMax: 4 + int(8) };
    const build = () => {
      const m = new Memblock(opts);
      for (const op of ops) op(m);
      if (limit !== undefined) m.currentLimit = limit;
      return m;
    };
    const resize = r() < 0.5;
    const a = build(), b = build();
    if (resize) { a.allowResize(); b.allowResize(); }
    const n = 1 + int(200);
    a.physAllocPages(n, 0n, 1n, 'early_pgtable_alloc+0x2c/0xb0', 'page tables');
    for (let i = 0; i < n; i++) b.physAllocRange(page, page, 0n, 1n, 'early_pgtable_alloc+0x2c/0xb0', 'page tables');
    const what = `seed ${seed}: ${n} pages`;
    assert.deepEqual(a.reserved, b.reserved, what);
    assert.deepEqual(a.memory, b.memory, what);
    assert.deepEqual(a.events, b.events, what);
    assert.deepEqual(a.snapshot('reserved'), b.snapshot('reserved'), what);
    assert.equal(a.reservedMax, b.reservedMax, what);
    // the owner of every reserved page (what hover and the memory map show)
    for (const g of b.reserved) for (let p = g.base; p < g.base + g.size; p += page) assert.deepEqual(a.ownersOf(p, page), b.ownersOf(p, page), `${what}, page 0x${p.toString(16)}`);
  }
});
