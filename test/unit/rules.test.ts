// Every rule on fixtures that trigger it and near-misses that must not, per arch where the kernel
// differs (arm64 / arm / arm-lpae). Expected codes, severities and lines are read off the fixture
// files (each fixture's node definition line); behaviours are the oracle's (see the matching
// boot-oracle case named in the comment). Fixes are applied to the text, recompiled and re-checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Arch } from '../../server/src/sim/profile.js';
import { applyFixes, check, describe, FIXTURES, problems } from './rules-helpers.js';
import { ruleCatalog, runRules, type RuleFinding } from '../../server/src/rules/index.js';

interface Expect { code: string; severity: RuleFinding['severity']; line?: number; text?: string; related?: number }
interface Case {
  file: string;
  arch: Arch[];
  /** Exactly these warnings/errors (plus optional info findings listed with severity info). */
  expect: Expect[];
  /** Apply the first fix of every finding with this code, then expect no warning/error at all. */
  fix?: string;
  bootargs?: string;
}

const cases: Case[] = [
  // oracle cma-nomap: both static and dynamic reusable+no-map pools fail on all three kernels
  { file: 'cma-no-map/static-dynamic.dts', arch: ['arm64', 'arm', 'arm-lpae'], fix: 'rmem-cma-no-map',
    expect: [{ code: 'rmem-cma-no-map', severity: 'error', line: 10, text: 'compatible matching fail' }, { code: 'rmem-cma-no-map', severity: 'error', line: 17, text: 'leaked' }] },
  { file: 'cma-no-map/near-miss-cma.dts', arch: ['arm64', 'arm', 'arm-lpae'], expect: [] },
  // oracle cma-no-reusable: arm64 makes a coherent pool; arm fails without no-map
  { file: 'cma-not-reusable/cma-default.dts', arch: ['arm64'], fix: 'rmem-cma-not-reusable',
    expect: [{ code: 'rmem-cma-not-reusable', severity: 'warning', line: 10, text: 'DMA-coherent pool instead' }] },
  { file: 'cma-not-reusable/cma-default.dts', arch: ['arm', 'arm-lpae'], fix: 'rmem-cma-not-reusable',
    expect: [{ code: 'rmem-cma-not-reusable', severity: 'error', line: 10, text: 'regions without no-map are not yet supported' }] },
  { file: 'cma-not-reusable/cma-name-nomap.dts', arch: ['arm64', 'arm'], fix: 'rmem-cma-not-reusable',
    expect: [{ code: 'rmem-cma-not-reusable', severity: 'warning', line: 10, text: "name 'vpu-cma@5c000000'" }] },
  { file: 'cma-not-reusable/referenced-as-cma.dts', arch: ['arm64'], fix: 'rmem-cma-not-reusable',
    expect: [{ code: 'rmem-cma-not-reusable', severity: 'warning', line: 10, text: "/vpu refers to it as 'cma'" }] },
  { file: 'cma-not-reusable/referenced-as-cma.dts', arch: ['arm'], fix: 'rmem-cma-not-reusable',
    expect: [{ code: 'rmem-cma-not-reusable', severity: 'error', line: 10 }] },
  // the ~690 legal coherent pools in the corpus look like this
  { file: 'cma-not-reusable/near-miss-coherent-pool.dts', arch: ['arm64', 'arm', 'arm-lpae'], expect: [] },
  { file: 'dma-pool-no-map/mapped-pool.dts', arch: ['arm', 'arm-lpae'], fix: 'rmem-dma-pool-needs-no-map',
    expect: [{ code: 'rmem-dma-pool-needs-no-map', severity: 'error', line: 10 }] },
  { file: 'dma-pool-no-map/mapped-pool.dts', arch: ['arm64'], expect: [] },
  // oracle overlap-static
  { file: 'overlap/neighbours.dts', arch: ['arm64', 'arm'],
    expect: [{ code: 'rmem-overlap', severity: 'warning', line: 10, text: 'OVERLAP DETECTED', related: 14 }, { code: 'rmem-overlap', severity: 'warning', line: 14, related: 10 }] },
  { file: 'overlap/near-miss-adjacent.dts', arch: ['arm64', 'arm'], expect: [] },
  { file: 'overlap-unreported/non-neighbours.dts', arch: ['arm64', 'arm'],
    expect: [
      { code: 'rmem-overlap', severity: 'warning', line: 10 }, { code: 'rmem-overlap', severity: 'warning', line: 14 },
      { code: 'rmem-overlap-unreported', severity: 'warning', line: 10, text: 'neighbours', related: 18 },
      { code: 'rmem-overlap-unreported', severity: 'warning', line: 18, related: 10 },
    ] },
  { file: 'overlap-unreported/second-reg.dts', arch: ['arm64'],
    expect: [{ code: 'rmem-overlap-unreported', severity: 'warning', line: 10, text: 'first reg entry' }, { code: 'rmem-overlap-unreported', severity: 'warning', line: 15 }] },
  // oracle overlap-nomap: the no-map region after a plain one is refused
  { file: 'nomap-busy/plain-then-nomap.dts', arch: ['arm64', 'arm', 'arm-lpae'],
    expect: [
      { code: 'rmem-nomap-reserve-failed', severity: 'error', line: 14, text: 'plain@50200000', related: 10 },
      { code: 'rmem-overlap', severity: 'warning', line: 10 }, { code: 'rmem-overlap', severity: 'warning', line: 14 },
    ] },
  { file: 'nomap-busy/near-miss-nomap-first.dts', arch: ['arm64', 'arm'], expect: [] },
  // oracle nomap-over-kernel (the kernel image is where the QEMU profile loads it)
  { file: 'nomap-busy/on-kernel.dts', arch: ['arm64', 'arm'],
    expect: [{ code: 'rmem-nomap-reserve-failed', severity: 'warning', line: 10, text: 'kernel image' }] },
  { file: 'overlap-memreserve/dup.dts', arch: ['arm64'], expect: [{ code: 'rmem-overlap-memreserve', severity: 'warning', line: 10, related: 2 }] },
  // oracle cma-alignment-probe / cma-misaligned: 2 MiB on arm64 and arm-lpae, 8 MiB on arm
  { file: 'cma-misaligned/a1m.dts', arch: ['arm64', 'arm-lpae'],
    expect: [{ code: 'rmem-cma-misaligned', severity: 'error', line: 10, text: 'aligned to 2 MiB (CMA_MIN_ALIGNMENT_BYTES); no CMA pool is created ("compatible matching fail") and the memory returns to RAM. Use base 0x50000000 or 0x50200000, size 0x1000000' }] },
  { file: 'cma-misaligned/a1m.dts', arch: ['arm'],
    expect: [{ code: 'rmem-cma-misaligned', severity: 'error', line: 10, text: 'aligned to 8 MiB (CMA_MIN_ALIGNMENT_BYTES); no CMA pool is created ("compatible matching fail") and the memory returns to RAM. Use base 0x50000000 or 0x50800000, size 0x1000000' }] },
  { file: 'cma-misaligned/a2m.dts', arch: ['arm64', 'arm-lpae'], expect: [] },
  { file: 'cma-misaligned/a2m.dts', arch: ['arm'], expect: [{ code: 'rmem-cma-misaligned', severity: 'error', line: 10 }] },
  // oracle outside-ram: plain regions silently, the CMA pool crashes the kernel
  { file: 'outside-ram/regions.dts', arch: ['arm64', 'arm'],
    expect: [
      { code: 'rmem-outside-ram', severity: 'warning', line: 10, text: 'wholly outside RAM' },
      { code: 'rmem-outside-ram', severity: 'warning', line: 14, text: 'partly outside RAM' },
      { code: 'rmem-cma-outside-ram', severity: 'error', line: 18, text: 'crashes' },
    ] },
  // oracle dynamic-alloc-fail; the blocker leaves 8 MiB free at the top of the 16 MiB window
  { file: 'alloc-failed/no-room.dts', arch: ['arm64', 'arm'],
    expect: [{ code: 'rmem-alloc-failed', severity: 'error', line: 14, text: 'largest free gap in [0x50000000-0x50ffffff]: 8 MiB at 0x50800000' }] },
  // oracle cma-cross-zone: lowmem ends at 0x70000000 on both 32-bit kernels; arm64 is fine
  { file: 'cross-zone/static-cma.dts', arch: ['arm', 'arm-lpae'],
    expect: [{ code: 'cma-cross-zone', severity: 'error', line: 10, text: 'spans zones DMA and HighMem (boundary 0x70000000' }] },
  { file: 'cross-zone/static-cma.dts', arch: ['arm64'], expect: [] },
  // oracle cmdline-cma-cross-zone
  { file: 'cma-default-failed/cmdline-boundary.dts', arch: ['arm'],
    expect: [{ code: 'cma-default-failed', severity: 'error', line: 6, text: 'defined on low/high memory boundary (0x70000000)' }] },
  { file: 'cma-default-failed/cmdline-boundary.dts', arch: ['arm64'], expect: [] },
  { file: 'unsupported-format/cells.dts', arch: ['arm64', 'arm'], fix: 'rmem-unsupported-format',
    expect: [{ code: 'rmem-unsupported-format', severity: 'error', line: 5, text: 'unsupported node format' }] },
  { file: 'unsupported-format/no-ranges.dts', arch: ['arm64'], fix: 'rmem-unsupported-format',
    expect: [{ code: 'rmem-unsupported-format', severity: 'error', line: 5, text: 'no ranges property' }] },
  { file: 'prop-length/alignment-one-cell.dts', arch: ['arm64', 'arm'], fix: 'rmem-prop-length',
    expect: [{ code: 'rmem-prop-length', severity: 'error', line: 14, text: "root's #address-cells (2)" }] },
  { file: 'prop-length/bad-lengths.dts', arch: ['arm64'],
    expect: [
      { code: 'rmem-prop-length', severity: 'error', line: 11, text: 'invalid reg property' },
      { code: 'rmem-prop-length', severity: 'error', line: 15, text: 'invalid size property' },
      { code: 'rmem-prop-length', severity: 'error', line: 20, text: 'invalid alloc-ranges property' },
    ] },
  { file: 'reg-and-size/both.dts', arch: ['arm64'], fix: 'rmem-reg-and-size', expect: [{ code: 'rmem-reg-and-size', severity: 'warning', line: 12 }] },
  { file: 'no-reg-no-size/empty.dts', arch: ['arm64'], expect: [{ code: 'rmem-no-reg-no-size', severity: 'warning', line: 10 }] },
  { file: 'unit-address/mismatch.dts', arch: ['arm64'], fix: 'rmem-unit-address',
    expect: [{ code: 'rmem-unit-address', severity: 'warning', line: 10, text: 'reg starts at 0x50b00000' }] },
  { file: 'memory-no-device-type/untyped.dts', arch: ['arm64'], fix: 'memory-no-device-type',
    expect: [{ code: 'memory-no-device-type', severity: 'error', line: 8 }, { code: 'sim-no-memory', severity: 'error' }] },
  // oracle cmdline-cma-vs-dt (here cma= comes from /chosen/bootargs)
  { file: 'cma-cmdline-bypass/bootargs-cma.dts', arch: ['arm64', 'arm'],
    expect: [{ code: 'cma-cmdline-bypass', severity: 'warning', line: 14, text: 'cma=32M', related: 6 }] },
  { file: 'cma-default-duplicate/two.dts', arch: ['arm64', 'arm'],
    expect: [{ code: 'cma-default-duplicate', severity: 'warning', line: 17, text: 'default-static@58000000 (initialised last) wins', related: 10 }] },
  // golden size-zero (test/golden/results)
  { file: 'size-zero/zero.dts', arch: ['arm64', 'arm'],
    expect: [{ code: 'rmem-size-zero', severity: 'warning', line: 11 }, { code: 'rmem-size-zero', severity: 'error', line: 17 }] },
  // golden initrd-past-ram: arm64 adds it as RAM and faults; arm disables the initrd
  { file: 'initrd/past-ram.dts', arch: ['arm64'], expect: [{ code: 'chosen-initrd-outside-ram', severity: 'error', line: 6 }] },
  { file: 'initrd/past-ram.dts', arch: ['arm', 'arm-lpae'], expect: [{ code: 'chosen-initrd-outside-ram', severity: 'warning', line: 6, text: 'disabling initrd' }] },
  { file: 'initrd/inside-ram.dts', arch: ['arm64', 'arm'], expect: [] },
  // oracle cma-dynamic-default: 64M align 32M in [0x50000000,0x60000000) -> 0x5c000000 on all three
  { file: 'placement/dynamic.dts', arch: ['arm64', 'arm', 'arm-lpae'],
    expect: [{ code: 'rmem-placement', severity: 'info', line: 10, text: '64 MiB at [0x5c000000-0x5fffffff] in zone DMA: CMA pool' }] },
  // no RAM size in the DT: the sc7280 pattern still gets its overlap, outside-RAM checks stay off
  { file: 'no-ram/bootloader-fills.dts', arch: ['arm64'],
    expect: [{ code: 'rmem-overlap', severity: 'warning', line: 21 }, { code: 'rmem-overlap', severity: 'warning', line: 26 }, { code: 'memory-size-unknown', severity: 'info', line: 8 }] },
];

