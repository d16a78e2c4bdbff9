// `dtmem check` over many boards (server/src/cli/batch.ts): the same text/JSON/SARIF as check.ts
// board by board whether run in worker threads or in-thread, globs (`*`, `**`, `{a,b}`), exit codes
// (1 on errors, 2 on an unreadable board or a glob matching nothing), the merged SARIF log valid
// against the SARIF 2.1.0 schema, `--config FILE.json` (values, precedence of explicit flags,
// unknown keys refused) and the progress bar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { run as batchRun, checkMany, mergeSarif } from '../../server/src/cli/batch.js';
import { checkBoard, formatText, toJson, toSarif } from '../../server/src/cli/check.js';
import { initAnalysis } from '../../server/src/analyze.js';
import { expandConfig, ConfigError } from '../../server/src/cli/config.js';
import { expandGlob } from '../../server/src/cli/glob.js';
import { FIXTURES } from './rules-helpers.js';

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await batchRun(args, { out: { write: (x: string) => out.push(x) }, err: { write: (x: string) => err.push(x) } });
  return { code, out: out.join(''), err: err.join('') };
}

/** check.ts's own outputs for the boards (its exported formatters, board by board). */
async function reference(list: string[], format: string): Promise<{ code: number; out: string }> {
  await initAnalysis();
  const reps = list.map((b) => checkBoard(b, { arch: 'auto', includeDirs: [] }));
  const code = reps.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
  if (format === 'text') return { code, out: reps.map((r) => formatText(r, true)).join('') };
  return { code, out: JSON.stringify(format === 'json' ? toJson(reps) : toSarif(reps), null, 2) + '\n' };
}

const boards = expandGlob(path.join(FIXTURES, '{cma-no-map,overlap,placement,cross-zone}/*.dts'));

test('globs: {a,b} and ** expand to the fixture boards, sorted', () => {
  assert.ok(boards.length >= 6, boards.join('\n'));
  assert.deepEqual(boards, [...boards].sort());
  const deep = expandGlob(path.join(FIXTURES, '**/*.dts'));
  for (const b of boards) assert.ok(deep.includes(b));
  assert.ok(deep.every((f) => f.endsWith('.dts')));
  assert.deepEqual(expandGlob(path.join(FIXTURES, 'no-such-dir/*.dts')), []);
});

test('text, JSON and SARIF equal check.ts, with 2 workers and in-thread', async () => {
  for (const format of ['text', 'json', 'sarif']) {
    const ref = await reference(boards, format);
    for (const jobs of ['1', '2']) {
      const got = await capture([...boards, '--format', format, '--info', '-j', jobs, '--no-progress']);
      assert.equal(got.code, ref.code, `${format} -j ${jobs}`);
      if (format === 'sarif') {
        // One merged run: the same results; rules are the union (check.ts lists each once too).
        const a = JSON.parse(ref.out) as { runs: { results: unknown[]; tool: { driver: { rules: { id: string }[] } } }[] };
        const b = JSON.parse(got.out) as typeof a;
        assert.deepEqual(b.runs[0]!.results, a.runs[0]!.results);
        assert.deepEqual(b.runs[0]!.tool.driver.rules.map((r) => r.id), a.runs[0]!.tool.driver.rules.map((r) => r.id));
      } else assert.equal(got.out, ref.out, `${format} -j ${jobs}`);
    }
  }
});

test('exit codes: 1 on an error finding, 0 on warnings only, 2 on unreadable boards and empty globs', async () => {
  assert.equal((await capture([path.join(FIXTURES, 'cma-no-map/static-dynamic.dts'), '--no-progress'])).code, 1);
  assert.equal((await capture([path.join(FIXTURES, 'overlap/neighbours.dts'), '--no-progress'])).code, 0);
  const missing = await capture([path.join(FIXTURES, 'overlap/neighbours.dts'), path.join(FIXTURES, 'nope.dts'), '-j', '2']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /nope\.dts: cannot read/);
  // The readable board is still reported.
  assert.match(missing.out, /rmem-overlap/);
  const empty = await capture([path.join(FIXTURES, 'none-such/*.dts')]);
  assert.equal(empty.code, 2);
  assert.match(empty.err, /no file matches/);
  assert.equal((await capture(['--jobs', '0', boards[0]!])).code, 2);
  assert.equal((await capture([])).code, 2);
});

