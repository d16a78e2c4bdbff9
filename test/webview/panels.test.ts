// Both webview panels rendered in headless Chromium (Debian's, through playwright-core) under the
// extension's strict CSP, fed recorded simulation results of boot-oracle cases (fixtures/, made
// by make-fixtures.ts): hover, click-to-reveal, cursor highlight, zoom, table/copy, what-if,
// export, state restore, keyboard navigation, the translation box on known addresses (answers
// from pt_walk over the same model, and the real kernel's tables from the oracle README), and a
// screenshot per panel per theme into docs/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { SimulationResult } from '../../server/src/protocol.js';
import { descriptorHex, swapperPgDirOf, walk, type WalkInput } from '../../server/src/sim/pt_walk.js';
import { buildModel } from '../../server/src/render/model.js';
import { pageErrors, posted, send, startHarness, type Harness, type Theme } from './harness.js';

const fx = (n: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures', `${n}.json`), 'utf8')) as SimulationResult;
const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
let h: Harness;

before(async () => { h = await startHarness(); });
after(async () => { await h?.close(); });

async function mapPage(fixture: string, theme: Theme = 'light', state?: unknown): Promise<Page> {
  const p = await h.open('memory-map', theme, state);
  if (state === undefined) await send(p, { type: 'simulation', data: fx(fixture) });
  await p.waitForSelector('#map .mm-region');
  return p;
}

const regionSel = (sim: SimulationResult, name: string) => {
  const r = sim.regions.find((x) => x.name === name);
  assert.ok(r, name);
  return { r, sel: `#map .mm-region[data-id="${r.id}"]` };
};

test('memory map: every region drawn, legend, no script errors under the CSP', async () => {
  const sim = fx('arm64-cma-device-pool');
  const p = await mapPage('arm64-cma-device-pool');
  const drawn = await p.$$eval('#map .mm-region', (gs) => gs.map((g) => (g as SVGGElement).dataset.id));
  const model = buildModel(sim);
  assert.deepEqual(new Set(drawn), new Set([...model.ram, ...model.regions].map((r) => r.id)));
  assert.ok((await p.$$('#map .mm-legend')).length >= 10);
  assert.match(await p.textContent('#title') ?? '', /cma-device-pool\.dts · arm64 · Linux 6\.1/);
  assert.deepEqual((await posted(p))[0], { type: 'ready' });
  assert.deepEqual(pageErrors(p), []);
  // the CSP is in force: an injected script without the nonce does not run
  const evil = await p.evaluate(() => {
    const sc = document.createElement('script');
    sc.textContent = 'window.__evil = 1';
    document.body.append(sc);
    return (window as unknown as { __evil?: number }).__evil;
  });
  assert.equal(evil, undefined);
  await p.close();
});

test('memory map: hover shows the editor hover facts', async () => {
  const sim = fx('arm64-cma-device-pool');
  const p = await mapPage('arm64-cma-device-pool');
  const { sel } = regionSel(sim, 'gpu-cma@58000000');
  await p.hover(sel);
  await p.waitForSelector('#tooltip:not([hidden])');
  const tip = await p.textContent('#tooltip') ?? '';
  // 32 MiB at 0x58000000: PFNs 0x58000-0x59fff, ZONE_DMA (arm64: all of RAM below 4 GiB), CMA
  assert.match(tip, /gpu-cma@58000000/);
  assert.match(tip, /0x58000000–0x59ffffff · 32 MiB/);
  assert.match(tip, /PFNs 0x58000–0x59fff \(8192 pages\)/);
  assert.match(tip, /zone: DMA/);
  assert.match(tip, /kernel: initialized as CMA/);
  await p.close();
});

test('memory map: click reveals the node; the editor cursor highlights the region', async () => {
  const sim = fx('arm64-cma-device-pool');
  const p = await mapPage('arm64-cma-device-pool');
  const { r, sel } = regionSel(sim, 'gpu-cma@58000000');
  await p.click(sel);
  const reveal = (await posted(p)).filter((m) => m.type === 'reveal');
  assert.deepEqual(reveal, [{ type: 'reveal', location: r.location }]);
  const vpu = regionSel(sim, 'vpu-cma');
  await send(p, { type: 'cursorAt', uri: vpu.r.location!.uri, line: vpu.r.location!.range.start.line + 2 });
  await p.waitForSelector(`${vpu.sel}.mm-selected`);
  assert.equal(await p.$$eval('#map .mm-selected', (x) => x.length), 1);
  await send(p, { type: 'cursor', node: r.node });
  await p.waitForSelector(`${sel}.mm-selected`);
  await p.close();
});

test('memory map: zoom (buttons, keys, ctrl+wheel) and log/linear scale', async () => {
  const p = await mapPage('arm-cma-device-pool');
  const height = async () => Number(await p.getAttribute('#map svg', 'height'));
  const h0 = await height();
  await p.click('#zoom-in');
  const h1 = await height();
  assert.ok(h1 > h0 * 1.3, `${h0} -> ${h1}`);
  await p.focus('#map .mm-region');
  const focused = await p.evaluate(() => (document.activeElement as HTMLElement).dataset.id);
  await p.keyboard.press('-');
  assert.ok(Math.abs(await height() - h0) < 2);
  assert.equal(await p.evaluate(() => (document.activeElement as HTMLElement).dataset.id), focused, 'focus kept across the redraw');
  await p.hover('#map');
  await p.keyboard.down('Control');
  await p.mouse.wheel(0, -100);
  await p.keyboard.up('Control');
  assert.ok(await height() > h0 * 1.1);
  await p.click('#zoom-reset');
  // log scale: the 7.5 KiB DTB is at least 14 px tall; linear: under 1 px of ~640
  const dtbH = async () => p.$eval('#map .mm-region.kind-dtb rect.mm-box', (r) => Number(r.getAttribute('height')));
  assert.ok(await dtbH() >= 14);
  await p.click('#mode');
  assert.ok(await dtbH() <= 2);
  assert.equal((await p.evaluate(() => (window as unknown as { __state: { mode: string } }).__state)).mode, 'linear');
  await p.close();
});

test('memory map: keyboard navigation moves between regions and Enter reveals', async () => {
  const sim = fx('arm64-cma-device-pool');
  const p = await mapPage('arm64-cma-device-pool');
  await p.keyboard.press('m');
  const id0 = await p.evaluate(() => (document.activeElement as HTMLElement).dataset.id);
  assert.ok(id0);
  const seen: (string | undefined)[] = [id0];
  for (let i = 0; i < 4; i++) {
    await p.keyboard.press('ArrowDown');
    seen.push(await p.evaluate(() => (document.activeElement as HTMLElement).dataset.id));
  }
  assert.equal(new Set(seen).size, 5, `focus moved: ${seen.join(' ')}`);
  // walk until the static CMA pool (the only region with a node before it in address order) and reveal it
  const target = regionSel(sim, 'gpu-cma@58000000').r;
  for (let i = 0; i < 20 && (await p.evaluate(() => (document.activeElement as HTMLElement).dataset.id)) !== target.id; i++) await p.keyboard.press(i < 5 ? 'ArrowUp' : 'ArrowDown');
  await p.keyboard.press('Enter');
  assert.deepEqual((await posted(p)).filter((m) => m.type === 'reveal'), [{ type: 'reveal', location: target.location }]);
  await p.close();
});

test('memory map: table view sorts and copies as Markdown and CSV', async () => {
  const p = await mapPage('arm-cma-device-pool');
  await p.click('#view');
  await p.waitForSelector('#regions-table');
  await p.click('#regions-table th[data-col="size"]');
  await p.click('#regions-table th[data-col="size"]');
  const first = await p.$eval('#regions-table tbody tr td', (td) => td.textContent);
  assert.equal(first, 'System RAM');
  assert.equal(await p.getAttribute('#regions-table th[data-col="size"]', 'aria-sort'), 'descending');
  await p.click('#copy-md');
  await p.click('#copy-csv');
  const copies = (await posted(p)).filter((m) => m.type === 'copy').map((m) => m.text as string);
  assert.equal(copies.length, 2);
  assert.match(copies[0], /\| gpu-cma@58000000 \| rmem-static \| 0x58000000 \| 0x59ffffff \| 0x2000000 \(32 MiB\) \| 0x58000–0x59fff \| DMA \| reusable cma \|/);
  assert.match(copies[1], /^name,kind,start,end,size,pfns,zone,flags,owner,status\n/);
  // keyboard: arrows move along the rows
  await p.focus('#regions-table tbody tr');
  await p.keyboard.press('ArrowDown');
  assert.equal(await p.evaluate(() => (document.activeElement as HTMLElement).tagName), 'TR');
  await p.close();
});

test('memory map: diagnostics on the map (overlap drawn, failed regions marked)', async () => {
  const sim = fx('arm64-overlap-static');
  const p = await mapPage('arm64-overlap-static');
  assert.equal(await p.$$eval('#map .mm-overlap', (x) => x.length), 1);
  for (const n of ['region-a@50000000', 'region-b@50200000']) assert.ok(await p.$(`${regionSel(sim, n).sel}.mm-failed`), n);
  const diag = await p.textContent('#diagnostics') ?? '';
  assert.match(diag, /OVERLAP DETECTED/);
  assert.ok((await p.$$('#map .mm-label.mm-diag')).length >= 2);
  // a failed region is drawn unfilled: it must still take the click
  const b = regionSel(sim, 'region-b@50200000');
  await p.click(b.sel);
  assert.deepEqual((await posted(p)).filter((m) => m.type === 'reveal'), [{ type: 'reveal', location: b.r.location }]);
  await p.close();
});

test('memory map: a misaligned CMA pool is marked on the map with its diagnostic', async () => {
  const sim = fx('arm-cma-misaligned');
  const p = await mapPage('arm-cma-misaligned');
  // oracle README: arm needs 8 MiB alignment; 0x50100000 fails ("incorrect alignment of CMA region")
  const { sel, r } = regionSel(sim, 'cma-misaligned@50100000');
  assert.ok(await p.$(`${sel}.mm-failed`));
  assert.match(await p.textContent(`#map .mm-label[data-id="${r.id}"]`) ?? '', /^✕ cma-misaligned@50100000/);
  await p.hover(sel);
  await p.waitForSelector('#tooltip:not([hidden])');
  assert.match(await p.textContent('#tooltip') ?? '', /error: .*incorrect alignment of CMA region.*\[rmem-cma-misaligned\]/);
  await p.close();
});

test('memory map: what-if bar re-requests the simulation with mem=/cma=/vmalloc=/arch/RAM', async () => {
  const sim = fx('arm-cma-device-pool');
  const p = await mapPage('arm-cma-device-pool');
  await p.selectOption('#wi-arch', 'arm-lpae');
  await p.fill('#wi-mem', '768M');
  await p.fill('#wi-vmalloc', '512M');
  await p.fill('#wi-ram', '2G');
  await p.click('#wi-apply');
  const w = (await posted(p)).filter((m) => m.type === 'whatIf');
  assert.equal(w.length, 1);
  const wi = w[0].whatIf as { arch: string; bootargs: string; ram: { base: string; size: string }[] };
  assert.equal(wi.arch, 'arm-lpae');
  assert.equal(wi.bootargs, `${sim.commandLine} mem=768M vmalloc=512M`);
  assert.deepEqual(wi.ram, [{ base: '0x40000000', size: '0x80000000' }]);
  // the host answers with a new result: the map is redrawn from it
  const next = fx('arm-lpae-memory-hole');
  await send(p, { type: 'simulation', data: next });
  await p.waitForFunction(() => document.querySelector('#title')?.textContent?.includes('arm-lpae'));
  assert.equal(await p.inputValue('#wi-mem'), '768M', 'what-if inputs persist');
  await p.click('#wi-reset');
  assert.deepEqual((await posted(p)).filter((m) => m.type === 'whatIf').pop(), { type: 'whatIf', whatIf: {} });
  await p.close();
});

test('memory map: export SVG and PNG', async () => {
  const p = await mapPage('arm-cma-device-pool');
  await p.click('#export-svg');
  await p.click('#export-png');
  await p.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'export').length === 2);
  const ex = (await posted(p)).filter((m) => m.type === 'export');
  assert.equal(ex[0].format, 'svg');
  assert.match(ex[0].data as string, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*><style>/);
  assert.equal(ex[1].format, 'png');
  const png = Buffer.from(ex[1].data as string, 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 5000);
  assert.deepEqual(pageErrors(p), []);
  await p.close();
});