function matches(f: RuleFinding, e: Expect): boolean {
  return f.code === e.code && f.severity === e.severity && (e.line === undefined || (f.range?.start.line ?? -1) + 1 === e.line)
    && (e.text === undefined || f.message.includes(e.text))
    && (e.related === undefined || (f.related ?? []).some((r) => r.range.start.line + 1 === e.related));
}

for (const c of cases) {
  for (const arch of c.arch) {
    test(`${c.file} [${arch}]`, () => {
      const r = check(c.file, arch, new Map(), c.bootargs);
      assert.deepEqual(r.frontEndErrors, []);
      const infos = c.expect.filter((e) => e.severity === 'info');
      const got = [...problems(r.findings), ...r.findings.filter((f) => infos.some((e) => e.code === f.code)),
        // simulator findings only where no rule speaks for them (e.g. sim-no-memory)
        ...(r.sim?.findings ?? []).filter((f) => !ruleCatalog.some((k) => k.code === f.code) && c.expect.some((e) => e.code === f.code))];
      const left = [...got];
      for (const e of c.expect) {
        const i = left.findIndex((f) => matches(f, e));
        assert.ok(i >= 0, `missing ${JSON.stringify(e)}\n got:\n${describe(got)}`);
        left.splice(i, 1);
      }
      assert.deepEqual(left.map((f) => `${f.code}: ${f.message}`), [], 'unexpected findings');
      for (const f of got) if (f.code.startsWith('rmem') || f.code.startsWith('cma')) assert.ok(f.range, `${f.code} has a range`);
      if (c.fix) {
        const fixes = r.findings.filter((f) => f.code === c.fix).map((f) => f.fixes?.[0]);
        assert.ok(fixes.length && fixes.every(Boolean), `every ${c.fix} finding has a fix`);
        for (const fx of fixes) for (const e of fx!.edits) assert.equal(path.basename(e.range.file), path.basename(c.file), 'edits land in the user file');
        const overlay = applyFixes(fixes.map((f) => f!));
        const again = check(c.file, arch, overlay, c.bootargs);
        assert.deepEqual(again.frontEndErrors, []);
        assert.equal(describe(problems(again.findings)), '', `after the fix:\n${overlay.get(path.join(path.dirname(fixes[0]!.edits[0]!.range.file), path.basename(c.file)))}`);
      }
    });
  }
}

