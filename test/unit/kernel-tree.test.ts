// Kernel tree detection and kbuild's include setup, on the shared Linux 6.12 corpus (which has
// no include-prefixes symlinks, so the mapping must come from the tree layout) and on a fake
// directory probe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { findKernelTree, kbuildIncludeSetup, type DirProbe } from '../../server/src/dts/kernel_tree.js';
import { preprocess, nodeFileSystem } from '../../server/src/dts/preprocess/index.js';

const TREE = join(__dirname, '../../../shared/corpus/linux-6.12');

test('finds the corpus tree and derives the include-prefixes mapping', () => {
  const board = join(TREE, 'arch/arm64/boot/dts/qcom/x1e80100-crd.dts');
  const s = kbuildIncludeSetup(board);
  assert.ok(s);
  assert.equal(s.root, TREE);
  assert.equal(s.prefixDir, join(TREE, 'scripts/dtc/include-prefixes'));
  assert.deepEqual(s.includeDirs, [s.prefixDir]);
  assert.deepEqual(s.dtcIncludeDirs, [join(TREE, 'arch/arm64/boot/dts/qcom'), s.prefixDir]);
  // INCLUDE-PREFIXES.txt: arm, arm64, riscv -> arch/<a>/boot/dts, dt-bindings -> include/dt-bindings.
  assert.deepEqual(s.prefixMap, {
    arm: join(TREE, 'arch/arm/boot/dts'),
    arm64: join(TREE, 'arch/arm64/boot/dts'),
    riscv: join(TREE, 'arch/riscv/boot/dts'),
    'dt-bindings': join(TREE, 'include/dt-bindings'),
  });
});

test('a corpus board that includes <dt-bindings/...> and <arm64/...>-style paths preprocesses cleanly', () => {
  // sc7280-herobrine boards include "sc7280.dtsi" which includes many <dt-bindings/...> headers.
  const board = join(TREE, 'arch/arm64/boot/dts/qcom/sc7280-herobrine-villager-r1-lte.dts');
  const r = preprocess(board, { ...kbuildIncludeSetup(board)!, fs: nodeFileSystem });
  assert.deepEqual(r.findings, []);
  assert.ok(r.files.some((f) => f.startsWith(join(TREE, 'include/dt-bindings/'))));
  assert.equal(r.files[0], board);
});

test('outside a kernel tree: undefined', () => {
  assert.equal(kbuildIncludeSetup('/tmp/not-a-tree/board.dts'), undefined);
});

test('detection needs arch/*/boot/dts and include/dt-bindings (fake probe)', () => {
  const dirs = new Set(['/k', '/k/arch', '/k/arch/arm64', '/k/arch/arm64/boot', '/k/arch/arm64/boot/dts', '/k/arch/x86', '/k/include', '/k/include/dt-bindings']);
  const probe: DirProbe = {
    isDir: (p) => dirs.has(p),
    list: (p) => [...dirs].filter((d) => d.startsWith(p + '/') && !d.slice(p.length + 1).includes('/')).map((d) => d.slice(p.length + 1)),
  };
  assert.equal(findKernelTree('/k/arch/arm64/boot/dts/vendor/b.dts', probe), '/k');
  assert.deepEqual(kbuildIncludeSetup('/k/arch/arm64/boot/dts/vendor/b.dts', probe)?.prefixMap, {
    arm64: '/k/arch/arm64/boot/dts',
    'dt-bindings': '/k/include/dt-bindings',
  });
  dirs.delete('/k/include/dt-bindings');
  assert.equal(findKernelTree('/k/arch/arm64/boot/dts/vendor/b.dts', probe), undefined);
});