test('memory map: state survives a reload (serializer hands setState back)', async () => {
  const p = await mapPage('arm-cma-device-pool');
  await p.click('#zoom-in');
  await p.click('#view');
  const state = await p.evaluate(() => (window as unknown as { __state: unknown }).__state);
  await p.close();
  const q = await h.open('memory-map', 'light', state);
  await q.waitForSelector('#regions-table');
  const s2 = await q.evaluate(() => (window as unknown as { __state: { zoom: number; view: string } }).__state);
  assert.equal(s2.view, 'table');
  assert.equal(s2.zoom, 1.5);
  await q.close();
});

// ---------------------------------------------------------------------------------------------
// Page-table inspector

async function ptPage(fixture: string, theme: Theme = 'light'): Promise<Page> {
  const p = await h.open('page-tables', theme);
  await send(p, { type: 'simulation', data: fx(fixture) });
  await p.waitForSelector('#tx-addr');
  return p;
}

function expectedWalk(fixture: string, va: bigint) {
  const m = buildModel(fx(fixture));
  const arch = fx(fixture).profile.arch as WalkInput['arch'];
  const input: WalkInput = { arch, mappings: m.mappings, swapperPgDir: swapperPgDirOf(arch, m.regions.map((r) => ({ name: r.name, start: r.start }))) };
  return walk(input, va);
}

