// The source map (copied text, text produced by macros, text across includes and dtc's raw
// /include/), include failures (missing, cycles, depth) and the limits that stop macro bombs.
// Positions are 0-based lines and UTF-16 columns, derived by hand from the inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pp, words } from './preprocess-helpers.js';

test('copied text maps byte for byte, and back', () => {
  const src = '/dts-v1/;\n/ {\n\tfoo = <1>; /* c */ bar = "x";\n};\n';
  const r = pp({ '/t/main.dts': src });
  const foo = r.text.indexOf('foo');
  assert.deepEqual(r.map.locate(foo), { file: '/t/main.dts', line: 2, col: 1 });
  assert.deepEqual(r.map.locate(foo + 2), { file: '/t/main.dts', line: 2, col: 3 });
  const bar = r.text.indexOf('bar');
  assert.deepEqual(r.map.locate(bar), { file: '/t/main.dts', line: 2, col: 20 });
  assert.deepEqual(r.map.range(foo, foo + 3), { file: '/t/main.dts', start: { line: 2, col: 1 }, end: { line: 2, col: 4 } });
  assert.equal(r.map.toOffset('/t/main.dts', 2, 1), foo);
  assert.equal(r.map.toOffset('/t/main.dts', 2, 20), bar);
  assert.equal(r.map.toOffset('/t/other.dts', 0, 0), undefined);
});

test('text produced by a macro maps to the macro use site in the user file', () => {
  const src = '#define V 42\n#define ID(x) x\nx = <V>;\ny = <ID(\n  7)>;\n';
  const r = pp({ '/t/main.dts': src });
  const v = r.text.indexOf('42');
  // `V` is at line 2, col 5.
  assert.deepEqual(r.map.locate(v), { file: '/t/main.dts', line: 2, col: 5 });
  assert.deepEqual(r.map.range(v, v + 2), { file: '/t/main.dts', start: { line: 2, col: 5 }, end: { line: 2, col: 6 } });
  // ID(\n  7) spans line 3 col 5 to line 4 col 4 (after the `)`).
  const seven = r.text.indexOf('7');
  assert.deepEqual(r.map.range(seven, seven + 1), { file: '/t/main.dts', start: { line: 3, col: 5 }, end: { line: 4, col: 4 } });
  // A position inside the invocation maps to where its expansion starts.
  assert.equal(r.map.toOffset('/t/main.dts', 2, 5), v);
  // Copied text after an expansion is still exact.
  const semi = r.text.indexOf(';', v);
  assert.deepEqual(r.map.locate(semi), { file: '/t/main.dts', line: 2, col: 7 });
});

test('text across includes maps to the included file', () => {
  const files = {
    '/t/main.dts': '#include "soc.dtsi"\n/ { main; };\n',
    '/t/soc.dtsi': '/ {\n\tsoc { };\n};\n',
  };
  const r = pp(files);
  const soc = r.text.indexOf('soc');
  assert.deepEqual(r.map.locate(soc), { file: '/t/soc.dtsi', line: 1, col: 1 });
  const main = r.text.indexOf('main');
  assert.deepEqual(r.map.locate(main), { file: '/t/main.dts', line: 1, col: 4 });
  assert.equal(r.map.toOffset('/t/soc.dtsi', 1, 1), soc);
  // A range crossing from one file into another is clamped to the first file.
  const rg = r.map.range(soc, main + 4);
  assert.equal(rg?.file, '/t/soc.dtsi');
});

test('every byte of the output maps somewhere', () => {
  const files = {
    '/t/main.dts': '#include "a.dtsi"\n#define F(x) <x 1>\n/ {\n p = F(2);\n /include/ "raw.dtsi"\n};\n',
    '/t/a.dtsi': '/ { a; };\n',
    '/t/raw.dtsi': 'r = <3>;\n',
  };
  const r = pp(files);
  for (let i = 0; i < r.text.length; i++) assert.ok(r.map.locate(i), `offset ${i} (${JSON.stringify(r.text[i])})`);
});

test('dtc /include/ inserts the file raw (not preprocessed), even inside a node, and maps into it', () => {
  const files = {
    '/t/main.dts': '#define FOO bar\n/ {\n\tnode {\n\t\t/include/ "raw.dtsi"\n\t};\n\tx = FOO;\n};\n',
    '/t/raw.dtsi': '/* raw */\nprop = FOO;\n#include "nope.h"\n',
  };
  const r = pp(files);
  assert.equal(words(r.text), '/ { node { /* raw */ prop = FOO; #include "nope.h" }; x = bar; };');
  const prop = r.text.indexOf('prop');
  assert.deepEqual(r.map.locate(prop), { file: '/t/raw.dtsi', line: 1, col: 0 });
  assert.deepEqual(r.includes, [{ kind: 'dtc', path: '/t/raw.dtsi', range: { file: '/t/main.dts', start: { line: 3, col: 2 }, end: { line: 3, col: 22 } } }]);
  assert.deepEqual(r.findings, []);
});

test('dtc /include/ searches the board dir, then dtcIncludeDirs; nested ones from their own dir', () => {
  const files = {
    '/b/board.dts': '/include/ "sub/x.dtsi"\n/include/ "y.dtsi"\n',
    '/b/sub/x.dtsi': 'x;\n/include/ "z.dtsi" // nested\n',
    '/b/sub/z.dtsi': 'z;\n',
    '/i/y.dtsi': 'y;\n',
  };
  const r = pp(files, { entry: '/b/board.dts', dtcIncludeDirs: ['/b', '/i'] });
  assert.equal(words(r.text), 'x; z; // nested y;');
  assert.deepEqual(r.includes.map((i) => i.path), ['/b/sub/x.dtsi', '/b/sub/z.dtsi', '/i/y.dtsi']);
});

