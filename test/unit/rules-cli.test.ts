// `dtmem check`: dtc's warning format (`file:line.col-col: Warning (code): /path: message`, what
// existing problem matchers parse), exit codes (1 on errors, 0 otherwise, 2 on usage errors),
// JSON, and SARIF validated against the SARIF 2.1.0 JSON schema (rtm.5, as shipped by
// @microsoft/jest-sarif, MIT; test/fixtures/rules/sarif-schema-2.1.0-rtm.5.json) with ajv
// (draft-04 meta-schema).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { run } from '../../server/src/cli/batch.js';
import { FIXTURES } from './rules-helpers.js';

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const wOut = process.stdout.write.bind(process.stdout);
  const wErr = process.stderr.write.bind(process.stderr);
  // chunks may be strings or bytes (worker threads' stdio)
  const text = (s: string | Uint8Array) => (typeof s === 'string' ? s : Buffer.from(s).toString('utf8'));
  process.stdout.write = ((s: string | Uint8Array) => { out.push(text(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => { err.push(text(s)); return true; }) as typeof process.stderr.write;
  try {
    // in-thread (-j 1): these tests read the output of one process; the worker-thread path is
    // compared with it in cli-batch.test.ts
    const code = await run([...args, '-j', '1']);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = wOut;
    process.stderr.write = wErr;
  }
}

const fx = (f: string) => path.join(FIXTURES, f);
// the problem matcher of dtc-style tools (e.g. the devicetree VS Code extensions)
const DTC_LINE = /^(.+):(\d+)\.(\d+)-(\d+): (Warning|ERROR) \(([a-z0-9-]+)\): (\/\S*): (.+)$/;

test('text output follows dtc: file:line.col-col: ERROR (code): /path: message; exit 1 on errors', async () => {
  const r = await capture([fx('cma-no-map/static-dynamic.dts'), '--arch', 'arm64']);
  assert.equal(r.code, 1);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines.length, 2, r.out);
  const m = DTC_LINE.exec(lines[0]!);
  assert.ok(m, lines[0]);
  // bad-cma@58000000's name token is on line 10, columns 3-18 (1-based, as dtc counts)
  assert.deepEqual([path.basename(m[1]!), m[2], m[3], m[4], m[5], m[6], m[7]], ['static-dynamic.dts', '10', '3', '19', 'ERROR', 'rmem-cma-no-map', '/reserved-memory/bad-cma@58000000']);
});

test('warnings only: exit 0; related locations as indented notes; --info adds information', async () => {
  const r = await capture([fx('overlap/neighbours.dts')]);
  assert.equal(r.code, 0);
  const lines = r.out.trimEnd().split('\n');
  assert.ok(DTC_LINE.test(lines[0]!), lines[0]);
  assert.match(lines[0]!, /Warning \(rmem-overlap\)/);
  assert.match(lines[1]!, /^ {4}.+neighbours\.dts:14\.\d+-\d+: note: region-b@50200000 overlaps here$/);
  const clean = await capture([fx('placement/dynamic.dts')]);
  assert.deepEqual([clean.code, clean.out], [0, '']);
  const info = await capture([fx('placement/dynamic.dts'), '--info']);
  assert.match(info.out, /: Info \(rmem-placement\): \/reserved-memory\/linux,cma: linux,cma: 64 MiB at \[0x5c000000-0x5fffffff\]/);
});

test('arch and bootargs options change the prediction', async () => {
  assert.equal((await capture([fx('cross-zone/static-cma.dts'), '--arch', 'arm64'])).code, 0);
  const arm = await capture([fx('cross-zone/static-cma.dts'), '--arch', 'arm']);
  assert.equal(arm.code, 1);
  assert.match(arm.out, /ERROR \(cma-cross-zone\)/);
  const boot = await capture([fx('placement/dynamic.dts'), '--arch', 'arm64', '--bootargs', 'cma=32M']);
  assert.match(boot.out, /Warning \(cma-cmdline-bypass\)/);
});

test('usage errors exit 2', async () => {
  assert.equal((await capture([])).code, 2);
  assert.equal((await capture([fx('overlap/neighbours.dts'), '--format', 'xml'])).code, 2);
  assert.equal((await capture([fx('overlap/neighbours.dts'), '--arch', 'x86'])).code, 2);
  assert.equal((await capture([fx('does-not-exist.dts')])).code, 2);
});

test('json output carries findings with ranges and fixes', async () => {
  const r = await capture([fx('cma-no-map/static-dynamic.dts'), '--arch', 'arm', '--format', 'json']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out) as { board: string; arch: string; findings: { code: string; severity: string; path?: string; fixes?: unknown[] }[] }[];
  assert.equal(j[0]!.arch, 'arm');
  const errs = j[0]!.findings.filter((f) => f.code === 'rmem-cma-no-map');
  assert.deepEqual(errs.map((f) => [f.severity, f.path, f.fixes?.length]), [['error', '/reserved-memory/bad-cma@58000000', 1], ['error', '/reserved-memory/bad-cma-dyn', 1]]);
});

test('SARIF validates against the 2.1.0 schema and carries rules, locations, related locations, fixes', async () => {
  const schema = JSON.parse(readFileSync(path.join(FIXTURES, 'sarif-schema-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ schemaId: 'id', meta: false, allErrors: true });
  ajv.addMetaSchema(JSON.parse(readFileSync(require.resolve('ajv/lib/refs/json-schema-draft-04.json'), 'utf8')) as object);
  const validate = ajv.compile(schema);
  const r = await capture([fx('cma-no-map/static-dynamic.dts'), fx('overlap/neighbours.dts'), fx('dma-pool-no-map/mapped-pool.dts'), '--arch', 'arm', '--format', 'sarif']);
  assert.equal(r.code, 1);
  const log = JSON.parse(r.out) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; fixes?: unknown[]; relatedLocations?: unknown[]; locations: { physicalLocation: { region?: { startLine: number } } }[] }[] }[] };
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));
  assert.equal(log.version, '2.1.0');
  const res = log.runs[0]!.results;
  assert.ok(res.some((x) => x.ruleId === 'rmem-cma-no-map' && x.level === 'error' && x.fixes?.length === 1 && x.locations[0]!.physicalLocation.region?.startLine === 10));
  assert.ok(res.some((x) => x.ruleId === 'rmem-overlap' && x.level === 'warning' && x.relatedLocations?.length === 1));
  assert.ok(res.some((x) => x.ruleId === 'rmem-dma-pool-needs-no-map' && x.fixes?.length === 2));
  const ids = log.runs[0]!.tool.driver.rules.map((x) => x.id);
  for (const x of res) assert.ok(ids.includes(x.ruleId), x.ruleId);
  // a broken log is rejected: the check can fail
  assert.equal(validate({ version: '2.1.0', runs: [{ results: [] }] }), false);
});
