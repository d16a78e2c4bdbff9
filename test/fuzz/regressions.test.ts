// Every failure the fuzzer found, kept as a fixture (test/fuzz/regressions/*.json: the files, the
// command line, what broke and the file that fixed it): each must now run through the front end,
// the simulator and analyzeBoard with no exception, every call within the time bound, the heap
// bounded and every finding inside an existing file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { initAnalysis } from '../../server/src/analyze.js';
import { LINUX } from '../corpus/cpp-helper.js';
import { fixtureCase, runCase, type Fixture } from './harness.js';

const DIR = path.join(__dirname, 'regressions');

for (const name of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
  test(`fuzz regression ${name}`, async () => {
    await initAnalysis();
    const fx = JSON.parse(readFileSync(path.join(DIR, name), 'utf8')) as Fixture;
    const c = fixtureCase(fx, LINUX);
    let r = runCase(c);
    if (r.slow.length && !r.problems.length) r = runCase(c); // one slow call on a loaded machine is re-run
    assert.deepEqual([...r.problems, ...r.slow], [], fx.note);
  });
}
