// Last line of defence for "the server never hangs": the analyses run synchronously on the main
// thread and every stage is bounded, but should a bug still block the event loop for longer than
// the limit (default 120 s, DTMEM_WATCHDOG_MS), a worker thread notices the missing heartbeat and
// kills the process, so the editor's client restarts the server instead of waiting forever.
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const beat = new Float64Array(workerData.sab);
setInterval(() => {
  const stalled = Date.now() - beat[0];
  if (stalled > workerData.limit) {
    writeSync(2, 'dtmem: the language server was blocked for ' + stalled + ' ms (limit ' + workerData.limit + ' ms); exiting so the client restarts it\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, Math.min(1000, Math.max(20, workerData.limit / 4)));
`;

export function startWatchdog(limitMs = Number(process.env.DTMEM_WATCHDOG_MS) || 120_000): void {
  try {
    const sab = new SharedArrayBuffer(8);
    const beat = new Float64Array(sab);
    beat[0] = Date.now();
    const period = Math.min(500, Math.max(10, limitMs / 8));
    setInterval(() => {
      beat[0] = Date.now();
    }, period).unref();
    // The smallest heap a worker runs with: it only compares two numbers once a second.
    const w = new Worker(WORKER, { eval: true, workerData: { sab, limit: limitMs }, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 2, stackSizeMb: 1 } });
    w.unref();
    w.on('error', (e) => writeSync(2, `dtmem: watchdog unavailable: ${String(e)}\n`));
  } catch (e) {
    writeSync(2, `dtmem: watchdog unavailable: ${String(e)}\n`);
  }
}
