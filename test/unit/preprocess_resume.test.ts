// preprocess(..., { previous }) resumes from a checkpoint before the first change in the board
// file; its result must be exactly a full run's (text, findings, files, includes, macros, source
// map answers). Seeded random edits on corpus boards (the 5 of corpus/big and 30 others over
// arch/arm and arch/arm64), a synthetic fuzzer over cpp features (include guards, #pragma once,
// __COUNTER__, #line, macro calls across lines, dtc /include/, #if, output limit), an included
// file that changes, and previous runs with errors. Every comparison is against a full run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { clearLexCache, nodeFileSystem, preprocess, type FileSystem, type PreprocessOptions, type PreprocessResult } from '../../server/src/dts/preprocess/index.js';
import { kbuildIncludeSetup } from '../../server/src/dts/kernel_tree.js';
import { prng } from '../prng.js';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
const LINUX = path.join(CORPUS, 'linux-6.12');

type Rnd = () => number;
const int = (r: Rnd, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rnd, xs: T[]): T => xs[int(r, xs.length)];

/** Files on disk (cached) under in-memory overrides. */
class OverlayFs implements FileSystem {
  over = new Map<string, string | undefined>();
  private disk = new Map<string, string | undefined>();
  readFile(p: string): string | undefined {
    if (this.over.has(p)) return this.over.get(p);
    if (!this.disk.has(p)) this.disk.set(p, nodeFileSystem.readFile(p));
    return this.disk.get(p);
  }
}

