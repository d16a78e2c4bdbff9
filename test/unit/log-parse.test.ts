// Boot-log parser on small hand-written logs. Each log's lines are copied from the oracle's real
// logs (shared/oracle/results) or built from the kernel's format strings (cited); the expected
// facts are what those lines state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBootLog } from '../../server/src/log/parse.js';
import { messageText, splitLog } from '../../server/src/log/lines.js';

test('printk prefixes: timestamps, caller ids, levels, dmesg -T, syslog', () => {
  assert.equal(messageText('[    0.000000] Zone ranges:'), 'Zone ranges:');
  assert.equal(messageText('[    0.000000]   DMA      [mem 0x40000000-0x7fffffff]'), '  DMA      [mem 0x40000000-0x7fffffff]');
  assert.equal(messageText('[    0.000000][    T0] Zone ranges:'), 'Zone ranges:');
  assert.equal(messageText('<6>[    0.000000] Zone ranges:'), 'Zone ranges:');
  assert.equal(messageText('[Wed Nov 25 14:00:00 2026] Zone ranges:'), 'Zone ranges:');
  assert.equal(messageText('Nov 25 14:00:00 board kernel: Zone ranges:'), 'Zone ranges:');
  assert.equal(messageText('\x1b[0mZone ranges:'), 'Zone ranges:');
  assert.equal(messageText('[    0.000000] board kernel: Zone ranges:'), 'Zone ranges:');
  assert.equal(messageText('[2026-11-25 14:00:00.123] [    0.000000]   Normal   empty'), '  Normal   empty');
  assert.equal(messageText('2026-11-25T14:00:00.123456 <6>[    0.000000] Zone ranges:'), 'Zone ranges:');
  assert.deepEqual(splitLog('a\r\nb\rc\n').map((m) => m.text), ['a', 'b', 'c']);
});

test('an allocation request takes the memblock_reserve memblock_alloc_range_nid logs for it', () => {
  // arm64 cma-device-pool.log: a dynamic CMA node placed at the top of RAM.
  const f = parseBootLog([
    'memblock_phys_alloc_range: 16777216 bytes align=0x200000 from=0x0000000000000000 max_addr=0xffffffffffffffff early_init_dt_alloc_reserved_memory_arch+0x40/0x94',
    'random unrelated console line',
    'memblock_reserve: [0x000000007f000000-0x000000007fffffff] memblock_alloc_range_nid+0xe8/0x17c',
  ].join('\n'));
  assert.equal(f.memblock.events.length, 1);
  assert.deepEqual(f.memblock.events[0]!.result, { start: 0x7f000000n, end: 0x7fffffffn });
  assert.equal(f.memblock.events[0]!.bytes, 16777216n);
});

test('a request followed by its failure message failed, and a later reserve is an event of its own', () => {
  // test/golden mem-below-static (arm): the only range is above mem=, then the default CMA.
  const f = parseBootLog([
    'memblock_phys_alloc_range: 16777216 bytes align=0x40 from=0x68000000 max_addr=0x70000000 early_init_dt_alloc_reserved_memory_arch+0x2c/0x70',
    "OF: reserved mem: failed to allocate memory for node 'dyn-above': size 16 MiB",
    'memblock_reserve: [0x5e000000-0x5effffff] memblock_alloc_range_nid+0xd0/0x168',
    'cma: Reserved 16 MiB at 0x5e000000',
  ].join('\n'));
  assert.equal(f.memblock.events.length, 2);
  assert.equal(f.memblock.events[0]!.result, null);
  assert.equal(f.memblock.events[1]!.op, 'reserve');
  assert.deepEqual(f.reservedMem.nodes.get('dyn-above')!.results, [{ kind: 'alloc-failed', sizeMib: 16 }]);
  // cma_declare_contiguous_nid: "Reserved %ld MiB at %pa".
  assert.deepEqual(f.cma.default, { sizeMib: 16, base: 0x5e000000n });
});

