// Boot simulator (sim/simulate.ts + sim/arm64) on small hand-written boards; every expected
// value is derived in a comment from the kernel rules (docs/kernel-rules.md), not copied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileText } from '../../server/src/dts/frontend.js';
import { simulate } from '../../server/src/sim/simulate.js';
import { simResultToJson } from '../../server/src/sim/json.js';

const board = (ramSize: string, extra = '') => compileText(`/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; reg = <0>; }; };
	memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 ${ramSize}>; };
	chosen { bootargs = "console=ttyAMA0"; };
	${extra}
};
`).tree;

const rmem = (children: string) => `reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; ${children} };`;

test('arm64 1 GiB: one DMA zone, Total pages = present - memmap', () => {
  const r = simulate(board('0x0 0x40000000'), { arch: 'arm64' });
  assert.equal(r.modelled, true);
  // zone_dma_bits = 32 without dma-ranges; RAM ends below 4 GiB: DMA covers it all
  assert.deepEqual(r.zoneRanges.find((z) => z.name === 'DMA')?.range, { start: 0x40000000n, end: 0x7fffffffn });
  assert.equal(r.zoneRanges.find((z) => z.name === 'DMA32')?.range, null);
  // 262144 pages - 262144 * 64 / 4096 memmap pages = 258048
  assert.equal(r.totalPages, 258048n);
  // 1 GiB = 1048576K present; the default CMA is CONFIG_CMA_SIZE_MBYTES = 64 MiB
  assert.equal(r.memoryLine?.totalK, 1048576n);
  assert.equal(r.memoryLine?.cmaReservedK, 65536n);
  assert.ok(r.defaultCma && 'base' in r.defaultCma && r.defaultCma.size === 64n << 20n);
});

test('dynamic CMA pool goes to the top of its alloc-range (top-down)', () => {
  const r = simulate(board('0x0 0x40000000', rmem(`pool { compatible = "shared-dma-pool"; reusable; size = <0x0 0x4000000>;
    alignment = <0x0 0x2000000>; alloc-ranges = <0x0 0x50000000 0x0 0x10000000>; };`)), { arch: 'arm64' });
  const pool = r.rmem.find((x) => x.name === 'pool')!;
  // [0x50000000, 0x60000000) top-down: 0x60000000 - 64 MiB = 0x5c000000, 32 MiB aligned
  assert.deepEqual(pool.results.map((x) => [x.kind, x.type, x.base]), [['initialized', 'cma', 0x5c000000n]]);
});

test('no-map over the kernel image is refused; cma= bypasses linux,cma-default', () => {
  const r = simulate(board('0x0 0x40000000', rmem(`k@40600000 { reg = <0x0 0x40600000 0x0 0x100000>; no-map; };
    linux,cma { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; linux,cma-default; };`)), { arch: 'arm64', bootargs: 'cma=32M' });
  // the image [0x40210000, 0x42210000) is reserved before the scan: -EBUSY for the no-map node
  assert.equal(r.rmem.find((x) => x.name === 'k@40600000')?.results[0]?.kind, 'reserve-failed');
  assert.deepEqual(r.rmem.find((x) => x.name === 'linux,cma')?.results.map((x) => x.kind), ['bypassed-by-cmdline-cma', 'compatible-matching-fail']);
  assert.ok(r.defaultCma && 'base' in r.defaultCma && r.defaultCma.size === 32n << 20n);
});

test('dma-ranges reaching 0x5fffffff split 2 GiB into DMA and DMA32', () => {
  const r = simulate(board('0x0 0x80000000', `bus { compatible = "simple-bus"; #address-cells = <2>; #size-cells = <2>; ranges;
    dma-ranges = <0x0 0x40000000 0x0 0x40000000 0x0 0x20000000>; };`), { arch: 'arm64' });
  // fls64(0x5fffffff) = 31 -> DMA ends at 0x7fffffff; DMA32 up to the end of RAM (0xbfffffff)
  assert.deepEqual(r.zoneRanges.map((z) => [z.name, z.range?.end]), [['DMA', 0x7fffffffn], ['DMA32', 0xbfffffffn], ['Normal', undefined]]);
});

test('a board without memory gives a finding, not an exception, and JSON has no cycles', () => {
  const r = simulate(compileText('/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; };').tree, { arch: 'arm64' });
  assert.ok(r.findings.some((f) => f.code === 'sim-no-memory'));
  const withNode = simulate(board('0x0 0x40000000', rmem('s@50000000 { reg = <0x0 0x50000000 0x0 0x100000>; };')), { arch: 'arm64' });
  const json = JSON.stringify(simResultToJson(withNode));
  assert.ok(json.includes('"/reserved-memory/s@50000000"'));
});

test('the 32-bit profiles dispatch to the arm boot path', () => {
  const r = simulate(board('0x0 0x40000000'), { arch: 'arm' });
  assert.equal(r.modelled, true);
  assert.ok(r.memoryLine);
});
