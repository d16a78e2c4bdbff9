// sim/log_format.ts and log/compare.ts on QEMU virt boards (the oracle's base DTS plus a small
// reserved-memory fragment). Expected values come from the SimResult itself: rendering must not
// lose, duplicate or reorder the simulator's lines, the rendered log must parse back to the
// simulator's own zones / Total pages / Memory: line / default CMA, and compare must flag exactly
// the facts a log was edited in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileText } from '../../server/src/dts/frontend.js';
import { formatSimLog, formatSimLogJson, formatSimLogText } from '../../server/src/sim/log_format.js';
import { simulate } from '../../server/src/sim/simulate.js';
import type { Arch } from '../../server/src/sim/profile.js';
import type { SimResult } from '../../server/src/sim/types.js';
import { parseBootLog } from '../../server/src/log/parse.js';
import { compareSimWithLog, comparisonFindings } from '../../server/src/log/compare.js';
import { ORACLE } from '../shared_dir.js';

const BASE = join(ORACLE, 'base-dtb');

// A static CMA pool, a dynamic one, and a misaligned one (1 MiB base: compatible matching fail).
const FRAGMENT = `
/ { reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
  gpu-cma@58000000 { compatible = "shared-dma-pool"; reusable; reg = <0x0 0x58000000 0x0 0x2000000>; };
  vpu-cma { compatible = "shared-dma-pool"; reusable; size = <0x0 0x1000000>; };
  bad-cma@50100000 { compatible = "shared-dma-pool"; reusable; reg = <0x0 0x50100000 0x0 0x1000000>; };
}; };
/ { chosen { bootargs = "console=ttyAMA0 memblock=debug"; }; };
`;

function board(arch: Arch): SimResult {
  const base = readFileSync(join(BASE, arch === 'arm64' ? 'arm64-cortex-a57-1G-smp1.dts' : 'arm-cortex-a15-1G-smp1.dts'), 'utf8');
  const r = compileText(base + FRAGMENT, { file: `${arch}.dts` });
  assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
  return simulate(r.tree, { arch });
}

