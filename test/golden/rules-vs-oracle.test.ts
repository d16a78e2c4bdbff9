// Diagnostics against real boots: every boot-oracle case (../shared/oracle/results and
// test/golden/results) whose boot log shows a problem must get the matching diagnostic, on the
// right node; a clean boot must get no warning and no error. "Problem" is read from the oracle's
// JSON only: a reserved-memory node result other than `initialized`, "unsupported node format",
// CMA errors, ignored memory, a panic other than the expected "VFS: Unable to mount root fs",
// kernel warnings or oopses, or a reserved range outside memory in the memblock dump. The rules run
// on the same simulated boot as oracle.test.ts (the oracle's kernel/DTB load addresses and QEMU's
// memory are inputs of the boot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileText } from '../../server/src/dts/frontend.js';
import { dtbSize } from '../../server/src/dts/fdt.js';
import type { DtNode, DtTree } from '../../server/src/dts/tree.js';
import { simulate } from '../../server/src/sim/simulate.js';
import { runRules, type RuleFinding } from '../../server/src/rules/index.js';
import { caseDts, kernelDtbSize, loadCases, loadOverrides, qemuMemory, type OracleCase } from './oracle_cases.js';

/** Which rule codes explain each oracle node result kind. */
const CODES_FOR: Record<string, string[]> = {
  overlap: ['rmem-overlap'],
  'reserve-failed': ['rmem-nomap-reserve-failed', 'rmem-size-zero'],
  'alloc-failed': ['rmem-alloc-failed'],
  'compatible-matching-fail': ['rmem-cma-no-map', 'rmem-cma-misaligned', 'rmem-cma-not-reusable', 'rmem-dma-pool-needs-no-map',
    'cma-cmdline-bypass', 'rmem-size-zero', 'cma-too-many-areas', 'rmem-init-failed'],
  'bypassed-by-cmdline-cma': ['cma-cmdline-bypass'],
  'invalid-property': ['rmem-prop-length'],
  'cma-activation-failed': ['cma-cross-zone'],
};

interface OracleResult {
  command_line: string | null;
  panic?: string | null;
  warnings?: string[];
  ignored_memory?: string[];
  reserved_mem?: { messages: string[]; nodes: Record<string, { results: { kind: string; cause?: string }[] }> } | null;
  cma?: { errors?: string[]; messages?: string[] } | null;
  memblock?: {
    dump: { memory: { start: string; end: string }[]; reserved: { start: string; end: string }[] } | null;
    events?: { op: string; start?: string; end?: string; caller?: string }[];
  };
}

/** The DTS the oracle booted (oracle_cases.caseDts: base + fragment + final bootargs; a boot that
 * died before printing its command line gets the bootargs the oracle wrote, not `null`). */
function caseText(c: OracleCase): string | undefined {
  try {
    return caseDts(c);
  } catch {
    return undefined;
  }
}

/** Whether the tree has a node with this name (full name with unit address, as the kernel prints
 * it), searched to a bounded depth. */
function hasNodeNamed(tree: DtTree, name: string): boolean {
  const visit = (n: DtNode, depth: number): boolean => n.name === name || (depth < 32 && n.children.some((ch) => visit(ch, depth + 1)));
  return visit(tree.root, 0);
}

interface Expectation { what: string; ok: (fs: RuleFinding[]) => boolean }

