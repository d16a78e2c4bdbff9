// LSP tests of analysis context and freshness against the real bundled server: a .dtsi edited
// (unsaved, then saved) changes the board's diagnostics; a .dtsi opened alone is analysed through
// a board that includes it and the user can pick another; 200 rapid edits publish only results
// that match the version they are labelled with, ending with the final text's; bad input never
// kills the server. Fixtures are copied to a temp dir so they can be edited.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { FIXTURES, startServer, uri, type Client } from './harness.js';
import type { BoardCandidatesResult, SimulationResult } from '../../server/src/protocol.js';

function workspace(): { dir: string; board: string; board2: string; soc: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dtmem-lsp-ctx-'));
  for (const f of ['board.dts', 'board2.dts', 'soc.dtsi']) copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  return { dir, board: path.join(dir, 'board.dts'), board2: path.join(dir, 'board2.dts'), soc: path.join(dir, 'soc.dtsi') };
}

describe('a .dtsi edited under an open board', () => {
  let c: Client;
  let ws: ReturnType<typeof workspace>;
  before(async () => {
    ws = workspace();
    c = await startServer({ root: ws.dir });
    await c.open(ws.board);
    await c.open(ws.soc);
    await c.waitFor('first diagnostics', () => c.latest(ws.board));
  });
  after(async () => {
    await c.stop();
    rmSync(ws.dir, { recursive: true, force: true });
  });

  it('reports a syntax error typed in the .dtsi (unsaved) in the .dtsi, with the board as related information', async () => {
    const text = readFileSync(ws.soc, 'utf8').replace('\t\t\tno-map;\n', '\t\t\tno-map\n');
    c.change(ws.soc, text);
    const d = await c.waitFor('syntax diagnostic in soc.dtsi', () => {
      const l = c.latest(ws.soc);
      return l && l.version === 2 && l.diagnostics.some((x) => x.code === 'syntax') ? l : undefined;
    });
    const syn = d.diagnostics.find((x) => x.code === 'syntax')!;
    // dtc reports the token after the missing `;`: the closing brace on the next line.
    assert.equal(syn.range.start.line, text.split('\n').findIndex((l) => l === '\t\t\tno-map') + 1);
    const rel = syn.relatedInformation ?? [];
    assert.equal(rel.length, 1);
    assert.equal(rel[0].location.uri, uri(ws.board));
    assert.equal(rel[0].location.range.start.line, readFileSync(ws.board, 'utf8').split('\n').findIndex((l) => l.startsWith('#include "soc.dtsi"')));
    assert.match(rel[0].message, /soc\.dtsi is included here \(board board\.dts\)/);
  });

  it('changes the board\'s diagnostics when a saved .dtsi edit shrinks RAM below the CMA alloc-range', async () => {
    const before = c.latest(ws.board)!;
    assert.ok(!before.diagnostics.some((x) => x.severity === 1 && /linux,cma/.test(x.message)));
    // 512 MiB of RAM: [0x40000000, 0x60000000). linux,cma may only go in [0x60000000, 0x80000000),
    // so __reserved_mem_alloc_size finds no room and the node fails.
    const text = readFileSync(ws.soc, 'utf8').replace('reg = <0x0 0x40000000 0x0 0x40000000>', 'reg = <0x0 0x40000000 0x0 0x20000000>');
    c.change(ws.soc, text);
    writeFileSync(ws.soc, text);
    c.save(ws.soc);
    const after = await c.waitFor('board diagnostics for the shrunk RAM', () => {
      const l = c.latest(ws.board);
      return l && l.diagnostics.some((x) => /linux,cma/.test(x.message) && x.severity === 1) ? l : undefined;
    });
    const cmaLine = readFileSync(ws.board, 'utf8').split('\n').findIndex((l) => l.includes('linux,cma {'));
    const fail = after.diagnostics.find((x) => /linux,cma/.test(x.message) && x.severity === 1)!;
    assert.equal(fail.range.start.line, cmaLine);
    assert.ok(!after.diagnostics.some((x) => x.code === 'rmem-placement' && /linux,cma/.test(x.message)), 'placement of a failed node');
    const h = await c.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uri(ws.board) }, position: { line: cmaLine, character: 4 } });
    const t = (h.contents as { value: string }).value;
    assert.match(t, /Dynamic region: \*\*not placed\*\*/);
    assert.match(t, /in \[`0x60000000`, `0x80000000`\), top-down → no room/);
    // The soc.dtsi syntax error is gone with the fixed text.
    assert.ok(!c.latest(ws.soc)!.diagnostics.some((x) => x.code === 'syntax'));
  });
});

