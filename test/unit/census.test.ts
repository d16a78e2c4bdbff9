// The simulator's one-walk census (server/src/sim/census.ts) against the separate definitions it
// replaces: dtc's DTB size (dts/fdt.ts dtbSize), unflatten_dt_nodes' depth limit and
// of_dma_get_max_cpu_address's walk over available nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileText } from '../../server/src/dts/frontend.js';
import { dtbSize } from '../../server/src/dts/fdt.js';
import { treeCensus } from '../../server/src/sim/census.js';
import { resolveProfile } from '../../server/src/sim/profile.js';

const tree = (src: string) => {
  const r = compileText(`/dts-v1/;\n${src}`, { parser: 'native' });
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
  return r.tree;
};

/** A chain of `depth` nested nodes under the root, each with one property. */
const chain = (depth: number): string => {
  let s = '';
  for (let i = 0; i < depth; i++) s += `n${i} { p = <${i}>; `;
  return `/ { ${s}${'}; '.repeat(depth)}};`;
};

test('census: the DTB size is dtc\'s (fdt.ts dtbSize), or the given fdt_totalsize', () => {
  const t = tree('/memreserve/ 0x1000 0x1000;\n/ { #address-cells = <1>; #size-cells = <1>; model = "m"; cells = <1>; memory@0 { device_type = "memory"; reg = <0 0x1000000>; }; chosen { bootargs = "x"; }; };');
  for (const arch of ['arm', 'arm-lpae', 'arm64'] as const) {
    assert.equal(treeCensus(t, resolveProfile(arch)).dtbSize, dtbSize(t));
    assert.equal(treeCensus(t, resolveProfile(arch), 12345).dtbSize, 12345);
  }
});

test('census: unflatten_dt_nodes skips nodes at depth >= FDT_MAX_DEPTH - 1 (63)', () => {
  for (const arch of ['arm', 'arm64'] as const) {
    const size = (d: number) => treeCensus(tree(chain(d)), resolveProfile(arch)).unflattenSize;
    // nodes n0..n(d-1) sit at depths 1..d: up to depth 62 each adds to the allocation
    assert.ok(size(62) > size(61), `${arch}: depth 62 is populated`);
    assert.equal(size(63), size(62), `${arch}: depth 63 is skipped`);
    assert.equal(size(70), size(62), `${arch}: and everything below it`);
  }
});

test('census: ZONE_DMA reads dma-ranges of available nodes only (of_dma_get_max_cpu_address)', () => {
  const soc = (status: string) => tree(`/ { #address-cells = <2>; #size-cells = <2>;
    soc { #address-cells = <2>; #size-cells = <2>; ${status} dma-ranges = <0 0 0 0 0 0x40000000>; }; };`);
  // one entry: child 0 -> parent 0, size 1 GiB; the highest CPU address is 1 GiB - 1
  assert.equal(treeCensus(soc(''), resolveProfile('arm64')).dmaMaxCpuAddress, 0x3fffffffn);
  assert.equal(treeCensus(soc('status = "okay";'), resolveProfile('arm64')).dmaMaxCpuAddress, 0x3fffffffn);
  assert.equal(treeCensus(soc('status = "disabled";'), resolveProfile('arm64')).dmaMaxCpuAddress, (1n << 64n) - 1n);
  // the 32-bit profiles size ZONE_DMA from the machine, not the tree: no dma walk, aliases instead
  const arm = treeCensus(soc(''), resolveProfile('arm'));
  assert.equal(arm.dmaMaxCpuAddress, undefined);
  assert.deepEqual(arm.aliasAllocSizes, []);
});
