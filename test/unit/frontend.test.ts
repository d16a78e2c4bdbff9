// compile(): the preprocessor's SourceMap carries ranges back to the user's files, preprocessor
// and front-end findings come back together, initParser() is idempotent, and the result carries
// labels, phandles and references for editor features. Uses an in-memory FileSystem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile, canonicalDump, initParser, getParser } from '../../server/src/dts/frontend.js';
import type { FileSystem } from '../../server/src/dts/preprocess/index.js';

const files: Record<string, string> = {
  '/b/board.dts': '/dts-v1/;\n#include "soc.dtsi"\n#define SIZE (0x1000 * 2)\n&uart { status = "okay"; reg = <0x100 SIZE>; };\n',
  '/b/soc.dtsi': '/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n\tuser = <&uart>;\n\tuart: serial@100 { status = "disabled"; };\n};\n',
  '/b/bad.dts': '/dts-v1/;\n#include "missing.h"\n/ {\n\tx = <&nowhere>;\n};\n',
};
const fs: FileSystem = { readFile: (p) => files[p] };

test('initParser is idempotent and shares one parser', async () => {
  await Promise.all([initParser(), initParser()]);
  const p = getParser();
  await initParser();
  assert.ok(p);
  assert.equal(getParser(), p);
});

test('compile merges across files; ranges point into the right file', async () => {
  await initParser();
  const r = compile('/b/board.dts', { includeDirs: ['/b'], fs });
  assert.deepEqual(r.findings, []);
  assert.equal(r.parsedBy, 'tree-sitter');
  // Order: properties of the first definition, then `user`; `reg` appended by &uart.
  assert.equal(canonicalDump(r.tree), 'node /\nprop #address-cells 00000001\nprop #size-cells 00000001\nprop user 00000001\nnode /serial@100\nprop status 6f6b617900\nprop reg 0000010000002000\nprop phandle 00000001\n');
  const uart = r.labels.get('uart')!;
  assert.equal(uart.range?.file, '/b/soc.dtsi');
  assert.deepEqual(uart.ranges?.map((x) => x.file), ['/b/soc.dtsi', '/b/board.dts']);
  const status = uart.props.find((p) => p.name === 'status')!;
  assert.equal(status.range?.file, '/b/board.dts');
  assert.equal(status.range?.start.line, 3);
  assert.equal(r.phandles.get(1), uart);
  assert.deepEqual(r.references.map((x) => [x.name, x.kind, x.target === uart]), [['uart', 'node', true], ['uart', 'phandle', true]]);
  assert.ok(r.pre.files.includes('/b/soc.dtsi'));
});

test('preprocessor and front-end findings come together; nothing throws', () => {
  const r = compile('/b/bad.dts', { includeDirs: ['/b'], fs });
  const codes = r.findings.map((f) => f.code);
  assert.ok(codes.includes('include-missing'), codes.join());
  const undef = r.findings.find((f) => f.code === 'label-undefined')!;
  assert.deepEqual(undef.range, { file: '/b/bad.dts', start: { line: 3, col: 6 }, end: { line: 3, col: 14 } });
  assert.doesNotThrow(() => compile('/b/none.dts', { includeDirs: [], fs }));
});

test('re-compiling after an edit reuses the tree-sitter tree and matches a fresh parse', async () => {
  await initParser();
  const mem: Record<string, string> = { ...files };
  const memFs: FileSystem = { readFile: (p) => mem[p] };
  const first = compile('/b/board.dts', { includeDirs: ['/b'], fs: memFs });
  mem['/b/board.dts'] = files['/b/board.dts'].replace('SIZE>;', 'SIZE>; extra = "e";').replace('"okay"', '"fine"');
  const second = compile('/b/board.dts', { includeDirs: ['/b'], fs: memFs });
  const fresh = compile('/b/board.dts', { includeDirs: ['/b'], fs: memFs, parser: 'native' });
  assert.equal(second.parsedBy, 'tree-sitter');
  assert.notEqual(canonicalDump(first.tree), canonicalDump(second.tree));
  assert.equal(canonicalDump(second.tree), canonicalDump(fresh.tree));
  assert.match(canonicalDump(second.tree), /prop extra 6500/);
});

test('dtmem flatten: canonical dump on stdout, dtc-style findings on stderr, exit 1 on errors', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { run } = await import('../../server/src/cli/flatten.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'dtmem-flatten-'));
  writeFileSync(path.join(dir, 'inc.dtsi'), '/ { a = <1>; };\n');
  writeFileSync(path.join(dir, 'b.dts'), '/dts-v1/;\n#include "inc.dtsi"\n/ { b = <(1/0)>; };\n');
  const out: string[] = [], err: string[] = [];
  const ow = process.stdout.write, ew = process.stderr.write;
  process.stdout.write = ((s: string) => { out.push(s); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(s); return true; }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await run([path.join(dir, 'b.dts'), '--canonical']);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  assert.equal(code, 1);
  assert.equal(out.join(''), 'node /\nprop a 00000001\nprop b 00000000\n');
  assert.equal(err.join(''), `${path.join(dir, 'b.dts')}:3.11-3.14: Error (div-zero): Division by zero\n`);
});