function expectations(c: OracleCase, tree: DtTree): Expectation[] {
  const r = c.json.result as unknown as OracleResult;
  const out: Expectation[] = [];
  const bad = (f: RuleFinding) => f.severity === 'error' || f.severity === 'warning';
  for (const [name, v] of Object.entries(r.reserved_mem?.nodes ?? {})) {
    for (const res of v.results) {
      if (res.kind === 'initialized') continue;
      const codes = CODES_FOR[res.kind] ?? ['rmem-init-failed'];
      // a CMA area the kernel names that is no DT node (hugetlb0 from hugetlb_cma=, the cma=
      // default): it comes from the command line, so the finding cannot sit on that node; it
      // must name the area instead
      if (!hasNodeNamed(tree, name)) {
        out.push({ what: `${name} (command line): ${res.kind} -> ${codes.join('|')} naming ${name}`, ok: (fs) => fs.some((f) => bad(f) && codes.includes(f.code) && f.message.includes(name)) });
        continue;
      }
      out.push({ what: `${name}: ${res.kind}${res.cause ? ` (${res.cause})` : ''} -> ${codes.join('|')}`, ok: (fs) => fs.some((f) => bad(f) && f.node?.name === name && codes.includes(f.code)) });
    }
  }
  if ((r.reserved_mem?.messages ?? []).some((m) => m.includes('unsupported node format'))) {
    out.push({ what: 'unsupported node format -> rmem-unsupported-format', ok: (fs) => fs.some((f) => f.code === 'rmem-unsupported-format' && f.severity === 'error') });
  }
  if ((r.reserved_mem?.messages ?? []).some((m) => m.includes('not enough space for all defined regions'))) {
    out.push({ what: 'not enough space for all defined regions -> rmem-too-many', ok: (fs) => fs.some((f) => f.code === 'rmem-too-many' && f.severity === 'error') });
  }
  const cmaLines = [...new Set([...(r.cma?.errors ?? []), ...(r.cma?.messages ?? [])])].filter((e) => !/^Reserved \d+ MiB at/.test(e));
  for (const e of cmaLines) {
    if (/could not be activated/.test(e)) out.push({ what: `${e} -> cma-cross-zone`, ok: (fs) => fs.some((f) => f.code === 'cma-cross-zone') });
    else out.push({ what: `cma: ${e} -> cma-default-failed|cma-too-many-areas`, ok: (fs) => fs.some((f) => bad(f) && (f.code === 'cma-default-failed' || f.code === 'cma-too-many-areas')) });
  }
  for (const m of (r.ignored_memory ?? []).filter((x) => /OF: fdt: Ignoring memory/.test(x))) out.push({ what: `${m} -> memory-ignored`, ok: (fs) => fs.some((f) => f.code === 'memory-ignored' && bad(f)) });
  if (r.panic && !/VFS: Unable to mount root fs/.test(r.panic)) out.push({ what: `panic "${r.panic}" -> an error`, ok: (fs) => fs.some((f) => f.severity === 'error') });
  // no "Kernel command line:" even with earlycon: the kernel stopped before start_kernel prints
  // it (setup_arch, setup_boot_config), e.g. BUG_ON(pmd_bad) in arm paging_init (rand-11, rand-113)
  if (r.command_line === null) out.push({ what: 'boot stopped before "Kernel command line:" -> boot-stops', ok: (fs) => fs.some((f) => f.code === 'boot-stops' && f.severity === 'error') });
  // an oops or BUG stops (or wrecks) the boot even when the log ends without a panic line (the
  // oracle's run timed out): a boot-stopping diagnostic must say so
  const oops = (r.warnings ?? []).find((w) => /^(Internal error: Oops|Unable to handle kernel|BUG: )/.test(w));
  if (oops) out.push({ what: `"${oops}" -> an error (boot-stops|rmem-cma-outside-ram)`, ok: (fs) => fs.some((f) => f.severity === 'error' && (f.code === 'boot-stops' || f.code === 'rmem-cma-outside-ram')) });
  const warn = (r.warnings ?? []).find((w) => w.startsWith('WARNING'));
  if (warn) out.push({ what: `"${warn}" -> a warning or an error`, ok: (fs) => fs.some(bad) });
  const dump = r.memblock?.dump;
  if (dump) {
    // memory entries merged (no-map splits them), inclusive ends
    const mem: [bigint, bigint][] = [];
    for (const m of dump.memory.map((x) => [BigInt(x.start), BigInt(x.end)] as [bigint, bigint]).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const last = mem[mem.length - 1];
      if (last && m[0] <= last[1] + 1n) { if (m[1] > last[1]) last[1] = m[1]; } else mem.push([m[0], m[1]]);
    }
    for (const x of dump.reserved) {
      const s = BigInt(x.start);
      const e = BigInt(x.end);
      const inside = mem.some(([a, b]) => s >= a && e <= b);
      // the boot loader's placements are not reserved-memory regions: the DTB outside RAM is read
      // through the fixmap and harms nothing by itself; the kernel Image outside RAM (reserved by
      // arm64_memblock_init) has no linear map and the boot stops (oracle a64-mem-high-only)
      const o = c.json.oracle as { dtb_addr?: string };
      if (!inside && o.dtb_addr !== undefined && s === BigInt(o.dtb_addr)) continue;
      const image = (r.memblock?.events ?? []).some((ev) => ev.op === 'reserve' && /^arm64_memblock_init\+0x1f0/.test(ev.caller ?? '') && BigInt(ev.start ?? -1) === s);
      if (!inside && image) out.push({ what: `kernel Image [${x.start}-${x.end}] outside memory -> boot-stops`, ok: (fs) => fs.some((f) => f.code === 'boot-stops' && f.severity === 'error') });
      else if (!inside) out.push({ what: `reserved [${x.start}-${x.end}] outside memory -> rmem-outside-ram`, ok: (fs) => fs.some((f) => f.code === 'rmem-outside-ram' || f.code === 'rmem-cma-outside-ram') });
    }
  }
  return out;
}

