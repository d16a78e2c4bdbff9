// LSP feature tests against the real bundled server (dist/server.js over stdio): diagnostics on
// open, hover, definition, references, symbols, completion, code actions + save, code lens,
// folding, document links and the custom requests. Fixture: fixtures/board.dts on
// fixtures/soc.dtsi (QEMU virt-like arm64, 1 GiB RAM at 0x40000000).
//
// Hand-checked figures used below:
// - linux,cma: 64 MiB, alloc-ranges [0x60000000, 0x80000000), RAM [0x40000000, 0x80000000);
//   memblock allocates top-down, so the pool ends at the top of the range:
//   0x80000000 - 0x4000000 = 0x7c000000 .. 0x7fffffff; PFN 0x7c000000 >> 12 = 0x7c000;
//   16384 pages = 64 MiB / 4 KiB. On arm64 6.1 ZONE_DMA spans RAM below 4 GiB (zone_dma_bits
//   = 32 when all RAM is below 4 GiB), so the pool is in DMA.
// - bad-cma@5c000000 is reusable + no-map: rmem_cma_setup refuses no-map, rmem_dma_setup
//   refuses reusable -> "compatible matching fail" (drivers/of/of_reserved_mem.c).
// - memory@40000000: reg = <0x0 0x40000000 0x0 0x40000000> -> 0x40000000..0x7fffffff, 1 GiB.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeAction, CodeLens, CompletionItem, CompletionList, DocumentLink, DocumentSymbol, FoldingRange, Hover, Location, SymbolInformation, TextEdit } from 'vscode-languageserver-protocol';
import { FIXTURES, startServer, uri, type Client } from './harness.js';
import type { BootLogResult, SimulationResult, TranslateResult } from '../../server/src/protocol.js';

const board = path.join(FIXTURES, 'board.dts');
const soc = path.join(FIXTURES, 'soc.dtsi');
const boardText = readFileSync(board, 'utf8');
const socText = readFileSync(soc, 'utf8');

