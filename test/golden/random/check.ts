// Compares the simulator with boot-oracle runs of generated cases, with the golden test's own
// machinery (oracle_cases.ts rebuilds the DTS, compare.ts lists the facts). ROOT has the golden
// layout: ROOT/cases/manifest.txt + fragments, ROOT/results/<arch>/<case>.json (run.sh's output).
// Usage: node --import tsx test/golden/random/check.ts ROOT [CASE...] [--verbose]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dtbSize } from '../../../server/src/dts/fdt.js';
import { simulate } from '../../../server/src/sim/simulate.js';
import type { Arch } from '../../../server/src/sim/profile.js';
import { buildTree, kernelDtbSize, loadOverrides, qemuMemory, type OracleCase, type OracleJson } from '../oracle_cases.js';
import { compare, type Fact } from '../compare.js';

/** Every stored run under root, in manifest order (the same rules as oracle_cases.loadCases). */
export function loadRoot(root: string, only: string[] = []): OracleCase[] {
  const out: OracleCase[] = [];
  const man = readFileSync(join(root, 'cases', 'manifest.txt'), 'utf8');
  for (const line of man.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const cols = line.split('|').map((s) => s.trim());
    const name = cols[0]!;
    if (only.length && !only.includes(name)) continue;
    for (const arch of ['arm64', 'arm', 'arm-lpae'] as Arch[]) {
      const jf = join(root, 'results', arch, `${name}.json`);
      if (!existsSync(jf)) continue;
      const text = readFileSync(jf, 'utf8');
      if (!text.trim()) continue;
      out.push({ name, arch, root, json: JSON.parse(text) as OracleJson, fragment: cols[1] ?? 'none' });
    }
  }
  return out;
}

/** The golden test's facts for one run (oracle.test.ts does the same). */
export function checkCase(c: OracleCase): Fact[] {
  const { tree, errors } = buildTree(c);
  const facts: Fact[] = [];
  if (errors.length) facts.push({ name: 'front end', ok: false, expected: 'no errors', actual: errors.join('; ') });
  const flat = dtbSize(tree);
  if (c.json.oracle.boot_mode === 'raw') facts.push({ name: 'DTB size', ok: flat === c.json.oracle.dtb_bytes, expected: String(c.json.oracle.dtb_bytes), actual: String(flat) });
  const memory = qemuMemory(c);
  const sim = simulate(tree, { arch: c.arch, dtbSize: kernelDtbSize(c, flat), overrides: loadOverrides(c), ...(memory ? { memory } : {}) });
  for (const f of sim.findings.filter((x) => x.code === 'sim-internal' || x.code === 'sim-not-modelled')) {
    facts.push({ name: f.code, ok: false, expected: 'modelled', actual: f.message });
  }
  facts.push(...compare(sim, c.json));
  // the boot's outcome: a kernel that hung or crashed (timeout, earlycon re-boot, a panic other
  // than the missing root fs) must be one the simulator reports as dying
  const j = c.json as OracleJson & { oracle: { timed_out?: boolean; fallback?: unknown } };
  const panic = (c.json.result as { panic?: string | null }).panic;
  const died = !!(j.oracle.timed_out || j.oracle.fallback || (panic && !/VFS: Unable to mount root/.test(panic)));
  const fatal = sim.findings.filter((f) => /^(sim-arm-hang|sim-arm-crash|sim-arm64-crash|cma-outside-ram)$/.test(f.code)).map((f) => f.code);
  // a FLATMEM pool outside the zones: the outcome depends on memory contents (either is right)
  const either = sim.findings.some((f) => f.code === 'cma-outside-ram-flatmem');
  facts.push({ name: 'boot outcome', ok: either || died === fatal.length > 0, expected: died ? 'dies' : 'boots', actual: either ? 'either' : fatal.length ? `dies (${fatal.join(', ')})` : 'boots' });
  return facts;
}

function main(argv: string[]): void {
  const verbose = argv.includes('--verbose');
  const [root, ...only] = argv.filter((a) => !a.startsWith('--'));
  if (!root) throw new Error('usage: check.ts ROOT [CASE...]');
  let exact = 0;
  const cases = loadRoot(root, only);
  for (const c of cases) {
    const j = c.json as OracleJson & { oracle: { timed_out?: boolean; fallback?: unknown } };
    const panic = (c.json.result as { panic?: string | null }).panic;
    const odd = j.oracle.timed_out ? ' TIMEOUT' : j.oracle.fallback ? ' FALLBACK' : panic && !/VFS: Unable to mount root/.test(panic) ? ` PANIC ${panic}` : '';
    let facts: Fact[];
    try {
      facts = checkCase(c);
    } catch (e) {
      facts = [{ name: 'check', ok: false, expected: 'runs', actual: String(e) }];
    }
    const bad = facts.filter((f) => !f.ok);
    if (!bad.length) exact++;
    const label = `${c.arch.padEnd(8)} ${c.name.padEnd(10)}`;
    console.log(`${label} ${facts.length - bad.length}/${facts.length}${odd}${bad.length ? '  MISMATCH: ' + bad.map((f) => f.name).join(', ') : ''}`);
    if (verbose) for (const f of bad) console.log(`    ${f.name}\n      expected ${f.expected}\n      actual   ${f.actual}`);
  }
  console.log(`# ${exact}/${cases.length} runs exact`);
}

if (require.main === module) main(process.argv.slice(2));