test('rmem-dma-pool-needs-no-map offers both fixes and each one is clean on arm', () => {
  const r = check('dma-pool-no-map/mapped-pool.dts', 'arm');
  const f = r.findings.find((x) => x.code === 'rmem-dma-pool-needs-no-map')!;
  assert.deepEqual(f.fixes?.map((x) => x.title), ['Add no-map (coherent DMA pool)', 'Add reusable (CMA pool)']);
  for (const fx of f.fixes!) {
    const again = check('dma-pool-no-map/mapped-pool.dts', 'arm', applyFixes([fx]));
    assert.equal(describe(problems(again.findings)), '');
  }
});

test('removing no-map deletes the whole line', () => {
  const r = check('cma-no-map/static-dynamic.dts', 'arm64');
  const e = r.findings.find((x) => x.code === 'rmem-cma-no-map')!.fixes![0]!.edits[0]!;
  assert.deepEqual([e.range.start, e.range.end, e.newText], [{ line: 12, col: 0 }, { line: 13, col: 0 }, '']);
});

/** Writes a board with `n` static 8 MiB regions (CMA pools when `cma`) to a temp dir. */
function generated(n: number, cma: boolean): string {
  let body = '';
  for (let i = 0; i < n; i++) {
    const base = (0x50000000 + i * 0x00800000).toString(16);
    body += `\t\tr${i}@${base} {\n${cma ? '\t\t\tcompatible = "shared-dma-pool";\n\t\t\treusable;\n' : ''}\t\t\treg = <0x0 0x${base} 0x0 0x00800000>;\n\t\t};\n`;
  }
  const text = `/dts-v1/;\n#include "${FIXTURES}/base.dtsi"\n/ {\n\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n${body}\t};\n};\n`;
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'dtmem-rules-')), `gen-${n}${cma ? '-cma' : ''}.dts`);
  writeFileSync(f, text);
  return f;
}