/** 0-based line/character of the first occurrence of `needle` (plus `delta` characters). */
function pos(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture lacks ${needle}`);
  const before = text.slice(0, i);
  const line = before.split('\n').length - 1;
  return { line, character: i - (before.lastIndexOf('\n') + 1) + delta };
}

function hoverText(h: Hover | null): string {
  if (!h) return '';
  const c = h.contents as { value: string };
  return c.value;
}

describe('language server features (board.dts)', () => {
  let c: Client;
  before(async () => {
    c = await startServer();
    await c.open(board);
    await c.waitFor('diagnostics of board.dts', () => c.latest(board));
  });
  after(async () => {
    await c.stop();
  });

  it('publishes the rule diagnostics on open, on the right line, with the document version', () => {
    const d = c.latest(board)!;
    assert.equal(d.version, 1);
    const noMap = d.diagnostics.find((x) => x.code === 'rmem-cma-no-map');
    assert.ok(noMap, JSON.stringify(d.diagnostics.map((x) => x.code)));
    assert.equal(noMap.severity, 1);
    assert.equal(noMap.range.start.line, pos(boardText, 'bad_cma: bad-cma').line);
    assert.match(noMap.message, /compatible matching fail/);
    const placement = d.diagnostics.find((x) => x.code === 'rmem-placement');
    assert.ok(placement);
    assert.match(placement.message, /0x7c000000-0x7fffffff/);
  });

  it('hovers a dynamic CMA region with placement, PFNs, zone and the kernel outcome', async () => {
    const h = await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uri(board) }, position: pos(boardText, 'size = <0x0 (64', 10) });
    const t = hoverText(h);
    assert.match(t, /\/reserved-memory\/linux,cma/);
    assert.match(t, /`0x7c000000`–`0x7fffffff`/);
    assert.match(t, /PFNs `0x7c000`–`0x7ffff` \(16384 pages of 4 KiB\)/);
    assert.match(t, /Zone: DMA/);
    assert.match(t, /initialized as a CMA area/);
    // __reserved_mem_alloc_in_range: the alloc-ranges entry, the 4 MiB alignment, the result.
    assert.match(t, /- memblock_phys_alloc_range 64 MiB, align `0x400000`, in \[`0x60000000`, `0x80000000`\), top-down → `0x7c000000`/);
  });

  it('hovers a memory node reg with the bank, size and zone', async () => {
    const h = await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uri(soc) }, position: pos(socText, 'reg = <0x0 0x40000000 0x0 0x40000000>', 12) });
    const t = hoverText(h);
    assert.match(t, /\*\*\/memory@40000000\*\*/);
    assert.match(t, /RAM bank 0/);
    assert.match(t, /`0x40000000`–`0x7fffffff` · size `0x40000000` \(1 GiB\)/);
    assert.match(t, /Zone: DMA/);
  });

  it('hovers the failed CMA node with the kernel outcome', async () => {
    const h = await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uri(board) }, position: pos(boardText, 'bad-cma@5c000000', 2) });
    const t = hoverText(h);
    assert.match(t, /`0x5c000000`–`0x5cffffff`/);
    assert.match(t, /no handler accepted it|compatible matching fail/);
    assert.match(t, /not in the linear map \(`no-map`\)/);
  });

  it('hovers a macro with its definition and its expansion at that use', async () => {
    const h = await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uri(soc) }, position: pos(socText, 'RMEM_BASE(0x0e000000)', 2) });
    const t = hoverText(h);
    assert.match(t, /#define RMEM_BASE\(x\) \(0x40000000 \+ \(x\)\)/);
    assert.match(t, /Expands here to: `\(0x40000000 \+ \(0x0e000000\)\)`/);
  });

  it('hovers a label reference with its target node', async () => {
    const h = await c.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uri(board) }, position: pos(boardText, '&vdec_cma', 2) });
    const t = hoverText(h);
    assert.match(t, /`&vdec_cma` → `\/reserved-memory\/vdec-cma@58000000` defined at soc\.dtsi:/);
    assert.match(t, /initialized as a CMA area/);
  });

  it('goes to the definition of a phandle reference (in the included .dtsi) and of an include', async () => {
    const defs = await c.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: uri(board) }, position: pos(boardText, '&vdec_cma', 3) });
    assert.equal(defs.length, 1);
    assert.equal(defs[0].uri, uri(soc));
    assert.equal(defs[0].range.start.line, pos(socText, 'vdec-cma@58000000').line);
    const inc = await c.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: uri(board) }, position: pos(boardText, '"soc.dtsi"', 2) });
    assert.deepEqual(inc.map((l) => l.uri), [uri(soc)]);
    const links = await c.conn.sendRequest<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: uri(board) } });
    assert.deepEqual(links.map((l) => [l.range.start.line, l.target]), [[pos(boardText, '#include').line, uri(soc)]]);
    const macro = await c.conn.sendRequest<Location[]>('textDocument/definition', { textDocument: { uri: uri(board) }, position: pos(boardText, 'SZ_1M', 1) });
    assert.deepEqual(macro.map((l) => [l.uri, l.range.start.line]), [[uri(soc), pos(socText, '#define SZ_1M').line]]);
  });

  it('finds the memory-region users of a reserved-memory label', async () => {
    const refs = await c.conn.sendRequest<Location[]>('textDocument/references', {
      textDocument: { uri: uri(soc) }, position: pos(socText, 'vdec_cma:', 2), context: { includeDeclaration: true },
    });
    const got = refs.map((l) => `${path.basename(l.uri)}:${l.range.start.line}`);
    assert.deepEqual(got, [`soc.dtsi:${pos(socText, 'vdec-cma@58000000').line}`, `board.dts:${pos(boardText, '&vdec_cma').line}`]);
  });

  it('lists document symbols with sizes', async () => {
    const syms = await c.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri(board) } });
    assert.deepEqual(syms.map((s) => s.name), ['/']);
    const rm = syms[0].children!.find((s) => s.name === 'reserved-memory')!;
    const names = rm.children!.map((s) => `${s.name} [${s.detail}]`);
    assert.deepEqual(names, ['linux,cma [dynamic, 64 MiB]', 'bad-cma@5c000000 [bad_cma: 0x5c000000 (16 MiB)]']);
    assert.equal(rm.range.start.line, pos(boardText, 'reserved-memory {').line);
    const socSyms = await c.conn.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri(soc) } });
    const mem = socSyms[0].children!.find((s) => s.name === 'memory@40000000')!;
    assert.equal(mem.detail, '0x40000000 (1 GiB)');
  });

  it('answers workspace symbols from the analysed boards', async () => {
    const syms = await c.conn.sendRequest<SymbolInformation[]>('workspace/symbol', { query: 'vdec' });
    assert.ok(syms.some((s) => s.name === 'vdec_cma: vdec-cma@58000000' && s.location.uri === uri(soc)), JSON.stringify(syms.map((s) => s.name)));
    assert.ok(syms.every((s) => /vdec/i.test(s.name)));
  });

  it('completes reserved-memory properties, compatible values and memory-region labels', async () => {
    const items = (r: CompletionItem[] | CompletionList): string[] => (Array.isArray(r) ? r : r.items).map((i) => i.label);
    // Inside linux,cma (the line after `reusable;`).
    const inNode = await c.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(board) }, position: { line: pos(boardText, '\t\t\treusable;\n\t\t\tsize').line + 1, character: 3 } });
    assert.ok(['no-map', 'reusable', 'alloc-ranges', 'alignment', 'linux,cma-default'].every((n) => items(inNode).includes(n)), items(inNode).join(','));
    const compat = await c.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(board) }, position: pos(boardText, 'compatible = "shared-dma-pool";\n\t\t\treusable;\n\t\t\tsize', 14) });
    assert.ok(items(compat).includes('shared-dma-pool'), items(compat).join(','));
    const region = await c.conn.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri: uri(board) }, position: pos(boardText, '<&vdec_cma>', 2) });
    assert.deepEqual(items(region).sort(), ['bad_cma', 'fw_region', 'vdec_cma']);
  });

  it('folds nodes and comment blocks', async () => {
    const f = await c.conn.sendRequest<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: uri(board) } });
    const rmLine = pos(boardText, 'reserved-memory {').line;
    assert.ok(f.some((r) => r.startLine === rmLine && r.endLine === pos(boardText, '\t};\n\n\tvideo-decoder').line), JSON.stringify(f));
    assert.ok(f.some((r) => r.startLine === 0 && r.kind === 'comment'));
  });

  it('shows the CMA placement preview as code lenses, default CMA on /reserved-memory', async () => {
    const lenses = await c.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(board) } });
    const titles = lenses.map((l) => `${l.range.start.line}:${l.command?.title}`);
    assert.ok(titles.includes(`${pos(boardText, 'linux,cma {').line}:→ 0x7c000000-0x7fffffff (64 MiB, DMA)`), titles.join('\n'));
    assert.ok(titles.includes(`${pos(boardText, 'reserved-memory {').line}:default CMA is /reserved-memory/linux,cma → 0x7c000000-0x7fffffff (64 MiB, DMA)`), titles.join('\n'));
  });

  it('answers dtmem/simulation with the memory map as hex strings, and dtmem/bootLog', async () => {
    const sim = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board) });
    assert.equal(sim.arch, 'arm64');
    assert.equal(sim.board, uri(board));
    assert.deepEqual(sim.ram, [{ start: '0x40000000', end: '0x80000000' }]);
    const cma = sim.regions.find((r) => r.node === '/reserved-memory/linux,cma')!;
    assert.deepEqual([cma.kind, cma.start, cma.end, cma.startPfn, cma.zones, cma.flags.dynamic, cma.flags.cma], ['rmem-dynamic', '0x7c000000', '0x80000000', '0x7c000', ['DMA'], true, true]);
    assert.equal(cma.location?.uri, uri(board));
    const bad = sim.regions.find((r) => r.node === '/reserved-memory/bad-cma@5c000000')!;
    assert.equal(bad.flags.failed, true);
    assert.ok(sim.pageTables.length > 0 && sim.pageTables.every((m) => m.pa.startsWith('0x')));
    assert.ok(sim.log.includes('Reserved memory: created CMA memory pool at 0x000000007c000000, size 64 MiB'));
    const log = await c.conn.sendRequest<BootLogResult>('dtmem/bootLog', { uri: uri(board) });
    assert.match(log.text, /^Reserved memory: created CMA memory pool at 0x000000007c000000, size 64 MiB$/m);
    assert.match(log.text, /board\.dts:\d+:\d+: error: .*\[rmem-cma-no-map\]/);
  });

  it('translates addresses through the simulated linear map (dtmem/translate)', async () => {
    const sim = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board) });
    const m = sim.pageTables.find((x) => BigInt(x.pa) <= 0x7c000000n && 0x7c000000n < BigInt(x.pa) + BigInt(x.size))!;
    assert.ok(m, 'the CMA pool is in the linear map');
    const va = BigInt(m.va) + (0x7c000000n - BigInt(m.pa));
    const t = await c.conn.sendRequest<TranslateResult>('dtmem/translate', { uri: uri(board), address: '0x7c000000', space: 'pa' });
    assert.deepEqual([t.ok, t.va, t.pfn, t.zone, t.node], [true, '0x' + va.toString(16), '0x7c000', 'DMA', '/reserved-memory/linux,cma']);
    // arm64, 4K pages, 48-bit VA: PGD = va[47:39], PUD = va[38:30], PMD = va[29:21], PTE = va[20:12];
    // the walk stops at the level whose span is the mapping's granule.
    const idx = [39n, 30n, 21n, 12n].map((sh) => Number((va >> sh) & 511n));
    const depth = BigInt(m.granule) >= 1n << 30n ? 2 : BigInt(m.granule) >= 1n << 21n ? 3 : 4;
    assert.deepEqual(t.levels.map((l) => [l.level, l.index, l.leaf]), [['PGD', idx[0], false], ['PUD', idx[1], depth === 2], ['PMD', idx[2], depth === 3], ['PTE', idx[3], true]].slice(0, depth));
    const back = await c.conn.sendRequest<TranslateResult>('dtmem/translate', { uri: uri(board), address: t.va, space: 'va' });
    assert.equal(back.pa, '0x7c000000');
    const hole = await c.conn.sendRequest<TranslateResult>('dtmem/translate', { uri: uri(board), address: '0x4e000000', space: 'pa' });
    assert.equal(hole.ok, false);
    assert.match(hole.fault!, /\/reserved-memory\/firmware@4e000000 is no-map/);
    // RAM is [0x40000000, 0x80000000).
    const out = await c.conn.sendRequest<TranslateResult>('dtmem/translate', { uri: uri(board), address: '0x90000000', space: 'pa' });
    assert.match(out.fault!, /outside RAM/);
  });

  it('recomputes a what-if simulation without publishing it', async () => {
    const before = c.diagnostics.get(uri(board))!.length;
    const sim = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board), whatIf: { bootargs: 'mem=512M' } });
    assert.equal(sim.commandLine, 'mem=512M');
    // mem=512M keeps [0x40000000, 0x60000000).
    assert.deepEqual(sim.ram, [{ start: '0x40000000', end: '0x60000000' }]);
    assert.equal(c.diagnostics.get(uri(board))!.length, before);
    // What-if RAM size: the boot loader writes one 512 MiB bank.
    const small = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board), whatIf: { ram: [{ base: '0x40000000', size: '0x20000000' }] } });
    assert.deepEqual(small.ram, [{ start: '0x40000000', end: '0x60000000' }]);
    assert.equal(c.diagnostics.get(uri(board))!.length, before);
  });

  it('sends dtmem/analyzed for the status bar', () => {
    const n = c.notifications.find((x) => x.method === 'dtmem/analyzed');
    assert.ok(n);
    const p = n.params as { uris: string[]; profile: string; simMs: number; errors: number };
    assert.deepEqual(p.uris, [uri(board)]);
    assert.match(p.profile, /^arm64 · Linux 6\.1 · 4K pages$/);
    assert.ok(p.errors >= 1);
  });
});

describe('code action from a rule fix, applied and saved', () => {
  it('removes no-map and the diagnostic disappears after save', async () => {
    const { mkdtempSync, copyFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'dtmem-lsp-'));
    for (const f of ['board.dts', 'soc.dtsi']) copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    const b = path.join(dir, 'board.dts');
    const c = await startServer({ root: dir });
    try {
      await c.open(b);
      const d = await c.waitFor('diagnostics', () => c.latest(b));
      const diag = d.diagnostics.find((x) => x.code === 'rmem-cma-no-map')!;
      assert.ok(diag);
      const actions = await c.conn.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(b) }, range: diag.range, context: { diagnostics: [diag] } });
      assert.equal(actions.length, 1);
      assert.equal(actions[0].title, 'Remove no-map (make it a CMA pool)');
      const edits = actions[0].edit!.changes![uri(b)] as TextEdit[];
      const text = applyEdits(boardText, edits);
      assert.ok(!/no-map/.test(text.split('\n').slice(pos(boardText, 'bad_cma:').line, pos(boardText, 'bad_cma:').line + 6).join('\n')));
      assert.equal(text.split('\n').length, boardText.split('\n').length - 1);
      c.change(b, text);
      writeFileSync(b, text);
      c.save(b);
      const after = await c.waitFor('diagnostics after save', () => {
        const l = c.latest(b);
        return l && l.version === 2 && !l.diagnostics.some((x) => x.code === 'rmem-cma-no-map') && l.diagnostics.some((x) => x.code === 'rmem-placement') ? l : undefined;
      });
      assert.ok(after.diagnostics.every((x) => x.severity !== 1), JSON.stringify(after.diagnostics));
    } finally {
      await c.stop();
    }
  });
});

export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const off = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}