test('merged SARIF validates against the SARIF 2.1.0 schema and keeps every board', async () => {
  const outcomes = await checkMany(boards, { arch: 'auto', includeDirs: [] }, { jobs: 2 });
  assert.equal(outcomes.length, boards.length);
  assert.deepEqual(outcomes.map((o) => o.board), boards);
  const merged = mergeSarif(outcomes.map((o) => o.sarif)) as { runs: { results: unknown[] }[] };
  const perBoard = outcomes.reduce((s, o) => s + (o.sarif as { runs: { results: unknown[] }[] }).runs[0]!.results.length, 0);
  assert.equal(merged.runs.length, 1);
  assert.equal(merged.runs[0]!.results.length, perBoard);
  const schema = JSON.parse(readFileSync(path.join(FIXTURES, 'sarif-schema-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  const ajv = new Ajv({ allErrors: true, schemaId: 'auto' } as ConstructorParameters<typeof Ajv>[0]);
  const ok = ajv.validate(schema, merged);
  assert.ok(ok, JSON.stringify(ajv.errors?.slice(0, 5)));
});

test('--config: values become flags, explicit flags win, paths are relative to the file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dtmem-config-'));
  const cfg = path.join(dir, 'dtmem.json');
  writeFileSync(cfg, JSON.stringify({ arch: 'arm', bootargs: 'cma=32M', include: ['inc'], format: 'json', jobs: 2, boards: [path.relative(dir, path.join(FIXTURES, 'cross-zone/static-cma.dts'))] }));
  const e = expandConfig('check', ['--config', cfg, '--arch', 'arm64']);
  assert.deepEqual(e.args, ['--arch', 'arm', '--bootargs', 'cma=32M', '-I', path.join(dir, 'inc'), '--format', 'json', '--jobs', '2', '--arch', 'arm64']);
  assert.deepEqual(e.boards, [path.join(FIXTURES, 'cross-zone/static-cma.dts')]);
  // simulate only takes what it understands.
  assert.deepEqual(expandConfig('simulate', [`--config=${cfg}`, 'b.dts']).args, ['--arch', 'arm', '--bootargs', 'cma=32M', '-I', path.join(dir, 'inc'), 'b.dts']);
  // Through the command: the config's board, arch arm (cma-cross-zone is an error on arm only,
  // as the rules-cli test shows), JSON format.
  const r = await capture(['--config', cfg, '--no-progress']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out) as { arch: string; findings: { code: string }[] }[];
  assert.equal(j[0]!.arch, 'arm');
  assert.ok(j[0]!.findings.some((f) => f.code === 'cma-cross-zone'));
  assert.equal((await capture(['--config', cfg, '--arch', 'arm64', '--no-progress'])).code, 0);
  writeFileSync(cfg, JSON.stringify({ arhc: 'arm' }));
  assert.throws(() => expandConfig('check', ['--config', cfg]), ConfigError);
  const bad = await capture(['--config', cfg, boards[0]!]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown key "arhc"/);
  assert.equal((await capture(['--config', path.join(dir, 'missing.json'), boards[0]!])).code, 2);
});

test('progress bar: rewritten line on stderr ending at N/N 100%, cleared at the end', async () => {
  const r = await capture([...boards, '--progress', '-j', '2']);
  assert.match(r.err, new RegExp(`\\r\\x1b\\[K\\[#+\\] ${boards.length}/${boards.length} 100%`));
  assert.ok(r.err.endsWith('\r\x1b[K'));
  const quiet = await capture([...boards, '--no-progress']);
  assert.equal(quiet.err, '');
});
