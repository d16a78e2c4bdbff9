// The boot-log parser against the boot-oracle: for every log in shared/oracle/results/<arch>/ and
// test/golden/results/<arch>/ that has its JSON, parseBootLog + toOracleResult must equal the
// oracle's own `result`, field by field (memblock, reserved_mem and cma one level deeper). The
// expected values are read from the JSON files; nothing is typed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseBootLog } from '../../server/src/log/parse.js';
import { toOracleResult } from '../../server/src/log/oracle_json.js';
import { ORACLE } from '../shared_dir.js';


// results-userspace logs add a /proc dump and a `dmesg` replay of the boot after it; their
// `result` is the boot as the console printed it (splitBoots must not pick the replay).
const ROOTS = [join(ORACLE, 'results'), resolve(__dirname, 'results'), join(ORACLE, 'results-userspace')];
const ROOT_NAMES = ['oracle', 'golden', 'oracle-userspace'];
const ARCHES = ['arm64', 'arm', 'arm-lpae'];
const DEEP = new Set(['memblock', 'reserved_mem', 'cma']);

interface Case { name: string; log: string; result: Record<string, unknown> }

/** Every log with a complete JSON next to it (a JSON still being written by run.sh is skipped and
 * counted, so the count assertion below catches an empty or unreadable results folder). */
function cases(): { list: Case[]; incomplete: string[] } {
  const list: Case[] = [];
  const incomplete: string[] = [];
  for (const root of ROOTS) {
    for (const arch of ARCHES) {
      const dir = join(root, arch);
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) {
        if (!f.endsWith('.log')) continue;
        const json = join(dir, f.replace(/\.log$/, '.json'));
        if (!existsSync(json)) continue;
        const name = `${ROOT_NAMES[ROOTS.indexOf(root)]}/${arch}/${f}`;
        try {
          list.push({ name, log: readFileSync(join(dir, f), 'utf8'), result: JSON.parse(readFileSync(json, 'utf8')).result });
        } catch {
          incomplete.push(name);
        }
      }
    }
  }
  return { list, incomplete };
}

/** The field paths compared: each top-level field, and the second level of DEEP fields. */
function fieldPairs(exp: Record<string, unknown>, got: Record<string, unknown>): [string, unknown, unknown][] {
  const out: [string, unknown, unknown][] = [];
  for (const k of new Set([...Object.keys(exp), ...Object.keys(got)])) {
    const e = exp[k];
    const g = got[k];
    if (DEEP.has(k) && e && g && typeof e === 'object' && typeof g === 'object') {
      const eo = e as Record<string, unknown>;
      const go = g as Record<string, unknown>;
      for (const s of new Set([...Object.keys(eo), ...Object.keys(go)])) out.push([`${k}.${s}`, eo[s], go[s]]);
    } else {
      out.push([k, e, g]);
    }
  }
  return out;
}

const { list, incomplete } = cases();

test('the oracle results folder is there and every oracle log has a readable JSON', () => {
  const oracleLogs = list.filter((c) => c.name.startsWith('oracle/')).length;
  assert.ok(oracleLogs > 0, `no oracle logs under ${ROOTS[0]}`);
  assert.deepEqual(incomplete.filter((n) => n.startsWith('oracle/')), []);
});

let fields = 0;
for (const c of list) {
  test(`parser = oracle result: ${c.name}`, () => {
    const got = JSON.parse(JSON.stringify(toOracleResult(parseBootLog(c.log)))) as Record<string, unknown>;
    const diffs: string[] = [];
    for (const [path, e, g] of fieldPairs(c.result, got)) {
      fields++;
      try {
        assert.deepStrictEqual(g, e);
      } catch {
        diffs.push(`${path}: expected ${JSON.stringify(e)?.slice(0, 300)} got ${JSON.stringify(g)?.slice(0, 300)}`);
      }
    }
    assert.deepEqual(diffs, []);
  });
}

test('summary: logs × fields compared', () => {
  // Printed for the report; the per-log tests above carry the assertions.
  process.stdout.write(`# log-parser: ${list.length} logs, ${fields} fields compared, ${incomplete.length} JSON incomplete\n`);
  assert.ok(list.length > 0);
});
