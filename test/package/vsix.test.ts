// `npm run package` (vsce, offline) builds dtmem-<version>.vsix; this test lists its content and
// fails on anything but the bundles, the wasm files, the grammar, the language configuration,
// README, LICENSE, CHANGELOG and the icon (no node_modules, sources, source maps, tests). It then
// checks that what package.json points at (main, bin, grammar, language configuration, icon) is in
// the archive, and runs the packaged CLI bundle from a bare folder with plain Node (no
// node_modules next to it) on the example board.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listZip, readEntry, type ZipEntry } from './zip.js';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string; version: string; main: string; bin?: Record<string, string>; icon?: string;
  contributes?: { grammars?: { path: string }[]; languages?: { configuration?: string }[] };
};
const VSIX = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
// A budget, not a measurement: the bundles are ~2.4 MB uncompressed; a vsix past 4 MB means
// something unintended (node_modules, source maps) slipped in.
const MAX_VSIX_BYTES = 4 * 1024 * 1024;

// vsce writes the OPC parts at the top and the extension under extension/; it renames LICENSE to
// LICENSE.txt and lower-cases readme/changelog.
const ALLOWED: RegExp[] = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/icon\.png$/,
  /^extension\/dist\/(client|server|cli|check-worker)\.js$/,
  /^extension\/dist\/[\w.-]+\.wasm$/,
  /^extension\/dist\/webview\/[\w.-]+\.(js|css)$/,
  /^extension\/syntaxes\/dts\.tmLanguage\.json$/,
  /^extension\/syntaxes\/language-configuration\.json$/,
];
const REQUIRED = [
  'extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', 'extension/icon.png',
  'extension/dist/client.js', 'extension/dist/server.js', 'extension/dist/cli.js',
  'extension/dist/tree-sitter.wasm', 'extension/dist/tree-sitter-devicetree.wasm',
  'extension/syntaxes/dts.tmLanguage.json', 'extension/syntaxes/language-configuration.json',
];

let built: { buf: Buffer; entries: ZipEntry[] } | undefined;
function vsix(): { buf: Buffer; entries: ZipEntry[] } {
  if (built) return built;
  rmSync(VSIX, { force: true });
  const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  const buf = readFileSync(VSIX);
  built = { buf, entries: listZip(buf) };
  return built;
}

test('npm run package builds the vsix offline, within the size budget', (t) => {
  const { buf, entries } = vsix();
  const size = statSync(VSIX).size;
  const unpacked = entries.reduce((s, e) => s + e.size, 0);
  t.diagnostic(`${path.basename(VSIX)}: ${size} bytes (${(size / 1024).toFixed(1)} KiB), ${entries.length} entries, ${unpacked} bytes unpacked`);
  for (const e of entries) t.diagnostic(`  ${e.name} ${e.size}`);
  assert.equal(buf.length, size);
  assert.ok(size < MAX_VSIX_BYTES, `vsix is ${size} bytes`);
});

test('the vsix holds only bundles, wasm, grammar, language configuration, README, LICENSE, CHANGELOG, icon', () => {
  const names = vsix().entries.map((e) => e.name);
  const extra = names.filter((n) => !n.endsWith('/') && !ALLOWED.some((re) => re.test(n)));
  assert.deepEqual(extra, [], `unexpected files in the vsix: ${extra.join(', ')}`);
  const missing = REQUIRED.filter((n) => !names.includes(n));
  assert.deepEqual(missing, [], `missing from the vsix: ${missing.join(', ')}`);
  // The webview bundles esbuild.mjs produces must ship when their sources exist.
  for (const panel of ['memory-map', 'page-tables']) {
    let hasSource = true;
    try {
      statSync(path.join(ROOT, 'client/webview', `${panel}.ts`));
    } catch {
      hasSource = false;
    }
    if (hasSource) assert.ok(names.includes(`extension/dist/webview/${panel}.js`), `webview bundle ${panel}.js missing`);
  }
});

test('what the packaged package.json references is in the vsix', () => {
  const { buf, entries } = vsix();
  const byName = new Map(entries.map((e) => [e.name, e]));
  const manifest = JSON.parse(readEntry(buf, byName.get('extension/package.json')!).toString('utf8')) as typeof pkg;
  const inside = (p: string) => 'extension/' + path.posix.normalize(p.replace(/^\.\//, ''));
  const refs = [manifest.main, ...Object.values(manifest.bin ?? {})];
  for (const g of manifest.contributes?.grammars ?? []) refs.push(g.path);
  for (const l of manifest.contributes?.languages ?? []) if (l.configuration) refs.push(l.configuration);
  if (manifest.icon) refs.push(manifest.icon);
  for (const r of refs) assert.ok(byName.has(inside(r)), `package.json references ${r}, not in the vsix`);
  // The bundles must not need anything from node_modules at run time but vscode (provided by the host).
  for (const js of ['extension/dist/client.js', 'extension/dist/server.js', 'extension/dist/cli.js', 'extension/dist/check-worker.js']) {
    if (!byName.has(js)) continue; // check-worker.js: only when esbuild.mjs builds the batch worker
    const text = readEntry(buf, byName.get(js)!).toString('utf8');
    const requires = [...text.matchAll(/\brequire\(["']([^"'./][^"']*)["']\)/g)].map((m) => m[1]!);
    const external = [...new Set(requires)].filter((m) => !m.startsWith('node:') && !BUILTINS.has(m.split('/')[0]!) && m !== 'vscode');
    assert.deepEqual(external, [], `${js} requires packages that are not bundled`);
  }
});

const BUILTINS = new Set(['assert', 'buffer', 'child_process', 'crypto', 'events', 'fs', 'module', 'net', 'os', 'path', 'process', 'readline', 'stream', 'string_decoder', 'tty', 'url', 'util', 'worker_threads', 'zlib', 'perf_hooks', 'v8', 'vm', 'http', 'https', 'inspector', 'async_hooks', 'constants', 'timers', 'dns', 'cluster', 'dgram', 'querystring', 'punycode', 'tls', 'diagnostics_channel']);

test('the packaged CLI runs with plain Node from a folder without node_modules', () => {
  const { buf, entries } = vsix();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dtmem-vsix-'));
  try {
    for (const e of entries) {
      if (!/^extension\/dist\/[^/]+\.(js|wasm)$/.test(e.name)) continue;
      const to = path.join(dir, e.name.slice('extension/'.length));
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, readEntry(buf, e));
    }
    const board = path.join(ROOT, 'examples/qemu-virt-arm64.dts');
    const r = spawnSync(process.execPath, [path.join(dir, 'dist/cli.js'), 'simulate', board, '--arch', 'arm64'], {
      cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(r.status, 0, r.stderr);
    // The simulated boot names the memblock layout; an empty report would mean the bundle misloaded.
    assert.match(r.stdout, /memory|memblock/i);
    const help = spawnSync(process.execPath, [path.join(dir, 'dist/cli.js'), '--help'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /usage: dtmem/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
