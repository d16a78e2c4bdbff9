// Unit tests of the 32-bit arm boot path (server/src/sim/arm): the derivations it relies on,
// each checked against a figure from the boot-oracle logs (quoted next to the assertion), and
// the whole path against every arm/arm-lpae oracle log, memblock=debug line by line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Memblock } from '../../server/src/sim/memblock.js';
import { resolveProfile } from '../../server/src/sim/profile.js';
import { simulate } from '../../server/src/sim/simulate.js';
import { dtbSize } from '../../server/src/dts/fdt.js';
import { compileText } from '../../server/src/dts/frontend.js';
import { armConsts } from '../../server/src/sim/arm/consts.js';
import { adjustLowmemBounds, armAddMemory, vmallocMin } from '../../server/src/sim/arm/lowmem.js';
import { usemapSize } from '../../server/src/sim/arm/zones.js';
import { aliasAllocSizes } from '../../server/src/sim/arm/unflatten.js';
import { treeCensus } from '../../server/src/sim/census.js';
import { setupPerCpuAreas } from '../../server/src/sim/arm/percpu.js';
import { buildTree, kernelDtbSize, loadCases, type OracleCase, type OracleJson } from '../golden/oracle_cases.js';
import { ORACLE } from '../shared_dir.js';

const arm = armConsts(resolveProfile('arm'));
const lpae = armConsts(resolveProfile('arm-lpae'));
const mb32 = () => new Memblock({ physMax: 0xffffffffn, pageSize: 4096n, paDigits: 8, debug: false });

test('lowmem: VMSPLIT_3G with 240M vmalloc leaves 768 MiB (oracle base-1G: HighMem starts 0x70000000)', () => {
  const mb = mb32();
  mb.add(0x40000000n, 0x40000000n);
  const b = adjustLowmemBounds(mb, arm, 0x40000000n, vmallocMin(arm, undefined, () => {}));
  assert.equal(b.lowmemLimit, 0x70000000n);
  assert.equal(b.memblockLimit, 0x70000000n);
  assert.equal(mb.currentLimit, 0x70000000n);
});

test('lowmem: vmalloc=512M moves the boundary to 0x5f000000 (oracle cmdline-vmalloc)', () => {
  const mb = mb32();
  mb.add(0x40000000n, 0x40000000n);
  const b = adjustLowmemBounds(mb, arm, 0x40000000n, vmallocMin(arm, 512n << 20n, () => {}));
  assert.equal(b.lowmemLimit, 0x5f000000n);
});

test('lowmem: vmalloc= below 16M is raised to 16M with the kernel warning', () => {
  const msgs: string[] = [];
  // 0xff800000 - 16M - 8M = 0xfe000000
  assert.equal(vmallocMin(arm, 1n << 20n, (m) => msgs.push(m)), 0xfe000000n);
  assert.deepEqual(msgs, ['vmalloc area is too small, limiting to 16MiB']);
});

test('lowmem: a no-map region at the top of lowmem ends lowmem there (oracle dyn-nomap: DMA ends 0x6f7fffff)', () => {
  const mb = mb32();
  mb.add(0x40000000n, 0x40000000n);
  mb.markNomap(0x6f800000n, 0x800000n);
  const b = adjustLowmemBounds(mb, arm, 0x40000000n, vmallocMin(arm, undefined, () => {}));
  assert.equal(b.lowmemLimit, 0x6f800000n);
});

test('lowmem: an unaligned first usable region gets its head marked NOMAP up to the PMD', () => {
  const mb = mb32();
  mb.add(0x40000000n, 0x40000000n);
  mb.markNomap(0x40000000n, 0x100000n);
  adjustLowmemBounds(mb, arm, 0x40000000n, vmallocMin(arm, undefined, () => {}));
  // [0x40100000, 0x40200000) joins the NOMAP head: the first usable byte is 0x40200000
  assert.equal(mb.memory.find((r) => !(r.flags & 4))!.base, 0x40200000n);
});