for (const arch of ['arm64', 'arm', 'arm-lpae'] as Arch[]) {
  const sim = board(arch);

  test(`${arch}: modelled`, () => {
    assert.equal(sim.modelled, true, JSON.stringify(sim.findings.map((f) => f.message)));
  });

  test(`${arch}: without memblock=debug the log is the simulator's messages, one per line`, () => {
    assert.deepEqual(formatSimLog(sim).map((l) => l.text), sim.log.flatMap((l) => l.text.split('\n').filter((t) => t)));
  });

  test(`${arch}: with memblock=debug every event line appears once, both sequences in order`, () => {
    const lines = formatSimLog(sim, { memblockDebug: true });
    assert.deepEqual(lines.filter((l) => l.kind === 'memblock').map((l) => l.text), sim.memblockEvents.flatMap((e) => e.lines));
    assert.deepEqual(lines.filter((l) => l.kind === 'message').map((l) => l.text), formatSimLog(sim).map((l) => l.text));
    // memblock_dump_all's dump, from the simulator's snapshot of that step.
    const dump = lines.filter((l) => l.kind === 'memblock-dump').map((l) => l.text);
    assert.equal(dump[0], 'MEMBLOCK configuration:');
    const snap = sim.steps.find((st) => st.step === (arch === 'arm64' ? 'bootmem_init' : 'arm_memblock_init'))!;
    assert.equal(dump.filter((t) => /^ reserved\[/.test(t)).length, snap.reserved.length);
  });

  test(`${arch}: the rendered log parses back to the simulation's own facts`, () => {
    const f = parseBootLog(formatSimLogText(sim, { memblockDebug: true }));
    assert.deepEqual([...f.zones!].map(([n, r]) => [n, r ? [r.start, r.end] : null]), sim.zoneRanges.map((z) => [z.name, z.range ? [z.range.start, z.range.end] : null]));
    assert.equal(f.zonelists!.totalPages, sim.totalPages);
    assert.equal(f.memoryLine!.fields.get('available'), sim.memoryLine!.availableK);
    assert.equal(f.memoryLine!.fields.get('reserved'), sim.memoryLine!.reservedK);
    assert.equal(f.memoryLine!.fields.get('cma-reserved'), sim.memoryLine!.cmaReservedK);
    const dc = sim.defaultCma;
    assert.ok(dc && 'base' in dc);
    assert.deepEqual(f.cma.default, { sizeMib: Number(dc.size >> 20n), base: dc.base });
    for (const rm of sim.rmem.filter((r) => r.results.some((x) => x.kind === 'initialized'))) {
      assert.equal(f.reservedMem.nodes.get(rm.name)?.results[0]?.kind, 'initialized', rm.name);
    }
    // Every allocation request found its memblock_reserve: the merge kept each pair together.
    const simAllocs = sim.memblockEvents.filter((e) => e.op === 'alloc' && e.lines.length);
    const parsed = f.memblock.events.filter((e) => e.op === 'alloc');
    assert.deepEqual(parsed.map((e) => e.result?.start ?? null), simAllocs.map((e) => e.result ?? null));
  });

  test(`${arch}: kernel order of messages and memblock lines`, () => {
    const t = formatSimLog(sim, { memblockDebug: true }).map((l) => l.text);
    const at = (re: RegExp) => t.findIndex((x) => re.test(x));
    // fdt_init_reserved_mem frees a rejected CMA region right after its matching-fail message.
    const fail = at(/node bad-cma@50100000 compatible matching fail/);
    assert.match(t[fail + 1]!, /^memblock_phys_free: .*fdt_init_reserved_mem/);
    // The dynamic pool's request and reserve come before its "created CMA memory pool".
    const req = at(/early_init_dt_alloc_reserved_memory_arch/);
    assert.ok(req >= 0 && req < at(/initialized node vpu-cma/));
    // "cma: Reserved" follows the default area's memblock_reserve; Memory: is the last message.
    const cma = at(/^cma: Reserved/);
    assert.match(t[cma - 1]!, /^memblock_reserve: .*(memblock_alloc_range_nid|cma_declare_contiguous_nid)/);
    if (arch === 'arm64') assert.ok(at(/^Zone ranges:/) < cma, 'arm64: bootmem_init prints the zones before dma_contiguous_reserve');
    else assert.ok(cma < at(/^Zone ranges:/), 'arm: arm_memblock_init reserves the default CMA before paging_init');
    assert.ok(at(/^Built 1 zonelists/) < at(/^Memory: /));
  });

  test(`${arch}: JSON marks the profile's build constants`, () => {
    const j = formatSimLogJson(sim);
    const mem = j.lines.find((l) => l.text.startsWith('Memory: '));
    assert.ok(mem?.profileDerived);
    assert.equal(j.lines.find((l) => l.text.startsWith('Zone ranges:'))?.profileDerived, undefined);
  });

  test(`${arch}: compare agrees with the simulation's own log and flags each edited fact`, () => {
    const text = formatSimLogText(sim, { memblockDebug: true });
    const same = compareSimWithLog(sim, parseBootLog(text));
    assert.equal(same.agree, true, JSON.stringify(same.rows.filter((r) => r.verdict !== 'agree')));
    const total = sim.totalPages!;
    const edited = text
      .replace(`Total pages: ${total}`, `Total pages: ${total + 1n}`)
      .replace(/^OF: reserved mem: initialized node vpu-cma.*\n/m, '')
      .replace(/^(Zone ranges:)$/m, 'OF: reserved mem: node extra@60000000 compatible matching fail\n$1');
    const c = compareSimWithLog(sim, parseBootLog(edited));
    const bad = c.rows.filter((r) => r.verdict !== 'agree').map((r) => [r.fact, r.verdict]);
    assert.deepEqual(bad.sort(), [['Total pages', 'differ'], ['rmem extra@60000000', 'only-in-log'], ['rmem vpu-cma', 'only-in-sim']].sort());
    const tp = c.rows.find((r) => r.fact === 'Total pages')!;
    assert.equal(tp.expected, String(total));
    assert.equal(tp.seen, String(total + 1n));
    assert.ok(c.rows.find((r) => r.fact === 'rmem vpu-cma')!.node, 'the row carries the devicetree node');
    const findings = comparisonFindings(c);
    assert.deepEqual(findings.map((f) => f.code).sort(), ['log-differs', 'log-only', 'sim-only']);
    assert.ok(findings.find((f) => f.code === 'sim-only')!.range, 'the vpu-cma finding points at the node');
  });
}