describe('a .dtsi opened alone', () => {
  let c: Client;
  let ws: ReturnType<typeof workspace>;
  before(async () => {
    ws = workspace();
    c = await startServer({ root: ws.dir });
  });
  after(async () => {
    await c.stop();
    rmSync(ws.dir, { recursive: true, force: true });
  });

  it('is analysed through a board that includes it, and the user can pick the other one', async () => {
    await c.open(ws.soc);
    const cands = await c.conn.sendRequest<BoardCandidatesResult>('dtmem/boardCandidates', { uri: uri(ws.soc) });
    assert.deepEqual(cands.candidates, [uri(ws.board), uri(ws.board2)]);
    assert.equal(cands.current, uri(ws.board));
    const hoverAt = { textDocument: { uri: uri(ws.soc) }, position: { line: readFileSync(ws.soc, 'utf8').split('\n').findIndex((l) => l.includes('vdec_cma: vdec-cma')), character: 14 } };
    const h1 = (await c.conn.sendRequest<Hover>('textDocument/hover', hoverAt)).contents as { value: string };
    assert.match(h1.value, /initialized as a CMA area/);
    const sim1 = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(ws.soc) });
    assert.equal(sim1.board, uri(ws.board));
    // Through board2 (mem=256M: RAM [0x40000000, 0x50000000)) the pool at 0x58000000 is outside RAM.
    await c.conn.sendRequest('dtmem/setBoard', { uri: uri(ws.soc), board: uri(ws.board2) });
    const d = await c.waitFor('soc.dtsi diagnostics through board2', () => {
      const l = c.latest(ws.soc);
      return l && l.diagnostics.some((x) => /outside (RAM|every zone)/.test(x.message)) ? l : undefined;
    });
    const outside = d.diagnostics.find((x) => /outside RAM/.test(x.message))!;
    assert.equal(outside.relatedInformation?.[0].location.uri, uri(ws.board2));
    const sim2 = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(ws.soc) });
    assert.equal(sim2.board, uri(ws.board2));
    assert.deepEqual(sim2.ram, [{ start: '0x40000000', end: '0x50000000' }]);
  });

  it('takes a remembered pick from initializationOptions', async () => {
    const c2 = await startServer({ root: ws.dir, initializationOptions: { boardPicks: { [uri(ws.soc)]: uri(ws.board2) } } });
    try {
      await c2.open(ws.soc);
      const cands = await c2.conn.sendRequest<BoardCandidatesResult>('dtmem/boardCandidates', { uri: uri(ws.soc) });
      assert.equal(cands.current, uri(ws.board2));
    } finally {
      await c2.stop();
    }
  });
});

describe('rapid edits', () => {
  for (const debounceMs of [250, 2]) {
    it(`publishes only results matching their version after 200 edits (debounce ${debounceMs} ms)`, async () => {
      const ws = workspace();
      const c = await startServer({ root: ws.dir, initializationOptions: { debounceMs } });
      try {
        const base = readFileSync(ws.board, 'utf8');
        const lines = base.split('\n');
        const modelLine = lines.findIndex((l) => l.includes('model = '));
        // Version v (2..201) carries a syntax error (a missing `;`) on line errLine(v): the model
        // line, moved down by v % 5 blank lines, so each version's diagnostics say which text
        // they came from.
        const errLine = (v: number): number => modelLine + (v % 5);
        const textFor = (v: number): string => {
          const l = [...lines];
          l.splice(modelLine, 1, ...Array(v % 5).fill(''), '\tmodel = "dtmem LSP test board"', '\tfoo = <1>');
          return l.join('\n').replace('\tfoo = <1>\n', `\tfoo = <${v}>;\n`);
        };
        await c.open(ws.board, base);
        await c.waitFor('initial diagnostics', () => c.latest(ws.board));
        const start = c.diagnostics.get(uri(ws.board))!.length;
        for (let v = 2; v <= 201; v++) {
          c.change(ws.board, textFor(v));
          if (v % 20 === 0) await new Promise((r) => setTimeout(r, 3));
        }
        const last = await c.waitFor('diagnostics of the final version', () => {
          const l = c.latest(ws.board);
          return l && l.version === 201 ? l : undefined;
        });
        await new Promise((r) => setTimeout(r, 600));
        const published = c.diagnostics.get(uri(ws.board))!.slice(start);
        assert.equal(c.latest(ws.board), last, 'nothing was published after the final version');
        let prev = 1;
        for (const p of published) {
          assert.ok(p.version! > prev, `versions strictly increase: ${p.version} after ${prev}`);
          prev = p.version!;
          const syn = p.diagnostics.filter((x) => x.code === 'syntax');
          assert.equal(syn.length, 1, `version ${p.version}: ${JSON.stringify(p.diagnostics)}`);
          // dtc flags the token after the missing `;`: the next line.
          assert.equal(syn[0].range.start.line, errLine(p.version!) + 1, `version ${p.version} carries its own text's error`);
        }
        if (debounceMs === 250) assert.ok(published.length <= 5, `debounced: ${published.length} publications`);
      } finally {
        await c.stop();
        rmSync(ws.dir, { recursive: true, force: true });
      }
    });
  }
});