/** Rules whose whole point is a mistake the kernel makes silently (nothing in the boot log):
 * on a clean boot these may warn, never error. Any other warning on a clean boot fails. */
const SILENT_BY_DESIGN = new Set([
  'rmem-overlap-unreported', // __rmem_check_for_overlap compares neighbours / first reg only
  'cma-default-duplicate', // the last linux,cma-default silently wins
  'rmem-unit-address', 'rmem-reg-and-size', 'rmem-no-reg-no-size', 'rmem-overlap-memreserve',
]);

/** rmem-cma-not-reusable on arm64 is a warning about a silent outcome: a pool meant as CMA (named
 * *-cma) without `reusable` boots fine as a DMA-coherent pool. It is accepted on a clean boot only
 * where the oracle shows exactly that for the node: "Reserved memory: created DMA memory pool" and
 * the node initialised as type dma-coherent (example-board's isp-cma). Anywhere else it fails. */
function silentCoherentPool(c: OracleCase, f: RuleFinding): boolean {
  if (f.code !== 'rmem-cma-not-reusable' || !f.node) return false;
  const r = c.json.result as unknown as { reserved_mem?: { nodes?: Record<string, { results: { kind: string; type?: string }[] }> } | null };
  const res = r.reserved_mem?.nodes?.[f.node.name]?.results ?? [];
  return res.length > 0 && res.every((x) => x.kind === 'initialized' && x.type === 'dma-coherent');
}

const cases = loadCases();

test('oracle cases are available', () => {
  assert.ok(cases.length >= 90, `only ${cases.length} oracle runs found`);
});

let problemRuns = 0;
let cleanRuns = 0;
const silentWarned: string[] = [];
for (const c of cases) {
  test(`${c.name} [${c.arch}]`, () => {
    const text = caseText(c);
    assert.ok(text, 'case DTS not found');
    const built = compileText(text, { file: `${c.name}.dts` });
    assert.deepEqual(built.findings.filter((f) => f.severity === 'error'), []);
    const memory = qemuMemory(c);
    const sim = simulate(built.tree, { arch: c.arch, dtbSize: kernelDtbSize(c, dtbSize(built.tree)), overrides: loadOverrides(c), ...(memory ? { memory } : {}) });
    const fs = runRules({ tree: built.tree, sim, profile: sim.profile });
    const exp = expectations(c, built.tree);
    const shown = fs.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.code} ${f.node?.name ?? '/'}: ${f.message}`).join('\n');
    if (exp.length) {
      problemRuns++;
      const missing = exp.filter((e) => !e.ok(fs)).map((e) => e.what);
      assert.deepEqual(missing, [], `diagnostics:\n${shown}`);
    } else {
      cleanRuns++;
      const noisy = fs.filter((f) => f.severity === 'error' || (f.severity === 'warning' && !SILENT_BY_DESIGN.has(f.code) && !silentCoherentPool(c, f)));
      assert.deepEqual(noisy.map((f) => `${f.severity} ${f.code} ${f.node?.name ?? '/'}: ${f.message}`), [], 'a clean boot gets no warning or error');
      if (fs.some((f) => f.severity === 'warning')) silentWarned.push(`${c.name} [${c.arch}]`);
    }
  });
}

test('both kinds of oracle runs were checked; silent-by-design warnings only where the DT has such a mistake', () => {
  assert.ok(problemRuns >= 20 && cleanRuns >= 20, `problem runs ${problemRuns}, clean runs ${cleanRuns}`);
  // hand-checked: cma-two-defaults has two linux,cma-default pools; rmem-multi-reg has a second
  // reg entry overlapping another node (the kernel checks first entries only); example-board's
  // isp-cma has no `reusable` and the oracle shows it created as a DMA-coherent pool
  assert.deepEqual([...new Set(silentWarned.map((s) => s.replace(/ \[.*/, '')))].sort(), ['cma-two-defaults', 'example-board', 'rmem-multi-reg']);
});
