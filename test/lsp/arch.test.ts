// Arch auto-detection (lsp/analysis.ts detectArch): path first, then the CPUs' compatible, then
// the root's #address-cells; a setting other than `auto` wins. Pure function, no server needed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileText } from '../../server/src/dts/frontend.js';
import { detectArch } from '../../server/src/lsp/analysis.js';

function tree(cells: number, cpu?: string) {
  const cpus = cpu ? `cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { compatible = "${cpu}"; reg = <0>; }; };` : '';
  return compileText(`/dts-v1/; / { #address-cells = <${cells}>; #size-cells = <1>; ${cpus} };`).tree;
}

describe('detectArch', () => {
  it('follows arch/<arch>/boot/dts in the path', () => {
    assert.equal(detectArch('auto', '/k/arch/arm64/boot/dts/x/b.dts', tree(2)), 'arm64');
    assert.equal(detectArch('auto', '/k/arch/arm/boot/dts/x/b.dts', tree(1)), 'arm');
    assert.equal(detectArch('auto', '/k/arch/arm/boot/dts/x/b.dts', tree(2)), 'arm-lpae');
  });
  it('uses the CPU compatible outside a kernel tree', () => {
    assert.equal(detectArch('auto', '/w/b.dts', tree(1, 'arm,cortex-a53')), 'arm64');
    assert.equal(detectArch('auto', '/w/b.dts', tree(2, 'arm,cortex-a15')), 'arm-lpae');
    assert.equal(detectArch('auto', '/w/b.dts', tree(1, 'arm,cortex-a9')), 'arm');
  });
  it('falls back to #address-cells, and obeys an explicit setting', () => {
    assert.equal(detectArch('auto', '/w/b.dts', tree(2)), 'arm64');
    assert.equal(detectArch('auto', '/w/b.dts', tree(1)), 'arm');
    assert.equal(detectArch('arm-lpae', '/k/arch/arm64/boot/dts/b.dts', tree(2)), 'arm-lpae');
  });
});
