// Compiles Linux 6.12 boards with the kbuild include setup and compares the sha256 of both
// fdt-canon dumps with dtc 1.7.0's (shared/corpus/canon/expected-linux-6.12.jsonl).
// Default: a deterministic sample (every 8th board in sorted order, plus the first board of each
// vendor folder) and all dev/big manifest boards; DTMEM_CORPUS=all: every board.
// Boards go through dtmem's preprocessor and, by default, the tree-sitter structural parse
// (DTMEM_PARSER=native: the native parser only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS } from './cpp-helper.js';
import { compileBoard } from './compile-board.js';
import { canonicalDump, initParser } from '../../server/src/dts/frontend.js';

interface Expected { board: string; arch: string; sha256: string; sha256_nophandle: string }

function loadExpected(): Expected[] {
  const text = readFileSync(path.join(CORPUS, 'canon/expected-linux-6.12.jsonl'), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Expected);
}

function manifest(name: string): string[] {
  const text = readFileSync(path.join(CORPUS, name, 'manifest.tsv'), 'utf8');
  return text.split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]);
}

function pick(all: Expected[]): Expected[] {
  if (process.env.DTMEM_CORPUS === 'all') return all;
  const want = new Set([...manifest('dev'), ...manifest('big')]);
  const folders = new Set<string>();
  all.forEach((e, i) => {
    const folder = path.dirname(e.board);
    if (!folders.has(folder)) { folders.add(folder); want.add(e.board); }
    if (i % 8 === 0) want.add(e.board);
  });
  return all.filter((e) => want.has(e.board));
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

test('canon: compiled boards hash like dtc 1.7.0', { timeout: 30 * 60_000 }, async () => {
  assert.ok(existsSync(CORPUS), `corpus missing at ${CORPUS}`);
  await initParser();
  const parser = process.env.DTMEM_PARSER === 'native' ? 'native' : 'tree-sitter';
  const boards = pick(loadExpected());
  let viaTreeSitter = 0;
  assert.ok(process.env.DTMEM_CORPUS === 'all' || boards.length >= 300, `sample too small: ${boards.length}`);
  let match = 0, matchNo = 0;
  const bad: string[] = [];
  for (const e of boards) {
    const r = await compileBoard(e.board, parser);
    if (r.parsedBy === 'tree-sitter') viaTreeSitter++;
    const full = sha(canonicalDump(r.tree, { phandles: true })) === e.sha256;
    const nop = sha(canonicalDump(r.tree, { phandles: false })) === e.sha256_nophandle;
    if (full) match++;
    if (nop) matchNo++;
    const errors = r.findings.filter((f) => f.severity === 'error');
    if (!full || !nop || errors.length) {
      bad.push(`${e.board}: full=${full} nophandle=${nop} ${errors.slice(0, 2).map((f) => `${f.code} ${f.message}`).join('; ')}`);
    }
  }
  console.log(`canon: ${match}/${boards.length} boards match (nophandle: ${matchNo}/${boards.length}; structure from tree-sitter: ${viaTreeSitter})`);
  assert.deepEqual(bad.slice(0, 20), []);
});