test('arm_add_memory: mem= below PHYS_OFFSET is clipped, non-LPAE stops at 4 GiB - 1', () => {
  const mb = mb32();
  const m1 = armAddMemory(mb, arm, 0x40000000n, 0x30000000n, 0x20000000n, 'x');
  assert.deepEqual(m1, ['Ignoring memory below PHYS_OFFSET: 0x30000000-0x40000000']);
  assert.equal(mb.memory[0]!.base, 0x40000000n);
  assert.equal(mb.memory[0]!.size, 0x10000000n);
  const mb2 = mb32();
  armAddMemory(mb2, arm, 0x40000000n, 0x40000000n, 0x100000000n, 'x');
  // size = ULONG_MAX - start, then page-masked
  assert.equal(mb2.memory[0]!.size, 0xbffff000n);
});

test('usemap sizes: 48/16 bytes (arm 1G), 192/64 (LPAE 1G), 32/36 (arm vmalloc=512M) as logged by setup_usemap', () => {
  assert.equal(usemapSize(arm, 0x40000n, 196608n), 48n);
  assert.equal(usemapSize(arm, 0x70000n, 65536n), 16n);
  assert.equal(usemapSize(lpae, 0x40000n, 196608n), 192n);
  assert.equal(usemapSize(lpae, 0x70000n, 65536n), 64n);
  assert.equal(usemapSize(arm, 0x40000n, 0x1f000n), 32n);
  assert.equal(usemapSize(arm, 0x5f000n, 0x21000n), 36n);
});

test('unflatten size: node = 108 + name, property = 48, synthesized name property, +4 end marker', () => {
  const { tree } = compileText('/dts-v1/;\n/ { a = <1>; memory@40000000 { reg = <1 2>; }; };\n', { parser: 'native' });
  // root: 108+1 -> 112 (aligned), prop a 48 -> 160, synthesized name 48+1 -> 209 -> 212
  // memory@40000000: 108+16 = 124 -> 336, reg 48 -> 384, name "memory" 48+7 = 55 -> 439
  // ALIGN(439, 4) + 4 = 444
  assert.equal(treeCensus(tree, resolveProfile('arm')).unflattenSize, 444);
});

test('of_alias_scan: one alias_prop per alias that resolves and ends in a number', () => {
  const { tree } = compileText('/dts-v1/;\n/ { aliases { serial0 = "/uart@1"; eth = "/uart@1"; mmc3 = "/none"; }; uart@1 { }; };\n', { parser: 'native' });
  assert.deepEqual(aliasAllocSizes(tree, arm.aliasPropSize), [20 + 7]);
});

test('percpu first chunk: 18 pages/cpu s45012 r8192 d20524 u73728 (arm), 19 pages u77824 (LPAE)', () => {
  for (const [c, msg, unit] of [
    [arm, 'percpu: Embedded 18 pages/cpu s45012 r8192 d20524 u73728', 73728n],
    [lpae, 'percpu: Embedded 19 pages/cpu s45204 r8192 d24428 u77824', 77824n],
  ] as const) {
    const mb = mb32();
    mb.add(0x40000000n, 0x40000000n);
    mb.currentLimit = 0x70000000n;
    const r = setupPerCpuAreas(mb, c, 0x40000000n, 1);
    assert.equal(r.message, msg);
    // the allocation sizes of base-1G's log, in order
    const sizes = mb.events.filter((e) => e.op === 'alloc').map((e) => Number(e.size));
    assert.deepEqual(sizes, [4096, 4096, Number(unit), 4, 4, 4, 4, 144, 96, 384, 388, 96, 96, 768, 772, 192]);
  }
});

