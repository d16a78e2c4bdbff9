// `dtmem compare` over every boot-oracle case: the case's devicetree is rebuilt the way the golden
// test does (oracle_cases.ts: base-dtb/<arch>-<cpu>-<mem>-smp1.dts + fragment appended as text),
// simulated with the command line of the case's own log, and compared fact by fact with that log.
// The cases "the simulator models exactly" are derived here, per run, from the simulator's golden
// comparison (test/golden/compare.ts, the check oracle.test.ts asserts): for each of them the
// comparison must agree on every fact. A per-case agreement table is printed. A few cases also go
// through the CLI (`run`), including one with a wrong command line that must exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dtbSize } from '../../server/src/dts/fdt.js';
import { compareSimWithLog } from '../../server/src/log/compare.js';
import { parseBootLog } from '../../server/src/log/parse.js';
import { simulate } from '../../server/src/sim/simulate.js';
import { formatSimLog } from '../../server/src/sim/log_format.js';
import { splitBoots } from '../../server/src/log/parse.js';
import { splitLog } from '../../server/src/log/lines.js';
import { run } from '../../server/src/cli/compare.js';
import { compare as simGolden } from './compare.js';
import { buildTree, caseDts, kernelDtbSize, loadCases, type OracleCase } from './oracle_cases.js';

const cases = loadCases().filter((c) => existsSync(logOf(c)));
const table: { label: string; exact: boolean; agree: number; total: number; bad: string[]; sameLines: boolean; sameOrder: boolean }[] = [];

/** The memory-initialisation lines of a boot up to `Memory:` (what --format log prints). */
const MEMORY_LINE = /^(memblock_|MEMBLOCK configuration:| memory|^ reserved|OF: reserved mem: |OF: fdt: Reserv|OF: fdt: Ignoring|Reserved memory: |cma: |Memory limited to|Zone ranges:|Movable zone start|Early memory node ranges|Initmem setup|On node \d|Built \d+ zonelists|Memory: | {2}(DMA|DMA32|Normal|HighMem)\s| {2}[Nn]ode\s+\d|\S+ \(0x[0-9a-f]+--0x[0-9a-f]+\) overlaps with )/;
function memoryLines(texts: string[]): string[] {
  const end = texts.findIndex((t) => t.startsWith('Memory: '));
  return texts.slice(0, end < 0 ? texts.length : end + 1).filter((t) => MEMORY_LINE.test(t));
}

/** The real boot died before it finished the memory initialisation (the oracle timed out, or
 * re-booted with earlycon because nothing was printed, or the log has a panic other than the
 * expected missing root fs) and the simulator reports that death too (the codes
 * test/golden/random/check.ts counts as dying). */
function diedEarly(c: OracleCase, log: ReturnType<typeof parseBootLog>, sim: ReturnType<typeof simulate>): boolean {
  const o = c.json.oracle as { timed_out?: boolean; fallback?: unknown };
  const died = !!(o.timed_out || o.fallback || (log.panic && !/VFS: Unable to mount root/.test(log.panic)));
  return died && sim.findings.some((f) => f.severity === 'error' && /^(sim-arm-hang|sim-arm-crash)$/.test(f.code));
}

function logOf(c: OracleCase): string {
  return join(c.root, 'results', c.arch, `${c.name}.log`);
}

test('oracle cases with logs are present', () => {
  assert.ok(cases.length > 0);
});

