// The golden random-case generator (test/golden/random/gen.ts): a seed always gives the same
// cases, every fragment merges into the virt base DTS without front-end errors, and the inputs
// stay inside what QEMU virt boots (no-map and CMA static regions above the DTB, mem= below RAM).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileText } from '../../server/src/dts/frontend.js';
import { getProp, readNumber } from '../../server/src/dts/tree.js';
import { genCase } from '../golden/random/gen.js';
import { ORACLE } from '../shared_dir.js';

const base = (mem: string) => {
  const name = `arm64-cortex-a57-${mem}-smp1.dts`;
  const f = [join(ORACLE, 'base-dtb', name), join(__dirname, '../golden/base-dtb', name)].find((x) => existsSync(x));
  return f ? readFileSync(f, 'utf8') : undefined;
};

test('a seed gives the same cases', () => {
  for (let n = 1; n <= 5; n++) assert.deepEqual(genCase(7, n), genCase(7, n));
  assert.notDeepEqual(genCase(7, 1), genCase(8, 1));
});

test('fragments compile on the virt base and keep no-map/CMA regions above the DTB', () => {
  let checked = 0;
  for (const hard of [false, true]) {
    for (let n = 1; n <= 30; n++) {
      const c = genCase(11, n, hard);
      const mem = /^(\d+)([MG])$/.exec(c.mem)!;
      const ramMiB = Number(mem[1]) * (mem[2] === 'G' ? 1024 : 1);
      const m = /mem=(\d+)M/.exec(c.append);
      if (m) assert.ok(Number(m[1]) < ramMiB, `${c.name}: mem= below the RAM size`);
      const text = base(c.mem);
      if (!text) continue;
      const r = compileText(text + '\n' + c.fragment, { file: `${c.name}.dts` });
      assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => f.message), [], c.name);
      const rm = r.tree.root.children.find((x) => x.name === 'reserved-memory');
      for (const node of rm?.children ?? []) {
        const reg = getProp(node, 'reg');
        if (!reg || !(getProp(node, 'no-map') || getProp(node, 'reusable'))) continue;
        for (let off = 0; off + 16 <= reg.value.length; off += 16) {
          assert.ok(readNumber(reg.value, off, 2) >= 0x48400000n, `${c.name} ${node.name}: above the DTB`);
        }
      }
      checked++;
    }
  }
  assert.ok(checked >= 30, `only ${checked} cases had a base DTS`);
});
