// render/: the memory map's model, piecewise scale, SVG string and table, on simulation results
// recorded from boot-oracle cases (test/webview/fixtures, made by make-fixtures.ts). Expected
// addresses come from the oracle README (memory-hole banks, overlap-static's two regions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulationResult } from '../../server/src/protocol.js';
import { buildModel, human, regionFacts } from '../../server/src/render/model.js';
import { computeLayout, assignLanes } from '../../server/src/render/layout.js';
import { renderMemoryMapSvg } from '../../server/src/render/svg.js';
import { rowsOf, sortRows, toCsv, toMarkdown } from '../../server/src/render/table.js';
import { kernelVaLayout } from '../../server/src/render/va_layout.js';

const fx = (n: string) => JSON.parse(readFileSync(join(__dirname, '..', 'webview', 'fixtures', `${n}.json`), 'utf8')) as SimulationResult;

test('memory-hole: the hole between the banks is explicit and drawn as a break', () => {
  const m = buildModel(fx('arm-lpae-memory-hole'));
  // oracle README: banks [0x40000000,0x5f000000) and [0x60000000,0x80000000)
  assert.deepEqual(m.holes.map((h) => [h.start, h.end]), [[0x5f000000n, 0x60000000n]]);
  const l = computeLayout(m, { mode: 'log', zoom: 1 });
  assert.ok(l.breaks.some((b) => b.start === 0x5f000000n && b.end === 0x60000000n));
  const svg = renderMemoryMapSvg(m, { mode: 'log', zoom: 1 }).svg;
  assert.match(svg, /16 MiB not RAM/);
  assert.match(svg, /arm_lowmem_limit 0x70000000<\/title>.*↑ lowmem.*↓ highmem/);
});

test('log scale: a 4 KiB-scale region stays readable next to GiB of RAM, linear scale is proportional', () => {
  const m = buildModel(fx('arm-cma-device-pool'));
  const l = computeLayout(m, { mode: 'log', zoom: 1 });
  const dtb = m.regions.find((r) => r.kind === 'dtb')!;
  assert.ok(dtb.end - dtb.start < 8192n);
  assert.ok(l.y(dtb.end) - l.y(dtb.start) >= 14, 'DTB row at least 14 px');
  // monotonic and invertible at the boundaries
  let prev = -1;
  for (const t of l.ticks) {
    assert.ok(t.y >= prev);
    prev = t.y;
    assert.equal(l.invert(l.y(t.addr)), t.addr);
  }
  const lin = computeLayout(m, { mode: 'linear', zoom: 1 });
  const ram = m.ram[0];
  const cma = m.regions.find((r) => r.name.startsWith('gpu-cma'))!;
  // 32 MiB of 1 GiB: 1/32 of the height (no breaks in this map)
  const ratio = (lin.y(cma.end) - lin.y(cma.start)) / (lin.y(ram.end) - lin.y(ram.start));
  assert.ok(Math.abs(ratio - 1 / 32) < 0.02, `ratio ${ratio}`);
  const z2 = computeLayout(m, { mode: 'log', zoom: 2 });
  assert.ok(z2.height > l.height * 1.8);
});

test('overlap-static: the two regions overlap over [0x50200000, 0x50400000) and land in two lanes', () => {
  const m = buildModel(fx('arm64-overlap-static'));
  const a = m.regions.find((r) => r.name === 'region-a@50000000')!;
  const b = m.regions.find((r) => r.name === 'region-b@50200000')!;
  assert.deepEqual(m.overlaps.map((o) => [o.start, o.end]), [[0x50200000n, 0x50400000n]]);
  const lanes = assignLanes(m.regions);
  assert.notEqual(lanes.get(a.id), lanes.get(b.id));
  assert.ok(a.diagnostics.some((d) => d.code === 'rmem-overlap'), 'the overlap diagnostic is attached to its region');
  const svg = renderMemoryMapSvg(m, { mode: 'log', zoom: 1 }).svg;
  assert.match(svg, /class="mm-overlap"/);
  assert.match(svg, /mm-region kind-rmem-static mm-failed/);
  assert.ok(regionFacts(m, a).some((l) => /overlaps region-b@50200000 over 0x50200000–0x503fffff/.test(l)));
});

