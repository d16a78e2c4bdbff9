// End to end in a real VS Code (code-server 4.100.3 + headless Chromium, see harness.ts): the
// packaged .vsix is installed and every check goes through the workbench UI — activation on a
// .dts, TextMate colouring, the Problems panel, a hover on a `reg` value, the `no-map` quick fix
// and save, the memory-map and page-table panels opened from the command palette on a real Linux
// board (TI AM625 SK from the corpus), and clicking a region to reveal its node. A screenshot of
// every step lands in .test-artifacts/e2e/.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ACTIVE_TAB, ARTIFACTS, cursor, goTo, mod, openFile, problems, runCommand, start, until, webviewFrame, type Session } from './harness.js';

const FIXTURE = 'fixtures/cma-nomap-overlap.dts';
const BOARD = 'linux/arch/arm64/boot/dts/ti/k3-am625-sk.dts';
const BOARD_COMMON = 'linux/arch/arm64/boot/dts/ti/k3-am62x-sk-common.dtsi';

/** 1-based line and column of the `nth` occurrence of `needle` in `text`, plus `delta` columns. */
function pos(text: string, needle: string, delta = 0): { line: number; col: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`'${needle}' not in the file`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 + delta };
}

describe('dtmem in a real VS Code (code-server)', { timeout: 480_000 }, () => {
  let s: Session;
  let fixtureText: string;

  before(async () => {
    s = await start();
    fixtureText = readFileSync(path.join(s.ws, FIXTURE), 'utf8');
  });
  beforeEach(async () => {
    // A step that failed may leave a widget open: close it so the next step starts clean.
    for (let i = 0; i < 3; i++) await s?.page.keyboard.press('Escape');
  });
  after(async () => {
    await s?.close();
  });

  it('activates on a .dts: language mode Devicetree and the dtmem status item', async () => {
    await openFile(s.page, FIXTURE);
    const status = s.page.locator('.statusbar');
    await until(async () => (await status.innerText()).includes('Devicetree'), 30_000, 'language mode Devicetree');
    // The status item is the extension's (client/src/status.ts): it appears once the language
    // server has simulated the board, i.e. the extension activated and its server runs.
    await until(async () => /arm64 · Linux 6\.1/.test(await status.innerText()), 60_000, 'the dtmem status item');
    await s.shot('activated');
  });

  it('colours the file with the TextMate grammar (source.dts scopes)', async () => {
    const at = pos(fixtureText, 'reg = <0x0 0x40000000', 'reg = <0x0 '.length + 2);
    await goTo(s.page, at.line, at.col);
    await runCommand(s.page, 'Developer: Inspect Editor Tokens and Scopes');
    const widget = s.page.locator('.token-inspect-widget');
    await widget.waitFor();
    const text = await widget.innerText();
    await s.shot('textmate-scopes');
    assert.match(text, /constant\.numeric\.hex\.dts/);
    assert.match(text, /source\.dts/);
    await s.page.keyboard.press('Escape');
    // And the colours differ between a property name, a number and a node name on screen.
    const line = s.page.locator('.view-line', { hasText: 'reg = <0x0 0x40000000' }).first();
    const colour = (t: string) => line.locator('span > span', { hasText: t }).first().evaluate((e) => getComputedStyle(e).color);
    const [prop, num] = [await colour('reg'), await colour('0x40000000')];
    const node = await s.page.locator('.view-line span > span', { hasText: 'memory' }).first().evaluate((e) => getComputedStyle(e).color);
    assert.equal(new Set([prop, num, node]).size, 3, `reg ${prop}, number ${num}, node ${node}`);
  });

  it('lists the CMA no-map error and the overlap in the Problems panel', async () => {
    const rows = await until(async () => {
      const r = await problems(s.page);
      return r.some((x) => x.includes('rmem-cma-no-map')) && r.some((x) => x.includes('rmem-overlap')) ? r : undefined;
    }, 60_000, 'dtmem diagnostics in Problems');
    await s.shot('problems');
    const noMap = rows.find((x) => x.includes('rmem-cma-no-map'))!;
    assert.match(noMap, /compatible matching fail/);
    // The diagnostic sits on the node name (video-cma@58000000).
    const at = pos(fixtureText, 'video-cma@58000000');
    assert.match(noMap, new RegExp(`\\[Ln ${at.line}, Col ${at.col}\\]`));
    const overlap = rows.filter((x) => /dtmem\s*\(?rmem-overlap/.test(x) || x.includes('rmem-overlap'));
    assert.ok(overlap.some((x) => x.includes('OVERLAP DETECTED')), rows.join('\n---\n'));
    assert.ok(rows.some((x) => x.includes('rmem-nomap-reserve-failed')), 'modem no-map over fw-log reported');
  });

  it('hovers a reg value with the zone and the PFNs', async () => {
    // fw-log@50000000: reg <0x0 0x50000000 0x0 0x00400000> = [0x50000000, 0x50400000) with 4 KiB
    // pages: PFNs 0x50000000>>12 = 0x50000 to (0x50400000>>12)-1 = 0x503ff, 0x400 = 1024 pages.
    // arm64 6.1 zone_sizes_init: no dma-ranges, so ZONE_DMA spans the first 4 GiB (zone_dma_bits
    // 32): all of this RAM (0x40000000-0x7fffffff) is ZONE_DMA.
    const at = pos(fixtureText, 'reg = <0x0 0x50000000', 'reg = <0x0 '.length + 3);
    await goTo(s.page, at.line, at.col);
    await runCommand(s.page, 'Show or Focus Hover');
    const hover = s.page.locator('.monaco-hover:not(.hidden) .hover-contents').first();
    const text = await until(async () => {
      const t = await hover.innerText().catch(() => '');
      return /PFN/.test(t) ? t : undefined;
    }, 30_000, 'the hover');
    await s.page.waitForTimeout(500); // let the hover fade in before the screenshot
    await s.shot('hover-reg');
    assert.match(text, /fw-log@50000000/);
    assert.match(text, /PFNs 0x50000–0x503ff \(1024 pages of 4 KiB\)/);
    assert.match(text, /Zone: DMA/);
    await s.page.keyboard.press('Escape');
  });

  it('quick fix removes no-map; after save the diagnostic disappears', async () => {
    const at = pos(fixtureText, 'video-cma@58000000', 2);
    await goTo(s.page, at.line, at.col);
    await s.page.keyboard.press(`${mod}+.`);
    await s.page.locator('.action-widget .monaco-list-row', { hasText: 'Remove no-map' }).first().waitFor();
    await s.shot('quick-fix-menu');
    // Keyboard, as a user would: the action widget's pointer block swallows synthetic clicks.
    await until(async () => {
      const focused = await s.page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label');
      if (focused?.includes('Remove no-map')) return true;
      await s.page.keyboard.press('ArrowDown');
      return false;
    }, 10_000, 'the Remove no-map action to be focused');
    await s.page.keyboard.press('Enter');
    // The edit lands in the editor (VS Code 1.100 also saves files a refactoring touched,
    // files.refactoring.autoSave); save explicitly as the user would, then check the disk.
    const editorText = () => s.page.locator('.monaco-editor .view-lines').first().innerText();
    await until(async () => {
      const t = (await editorText()).replace(/\u00a0/g, ' ');
      const cma = t.slice(t.indexOf('video-cma@58000000'), t.indexOf('fw-log@50000000'));
      return cma.includes('reusable') && !cma.includes('no-map');
    }, 15_000, 'no-map to leave the CMA node in the editor');
    await s.shot('quick-fix-applied');
    await s.page.keyboard.press(`${mod}+S`);
    const tabClass = async () => (await s.page.locator(ACTIVE_TAB).getAttribute('class')) ?? '';
    await until(async () => !(await tabClass()).includes('dirty'), 15_000, 'the save');
    const cmaNode = (t: string) => t.slice(t.indexOf('video-cma@58000000'), t.indexOf('fw-log@50000000'));
    const saved = await until(async () => {
      const t = readFileSync(path.join(s.ws, FIXTURE), 'utf8');
      return /no-map/.test(cmaNode(t)) ? undefined : t;
    }, 10_000, 'no-map removed from the CMA node on disk');
    assert.match(saved.slice(saved.indexOf('modem@50200000')), /no-map;/, 'the modem keeps its no-map');
    const rows = await until(async () => {
      const r = await problems(s.page);
      return r.length && !r.some((x) => x.includes('rmem-cma-no-map')) ? r : undefined;
    }, 60_000, 'rmem-cma-no-map to leave Problems');
    await s.shot('after-quick-fix-saved');
    assert.ok(rows.some((x) => x.includes('rmem-overlap')), 'the overlap is still reported');
  });

  it('opens the memory map from the command palette on a real board and shows its regions', async () => {
    await openFile(s.page, BOARD);
    await until(async () => /arm64 · Linux 6\.1/.test(await s.page.locator('.statusbar').innerText()), 60_000, 'the board analysed');
    await runCommand(s.page, 'dtmem: Show Memory Map');
    // k3-am62x-sk-common.dtsi: ramoops@9ca00000, a CMA pool (linux,cma) and the R5F/M4F carve-outs.
    const frame = await webviewFrame(s.page, 'ramoops', 60_000);
    const body = await frame.evaluate(() => document.body.innerText);
    await s.shot('memory-map');
    assert.match(body, /linux,cma/);
    assert.match(body, /r5f-dma-memory@9db00000|r5f-memory@9db00000/);
  });

  it('clicking a region in the memory map reveals its node', async () => {
    const frame = await webviewFrame(s.page, 'ramoops', 10_000); // opened by the previous step
    // The region's box in the SVG (its group is labelled "<name> <start> to <end>, <size>").
    await frame.locator('.mm-region[aria-label^="ramoops@9ca00000 "] rect.mm-box').first().click();
    const common = readFileSync(path.join(s.ws, BOARD_COMMON), 'utf8');
    const want = pos(common, 'ramoops@9ca00000').line;
    await until(async () => (await s.page.locator(ACTIVE_TAB).getAttribute('aria-label'))?.includes('k3-am62x-sk-common.dtsi'), 30_000, 'the .dtsi to open');
    const c = await until(async () => { const p = await cursor(s.page); return p.line === want ? p : undefined; }, 30_000, `cursor on line ${want}`);
    await s.shot('region-revealed');
    assert.equal(c.line, want);
  });

  it('opens the page-table inspector from the command palette and shows the regions', async () => {
    await openFile(s.page, BOARD);
    await runCommand(s.page, 'dtmem: Show Page-Table Inspector');
    // Its own webview (the memory map's frame is still alive behind its tab): the header names
    // the board and "page tables".
    const frame = await webviewFrame(s.page, /k3-am625-sk\.dts · arm64 page tables/, 60_000);
    const body = await until(async () => {
      const t = await frame.evaluate(() => document.body.innerText);
      return t.includes('Linear map') ? t : undefined;
    }, 30_000, 'the linear map table');
    writeFileSync(path.join(ARTIFACTS, 'page-tables.txt'), body);
    await s.shot('page-tables');
    assert.match(body, /Kernel virtual layout \(arm64, Linux 6\.1\)/);
    // The linear map starts at the board's RAM (memory@80000000) and leaves out the board's
    // no-map carve-outs (k3-am62x-sk-common.dtsi: r5f-dma-memory@9db00000 and tfa@9e780000 carry
    // no-map; arm64 map_mem skips MEMBLOCK_NOMAP ranges).
    assert.match(body, /0x80000000–0x8020ffff/);
    assert.match(body, /0x9db00000–0x9e6fffff\s+12 MiB\s+not mapped\s+no-map: r5f-dma-memory@9db00000/);
    assert.match(body, /not mapped\s+no-map: tfa@9e780000/);
  });
});
