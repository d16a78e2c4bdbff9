// Per-folder settings through workspace/configuration (dtmem.bootargs, dtmem.arch, dtmem.kernel)
// reach the simulation, against the real bundled server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { FIXTURES, startServer, uri } from './harness.js';
import type { SimulationResult } from '../../server/src/protocol.js';

describe('settings', () => {
  it('applies dtmem.bootargs and dtmem.kernel overrides from workspace/configuration', async () => {
    // board2 has no CMA node: the default area is CONFIG_CMA_SIZE_MBYTES, overridden to 32 MiB.
    const c = await startServer({ settings: { arch: 'arm64', bootargs: 'console=ttyAMA0 mem=384M', kernel: { cmaSizeMbytes: 32 } } });
    try {
      const board2 = path.join(FIXTURES, 'board2.dts');
      await c.open(board2);
      await c.waitFor('diagnostics', () => c.latest(board2));
      const sim = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board2) });
      assert.equal(sim.commandLine, 'console=ttyAMA0 mem=384M');
      // mem=384M: RAM [0x40000000, 0x40000000 + 0x18000000).
      assert.deepEqual(sim.ram, [{ start: '0x40000000', end: '0x58000000' }]);
      assert.equal(sim.profile.cmaSizeMbytes, 32);
      const def = sim.regions.find((r) => r.kind === 'cma-default')!;
      assert.equal(def.size, '0x2000000');
      const lenses = await c.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(board2) } });
      assert.ok(lenses.some((l) => /^default CMA → 0x[0-9a-f]+-0x[0-9a-f]+ \(32 MiB, DMA\)$/.test(l.command?.title ?? '')), JSON.stringify(lenses));
      // A settings change re-analyses open boards with the new values.
      const n = c.notifications.filter((x) => x.method === 'dtmem/analyzed').length;
      c.setSettings({ arch: 'auto', bootargs: '', kernel: { cmaSizeMbytes: 16 } });
      await c.waitFor('re-analysis after the settings change', () => c.notifications.filter((x) => x.method === 'dtmem/analyzed').length > n);
      const sim2 = await c.conn.sendRequest<SimulationResult>('dtmem/simulation', { uri: uri(board2) });
      // No bootargs setting: /chosen/bootargs applies again (mem=256M -> RAM ends at 0x50000000).
      assert.equal(sim2.commandLine, 'console=ttyAMA0 mem=256M');
      assert.deepEqual(sim2.ram, [{ start: '0x40000000', end: '0x50000000' }]);
      assert.equal(sim2.regions.find((r) => r.kind === 'cma-default')!.size, '0x1000000');
    } finally {
      await c.stop();
    }
  });
});