// Every arm/arm-lpae oracle boot (shared oracle + test/golden's own runs): the simulated
// memblock=debug trace must equal the kernel's line for line, and the Memory: line, Total pages
// and zone ranges must match.
const cases: OracleCase[] = loadCases().filter((c) => c.arch !== 'arm64');
// plus the arm engineer's own boots (test/unit/arm-oracle: ragged no-map edges, extra banks,
// aliases + 3 CPUs, initrd, vmalloc=/mem=/movablecore=/kernelcore=/crashkernel=, bcm2711 machine)
const OWN = join(__dirname, 'arm-oracle');
for (const line of readFileSync(join(OWN, 'cases', 'manifest.txt'), 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue;
  const [name, fragment] = line.split('|').map((x) => x.trim());
  for (const arch of ['arm', 'arm-lpae'] as const) {
    const jf = join(OWN, 'results', arch, `${name}.json`);
    if (existsSync(jf)) cases.push({ name: name!, arch, root: OWN, json: JSON.parse(readFileSync(jf, 'utf8')) as OracleJson, fragment: fragment ?? 'none' });
  }
}

test('arm oracle cases are present', () => {
  assert.ok(cases.length >= 100, `only ${cases.length} arm/arm-lpae oracle results found`);
});

for (const c of cases) {
  const logFile = join(c.root, 'results', c.arch, `${c.name}.log`);
  const fallback = !!c.json.oracle.fallback;
  test(`${c.arch} ${c.name}: memblock=debug trace, Memory:, zones`, () => {
    if (fallback || !c.json.result.command_line) {
      // the kernel died before the console came up (oracle fallback boot): only check that the
      // simulator reports the fatal stop or at least runs without an internal error
      const { tree } = buildTree({ ...c, json: { ...c.json, result: { ...c.json.result, command_line: c.json.result.command_line ?? '' } } });
      const sim = simulate(tree, { arch: c.arch, dtbSize: dtbSize(tree) });
      assert.equal(sim.findings.filter((f) => f.code === 'sim-internal').length, 0);
      return;
    }
    const { tree, errors } = buildTree(c);
    assert.deepEqual(errors, []);
    const sim = simulate(tree, { arch: c.arch, dtbSize: kernelDtbSize(c, dtbSize(tree)) });
    assert.deepEqual(sim.findings.filter((f) => f.code === 'sim-internal'), []);
    if (existsSync(logFile)) {
      const want = readFileSync(logFile, 'utf8').split('\n').map((l) => l.replace(/^\[[^\]]*\] /, '').trimEnd()).filter((l) => /^memblock_[a-z_]*: /.test(l));
      const got = sim.memblockEvents.flatMap((e) => e.lines);
      assert.deepEqual(got, want);
    }
    const ml = c.json.result.memory_line;
    if (ml) {
      const m = sim.memoryLine!;
      assert.deepEqual(
        [m.availableK, m.totalK, m.reservedK, m.cmaReservedK, m.highmemK].map(Number),
        [ml.available_k, ml.total_k, ml.reserved_k, ml.cma_reserved_k, ml.highmem_k],
      );
    }
    if (c.json.result.zonelists) {
      assert.equal(Number(sim.totalPages), c.json.result.zonelists.total_pages);
      const zl = c.json.result.zonelists as { mobility_grouping?: boolean };
      const line = sim.log.find((l) => l.text.startsWith('Built 1 zonelists'))?.text ?? '';
      if (zl.mobility_grouping !== undefined) assert.ok(line.includes(zl.mobility_grouping ? 'grouping on' : 'grouping off'), line);
    }
    assert.deepEqual(sim.unavailable.map((u) => `${u.zone}:${u.pages}`), (c.json.result.unavailable_ranges ?? []).map((u) => `${u.zone}:${u.pages}`));
    assert.equal(sim.movableZoneStart === undefined ? '' : '0x' + sim.movableZoneStart.toString(16), (c.json.result.movable_zone_start ?? []).map((m) => '0x' + BigInt(typeof m === 'string' ? m : m.start).toString(16)).join(','));
    for (const [name, z] of Object.entries(c.json.result.zones ?? {})) {
      const r = sim.zoneRanges.find((x) => x.name === name);
      assert.deepEqual(r?.range ? [r.range.start, r.range.end] : null, z ? [BigInt(z.start), BigInt(z.end)] : null, name);
    }
  });
}

// The linear map after boot against the page tables boot-oracle walked through QEMU's gdb stub
// (results-userspace: VA, PA, size, granule and ptdump flags of every lowmem range).
const USERSPACE = join(ORACLE, 'results-userspace');
const ptCases = cases.filter((c) => existsSync(join(USERSPACE, c.arch, `${c.name}.json`)) && c.root === ORACLE);

test('arm page-table oracle runs are present', () => {
  assert.ok(ptCases.length >= 16, `only ${ptCases.length} userspace runs`);
});