async function translate(p: Page, addr: string): Promise<{ steps: string[][]; answer: string }> {
  await p.fill('#tx-addr', addr);
  await p.press('#tx-addr', 'Enter');
  await p.waitForSelector('#tx-answer');
  const steps = await p.$$eval('#tx-steps tbody tr.step', (trs) => trs.map((tr) => Array.from(tr.children).slice(0, 7).map((td) => td.textContent ?? '')));
  return { steps, answer: await p.textContent('#tx-answer') ?? '' };
}

test('page tables: arm CMA remapped with pages: VA 0xd8001234 walks L1 table -> L2 small page', async () => {
  const p = await ptPage('arm-cma-device-pool');
  const t = await translate(p, '0xd8001234');
  const w = expectedWalk('arm-cma-device-pool', 0xd8001234n);
  // oracle (results-userspace/arm/cma-device-pool.ptdump.txt): 0xd8000000-0xda000000 PTE 4K page pa=0x58000000
  assert.equal(w.pa, 0x58001234n);
  assert.deepEqual(t.steps, w.steps.map((s) => [s.level, `VA[${s.vaBits}]`, String(s.index), s.table !== undefined ? '0x' + s.table.toString(16) : 'modelled', s.entryAddr !== undefined ? '0x' + s.entryAddr.toString(16) : '—', descriptorHex(s), s.kind]));
  // L1 index 0xd80 = 3456 in swapper_pg_dir 0x40204000: entry at 0x40204000 + 4 * 3456 = 0x40207600
  assert.deepEqual(t.steps[0].slice(0, 5), ['L1 (PGD)', 'VA[31:20]', '3456', '0x40204000', '0x40207600']);
  assert.equal(t.steps[1][6], 'page');
  assert.match(t.answer, /PA0x58001234/);
  assert.match(t.answer, /PFN0x58001/);
  assert.match(t.answer, /zoneDMA/);
  assert.match(t.answer, /owner\s*gpu-cma@58000000/);
  await p.click('#tx-reveal');
  assert.equal((await posted(p)).filter((m) => m.type === 'reveal').length, 1);
  await p.close();
});

