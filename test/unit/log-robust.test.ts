// Robustness of the boot-log parser: the same boot, captured differently, gives the same facts.
// Each oracle log (shared/oracle/results, all arches) is rewritten with its printk timestamps
// stripped (dmesg -t), with LF instead of CRLF (and with CR-only line ends), with unrelated lines
// interleaved everywhere (another console's output, U-Boot, a shell), with syslog-style prefixes,
// and with its tail cut off in the middle of a line; the facts must equal the original's (for the
// truncated log: the facts printed before the cut, and nothing invented from the cut line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBootLog } from '../../server/src/log/parse.js';
import { toOracleResult, type Json } from '../../server/src/log/oracle_json.js';
import { ORACLE } from '../shared_dir.js';

const ORACLE_RESULTS = join(ORACLE, 'results');

function logs(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const arch of ['arm64', 'arm', 'arm-lpae']) {
    const dir = join(ORACLE_RESULTS, arch);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.log')) out.push({ name: `${arch}/${f}`, text: readFileSync(join(dir, f), 'utf8') });
  }
  return out;
}

/** The facts with the raw evidence lines reduced to their message text, so captures that differ
 * only in prefixes and line ends compare equal. */
function facts(text: string): Record<string, Json> {
  const r = JSON.parse(JSON.stringify(toOracleResult(parseBootLog(text)))) as Record<string, Json>;
  r.evidence = (r.evidence as string[]).map((l) => l.replace(/^[A-Z][a-z]{2} [ \d]\d [\d:]{8} \S+ kernel: /, '').replace(/^<\d+>/, '').replace(/^\[[^\]]*\] ?/, ''));
  return r;
}

const lines = (t: string) => t.replace(/\r\n?/g, '\n').split('\n');

const NOISE = [
  'U-Boot 2023.01 (Jan 01 2023 - 00:00:00 +0000)',
  '=> bootm ${kernel_addr_r} - ${fdt_addr_r}',
  'random: crng init done',
  // An unrelated kernel message, stamped like the line before it (printk time only goes forward).
  'STAMP usb 1-1: new high-speed USB device number 2 using ehci-platform',
  '   ',
  '',
  '\x1b[0;32m[  OK  ]\x1b[0m Started Journal Service.',
  '  (garbage with memory words: Memory reserved 12K, zone, cma)',
];

/** Inserts a noise line after every `every`-th line. */
function interleave(text: string, every: number): string {
  const out: string[] = [];
  lines(text).forEach((l, i) => {
    out.push(l);
    if (i % every === every - 1) out.push(NOISE[i % NOISE.length]!.replace('STAMP', /^\[[^\]]*\]/.exec(l)?.[0] ?? ''));
  });
  return out.join('\n');
}

const all = logs();

test('oracle logs are present', () => {
  assert.ok(all.length > 0, `no logs under ${ORACLE_RESULTS}`);
});

for (const { name, text } of all) {
  test(`same facts from every capture of ${name}`, () => {
    const ref = facts(text);
    const noTime = lines(text).map((l) => l.replace(/^\[\s*\d+\.\d+\] ?/, '')).join('\n');
    assert.deepStrictEqual(facts(noTime), ref, 'timestamps stripped');
    assert.deepStrictEqual(facts(lines(text).join('\n')), ref, 'LF line ends');
    assert.deepStrictEqual(facts(lines(text).join('\r')), ref, 'CR line ends');
    assert.deepStrictEqual(facts(lines(text).join('\r\r\n')), ref, 'CRCRLF line ends');
    assert.deepStrictEqual(facts(interleave(text, 3)), ref, 'unrelated lines interleaved');
    assert.deepStrictEqual(facts(interleave(noTime, 1)), ref, 'unrelated lines interleaved, no timestamps');
    const syslog = lines(text).map((l) => (l ? `Nov 25 14:00:00 board kernel: ${l}` : l)).join('\n');
    assert.deepStrictEqual(facts(syslog), ref, 'syslog prefixes');
    const term = lines(text).map((l, i) => `[2026-11-25 14:00:${String(i % 60).padStart(2, '0')}.123] ${l}`).join('\n');
    assert.deepStrictEqual(facts(term).memory_line, ref.memory_line, 'terminal-program timestamps');
    assert.deepStrictEqual(facts(term).reserved_mem, ref.reserved_mem, 'terminal-program timestamps');
    assert.deepStrictEqual(facts(term).memblock, ref.memblock, 'terminal-program timestamps');
    const levels = lines(text).map((l) => (l ? `<6>${l}` : l)).join('\n');
    assert.deepStrictEqual(facts(levels), ref, 'printk levels');
  });

  test(`truncated tail of ${name}`, () => {
    const ls = lines(text);
    const mem = ls.findIndex((l) => /\] Memory: \d+K\//.test(l));
    if (mem < 0) {
      // A log without a Memory: line: cutting it anywhere must still parse.
      assert.doesNotThrow(() => parseBootLog(text.slice(0, text.length >> 1)));
      return;
    }
    // Cut in the middle of the Memory: line: that fact is absent (not wrong), the others match
    // a parse of the log without that line.
    const cutAt = ls.slice(0, mem).join('\n') + '\n' + ls[mem]!.slice(0, ls[mem]!.length - 9);
    const before = facts(ls.slice(0, mem).join('\n'));
    const cut = facts(cutAt);
    assert.equal(cut.memory_line, null);
    assert.equal(cut.memory_line_raw, null);
    assert.deepStrictEqual(cut, before);
    // Cut in the middle of the line after it: every fact printed up to Memory: is kept.
    const full = facts(ls.slice(0, mem + 1).join('\n'));
    const next = ls[mem + 1] ?? '';
    const cut2 = facts(ls.slice(0, mem + 1).join('\n') + '\n' + next.slice(0, next.length >> 1));
    for (const k of ['reserved_mem', 'cma', 'zones', 'zonelists', 'memory_line', 'memblock', 'unavailable_ranges', 'movable_zone_start', 'early_memory_node_ranges', 'command_line']) {
      assert.deepStrictEqual(cut2[k], full[k], k);
    }
  });
}

test('several boots in one capture: the last complete boot; a dmesg replay does not count', () => {
  const a = all.find((l) => l.name === 'arm64/base-1G.log');
  const b = all.find((l) => l.name === 'arm64/static.log');
  assert.ok(a && b);
  assert.deepStrictEqual(facts(a.text + '\n' + b.text), facts(b.text), 'reboot into another devicetree');
  assert.deepStrictEqual(facts(b.text + '\n~ # dmesg\n' + b.text), facts(b.text), 'boot followed by its dmesg replay');
  // A replay whose ring buffer lost the first lines (no `Linux version`) is not a boot either.
  const tail = lines(b.text).slice(40).join('\n');
  assert.deepStrictEqual(facts(b.text + '\n' + tail), facts(b.text), 'truncated replay');
});
