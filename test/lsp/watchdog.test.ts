// The watchdog turns a blocked server into an exit the client can recover from: with a 50 ms
// limit, analysing a large corpus board (hundreds of ms of synchronous work) must trip it.
// The default limit (120 s) never trips in the other tests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LINUX, startServer } from './harness.js';

describe('watchdog', () => {
  it('kills a server whose event loop is blocked past the limit', async () => {
    const c = await startServer({ root: LINUX, env: { DTMEM_WATCHDOG_MS: '50' } });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => c.proc.on('exit', (_code, sig) => resolve(sig)));
    await c.open(path.join(LINUX, 'arch/arm/boot/dts/st/stm32mp153c-mecio1r1.dts'));
    const sig = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30000))]);
    assert.equal(sig, 'SIGKILL');
    assert.match(c.logs.join(''), /dtmem: the language server was blocked for \d+ ms \(limit 50 ms\)/);
    c.conn.dispose();
  });
});