test('page tables: arm64 PA -> VA, 4K page vs 2M block of the kernel text alias', async () => {
  const p = await ptPage('arm64-cma-device-pool');
  // oracle README: linear map 0xffff000000000000 = PA 0x40000000, 4K pages (rodata=full)
  let t = await translate(p, '0x58000000');
  assert.match(t.answer, /VA0xffff000018000000/);
  assert.deepEqual(t.steps.map((s) => s[0]), ['L0 (PGD)', 'L1 (PUD)', 'L2 (PMD)', 'L3 (PTE)']);
  // swapper_pg_dir = TTBR1_EL1 0x41853000 in the oracle; L0 index = VA[47:39] of 0xffff_0000_1800_0000
  // = 0x0000_1800_0000 >> 39 = 0, so the entry is the table's first; L2 index = 0x18000000 >> 21 = 0xc0
  assert.deepEqual(t.steps[0].slice(2, 5), ['0', '0x41853000', '0x41853000']);
  assert.equal(t.steps[2][2], String(0xc0));
  assert.equal(t.steps[3][5], descriptorHex(expectedWalk('arm64-cma-device-pool', 0xffff000018000000n).steps[3]));
  // oracle: 0x40400000-0x417fffff (linear alias of text/rodata) is 2M PMD blocks, ro
  t = await translate(p, '0x40500000');
  assert.deepEqual(t.steps.map((s) => s[6]), ['table', 'table', 'block']);
  assert.match(t.answer, /2 MiB block/);
  await p.close();
});

