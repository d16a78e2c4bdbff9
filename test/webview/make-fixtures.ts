// Records the webview tests' inputs: boot-oracle cases (shared/oracle) simulated by dtmem and
// converted to the dtmem/simulation wire result exactly as the language server does
// (server/src/lsp/simulation.ts), written to test/webview/fixtures/<arch>-<case>.json.
// Run: node --import tsx test/webview/make-fixtures.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dtbSize } from '../../server/src/dts/fdt.js';
import { simulate } from '../../server/src/sim/simulate.js';
import { runRules } from '../../server/src/rules/index.js';
import { simulationResult } from '../../server/src/lsp/simulation.js';
import type { Analysis } from '../../server/src/lsp/analysis.js';
import { buildTree, caseDts, kernelDtbSize, loadCases, loadOverrides } from '../golden/oracle_cases.js';

export const FIXTURES = [
  ['arm64', 'cma-device-pool'],
  ['arm', 'cma-device-pool'],
  ['arm-lpae', 'memory-hole'],
  ['arm64', 'overlap-static'],
  ['arm', 'cma-misaligned'],
  ['arm', 'static'],
] as const;

export function makeFixture(arch: string, name: string): unknown {
  const c = loadCases().find((x) => x.arch === arch && x.name === name);
  if (!c) throw new Error(`no oracle case ${arch} ${name}`);
  const file = `/board/${name}.dts`;
  const { tree } = buildTree(c);
  const sim = simulate(tree, { arch: c.arch, dtbSize: kernelDtbSize(c, dtbSize(tree)), overrides: loadOverrides(c) });
  const findings = [...sim.findings, ...runRules({ tree, sim, profile: sim.profile, readFile: () => undefined })];
  const a = {
    board: file, full: true, versions: new Map([[file, 1]]), compile: { tree }, sim, arch: c.arch, findings, frontCount: 0, epoch: 0,
    timings: { preprocess: 0, parse: 0, simulate: 0, rules: 0, total: 0 }, at: new Date('2026-01-01T00:00:00Z'),
  } as unknown as Analysis;
  const r = simulationResult(a, `file://${file}`);
  return { ...r, dts: caseDts(c).length };
}

if (require.main === module) {
  for (const [arch, name] of FIXTURES) {
    const out = join(__dirname, 'fixtures', `${arch}-${name}.json`);
    writeFileSync(out, JSON.stringify(makeFixture(arch, name), null, 1) + '\n');
    console.log('wrote', out);
  }
}
