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

const marksOf = (ast: DtsAst) => ast.marks?.map(({ seen: _seen, ...m }) => m);
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
  let reusedStatements = 0, adoptedTail = 0, cases = 0;
  for (const base of texts()) {
    for (const parser of ['native', 'tree-sitter'] as const) {
      let prevText = base;
      let prev = parseText(base, parser).ast;
      for (let i = 0; i < 12; i++) {
        const text = edit(prevText, rnd);
        const { ast: fresh, parsedBy: freshBy } = parseText(text, parser);
        const before = new Set(prev.statements);
        const kept = prev.statements.slice();
        const r = parseText(text, parser, undefined, { text: prevText, ast: prev });
        const resumed = r.ast;
        const what = `${parser} edit ${i} of a ${base.length}-char text`;
        assert.deepEqual(strip(resumed), strip(fresh), what);
        // the marks too (the next resume starts from them) for the native parser (the tree-sitter
        // walker's marks end at a statement's end, the native parser's at the next token, and a
        // chain of tree-sitter parses mixes both after fallbacks), but for how far each parse had
        // looked ahead: a resumed parse did not look ahead from the statements it did not parse
        if (parser === 'native' && r.parsedBy === freshBy) assert.deepEqual(marksOf(resumed), marksOf(fresh), what);
        const shared = resumed.statements.findIndex((s, k) => s !== kept[k]);
        reusedStatements += shared < 0 ? resumed.statements.length : shared;
        if (shared >= 0) adoptedTail += resumed.statements.slice(shared).filter((s) => before.has(s)).length;
        cases++;
        prevText = text;
        prev = resumed;
      }
    }
  }
  assert.ok(cases >= 48, `${cases} cases`);
  // The edits land mostly after the first statements: reuse must really have happened, before
  // the edit and (parse_tail.ts) after it.
  assert.ok(reusedStatements > cases, `${reusedStatements} statements reused over ${cases} cases`);
  assert.ok(adoptedTail > cases, `${adoptedTail} statements after the edit taken over in ${cases} cases`);
});

test('a tail taken over after an edit: the statements after it are the previous ones, shifted', () => {
  const base = '/dts-v1/;\n/ { a = <1>; };\n&x { b = <&y>, "s"; l: c; };\n/ { n@1 { reg = <1>; }; };\nlab: &y { d; };\n/delete-node/ &z;\n';
  for (const parser of ['native', 'tree-sitter'] as const) {
    const prev = parseText(base, parser).ast;
    const kept = prev.statements.slice();
    // blank lines before the fourth statement: the parse resumes before it and takes over the last
    const at = base.indexOf('/ { n@1');
    const text = base.slice(0, at) + '\n\n' + base.slice(at);
    const fresh = parseText(text, parser);
    const r = parseText(text, parser, undefined, { text: base, ast: prev });
    assert.equal(r.parsedBy, fresh.parsedBy);
    assert.deepEqual(strip(r.ast), strip(fresh.ast), parser);
    assert.deepEqual(marksOf(r.ast), marksOf(fresh.ast), parser);
    assert.equal(prev.consumed, true);
    assert.equal(r.ast.statements.at(-1), kept.at(-1), `${parser}: the last statement is moved over`);
    // a consumed AST is not resumed from again: a second parse from it is a fresh one
    const again = parseText(text, parser, undefined, { text: base, ast: prev });
    assert.deepEqual(strip(again.ast), strip(fresh.ast));
    assert.notEqual(again.ast.statements[0], kept[0]);
  }
});