test('page tables: faults and not-mapped answers (RAM hole, TTBR0 address)', async () => {
  const p = await ptPage('arm-lpae-memory-hole');
  // memory-hole: no RAM at [0x5f000000, 0x60000000) -> absent from the linear map
  let t = await translate(p, '0x5f800000');
  assert.match(t.answer, /Not in the linear map/);
  t = await translate(p, '0xdf800000');
  assert.match(t.answer, /Fault at L2 \(PMD\)/);
  await p.selectOption('#tx-kind', 'va');
  t = await translate(p, '0x1000');
  assert.match(t.answer, /Fault at L1 \(PGD\)|Fault at L2/);
  await p.close();
});

test('page tables: a no-map region is a hole in the linear map (oracle case static)', async () => {
  const p = await ptPage('arm-static');
  // oracle README: no-map regions are simply absent from the linear map (static: 0x50000000-0x503fffff)
  assert.match(await p.textContent('#linear-map') ?? '', /0x50000000–0x503fffff4 MiBnot mappedno-map: secure@50000000/);
  const t = await translate(p, '0x50001000');
  assert.match(t.answer, /Not in the linear map/);
  assert.match(t.answer, /owner\s*secure@50000000/);
  // its would-be VA faults at the L1 entry (a section-mapped lowmem with a 4 MiB hole)
  const v = await translate(p, '0xd0001000');
  assert.match(v.answer, /Fault at L1 \(PGD\)/);
  await p.close();
});

test('page tables: VA layout, linear map gaps, keyboard', async () => {
  const p = await ptPage('arm-cma-device-pool');
  const areas = await p.$$eval('#va-layout tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(areas, ['modules', 'pkmap', 'linear map (lowmem)', 'vmalloc', 'PCI I/O', 'DTB (FDT_FIXED_BASE)', 'fixmap', 'vectors']);
  const lm = await p.textContent('#linear-map') ?? '';
  assert.match(lm, /4 KiB pages.*CMA gpu-cma@58000000/);
  assert.match(lm, /highmem: reached through kmap\/pkmap only/);
  await p.keyboard.press('/');
  assert.equal(await p.evaluate(() => document.activeElement?.id), 'tx-addr');
  await p.focus('#linear-map tbody tr');
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('Enter');
  await p.waitForSelector('#tx-answer');
  assert.match(await p.inputValue('#tx-addr'), /^0xc0300000$/);
  assert.deepEqual(pageErrors(p), []);
  await p.close();
});

test('screenshots: each panel in light, dark and high contrast', async () => {
  mkdirSync(SHOTS, { recursive: true });
  for (const theme of ['light', 'dark', 'high-contrast'] as Theme[]) {
    const m = await mapPage('arm-cma-device-pool', theme);
    await m.setViewportSize({ width: 1280, height: 1060 });
    await m.hover(regionSel(fx('arm-cma-device-pool'), 'gpu-cma@58000000').sel);
    await m.screenshot({ path: join(SHOTS, `memory-map-${theme}.png`) });
    await m.close();
    const p = await ptPage('arm-cma-device-pool', theme);
    await translate(p, '0xd8001234');
    await p.screenshot({ path: join(SHOTS, `page-tables-${theme}.png`) });
    await p.close();
  }
});
