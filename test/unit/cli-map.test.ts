// `dtmem map` (server/src/cli/map.ts): the webview's renderer as a standalone SVG on stdout or in
// a file, PNG through headless Chromium at the SVG's size, a clear exit 2 when no Chromium is
// available or the board cannot be simulated (riscv), and usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium, pngSize, run } from '../../server/src/cli/map.js';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/qemu-virt-arm64.dts');
const RISCV = path.resolve(ROOT, '../shared/corpus/linux-6.12/arch/riscv/boot/dts/sophgo/cv1800b-milkv-duo.dts');

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: { write: (x: string) => out.push(x) }, err: { write: (x: string) => err.push(x) } });
  return { code, out: out.join(''), err: err.join('') };
}

test('SVG of the example board on stdout: every reserved-memory node of the board is drawn', async () => {
  const r = await capture([EXAMPLE]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
  assert.match(r.out.trimEnd(), /<\/svg>$/);
  // The reserved-memory children the example board declares (read from its source: nodes two
  // levels deep inside `reserved-memory { ... }`).
  const text = readFileSync(EXAMPLE, 'utf8');
  const block = text.slice(text.indexOf('reserved-memory {'));
  const names = [...block.matchAll(/^\t\t(?:\w+:\s*)?([\w,.+-]+(?:@[0-9a-fA-F]+)?)\s*\{/gm)].map((m) => m[1]!);
  assert.ok(names.length >= 4, names.join(' '));
  for (const name of names) assert.ok(r.out.includes(name), `${name} not drawn`);
  assert.match(r.out, /qemu-virt-arm64\.dts · arm64 · Linux 6\.1/);
});

test('-o out.svg writes the same SVG; the output is deterministic', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dtmem-map-'));
  const file = path.join(dir, 'm.svg');
  assert.equal((await capture([EXAMPLE, '-o', file])).code, 0);
  const stdout = (await capture([EXAMPLE])).out;
  assert.equal(readFileSync(file, 'utf8').trimEnd(), stdout.trimEnd());
});

test('-o out.png: rasterised by headless Chromium at the SVG size, or exit 2 saying Chromium is missing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dtmem-map-'));
  const file = path.join(dir, 'm.png');
  const saved = process.env.DTMEM_CHROMIUM;
  try {
    process.env.DTMEM_CHROMIUM = path.join(dir, 'no-such-chromium');
    const none = await capture([EXAMPLE, '-o', file]);
    assert.equal(none.code, 2);
    assert.match(none.err, /PNG output needs a headless Chromium/);
    assert.equal(existsSync(file), false);
  } finally {
    if (saved === undefined) delete process.env.DTMEM_CHROMIUM;
    else process.env.DTMEM_CHROMIUM = saved;
  }
  if (!findChromium()) assert.fail('no chromium on this machine: apt-get install chromium (CI installs it for the e2e tests)');
  const r = await capture([EXAMPLE, '-o', file]);
  assert.equal(r.code, 0, r.err);
  const svg = (await capture([EXAMPLE])).out;
  const w = Number(/width="(\d+)"/.exec(svg)![1]);
  const h = Number(/height="(\d+)"/.exec(svg)![1]);
  assert.deepEqual(pngSize(file), { width: w, height: h });
});

test('a board with no kernel profile (riscv) and usage errors exit 2', async () => {
  const rv = await capture([RISCV]);
  assert.equal(rv.code, 2);
  assert.match(rv.err, /no memory map: no kernel profile applies/);
  assert.equal((await capture([])).code, 2);
  assert.equal((await capture([EXAMPLE, '-o', 'map.jpg'])).code, 2);
  assert.equal((await capture([EXAMPLE, '--arch', 'x86'])).code, 2);
  assert.equal((await capture([path.join(ROOT, 'examples/missing.dts')])).code, 2);
});
