// Worker thread of `dtmem check` over many boards (batch.ts): receives board paths, runs
// check.ts's checkBoard and sends back the already-formatted outputs (dtc-style text, the JSON
// entry, the SARIF log), because findings point into the board's tree, which is not worth
// cloning across threads. One tree-sitter init per worker.
import { parentPort, workerData } from 'node:worker_threads';
import { checkOne, type BoardJob } from './batch_core.js';
import { initAnalysis } from '../analyze.js';
import type { CheckOptions } from './check.js';

const data = workerData as { opts: CheckOptions; withInfo: boolean } | undefined;

if (parentPort && data) {
  const port = parentPort;
  const ready = initAnalysis();
  port.on('message', (job: BoardJob) => {
    void ready.then(() => port.postMessage(checkOne(job.board, data.opts, data.withInfo, job.index)));
  });
}
