// `dtmem/compareLog` against the real bundled server: example-board.dts with its real boot log
// (test/golden/results/arm64/example-board.log, Debian 6.1.0-50-arm64 in QEMU), then the same log
// edited so one fact disagrees.
//
// Expected figures come from the oracle log and `node dist/cli.js compare
// test/golden/cases/example-board.dts test/golden/results/arm64/example-board.log --arch arm64`:
// 37 facts, 36 agree, the one DIFFER is memblock.reserved[1], the DTB copy at 0x48000000 (the
// oracle's boot loader wrote a longer command line into /chosen, so the real FDT is 0x1fb5 bytes,
// the simulated one 0x1f59). The log's Memory: line reads `131072K cma-reserved` (96 + 32 MiB of
// CMA pools = 128 MiB = 131072K); its linux,cma pool is `created CMA memory pool at
// 0x0000000079800000, size 96 MiB`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startServer, uri, type Client } from './harness.js';
import { CompareLogRequest, type CompareLogResult } from '../../server/src/protocol.js';

const board = path.join(ROOT, 'test/golden/cases/example-board.dts');
const boardText = readFileSync(board, 'utf8');
const logText = readFileSync(path.join(ROOT, 'test/golden/results/arm64/example-board.log'), 'utf8');

/** The report's rows with a verdict other than agree (`FACT  DIFFER ...`). */
function disagreements(report: string): string[] {
  return report.split('\n').filter((l) => !l.startsWith('#') && /^\S.*\s{2}(DIFFER|LOG ONLY|SIM ONLY)\s/.test(l));
}

function edited(from: string, to: string): string {
  assert.ok(logText.includes(from), `log lacks ${from}`);
  return logText.replace(from, to);
}

describe('dtmem/compareLog', { timeout: 120000 }, () => {
  let c: Client;
  before(async () => {
    c = await startServer({ root: path.dirname(board) });
    await c.open(board);
  });
  after(async () => {
    await c?.stop();
  });

  const compare = (text: string) => c.conn.sendRequest<CompareLogResult | null>(CompareLogRequest, { uri: uri(board), logText: text });

  it('the real log disagrees only on the DTB copy in memblock.reserved', async () => {
    const r = await compare(logText);
    assert.ok(r && !r.error, r?.error);
    assert.equal(r.agree, false);
    assert.deepEqual(r.counts, { agree: 36, differ: 1, 'only-in-log': 0, 'only-in-sim': 0 });
    const bad = disagreements(r.report);
    assert.equal(bad.length, 1, bad.join('\n'));
    assert.match(bad[0]!, /^memblock\.reserved\[1\]\s+DIFFER\s+0x48000000-0x48001f58 flags 0x0\s+0x48000000-0x48001fb4 flags 0x0/);
    // The log's own command line and flavour were used, as the CLI does.
    assert.match(r.report, /simulated with the log's command line: console=ttyAMA0 .*memblock=debug/);
    assert.match(r.report, /profile arm64 \(from the log's kernel 6\.1\.0-50-arm64\)/);
    assert.match(r.report, /^rmem linux,cma\s+agree\s+initialized cma at 0x79800000 96 MiB$/m);
    // One diagnostic, about no node: on the document asked about.
    const all = Object.values(r.diagnostics).flat();
    assert.equal(all.length, 1);
    assert.equal(all[0]!.source, 'dtmem compare');
    assert.equal(all[0]!.code, 'log-differs');
    assert.match(all[0]!.message, /memblock\.reserved\[1\]/);
    assert.equal(r.diagnostics[uri(board)]?.length, 1);
  });

  it('an edited Memory: cma-reserved figure is a DIFFER row and a diagnostic', async () => {
    const r = await compare(edited('131072K cma-reserved', '122880K cma-reserved'));
    assert.ok(r && !r.error, r?.error);
    assert.equal(r.agree, false);
    assert.equal(r.counts.differ, 2);
    assert.match(r.report, /^Memory: cma-reserved\s+DIFFER\s+131072K\s+122880K$/m);
    const d = Object.values(r.diagnostics).flat().find((x) => x.message.startsWith('Memory: cma-reserved'));
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.equal(d.source, 'dtmem compare');
    assert.match(d.message, /dtmem expects 131072K, the boot log shows 122880K/);
  });

  it('an edited pool size lands on its /reserved-memory node', async () => {
    const r = await compare(edited('created CMA memory pool at 0x0000000079800000, size 96 MiB', 'created CMA memory pool at 0x0000000079800000, size 64 MiB'));
    assert.ok(r && !r.error, r?.error);
    assert.match(r.report, /^rmem linux,cma\s+DIFFER\s+initialized cma at 0x79800000 96 MiB\s+initialized cma at 0x79800000 64 MiB$/m);
    const d = r.diagnostics[uri(board)]?.find((x) => x.message.startsWith('rmem linux,cma'));
    assert.ok(d, JSON.stringify(r.diagnostics));
    const line = boardText.split('\n').findIndex((l) => /^\s*linux,cma \{/.test(l));
    assert.equal(d.range.start.line, line);
  });

  it('a text that is no boot log is answered, not thrown', async () => {
    const r = await compare('hello\r\nworld\n');
    assert.ok(r);
    assert.match(r.report, /the log states no memory facts/);
    assert.equal(r.agree, false);
  });
});
