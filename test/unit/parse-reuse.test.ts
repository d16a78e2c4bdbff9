// Statement reuse after an edit (frontend.ts parseText with a previous parse): the AST of an
// edited text parsed from the last statement boundary before the edit, on top of the previous
// AST's statements, must equal a fresh parse of the whole text (both parsers), including the
// errors of broken edits. Texts: preprocessed corpus boards and small hand-written sources;
// edits: seeded random insertions, deletions, replacements and garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { compile, initParser, parseText } from '../../server/src/dts/frontend.js';
import { commonPrefix, commonSuffix } from '../../server/src/dts/text_diff.js';
import { includeSetupFor } from '../../server/src/analyze.js';
import { nodeFileSystem } from '../../server/src/dts/preprocess/index.js';
import type { DtsAst } from '../../server/src/dts/ast.js';
import { prng } from '../prng.js';
import { CORPUS } from '../shared_dir.js';

const LINUX = path.join(CORPUS, 'linux-6.12');
const BOARDS = [
  'arch/arm/boot/dts/ti/omap/am572x-idk.dts',
  'arch/arm64/boot/dts/qcom/x1e80100-crd.dts',
  'arch/arm/boot/dts/st/stm32mp153c-mecio1r1.dts',
  'arch/arm64/boot/dts/rockchip/rk3399-rockpro64.dts',
];

function texts(): string[] {
  const out = [
    '/dts-v1/;\n/memreserve/ 0x1000 0x1000;\n/ {\n\ta = <1>;\n\tn: node@1 { b = "x"; };\n};\n&n { c = <&n>; };\n/delete-node/ &n;\n',
    '/dts-v1/;\n/plugin/;\n&x { a = <1>; };\n&{/y} { b; };\n',
  ];
  for (const b of BOARDS) {
    const abs = path.join(LINUX, b);
    if (!existsSync(abs)) continue;
    out.push(compile(abs, { ...includeSetupFor(abs), fs: nodeFileSystem, parser: 'native' }).text);
  }
  return out;
}

const EDITS = ['\n\tdtmem-x = <N>;\n', ' ', '}', ';', '\n/ { y = <N>; };\n', '\n/memreserve/ 0x1000 N;\n', '"', '&nolabel { };', '/delete-node/ &uart0;', '\n/dts-v1/;\n'];

function edit(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const kind = Math.floor(rnd() * 4);
  const ins = EDITS[Math.floor(rnd() * EDITS.length)].replace('N', String(Math.floor(rnd() * 1000)));
  if (kind === 0) return text.slice(0, at) + ins + text.slice(at);
  if (kind === 3) {
    // Between two top-level statements (a line `};` at column 0 ends one).
    const ends = [...text.matchAll(/^\};$/gm)].map((m) => m.index + 3);
    const b = ends.length ? ends[Math.floor(rnd() * ends.length)] : at;
    return text.slice(0, b) + ins + text.slice(b);
  }
  const len = 1 + Math.floor(rnd() * 40);
  return text.slice(0, at) + (kind === 1 ? '' : ins) + text.slice(at + len);
}

const strip = (ast: DtsAst): Omit<DtsAst, 'marks'> => ({ v1: ast.v1, plugin: ast.plugin, memreserves: ast.memreserves, statements: ast.statements, errors: ast.errors });

test('commonPrefix finds the first difference at any distance', () => {
  const a = 'x'.repeat(70000) + 'abc';
  assert.equal(commonPrefix(a, a), a.length);
  assert.equal(commonPrefix(a, 'x'.repeat(70000) + 'abd'), 70002);
  assert.equal(commonPrefix(a, 'y' + a), 0);
  assert.equal(commonPrefix(a, a.slice(0, 5000)), 5000);
  assert.equal(commonPrefix(a.slice(0, 300) + 'q' + a.slice(301), a), 300);
  assert.equal(commonPrefix(a.slice(0, 300) + 'q' + a.slice(301), a, 200), 300);
});

test('commonSuffix finds the last difference at any distance, within its limit', () => {
  const a = 'abc' + 'x'.repeat(70000);
  assert.equal(commonSuffix(a, a), a.length);
  assert.equal(commonSuffix(a, 'abd' + 'x'.repeat(70000)), 70000);
  assert.equal(commonSuffix(a, a + 'y'), 0);
  assert.equal(commonSuffix(a, a.slice(5000)), a.length - 5000);
  assert.equal(commonSuffix(a.slice(0, 300) + 'q' + a.slice(301), a), a.length - 301);
  // an insertion into a run of equal characters: prefix and suffix must not overlap
  const b = 'x'.repeat(10) + 'x' + 'x'.repeat(10);
  const c = 'x'.repeat(21);
  assert.equal(commonSuffix(b + 'y', c + 'xy', Math.min(b.length + 1, c.length + 2) - commonPrefix(b + 'y', c + 'xy')), 1);
});

test('a parse resumed after an edit equals a fresh parse (native and tree-sitter)', async () => {
  await initParser();
  const rnd = prng(Number(process.env.DTMEM_SEED ?? 8));
  let reusedStatements = 0, cases = 0;
  for (const base of texts()) {
    for (const parser of ['native', 'tree-sitter'] as const) {
      let prevText = base;
      let prev = parseText(base, parser).ast;
      for (let i = 0; i < 12; i++) {
        const text = edit(prevText, rnd);
        const fresh = parseText(text, parser).ast;
        const resumed = parseText(text, parser, undefined, { text: prevText, ast: prev }).ast;
        assert.deepEqual(strip(resumed), strip(fresh), `${parser} edit ${i} of a ${base.length}-char text`);
        reusedStatements += resumed.statements.filter((s, k) => s === prev.statements[k]).length;
        cases++;
        prevText = text;
        prev = resumed;
      }
    }
  }
  assert.ok(cases >= 48, `${cases} cases`);
  // The edits land mostly after the first statements: reuse must really have happened.
  assert.ok(reusedStatements > cases, `${reusedStatements} statements reused over ${cases} cases`);
});