test('SVG: one focusable element per region, balanced tags, standalone export has style and background', () => {
  const m = buildModel(fx('arm64-cma-device-pool'));
  const r = renderMemoryMapSvg(m, { mode: 'log', zoom: 1, standalone: true, title: 'cma-device-pool' });
  for (const reg of [...m.ram, ...m.regions]) assert.ok(r.svg.includes(`data-id="${reg.id}"`), reg.id);
  assert.equal((r.svg.match(/<g[ >]/g) ?? []).length, (r.svg.match(/<\/g>/g) ?? []).length);
  assert.match(r.svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(r.svg, /<style>/);
  assert.doesNotMatch(renderMemoryMapSvg(m, { mode: 'log', zoom: 1 }).svg, /<style>/);
  // hover facts of the static CMA pool: PFNs 0x58000-0x59fff, zone DMA, 4 KiB pages (arm64 rodata=full)
  const cma = m.regions.find((x) => x.name === 'gpu-cma@58000000')!;
  const facts = regionFacts(m, cma).join('\n');
  assert.match(facts, /PFNs 0x58000–0x59fff \(8192 pages\)/);
  assert.match(facts, /zone: DMA/);
  assert.match(facts, /4 KiB pages at VA 0xffff000018000000/);
});

test('table: sortable, Markdown and CSV', () => {
  const m = buildModel(fx('arm-cma-device-pool'));
  const rows = rowsOf(m);
  const bySize = sortRows(rows, 'size', -1);
  assert.equal(bySize[0].cells.name, 'System RAM');
  const md = toMarkdown(bySize);
  assert.match(md, /^\| name \| kind \| start \| end \| size \| pfns \| zone \| flags \| owner \| status \|/);
  assert.match(md, /\| gpu-cma@58000000 \| rmem-static \| 0x58000000 \| 0x59ffffff \| 0x2000000 \(32 MiB\) \| 0x58000–0x59fff \|/);
  const csv = toCsv(rows);
  assert.equal(csv.split('\n')[0], 'name,kind,start,end,size,pfns,zone,flags,owner,status');
  assert.match(csv, /"percpu[^"]*,[^"]*"/); // a name with commas is quoted
  assert.equal(human(0x1000n), '4 KiB');
});

test('kernel virtual layout per arch (oracle ptdump markers)', () => {
  const a64 = kernelVaLayout('arm64');
  assert.deepEqual(a64.find((r) => r.name === 'vmalloc'), { name: 'vmalloc', start: 0xffff800008000000n, end: 0xfffffbfff0000000n, region: 'vmalloc' });
  const arm = kernelVaLayout('arm', 0xf0000000n);
  assert.deepEqual(arm.find((r) => r.name === 'vmalloc')?.start, 0xf0800000n);
  assert.deepEqual(arm.find((r) => r.name === 'pkmap')?.start, 0xbfe00000n);
  // vmalloc=512M: lowmem ends at 0xdf000000 (README: lowmem = 0xff800000-512M-8M-0xc0000000)
  assert.deepEqual(kernelVaLayout('arm', 0xdf000000n).find((r) => r.name === 'vmalloc')?.start, 0xdf800000n);
});

test('robustness: an unmodelled (empty) result and 5000 regions render, bounded in time', async () => {
  const { memoryMapSvg } = await import('../../server/src/render/index.js');
  const base = fx('arm-cma-device-pool');
  const empty: SimulationResult = { ...base, modelled: false, regions: [], zones: [], ram: [], pageTables: [], diagnostics: [], lowmemLimit: undefined };
  assert.match(memoryMapSvg(empty), /^<svg/);
  const many: SimulationResult = { ...base, regions: [base.regions[0], ...Array.from({ length: 4999 }, (_, i) => ({ ...base.regions[4], id: `x${i}`, name: `r${i}`, start: '0x' + (0x40000000 + i * 0x30000).toString(16), end: '0x' + (0x40000000 + i * 0x30000 + 0x28000).toString(16) }))] };
  const t0 = performance.now();
  const svg = memoryMapSvg(many);
  const ms = performance.now() - t0;
  assert.ok(svg.length > 100000);
  assert.ok(ms < 5000, `${ms} ms`);
});

test('zoom: a 4 KiB /memreserve/ stays visible beside 4 GiB of RAM (log), and linear zoom grows it', () => {
  const base = fx('arm64-cma-device-pool');
  const sim: SimulationResult = {
    ...base,
    ram: [{ start: '0x40000000', end: '0x140000000' }],
    regions: [
      { ...base.regions[0], id: 'ram', start: '0x40000000', end: '0x140000000', size: '0x100000000' },
      { ...base.regions[2], id: 'rsv', kind: 'memreserve', name: '/memreserve/ #0', start: '0x7ffff000', end: '0x80000000', size: '0x1000' },
    ],
  };
  const m = buildModel(sim);
  const r = m.regions.find((x) => x.id === 'rsv')!;
  const log = computeLayout(m, { mode: 'log', zoom: 1 });
  assert.ok(log.y(r.end) - log.y(r.start) >= 14, '4 KiB row readable at zoom 1');
  // linear: 4 KiB of 4 GiB of ~640 px is 0.0006 px, drawn at the 2 px minimum; 64x zoom keeps the minimum
  const lin = computeLayout(m, { mode: 'linear', zoom: 1 });
  assert.ok(lin.y(r.end) - lin.y(r.start) <= 2.01);
  const ram = m.ram[0];
  assert.ok(computeLayout(m, { mode: 'linear', zoom: 64 }).y(ram.end) > 64 * 0.9 * (lin.y(ram.end) - lin.y(ram.start)));
});