function firstDiff(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Asserts that `got` (resumed) answers everything as `want` (full run) does. */
function assertSame(got: PreprocessResult, want: PreprocessResult, r: Rnd, label: string): void {
  if (got.text !== want.text) {
    const i = firstDiff(got.text, want.text);
    assert.fail(`${label}: text differs at ${i} (resumedAt ${got.resumedAt}):\n got  ${JSON.stringify(got.text.slice(Math.max(0, i - 80), i + 80))}\n want ${JSON.stringify(want.text.slice(Math.max(0, i - 80), i + 80))}`);
  }
  assert.deepEqual(got.findings, want.findings, `${label}: findings`);
  assert.deepEqual(got.files, want.files, `${label}: files`);
  assert.deepEqual(got.includes, want.includes, `${label}: includes`);
  const macros = (x: PreprocessResult): unknown[] => [...x.macros.values()].map((m) => [m.name, m.params, m.body, m.range]);
  assert.deepEqual(macros(got), macros(want), `${label}: macros`);
  // Source map: offsets at random, around the resume point and at the ends.
  const n = want.text.length;
  const offs = [0, n - 1, n, n + 1];
  for (let k = 0; k < 300; k++) offs.push(int(r, n + 1));
  if (got.resumedAt !== undefined) for (let d = -150; d <= 150; d++) offs.push(got.resumedAt + d);
  for (const o of offs) {
    assert.deepEqual(got.map.locate(o), want.map.locate(o), `${label}: locate(${o})`);
    const e = o + int(r, 60);
    assert.deepEqual(got.map.range(o, e), want.map.range(o, e), `${label}: range(${o}, ${e})`);
  }
  // Inverse: positions in every file read, the entry file densely.
  const files = [...new Set(want.files)];
  for (const f of files) {
    const entry = f === files[0];
    for (let k = 0; k < (entry ? 200 : 8); k++) {
      const line = int(r, entry ? 400 : 150);
      const col = int(r, 30);
      assert.equal(got.map.toOffset(f, line, col), want.map.toOffset(f, line, col), `${label}: toOffset(${f}, ${line}, ${col})`);
    }
  }
}

// ---- edits of a board file -------------------------------------------------------------------

type Editor = (t: string, r: Rnd, prev: PreprocessResult) => string;

function lineAt(t: string, r: Rnd): number {
  const starts = [0];
  for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts[int(r, starts.length)];
}
const insertAt = (t: string, at: number, s: string): string => t.slice(0, at) + s + t.slice(at);

const EDITS: Record<string, Editor> = {
  insertProp: (t, r) => insertAt(t, lineAt(t, r), `\tdtmem-x = <${int(r, 1000)}>;\n`),
  bench: (t, r) => {
    const m = /^\/ \{[^\n]*\n/m.exec(t);
    return m ? insertAt(t, m.index + m[0].length, `\tdtmem-bench = <${int(r, 1000)}>;\n`) : `${t}\n/ {\n\tdtmem-bench = <1>;\n};\n`;
  },
  changeValue: (t, r) => {
    const nums = [...t.matchAll(/\b\d+\b/g)];
    if (!nums.length) return t + '\n';
    const m = pick(r, nums);
    return t.slice(0, m.index) + String(int(r, 100)) + t.slice(m.index! + m[0].length);
  },
  deleteLine: (t, r) => {
    const a = lineAt(t, r);
    const e = t.indexOf('\n', a);
    return t.slice(0, a) + (e < 0 ? '' : t.slice(e + 1));
  },
  define: (t, r) => {
    const n = int(r, 1000);
    const a = lineAt(t, r);
    return insertAt(insertAt(t, lineAt(t.slice(a), r) + a, `\tdtmem-use = <DTMEM_V${n} __LINE__>;\n`), a, `#define DTMEM_V${n} (${n} + 1)\n`);
  },
  undefOrRedefine: (t, r) => {
    const names = [...new Set([...t.matchAll(/\b[A-Z][A-Z0-9_]{3,}\b/g)].map((m) => m[0]))];
    const name = names.length ? pick(r, names) : 'GPIO_ACTIVE_LOW';
    return insertAt(t, lineAt(t, r), r() < 0.5 ? `#undef ${name}\n` : `#define ${name} 7\n`);
  },
  include: (t, r, prev) => {
    const hs = prev.includes.filter((i) => i.path?.endsWith('.h')).map((i) => i.path!);
    const what = r() < 0.2 ? '"dtmem-missing.dtsi"' : r() < 0.5 && hs.length ? `"${pick(r, hs)}"` : '<dt-bindings/gpio/gpio.h>';
    return insertAt(t, lineAt(t, r), `#include ${what}\n`);
  },
  conditional: (t, r) => {
    const a = lineAt(t, r);
    const b = a + lineAt(t.slice(a), r);
    const [open, close] = pick(r, [['#if 0', '#endif'], ['#ifdef GPIO_ACTIVE_LOW', '#else\n\tdtmem-else;\n#endif'], ['#ifndef __DTS__', '#endif'], ['#if 1', '']]);
    return insertAt(insertAt(t, b, close ? `${close}\n` : ''), a, `${open}\n`);
  },
  macroArg: (t, r) => {
    const calls = [...t.matchAll(/\b[A-Z][A-Z0-9_]*\(/g)];
    if (!calls.length) return insertAt(t, lineAt(t, r), '\tdtmem-m = <MACRO_NONE(1)>;\n');
    const m = pick(r, calls);
    const at = m.index! + m[0].length;
    const close = t.indexOf(')', at);
    switch (int(r, 3)) {
      case 0: return insertAt(t, at, '1 + ');
      case 1: return close < 0 ? t : t.slice(0, close) + t.slice(close + 1); // unterminated argument list
      default: return insertAt(t, at, '\n'); // the invocation now spans lines
    }
  },
  firstLine: (t, r) => (r() < 0.5 ? `// dtmem ${int(r, 100)}\n${t}` : 'X' + t),
  beforeIncludes: (t, r) => {
    const i = t.search(/^#include/m);
    return insertAt(t, i < 0 ? 0 : i, r() < 0.5 ? '#define DTMEM_EARLY 1\n' : '/* dtmem */\n');
  },
  builtins: (t, r) => insertAt(t, lineAt(t, r), '\tdtmem-c = <__COUNTER__ __LINE__ __INCLUDE_LEVEL__>;\n'),
  comment: (t, r) => insertAt(t, lineAt(t, r), r() < 0.3 ? '/* unterminated\n' : '/* a\n comment */ '),
  append: (t, r) => `${t}\n&dtmem_${int(r, 9)} { status = "okay"; };\n`,
};
const EDIT_NAMES = Object.keys(EDITS);

interface Stats { runs: number; resumed: number }

/** A chain of seeded edits of `entry`: each resumed run (from the previous result, resumed or
 * not) against a full run of the same text. */
function editChain(entry: string, opts: Omit<PreprocessOptions, 'fs'>, fs: OverlayFs, r: Rnd, edits: string[], st: Stats): void {
  let text = fs.readFile(entry)!;
  let prev = preprocess(entry, { ...opts, fs });
  try {
    for (const name of edits) {
      text = EDITS[name](text, r, prev);
      fs.over.set(entry, text);
      if (r() < 0.15) clearLexCache();
      const got = preprocess(entry, { ...opts, fs, previous: prev });
      const want = preprocess(entry, { ...opts, fs });
      st.runs++;
      if (got.resumedAt !== undefined) {
        st.resumed++;
        assert.equal(got.text.slice(0, got.resumedAt), prev.text.slice(0, got.resumedAt), `${entry} ${name}: text before resumedAt`);
      }
      assertSame(got, want, r, `${entry} after ${name}`);
      prev = r() < 0.8 ? got : want;
    }
  } finally {
    fs.over.delete(entry);
  }
}

function corpusBoards(r: Rnd): string[] {
  const big = readFileSync(path.join(CORPUS, 'big/manifest.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]);
  const all = readFileSync(path.join(CORPUS, 'canon/expected-linux-6.12.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { board: string }).board);
  const arm = all.filter((b) => b.startsWith('arch/arm/') && !big.includes(b));
  const arm64 = all.filter((b) => b.startsWith('arch/arm64/') && !big.includes(b));
  const some = (xs: string[]): string[] => Array.from({ length: 15 }, () => xs.splice(int(r, xs.length), 1)[0]);
  return [...big, ...some(arm), ...some(arm64)];
}

test('resumed runs equal full runs after seeded edits of 35 corpus boards', () => {
  const r = prng(0x8e5);
  const boards = corpusBoards(r);
  const st: Stats = { runs: 0, resumed: 0 };
  const fs = new OverlayFs();
  for (const [i, board] of boards.entries()) {
    const abs = path.join(LINUX, board);
    const setup = kbuildIncludeSetup(abs)!;
    // Every kind once on the big boards (in a seeded order), 8 at random on the others.
    const edits = i < 5 ? [...EDIT_NAMES].sort(() => r() - 0.5) : Array.from({ length: 8 }, () => pick(r, EDIT_NAMES));
    editChain(abs, setup, fs, r, edits, st);
  }
  // Must exercise resuming, not only fall back to full runs.
  assert.ok(st.resumed > st.runs / 3, `resumed ${st.resumed} of ${st.runs}`);
});

test('the bench edit resumes on the 5 big boards after the includes', () => {
  const fs = new OverlayFs();
  const r = prng(5);
  for (const board of corpusBoards(prng(1)).slice(0, 5)) {
    const abs = path.join(LINUX, board);
    const setup = kbuildIncludeSetup(abs)!;
    const prev = preprocess(abs, { ...setup, fs });
    fs.over.set(abs, EDITS.bench(fs.readFile(abs)!, r, prev));
    const got = preprocess(abs, { ...setup, fs, previous: prev });
    const want = preprocess(abs, { ...setup, fs });
    fs.over.delete(abs);
    assertSame(got, want, r, board);
    // Resumed after the includes: what was produced anew up to the edit is all the board's
    // (generated white space maps to the text before it).
    const at = got.resumedAt;
    const edit = want.text.indexOf('dtmem-bench');
    assert.ok(at !== undefined && at <= edit, `${board}: resumedAt ${at}, edit at ${edit}`);
    for (let o = at; o < edit; o++) if (want.text.charCodeAt(o) > 32) assert.equal(want.map.locate(o)?.file, abs, `${board}: output at ${o} (resumed at ${at}) is not the board's`);
  }
});

test('an included file that changed is read anew (no stale output)', () => {
  const board = path.join(LINUX, 'arch/arm/boot/dts/st/stm32mp153c-mecio1r1.dts');
  const setup = kbuildIncludeSetup(board)!;
  const fs = new OverlayFs();
  const r = prng(77);
  const prev = preprocess(board, { ...setup, fs });
  // A .dtsi the board includes (read before any checkpoint after it), changed.
  const dtsi = prev.files.find((f) => f.endsWith('.dtsi') && f !== board)!;
  fs.over.set(dtsi, `${fs.readFile(dtsi)}\n/ { dtmem-changed; };\n`);
  fs.over.set(board, EDITS.bench(fs.readFile(board)!, r, prev));
  const got = preprocess(board, { ...setup, fs, previous: prev });
  const want = preprocess(board, { ...setup, fs });
  assert.ok(want.text.includes('dtmem-changed'));
  assertSame(got, want, r, 'changed dtsi');
  // Unchanged board, changed dtsi.
  fs.over.delete(board);
  const got2 = preprocess(board, { ...setup, fs, previous: got });
  fs.over.delete(dtsi);
  const got3 = preprocess(board, { ...setup, fs, previous: got2 });
  assert.ok(got2.text.includes('dtmem-changed') && !got3.text.includes('dtmem-changed'));
  assertSame(got3, preprocess(board, { ...setup, fs }), r, 'dtsi changed back');
});

// ---- synthetic files ---------------------------------------------------------------------------

function memFs(files: Record<string, string>): OverlayFs {
  const fs = new OverlayFs();
  for (const [p, t] of Object.entries(files)) fs.over.set(p, t);
  return fs;
}

test('a file that appears earlier in the search path changes what an include resolves to', () => {
  const big = Array.from({ length: 80 }, (_, i) => `\tp${i} = <${i}>;`).join('\n');
  const fs = memFs({
    '/t/main.dts': `/dts-v1/;\n#include "a.dtsi"\n#include "b.dtsi"\n/ {\n\tx = <1>;\n};\n`,
    '/t/inc2/a.dtsi': `/ {\n${big}\n};\n`,
    '/t/inc2/b.dtsi': `/ {\n${big}\n};\n`,
  });
  const opts = { includeDirs: ['/t/inc1', '/t/inc2'] };
  const r = prng(3);
  const prev = preprocess('/t/main.dts', { ...opts, fs });
  fs.over.set('/t/inc1/a.dtsi', '/ { dtmem-shadow; };\n');
  fs.over.set('/t/main.dts', EDITS.bench(fs.readFile('/t/main.dts')!, r, prev));
  const got = preprocess('/t/main.dts', { ...opts, fs, previous: prev });
  const want = preprocess('/t/main.dts', { ...opts, fs });
  assert.ok(want.text.includes('dtmem-shadow'));
  assertSame(got, want, r, 'shadowing file');
  // Other options: no resume.
  const other = preprocess('/t/main.dts', { ...opts, defines: { X: '1' }, fs, previous: got });
  assert.equal(other.resumedAt, undefined);
  assertSame(other, preprocess('/t/main.dts', { ...opts, defines: { X: '1' }, fs }), r, 'other options');
});

test('resuming after a run with errors (missing include, #error, open #if, bad macro call, open comment)', () => {
  const body = Array.from({ length: 60 }, (_, i) => `\tq${i} = <F(${i}) ${i}>;`).join('\n');
  const main = [
    '/dts-v1/;', '#include "big.dtsi"', '#include "missing.dtsi"', '#define F(x) ((x) * 2)', '#error early error',
    '#ifdef NOPE', '#if', '#endif', '#endif', '#if', '#endif', '/ {', '\ta = <F(1>;', '\tb = <F(1, 2)>;', '#warning careful', '};',
    '#ifndef GUARDED', '/ {', '\tc = <__LINE__ __COUNTER__>;', '};', '/* open comment at the end',
  ].join('\n');
  const fs = memFs({ '/t/main.dts': main, '/t/big.dtsi': `#define F(x) ((x) * 2)\n/ {\n${body}\n};\n` });
  const r = prng(11);
  const prev = preprocess('/t/main.dts', { includeDirs: [], fs });
  const codes = new Set(prev.findings.map((f) => f.code));
  for (const c of ['include-missing', 'cpp-error', 'cpp-warning', 'if-expression', 'macro-args', 'unterminated-conditional', 'unterminated-comment']) assert.ok(codes.has(c), `${c} in ${[...codes].join()}`);
  const st: Stats = { runs: 0, resumed: 0 };
  editChain('/t/main.dts', { includeDirs: [] }, fs, r, Array.from({ length: 40 }, () => pick(r, EDIT_NAMES)), st);
  // Closing the comment and the #ifndef: the errors at the end go away, the early ones stay.
  fs.over.set('/t/main.dts', main + ' */\n#endif\n');
  const got = preprocess('/t/main.dts', { includeDirs: [], fs, previous: prev });
  assert.ok(got.resumedAt !== undefined);
  assertSame(got, preprocess('/t/main.dts', { includeDirs: [], fs }), r, 'errors fixed');
  assert.ok(st.resumed > 0);
});

/** A random entry file over the features a checkpoint must carry, with included files. */
function synthFiles(r: Rnd): Record<string, string> {
  const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  const files: Record<string, string> = {
    '/t/guard.h': `#ifndef GUARD_H\n#define GUARD_H\n#define G(x, y) <(x) (y) GV>\n#define GV 5\n${rows(40, (i) => `#define K${i} ${i}`)}\n#endif\n`,
    '/t/once.dtsi': `#pragma once\n/ {\n${rows(40, (i) => `\tonce${i} = <K${i} __COUNTER__>;`)}\n};\n`,
    '/t/plain.dtsi': `/ {\n${rows(40, (i) => `\tplain${i} = G(${i}, __LINE__);`)}\n};\n`,
    '/t/raw.dtsi': `/ {\n${rows(30, (i) => `\traw${i} = <K${i}>; /* not preprocessed */`)}\n};\n`,
    '/t/defs.h': rows(30, (i) => `#define D${i} (K${i} + ${i})`),
  };
  const pieces = [
    () => '#include "guard.h"', () => '#include "once.dtsi"', () => '#include "plain.dtsi"', () => '#include "defs.h"',
    () => '/include/ "raw.dtsi"', () => `#define M${int(r, 5)} ${int(r, 9)}`, () => `#undef M${int(r, 5)}`, () => `#undef GUARD_H`,
    () => `\tv${int(r, 99)} = <M${int(r, 5)} D${int(r, 30)} __COUNTER__>;`, () => `\tw = G(${int(r, 9)},\n\t\t${int(r, 9)});`,
    () => `\tl = <__LINE__>;`, () => `#line ${int(r, 500)} "virtual.dts"`, () => '#if M1 > 3', () => '#else', () => '#endif', () => '#ifdef GUARD_H',
    () => `/ {\n${rows(int(r, 20), (i) => `\tn${i} = <K${i} ${i}>;`)}\n};`, () => '&label { status = "okay"; };', () => '\tname = "it\'s";',
    () => '#define LONG(a) a \\\n\t+ 1', () => '\tlong = <LONG(2)>;', () => '#pragma once',
  ];
  const lines = ['/dts-v1/;'];
  for (let i = 0; i < 30 + int(r, 40); i++) lines.push(pick(r, pieces)());
  files['/t/main.dts'] = lines.join('\n') + '\n';
  return files;
}

test('synthetic fuzz: guards, #pragma once, __COUNTER__, #line, calls across lines, /include/, #if, limits', () => {
  const st: Stats = { runs: 0, resumed: 0 };
  for (let seed = 1; seed <= 60; seed++) {
    const r = prng(seed * 7919);
    const fs = memFs(synthFiles(r));
    const limits = seed % 5 === 0 ? { maxOutputBytes: 3000 + int(r, 6000) } : seed % 7 === 0 ? { maxExpansionTokens: 400 + int(r, 800) } : undefined;
    const opts = { includeDirs: [], dtcIncludeDirs: ['/t'], ...(limits ? { limits } : {}) };
    editChain('/t/main.dts', opts, fs, r, Array.from({ length: 8 }, () => pick(r, EDIT_NAMES)), st);
  }
  assert.ok(st.resumed > st.runs / 4, `resumed ${st.resumed} of ${st.runs}`);
});
