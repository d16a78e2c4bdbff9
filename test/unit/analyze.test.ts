// analyze.ts: kernel profile auto-detection (path, then CPU compatible, then root cells) and the
// shared board analysis on the bundled example board.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { analyzeBoard, detectArch, initAnalysis } from '../../server/src/analyze.js';
import { compileText } from '../../server/src/dts/frontend.js';

function tree(cells: number, cpu?: string, rootCompat?: string) {
  const cpus = cpu ? `cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { compatible = "${cpu}"; reg = <0>; }; };` : '';
  const compat = rootCompat ? `compatible = "${rootCompat}";` : '';
  return compileText(`/dts-v1/;\n/ { #address-cells = <${cells}>; #size-cells = <${cells}>; ${compat} ${cpus} };`).tree;
}

test('a Linux tree path decides the arch; 2 address cells on 32-bit arm mean LPAE', () => {
  assert.equal(detectArch('/k/arch/arm64/boot/dts/x/b.dts', tree(2)), 'arm64');
  assert.equal(detectArch('/k/arch/arm/boot/dts/x/b.dts', tree(1)), 'arm');
  assert.equal(detectArch('/k/arch/arm/boot/dts/x/b.dts', tree(2)), 'arm-lpae');
  assert.equal(detectArch('/k/arch/riscv/boot/dts/x/b.dts', tree(2)), undefined);
});

test('outside a Linux tree the CPUs decide, then the root cells', () => {
  assert.equal(detectArch('/w/b.dts', tree(1, 'arm,cortex-a53')), 'arm64');
  assert.equal(detectArch('/w/b.dts', tree(2, 'arm,cortex-a15')), 'arm-lpae');
  assert.equal(detectArch('/w/b.dts', tree(1, 'arm,cortex-a9')), 'arm');
  assert.equal(detectArch('/w/b.dts', tree(2)), 'arm64');
  assert.equal(detectArch('/w/b.dts', tree(1)), 'arm');
  assert.equal(detectArch('/w/b.dts', tree(2, undefined, 'sifive,hifive-unmatched-a00')), undefined);
});

test('analyzeBoard on the example board: CMA pools placed and the forgotten reusable flagged', async () => {
  await initAnalysis();
  const a = analyzeBoard(path.join(__dirname, '../../examples/qemu-virt-arm64.dts'));
  assert.equal(a.arch, 'arm64');
  assert.deepEqual(a.compile.findings.filter((f) => f.severity === 'error'), []);
  const cma = a.sim!.rmem.find((r) => r.name === 'linux,cma')!;
  // alloc-ranges [0x60000000, 0x80000000): top-down below the isp pool allocated before it
  assert.ok(cma.base >= 0x60000000n && cma.base + cma.size <= 0x80000000n, `linux,cma at ${cma.base.toString(16)}`);
  assert.deepEqual(a.findings.filter((f) => f.severity === 'warning').map((f) => f.code), ['rmem-cma-not-reusable']);
  // the real arm64 kernel printed this line for the same tree (test/golden/results/arm64/example-board.json)
  assert.match(a.sim!.memoryLine!.text, /78628K reserved, 131072K cma-reserved/);
});