test('rmem-too-many: the 65th region is dropped (MAX_RESERVED_REGIONS = 64)', () => {
  for (const arch of ['arm64', 'arm'] as const) {
    const fs = problems(check(generated(65, false), arch).findings);
    assert.deepEqual(fs.map((f) => [f.code, f.severity, f.node?.name]), [['rmem-too-many', 'error', 'r64@70000000']]);
  }
  assert.deepEqual(problems(check(generated(64, false), 'arm64').findings), []);
});

test('cma-too-many-areas: arm has 8 CMA slots (default included), arm64 20', () => {
  // 9 DT pools on arm: pools 1..8 take every slot, the 9th fails and so does the default area
  const arm = problems(check(generated(9, true), 'arm').findings);
  assert.deepEqual(arm.map((f) => [f.code, f.severity, f.node?.name ?? '-']).sort(),
    [['cma-default-failed', 'warning', '-'], ['cma-too-many-areas', 'error', 'r8@54000000']]);
  assert.deepEqual(problems(check(generated(9, true), 'arm64').findings), []);
  // 21 DT pools on arm64: 20 slots
  const a64 = problems(check(generated(21, true), 'arm64').findings);
  assert.deepEqual(a64.map((f) => [f.code, f.node?.name ?? '-']).sort(), [['cma-default-failed', '-'], ['cma-too-many-areas', 'r20@5a000000']]);
});

