// Golden test: every boot-oracle case (the shared oracle and test/golden's own cases) on every
// arch it was booted on is rebuilt with dtmem's front end, simulated, and compared fact by fact
// with what the real Debian 6.1 kernel printed. Prints a per-case scoreboard; any mismatch fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtbSize } from '../../server/src/dts/fdt.js';
import { simulate } from '../../server/src/sim/simulate.js';
import { buildTree, kernelDtbSize, loadCases, loadOverrides, qemuMemory } from './oracle_cases.js';
import { compare, type Fact } from './compare.js';

const cases = loadCases();
const board: { label: string; ok: number; total: number; bad: Fact[] }[] = [];

test('oracle cases are present', () => {
  assert.ok(cases.length > 0, 'no oracle results found');
});

for (const c of cases) {
  const label = `${c.arch} ${c.name}`;
  test(label, () => {
    const { tree, errors } = buildTree(c);
    assert.deepEqual(errors, [], 'the front end rejected the case DTS');
    const flat = dtbSize(tree);
    const facts: Fact[] = [];
    if (c.json.oracle.boot_mode === 'raw') {
      facts.push({ name: 'DTB size', ok: flat === c.json.oracle.dtb_bytes, expected: String(c.json.oracle.dtb_bytes), actual: String(flat) });
    }
    const memory = qemuMemory(c);
    const sim = simulate(tree, { arch: c.arch, dtbSize: kernelDtbSize(c, flat), overrides: loadOverrides(c), ...(memory ? { memory } : {}) });
    for (const f of sim.findings.filter((x) => x.code === 'sim-internal' || x.code === 'sim-not-modelled')) {
      facts.push({ name: f.code, ok: false, expected: 'modelled', actual: f.message });
    }
    facts.push(...compare(sim, c.json));
    const bad = facts.filter((f) => !f.ok);
    board.push({ label, ok: facts.length - bad.length, total: facts.length, bad });
    assert.deepEqual(bad.map((f) => `${f.name}: expected ${f.expected}, got ${f.actual}`), []);
  });
}

test('scoreboard', () => {
  const lines = board.map((b) => `${b.label.padEnd(40)} ${b.ok}/${b.total} facts${b.bad.length ? '  MISMATCH: ' + b.bad.map((f) => f.name).join(', ') : ''}`);
  const ok = board.reduce((a, b) => a + b.ok, 0);
  const total = board.reduce((a, b) => a + b.total, 0);
  process.stdout.write(`\n# golden scoreboard\n${lines.join('\n')}\n# ${board.filter((b) => !b.bad.length).length}/${board.length} case runs exact, ${ok}/${total} facts\n`);
  assert.equal(board.length, cases.length);
});