describe('bad input', () => {
  it('survives garbage, deep nesting and requests on unknown files', async () => {
    const ws = workspace();
    const c = await startServer({ root: ws.dir });
    try {
      const junk = path.join(ws.dir, 'junk.dts');
      const deep = '/dts-v1/;\n/ {\n' + 'a {\n'.repeat(5000) + '};\n'.repeat(5000) + '};\n';
      const garbage = '\u0000\u0001\n#include <nonexistent.h>\n#define X(a) X(a) X(a)\n/ { reg = <X(1)>; &&& {{{ "unterminated\n' + '\uffff'.repeat(100);
      await c.open(junk, garbage);
      const d = await c.waitFor('diagnostics for garbage', () => c.latest(junk));
      const missing = d.diagnostics.find((x) => /nonexistent\.h/.test(x.message));
      assert.ok(missing, JSON.stringify(d.diagnostics.slice(0, 4)));
      assert.equal(missing.range.start.line, 1);
      c.change(junk, deep);
      await c.waitFor('diagnostics for deep nesting', () => c.latest(junk)?.version === 2);
      for (const method of ['textDocument/hover', 'textDocument/definition', 'textDocument/completion']) {
        await c.conn.sendRequest(method, { textDocument: { uri: uri(junk) }, position: { line: 4000, character: 1 }, context: { includeDeclaration: true } });
      }
      const none = await c.conn.sendRequest('textDocument/hover', { textDocument: { uri: uri(path.join(ws.dir, 'missing.dts')) }, position: { line: 0, character: 0 } });
      assert.equal(none, null);
      // Still alive and correct on a real board.
      await c.open(ws.board);
      const b = await c.waitFor('board diagnostics', () => c.latest(ws.board));
      assert.ok(b.diagnostics.some((x) => x.code === 'rmem-cma-no-map'));
      assert.equal(c.proc.exitCode, null);
    } finally {
      await c.stop();
      rmSync(ws.dir, { recursive: true, force: true });
    }
  });
});

describe('requests right after an edit', () => {
  it('answer from the edited text, not the previous analysis', async () => {
    const ws = workspace();
    const c = await startServer({ root: ws.dir });
    try {
      const base = readFileSync(ws.board, 'utf8');
      await c.open(ws.board, base);
      await c.waitFor('initial diagnostics', () => c.latest(ws.board));
      // Three comment lines on top move everything down by 3.
      const edited = '// a\n// b\n// c\n' + base;
      c.change(ws.board, edited);
      const lines = edited.split('\n');
      const l = lines.findIndex((x) => x.includes('size = <0x0 (64'));
      const h = await c.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uri(ws.board) }, position: { line: l, character: lines[l].indexOf('<') + 2 } });
      assert.match((h.contents as { value: string }).value, /\/reserved-memory\/linux,cma/);
      const defs = await c.conn.sendRequest<{ range: { start: { line: number } } }[]>('textDocument/definition', { textDocument: { uri: uri(ws.board) }, position: { line: lines.findIndex((x) => x.includes('&bad_cma')), character: lines.find((x) => x.includes('&bad_cma'))!.indexOf('&bad_cma') + 2 } });
      assert.deepEqual(defs.map((d) => d.range.start.line), [lines.findIndex((x) => x.includes('bad_cma: bad-cma'))]);
    } finally {
      await c.stop();
      rmSync(ws.dir, { recursive: true, force: true });
    }
  });
});

describe('a .dtsi no board includes', () => {
  it('gets front-end diagnostics only', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dtmem-lsp-lone-'));
    const f = path.join(dir, 'lone.dtsi');
    // The missing `;` after `reg = <1 2>`: dtc reports the `}` on the next line (line 3).
    const text = '/ {\n\tfoo {\n\t\treg = <1 2>\n\t};\n};\n';
    writeFileSync(f, text);
    const c = await startServer({ root: dir });
    try {
      await c.open(f, text);
      const d = await c.waitFor('diagnostics', () => c.latest(f));
      assert.deepEqual(d.diagnostics.map((x) => [x.range.start.line, x.code]), [[3, 'syntax']]);
      const cands = await c.conn.sendRequest<BoardCandidatesResult>('dtmem/boardCandidates', { uri: uri(f) });
      assert.deepEqual(cands, { candidates: [], current: uri(f) });
    } finally {
      await c.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a .dtsi opened from an open board', () => {
  it('is analysed through that board rather than the first one found', async () => {
    const ws = workspace();
    const c = await startServer({ root: ws.dir });
    try {
      // board.dts sorts first among the includers; board2.dts is the one open.
      await c.open(ws.board2);
      await c.waitFor('board2 diagnostics', () => c.latest(ws.board2));
      await c.open(ws.soc);
      const cands = await c.conn.sendRequest<BoardCandidatesResult>('dtmem/boardCandidates', { uri: uri(ws.soc) });
      assert.deepEqual(cands.candidates, [uri(ws.board), uri(ws.board2)]);
      assert.equal(cands.current, uri(ws.board2));
    } finally {
      await c.stop();
      rmSync(ws.dir, { recursive: true, force: true });
    }
  });
});