test('without a simulation only the static rules run, with one information finding', () => {
  const r = check('prop-length/bad-lengths.dts', undefined);
  assert.deepEqual(r.findings.map((f) => f.code).sort(), ['rmem-prop-length', 'rmem-prop-length', 'rmem-prop-length', 'rules-no-simulation']);
});

test('rmem-init-failed reports a simulator failure no specific rule explains', () => {
  const r = check('placement/dynamic.dts', 'arm64');
  const rm = r.sim!.rmem.find((x) => x.name === 'linux,cma')!;
  rm.results.push({ kind: 'compatible-matching-fail', cause: 'something new' });
  const fs = runRules({ tree: r.tree, sim: r.sim, profile: r.sim!.profile });
  assert.deepEqual(problems(fs).map((f) => [f.code, f.severity, f.node?.name]), [['rmem-init-failed', 'error', 'linux,cma']]);
});

test('rule catalogue: unique codes, each with a title and a kernel citation', () => {
  const codes = ruleCatalog.map((c) => c.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of ruleCatalog) {
    assert.ok(c.title.length > 5, c.code);
    assert.ok(c.code === 'rules-no-simulation' || /^[a-z0-9_/]+\.c:\w+/.test(c.kernel), `${c.code}: ${c.kernel}`);
  }
});
