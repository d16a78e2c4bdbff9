// A real Linux tree (../shared/corpus/linux-6.12, read-only) opened with no configuration: kbuild
// include paths (dt-bindings, /include/ of sibling .dtsi), arch detection, the board of a .dtsi
// found by scanning arch/*/boot/dts, and arm-lpae memory facts in hover and lens, against the
// real bundled server.
//
// keystone-k2hk-evm.dts (arch/arm, root #address-cells = 2 -> arm-lpae profile) has a CMA pool
// `dsp-common-memory@81f800000` at 0x8_1f80_0000. RAM (keystone.dtsi memory@80000000) is
// [0x80000000, 0xc0000000) and lowmem never extends past the end of RAM, so arm_lowmem_limit
// <= 0xc0000000 < 4 GiB and the pool lies above it: highmem.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeLens, Hover } from 'vscode-languageserver-protocol';
import { LINUX, startServer, uri, type Client } from './harness.js';
import type { BoardCandidatesResult, SimulationResult } from '../../server/src/protocol.js';

const board = path.join(LINUX, 'arch/arm/boot/dts/ti/keystone/keystone-k2hk-evm.dts');
const soc = path.join(LINUX, 'arch/arm/boot/dts/ti/keystone/keystone-k2hk.dtsi');
const lines = readFileSync(board, 'utf8').split('\n');

describe('Linux kernel tree without configuration', () => {
  let c: Client;
  before(async () => {
    c = await startServer({ root: LINUX });
    await c.open(board);
    await c.waitFor('board diagnostics', () => c.latest(board), 60000);
  });
  after(async () => {
    await c.stop();
  });

  it('resolves kbuild includes and detects arm-lpae', async () => {
    const d = c.latest(board)!;
    assert.ok(!d.diagnostics.some((x) => /No such file|not found/i.test(x.message)), JSON.stringify(d.diagnostics));
    const sim = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board) });
    assert.equal(sim.arch, 'arm-lpae');
    assert.equal(sim.modelled, true);
    assert.ok(sim.lowmemLimit && BigInt(sim.lowmemLimit) <= 0xc0000000n);
  });

  it('hovers the CMA pool above 4 GiB as highmem at the simulated lowmem limit', async () => {
    const sim = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board) });
    const l = lines.findIndex((x) => x.includes('dsp_common_memory: dsp-common-memory@81f800000'));
    const h = await c.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: uri(board) }, position: { line: l, character: lines[l].indexOf('dsp-common') + 3 } });
    const t = (h.contents as { value: string }).value;
    assert.match(t, /`0x81f800000`–`0x81fffffff` · size `0x800000` \(8 MiB\)/);
    assert.ok(t.includes(`highmem (arm_lowmem_limit \`${sim.lowmemLimit}\`)`), t);
  });

  it('shows the default CMA lens where the simulation placed it', async () => {
    const sim = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board) });
    const def = sim.regions.find((r) => r.kind === 'cma-default')!;
    assert.ok(def);
    const lenses = await c.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(board) } });
    const rm = lenses.find((x) => x.range.start.line === lines.findIndex((s) => s.includes('reserved-memory {')))!;
    const end = '0x' + (BigInt(def.end) - 1n).toString(16).padStart(8, '0');
    const start = '0x' + BigInt(def.start).toString(16).padStart(8, '0');
    assert.equal(rm.command?.title, `default CMA → ${start}-${end} (${Number(BigInt(def.size) >> 20n)} MiB, ${def.zones.join('+')})`);
  });

  it('finds the board of the SoC .dtsi by scanning arch/*/boot/dts', async () => {
    const r = await c.conn.sendRequest<BoardCandidatesResult>('dtmem/boardCandidates', { uri: uri(soc) });
    assert.deepEqual(r.candidates, [uri(board)]);
    assert.equal(r.current, uri(board));
  });
});
