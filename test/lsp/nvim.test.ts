// A second, independent LSP client: Neovim's built-in client (Debian's `neovim`, headless) opens
// boards with dtmem's bundled server and must end up with the same diagnostics as the
// vscode-languageserver-protocol client of the other tests. CI installs neovim with apt.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { ensureBuilt, FIXTURES, LINUX, SERVER, startServer } from './harness.js';

interface NvimDiag { lnum: number; col: number; severity: number; message: string; code: string; source: string }

function runNvim(file: string, root: string, hover?: string): { ok: boolean; diagnostics: NvimDiag[]; hover: string | null } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dtmem-nvim-'));
  const out = path.join(dir, 'out.json');
  try {
    const r = spawnSync('nvim', ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${path.join(__dirname, 'nvim_client.lua')}`], {
      env: { ...process.env, DTMEM_SERVER: SERVER, DTMEM_FILE: file, DTMEM_ROOT: root, DTMEM_OUT: out, DTMEM_HOVER: hover ?? '' },
      timeout: 120000, encoding: 'utf8',
    });
    assert.equal(r.error, undefined, `nvim could not run: ${String(r.error)} (apt-get install -y neovim)`);
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function viaProtocolClient(file: string, root: string): Promise<Diagnostic[]> {
  const c = await startServer({ root });
  try {
    await c.open(file);
    return (await c.waitFor('diagnostics', () => c.latest(file))).diagnostics;
  } finally {
    await c.stop();
  }
}

/** Neovim's severities are LSP's (1 error .. 4 hint); lnum/col are LSP's line/character. */
function normalize(d: { line: number; col: number; severity: number; message: string; code: string }[]): string[] {
  return d.map((x) => `${x.line}:${x.col}:${x.severity}:${x.code}:${x.message}`).sort();
}

describe('Neovim built-in LSP client', () => {
  const boards = [
    { file: path.join(FIXTURES, 'board.dts'), root: FIXTURES },
    // A real board with a CMA pool and a kernel-tree include setup (dt-bindings, arm64 prefix).
    { file: path.join(LINUX, 'arch/arm64/boot/dts/freescale/imx8ulp-evk.dts'), root: LINUX },
  ];
  for (const b of boards) {
    it(`reports the same diagnostics as the protocol client for ${path.basename(b.file)}`, async () => {
      ensureBuilt();
      const text = readFileSync(b.file, 'utf8').split('\n');
      const hoverLine = text.findIndex((l) => /^\s*memory@|^\s*linux,cma|size = </.test(l));
      const nv = runNvim(b.file, b.root, hoverLine >= 0 ? `${hoverLine}:${text[hoverLine].search(/\S/) + 1}` : undefined);
      assert.ok(nv.ok, 'Neovim received diagnostics');
      const ours = await viaProtocolClient(b.file, b.root);
      assert.ok(ours.length > 0, 'the board has diagnostics to compare');
      assert.deepEqual(
        normalize(nv.diagnostics.map((d) => ({ line: d.lnum, col: d.col, severity: d.severity, code: String(d.code), message: d.message }))),
        normalize(ours.map((d) => ({ line: d.range.start.line, col: d.range.start.character, severity: d.severity!, code: String(d.code), message: d.message }))),
      );
      assert.ok(nv.diagnostics.every((d) => d.source === 'dtmem'));
      if (hoverLine >= 0) assert.match(nv.hover ?? '', /`0x[0-9a-f]+`–`0x[0-9a-f]+`/, `hover at line ${hoverLine}`);
    });
  }
});
