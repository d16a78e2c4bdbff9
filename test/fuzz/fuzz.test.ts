// Seeded, time-bounded mutation fuzzing over corpus boards (issue 8): each iteration takes a
// board and its includes from the shared corpus, breaks one file with 1-3 text mutators and/or a
// whole-case mutator (test/fuzz/mutators.ts), and runs it through the front end, the simulator
// (every arch) and analyzeBoard (harness.ts): no exception may escape, no call may take over 1 s,
// the heap stays bounded, and every finding's range lies inside an existing file.
// Failing cases are written to .test-artifacts/fuzz/ to be minimised into test/fuzz/regressions/.
// Env: DTMEM_FUZZ_SEED (default 1), DTMEM_FUZZ_MS (time budget, default 20000), DTMEM_FUZZ_ITERS
// (iteration cap, default unlimited). Run: node --import tsx --test test/fuzz/fuzz.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { includeSetupFor, initAnalysis } from '../../server/src/analyze.js';
import { compile } from '../../server/src/dts/frontend.js';
import { nodeFileSystem } from '../../server/src/dts/preprocess/index.js';
import { LINUX } from '../corpus/cpp-helper.js';
import { runCase, type FuzzCase } from './harness.js';
import { caseMutators, prng, textMutators } from './mutators.js';

const SEED = Number(process.env.DTMEM_FUZZ_SEED ?? 1);
const BUDGET_MS = Number(process.env.DTMEM_FUZZ_MS ?? 20000);
const MAX_ITERS = Number(process.env.DTMEM_FUZZ_ITERS ?? Infinity);

// Seed boards: small and mid-sized boards of each arch, with and without reserved-memory / CMA.
const SEEDS = [
  'arch/arm/boot/dts/actions/owl-s500-cubieboard6.dts',
  'arch/arm/boot/dts/ti/omap/am572x-idk.dts',
  'arch/arm/boot/dts/nvidia/tegra124-nyan-big-fhd.dts',
  'arch/arm64/boot/dts/qcom/sc7280-herobrine-villager-r1-lte.dts',
  'arch/arm64/boot/dts/rockchip/rk3399-rock-pi-4a.dts',
  'arch/arm64/boot/dts/arm/juno.dts',
  'arch/arm64/boot/dts/freescale/imx8mm-evk.dts',
  'arch/arm/boot/dts/broadcom/bcm2837-rpi-3-b.dts',
];

interface Seed { entry: string; files: string[] }

function loadSeeds(): Seed[] {
  const out: Seed[] = [];
  for (const b of SEEDS) {
    const entry = path.join(LINUX, b);
    if (nodeFileSystem.readFile(entry) === undefined) continue;
    const r = compile(entry, { ...includeSetupFor(entry), fs: nodeFileSystem });
    out.push({ entry, files: r.pre.files });
  }
  return out;
}

function makeCase(seeds: Seed[], r: () => number): FuzzCase {
  const s = seeds[Math.floor(r() * seeds.length)]!;
  const c: FuzzCase = { entry: s.entry, files: {}, note: path.basename(s.entry) };
  const names = Object.keys(textMutators);
  const cnames = Object.keys(caseMutators);
  // Mostly the board file; sometimes one of its includes (a shared .dtsi breaking under the board).
  const target = r() < 0.7 ? s.entry : s.files[Math.floor(r() * s.files.length)]!;
  const others = s.files.slice(0, 6).map((f) => nodeFileSystem.readFile(f) ?? '');
  const mode = r();
  if (mode < 0.75) {
    let text = nodeFileSystem.readFile(target) ?? '';
    for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) {
      const m = names[Math.floor(r() * names.length)]!;
      text = textMutators[m]!(text, r, others);
      c.note += ` ${m}@${path.basename(target)}`;
    }
    c.files[target] = text;
  }
  if (mode > 0.5) {
    if (c.files[c.entry] === undefined) c.files[c.entry] = nodeFileSystem.readFile(c.entry) ?? '';
    const m = cnames[Math.floor(r() * cnames.length)]!;
    caseMutators[m]!(c, r);
    c.note += ` ${m}`;
  }
  return c;
}

test(`fuzz: seed ${SEED}, ${BUDGET_MS} ms budget`, async () => {
  await initAnalysis();
  const seeds = loadSeeds();
  assert.ok(seeds.length >= 4, 'corpus seed boards present');
  const r = prng(SEED);
  const failures: string[] = [];
  const start = performance.now();
  let iters = 0;
  let slowest = { ms: 0, note: '' };
  const outDir = path.resolve(__dirname, '../../.test-artifacts/fuzz');
  while (performance.now() - start < BUDGET_MS && iters < MAX_ITERS) {
    const c = makeCase(seeds, r);
    iters++;
    let res = runCase(c);
    // A single slow call on a shared, loaded machine is re-run once before it counts.
    if (res.slow.length && !res.problems.length) res = runCase(c);
    const problems = [...res.problems, ...res.slow];
    if (res.ms > slowest.ms) slowest = { ms: res.ms, note: c.note ?? '' };
    if (problems.length) {
      mkdirSync(outDir, { recursive: true });
      const file = path.join(outDir, `seed${SEED}-iter${iters}.json`);
      writeFileSync(file, JSON.stringify({ ...c, problems }, null, 1));
      failures.push(`iteration ${iters} (${c.note}) -> ${file}\n  ${problems.slice(0, 5).join('\n  ')}`);
      if (failures.length >= 20) break;
    }
  }
  const secs = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`fuzz: seed ${SEED}, ${iters} cases in ${secs} s, ${failures.length} failing; slowest case ${slowest.ms.toFixed(0)} ms (${slowest.note}); heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  assert.ok(iters > 0);
  assert.deepEqual(failures, []);
});