test('reserved-memory: the unnamed setup message is the next node result\'s cause; pools get their node', () => {
  // arm cma-alignment-probe.log
  const f = parseBootLog([
    'Reserved memory: incorrect alignment of CMA region',
    'OF: reserved mem: node cma-a1m@50100000 compatible matching fail',
    'Reserved memory: created CMA memory pool at 0x56800000, size 16 MiB',
    'OF: reserved mem: initialized node cma-a8m@56800000, compatible id shared-dma-pool',
  ].join('\n'));
  assert.deepEqual(f.reservedMem.nodes.get('cma-a1m@50100000')!.results, [{ kind: 'compatible-matching-fail', cause: 'incorrect alignment of CMA region' }]);
  assert.deepEqual(f.reservedMem.nodes.get('cma-a8m@56800000')!.results, [{ kind: 'initialized', compatible: 'shared-dma-pool', type: 'cma', base: 0x56800000n, sizeMib: 16 }]);
  assert.deepEqual(f.reservedMem.pools, [{ type: 'cma', base: 0x56800000n, sizeMib: 16, node: 'cma-a8m@56800000' }]);
});

test('OVERLAP DETECTED! and its continuation line, even with a line in between', () => {
  // arm overlap-static.log (the continuation is printed by the same printk after "\n").
  const f = parseBootLog([
    '[    0.000000] OF: reserved mem: OVERLAP DETECTED!',
    'noise',
    '[    0.000000] region-a@50000000 (0x50000000--0x50400000) overlaps with region-b@50200000 (0x50200000--0x50600000)',
  ].join('\r\n'));
  assert.deepEqual(f.reservedMem.overlaps, [{ a: 'region-a@50000000', aStart: 0x50000000n, aEndExcl: 0x50400000n, b: 'region-b@50200000', bStart: 0x50200000n, bEndExcl: 0x50600000n }]);
  assert.deepEqual(f.reservedMem.nodes.get('region-b@50200000')!.results, [{ kind: 'overlap', with: 'region-a@50000000' }]);
});

test('zones, node ranges, Total pages and the Memory: line with highmem', () => {
  // arm cmdline-movablecore.log
  const f = parseBootLog([
    'Zone ranges:',
    '  DMA      [mem 0x0000000040000000-0x000000006fffffff]',
    '  Normal   empty',
    '  HighMem  [mem 0x0000000070000000-0x00000000bfffffff]',
    'Movable zone start for each node',
    '  Node 0: 0x00000000b0000000',
    'Early memory node ranges',
    '  node   0: [mem 0x0000000040000000-0x00000000bfffffff]',
    'Initmem setup node 0 [mem 0x0000000040000000-0x00000000bfffffff]',
    'Built 1 zonelists, mobility grouping on.  Total pages: 522560',
    'Memory: 2041932K/2097152K available (11264K kernel code, 1700K rwdata, 3732K rodata, 2048K init, 377K bss, 38836K reserved, 16384K cma-reserved, 1294336K highmem)',
  ].join('\n'));
  assert.deepEqual([...f.zones!], [['DMA', { start: 0x40000000n, end: 0x6fffffffn }], ['Normal', null], ['HighMem', { start: 0x70000000n, end: 0xbfffffffn }]]);
  assert.deepEqual(f.movableZoneStart, [{ node: 0, start: 0xb0000000n }]);
  assert.deepEqual(f.earlyMemoryNodeRanges, [{ node: 0, range: { start: 0x40000000n, end: 0xbfffffffn } }]);
  assert.equal(f.zonelists!.totalPages, 522560n);
  assert.equal(f.memoryLine!.fields.get('highmem'), 1294336n);
  assert.equal(f.memoryLine!.fields.get('cma-reserved'), 16384n);
  assert.equal(f.memoryLine!.fields.get('available'), 2041932n);
});

test('a Memory: line cut short states nothing', () => {
  const f = parseBootLog('Memory: 2041932K/2097152K available (11264K kernel code, 1700K rw');
  assert.equal(f.memoryLine, null);
});

test('empty and binary input never throw', () => {
  assert.doesNotThrow(() => parseBootLog(''));
  assert.doesNotThrow(() => parseBootLog('\x00\x01\xff'.repeat(1000)));
  assert.equal(parseBootLog('').zones, null);
});