test('missing #include: finding at the path, processing continues', () => {
  const r = pp({ '/t/main.dts': 'a\n#include <dt-bindings/none.h>\nb\n' });
  assert.equal(words(r.text), 'a b');
  assert.equal(r.findings.length, 1);
  const f = r.findings[0];
  assert.equal(f.code, 'include-missing');
  assert.deepEqual(f.range, { file: '/t/main.dts', start: { line: 1, col: 9 }, end: { line: 1, col: 29 } });
  assert.deepEqual(r.includes, [{ kind: 'cpp', range: f.range }]);
  const d = pp({ '/t/main.dts': '/ { /include/ "gone.dtsi" };\n' });
  assert.equal(d.findings[0].code, 'include-missing');
});

test('include cycle: finding naming the chain, no infinite loop; guarded re-inclusion is fine', () => {
  const r = pp({
    '/t/main.dts': '#include "a.dtsi"\nend\n',
    '/t/a.dtsi': 'a\n#include "b.dtsi"\n',
    '/t/b.dtsi': 'b\n#include "a.dtsi"\n',
  });
  assert.equal(words(r.text), 'a b end');
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].code, 'include-cycle');
  assert.match(r.findings[0].message, /\/t\/a\.dtsi -> \/t\/b\.dtsi -> \/t\/a\.dtsi/);
  assert.deepEqual(r.findings[0].range?.file, '/t/b.dtsi');
  const g = pp({
    '/t/main.dts': '#include "a.h"\nend\n',
    '/t/a.h': '#ifndef A_H\n#define A_H\na\n#include "b.h"\n#endif\n',
    '/t/b.h': '#ifndef B_H\n#define B_H\nb\n#include "a.h"\n#endif\n',
  });
  assert.equal(words(g.text), 'a b end');
  assert.deepEqual(g.findings, []);
});

test('include depth limit (cpp: 200) is a finding', () => {
  const files: Record<string, string> = { '/t/main.dts': '#include "f0.h"\n' };
  for (let i = 0; i < 20; i++) files[`/t/f${i}.h`] = `${i}\n#include "f${i + 1}.h"\n`;
  files['/t/f20.h'] = 'last\n';
  const r = pp(files, { limits: { maxIncludeDepth: 5 } });
  assert.equal(words(r.text), '0 1 2 3');
  assert.equal(r.findings[0].code, 'include-depth');
});

test('macro bombs stop at the limits with a macro-limit finding, quickly', () => {
  let src = '#define a0 x x\n';
  for (let i = 1; i <= 40; i++) src += `#define a${i} a${i - 1} a${i - 1}\n`;
  src += 'a40\n';
  const t = performance.now();
  const r = pp({ '/t/main.dts': src }, { limits: { maxOutputBytes: 1 << 20 } });
  assert.ok(performance.now() - t < 5000);
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0].code, 'macro-limit');
  assert.ok(r.text.length <= (1 << 20) + 16);
  const deep = pp({ '/t/main.dts': '#define f(x) f2(x)\n#define f2(x) x\n' + 'f('.repeat(3000) + '1' + ')'.repeat(3000) + '\n' }, { limits: { maxExpansionDepth: 100 } });
  assert.equal(deep.findings[0]?.code, 'macro-limit');
});

test('bad input never throws: missing entry, binary junk, unbalanced everything', () => {
  const r = pp({}, { entry: '/none.dts' });
  assert.equal(r.findings[0].code, 'include-missing');
  const junk = '\u0000\u00ff#if\n#define (\n#define F(\n#define G(a,a) a\nF( G( "\n\'\n#elif\n)\n#endif\n#endif\n\\';
  const j = pp({ '/t/main.dts': junk });
  assert.ok(j.findings.length > 0);
});

test('random directive/macro soup: no internal error, every output byte located, bounded time', () => {
  const atoms = ['#define ', '#undef ', '#if ', '#ifdef ', '#elif ', '#else', '#endif', '#include ', '/include/ ', 'F(', ')', '(', ',', '##', '#', 'x',
    'F', 'G', '__VA_ARGS__', '...', '"s"', "'", '"', '/*', '*/', '//', '\\\n', '\n', ' ', '1/0', '<', '>', '__VA_OPT__', 'defined', '0x', '9',
    '__LINE__', '&', '@', ':', '{', '}', ';', '"x.h"', '<y.h>'];
  let seed = 7;
  // mulberry32: a fixed pseudo-random sequence, so failures reproduce.
  const rnd = (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const t0 = performance.now();
  for (let it = 0; it < 1500; it++) {
    let s = '';
    for (let i = 5 + rnd(60); i > 0; i--) s += atoms[rnd(atoms.length)];
    const r = pp({ '/t/main.dts': s, '/t/x.h': s.slice(0, 30), '/y.h': '#include "x.h"\n' }, { includeDirs: ['/'] });
    assert.deepEqual(r.findings.filter((f) => f.code === 'internal'), [], JSON.stringify(s));
    for (let i = 0; i < r.text.length; i++) assert.ok(r.map.locate(i), `${JSON.stringify(s)} @${i}`);
  }
  assert.ok(performance.now() - t0 < 60_000);
});

test('toOffset on a file included twice gives its first place in the output', () => {
  const r = pp({ '/t/main.dts': '#include "n.dtsi"\nmid\n#include "n.dtsi"\n', '/t/n.dtsi': 'node;\n' });
  assert.equal(words(r.text), 'node; mid node;');
  assert.equal(r.map.toOffset('/t/n.dtsi', 0, 0), r.text.indexOf('node'));
});