for (const c of cases) {
  const label = `${c.arch} ${c.name}`;
  test(`compare: ${label}`, () => {
    const log = parseBootLog(readFileSync(logOf(c), 'utf8'));
    const { tree, errors } = buildTree(c);
    assert.deepEqual(errors, []);
    const flat = dtbSize(tree);
    const sim = simulate(tree, { arch: c.arch, ...(log.commandLine !== null ? { bootargs: log.commandLine } : {}), dtbSize: kernelDtbSize(c, flat) });
    // "Modelled exactly" = the simulator's own golden check passes for this case.
    const golden = simGolden(sim, c.json);
    const dtbOk = c.json.oracle.boot_mode !== 'raw' || flat === c.json.oracle.dtb_bytes;
    const exact = dtbOk && golden.every((f) => f.ok) && !sim.findings.some((f) => f.code === 'sim-internal' || f.code === 'sim-not-modelled');
    const r = compareSimWithLog(sim, log);
    // --format log against the real log: the same lines (as a multiset), and whether in the same order.
    const real = memoryLines(splitBoots(splitLog(readFileSync(logOf(c), 'utf8'))).chosen.map((m) => m.text));
    const mine = memoryLines(formatSimLog(sim, { memblockDebug: true }).map((l) => l.text));
    const sameLines = JSON.stringify([...real].sort()) === JSON.stringify([...mine].sort());
    const sameOrder = JSON.stringify(real) === JSON.stringify(mine);
    const bad = r.rows.filter((x) => x.verdict !== 'agree').map((x) => `${x.fact} [${x.verdict}] sim=${x.expected ?? '-'} log=${x.seen ?? '-'}`);
    table.push({ label, exact, agree: r.counts.agree, total: r.rows.length, bad, sameLines, sameOrder });
    assert.ok(r.rows.length > 0, 'no facts compared');
    if (exact && diedEarly(c, log, sim)) {
      // The log stops where the kernel died, so it cannot show the facts printed after that
      // point (e.g. arm rand-32: memblock_free_all oopses inside mem_init, before the `Memory:`
      // line the simulation still carries). Compare only what the log has: its memory lines must
      // be the rendered ones cut short, and every fact the log shows must agree.
      assert.deepEqual([...real].sort(), mine.slice(0, real.length).sort(), 'the real log\'s memory lines are the rendered log cut where the kernel died');
      const seen = r.rows.filter((x) => x.verdict !== 'agree' && x.verdict !== 'only-in-sim').map((x) => `${x.fact} [${x.verdict}] sim=${x.expected ?? '-'} log=${x.seen ?? '-'}`);
      assert.deepEqual(seen, [], 'every fact the log of this crashed boot shows must agree with the simulation');
    } else if (exact) {
      assert.deepEqual(bad, [], 'the simulator models this case exactly, so dtmem compare must agree on every fact');
      if (real.length) assert.ok(sameLines, 'the rendered log has exactly the real log\'s memory lines');
    }
  });
}

test('agreement table', () => {
  const lines = table.map((t) => `${t.label.padEnd(40)} ${t.exact ? 'exact' : 'inexact'} ${t.agree}/${t.total}${t.sameOrder ? ' log=' : t.sameLines ? ' log~' : ' log!'}${t.bad.length ? '  ' + t.bad.join('; ') : ''}`);
  const exact = table.filter((t) => t.exact);
  const agreeing = table.filter((t) => !t.bad.length);
  process.stdout.write(`\n# dtmem compare over the oracle cases\n${lines.join('\n')}\n# ${agreeing.length}/${table.length} cases agree on every fact; ${exact.length} modelled exactly (asserted)\n# --format log: ${table.filter((t) => t.sameOrder).length}/${table.length} line for line (log=), ${table.filter((t) => t.sameLines && !t.sameOrder).length} same lines in another order (log~)\n`);
  assert.equal(table.length, cases.length);
  assert.ok(exact.length > 0, 'no case is modelled exactly: nothing asserted');
});

/** Runs the CLI with stdout captured. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await run(args), out };
  } finally {
    process.stdout.write = write;
  }
}

test('CLI: exit 0 and a full-agreement JSON on modelled cases, exit 1 with a wrong command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dtmem-compare-'));
  try {
    const picks = table.filter((t) => t.exact && !t.bad.length).slice(0, 3).map((t) => cases.find((c) => `${c.arch} ${c.name}` === t.label)!);
    assert.ok(picks.length > 0);
    for (const c of picks) {
      const dts = join(dir, `${c.arch}-${c.name}.dts`);
      writeFileSync(dts, caseDts(c));
      const ok = await cli([dts, logOf(c), '--format', 'json']);
      const j = JSON.parse(ok.out) as { agree: boolean; arch: string; counts: Record<string, number> };
      assert.equal(ok.code, 0, ok.out);
      assert.equal(j.agree, true);
      assert.equal(j.arch, c.arch, 'the profile comes from the log\'s kernel release');
      // The default CMA size is a Kconfig value; asking for another one must be reported.
      const bad = await cli([dts, logOf(c), '--bootargs', `${c.json.result.command_line} cma=8M`]);
      assert.equal(bad.code, 1, bad.out);
      assert.match(bad.out, /default CMA\s+DIFFER/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