for (const c of ptCases) {
  test(`${c.arch} ${c.name}: linear map equals the walked page tables`, () => {
    const u = JSON.parse(readFileSync(join(USERSPACE, c.arch, `${c.name}.json`), 'utf8')) as {
      pagetables: { linear_map: { va_start: string; pa_start: string; size: string; granule: string; flags: string }[] };
    };
    const norm = (f: string) => f.split(/\s+/).filter((t) => !['KERNEL', 'AF', 'BLK', 'VECTORS', ''].includes(t)).join(' ');
    const want = u.pagetables.linear_map.map((r) => `${BigInt(r.va_start).toString(16)} ${BigInt(r.pa_start).toString(16)} ${BigInt(r.size).toString(16)} ${r.granule} ${norm(r.flags)}`);
    const { tree } = buildTree(c);
    const sim = simulate(tree, { arch: c.arch, dtbSize: dtbSize(tree) });
    const hi = sim.lowmemLimit! - 0x40000000n + 0xc0000000n;
    const merged: { va: bigint; pa: bigint; size: bigint; granule: bigint; attrs: string }[] = [];
    for (const m of sim.pageTables.filter((x) => x.va >= 0xc0000000n && x.va < hi)) {
      const l = merged[merged.length - 1];
      if (l && l.va + l.size === m.va && l.pa + l.size === m.pa && l.granule === m.granule && l.attrs === m.attrs) l.size += m.size;
      else merged.push({ ...m });
    }
    const g = (x: bigint) => (x === 4096n ? '4K' : x === 1n << 20n ? '1M' : '2M');
    assert.deepEqual(merged.map((m) => `${m.va.toString(16)} ${m.pa.toString(16)} ${m.size.toString(16)} ${g(m.granule)} ${m.attrs}`), want);
  });
}

// Robustness: random boards (banks, no-map/plain/dynamic/CMA regions, command lines) must never
// make the arm path throw, loop for long, or produce an inconsistent Memory: line.
test('arm/arm-lpae: 200 random boards simulate without internal errors', () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const hex = (v: number) => '0x' + v.toString(16);
  let lines = 0;
  for (let i = 0; i < 200; i++) {
    const banks: string[] = [];
    let base = 0x40000000;
    for (let b = 0; b < 1 + rnd(3); b++) {
      const size = (1 + rnd(64)) * 0x1000000 + (rnd(4) === 0 ? rnd(16) * 0x10000 : 0);
      banks.push(`0x0 ${hex(base)} 0x0 ${hex(size)}`);
      base += size + rnd(3) * 0x800000;
    }
    const regions: string[] = [];
    for (let r = 0; r < rnd(6); r++) {
      const at = 0x40000000 + rnd(0x40) * 0x1000000 + rnd(16) * 0x80000;
      const sz = (1 + rnd(32)) * 0x80000;
      const kind = rnd(4);
      if (kind === 0) regions.push(`r${r}@${at.toString(16)} { reg = <0x0 ${hex(at)} 0x0 ${hex(sz)}>; no-map; };`);
      else if (kind === 1) regions.push(`r${r}@${at.toString(16)} { reg = <0x0 ${hex(at)} 0x0 ${hex(sz)}>; };`);
      else if (kind === 2) regions.push(`d${r} { size = <0x0 ${hex(sz)}>; };`);
      else regions.push(`c${r} { compatible = "shared-dma-pool"; reusable; size = <0x0 ${hex(0x800000 * (1 + rnd(4)))}>; };`);
    }
    const extra = ['', 'mem=256M', 'vmalloc=300M', 'cma=32M', 'movablecore=64M', 'crashkernel=16M', 'earlycon'][rnd(7)];
    const dts = `/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; compatible = "linux,dummy-virt";
      cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; reg = <0>; }; };
      memory@40000000 { device_type = "memory"; reg = <${banks.join(' ')}>; };
      reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges; ${regions.join(' ')} };
      chosen { bootargs = "console=ttyAMA0 memblock=debug ${extra}"; }; };\n`;
    const { tree } = compileText(dts, { parser: 'native' });
    for (const arch of ['arm', 'arm-lpae'] as const) {
      const t0 = Date.now();
      const sim = simulate(tree, { arch, dtbSize: dtbSize(tree) });
      assert.deepEqual(sim.findings.filter((f) => f.code === 'sim-internal').map((f) => f.message), [], dts);
      assert.ok(Date.now() - t0 < 2000, `slow simulation for ${dts}`);
      const m = sim.memoryLine;
      if (m) {
        lines++;
        assert.equal(m.availableK + m.reservedK + m.cmaReservedK, m.totalK, dts);
        assert.ok(m.availableK > 0n && m.totalK > 0n, dts);
      }
    }
  }
  assert.ok(lines >= 300, `only ${lines} of 400 random boots reached mem_init`);
});
