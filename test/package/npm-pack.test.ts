// The CLI as an npm package (`bin: dtmem`): `npm pack` must ship the CLI bundle and its wasm and
// nothing of the development tree (sources, tests, golden results, benchmarks), and the unpacked
// package must run `dtmem` with plain Node 20 and no node_modules (everything is bundled).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

// Until the repository has an .npmignore (or a "files" list) for the CLI package, this fails by
// design: npm would publish the whole development tree.
test('npm pack ships the CLI bundle and wasm, without sources or tests, and it runs unpacked', (t) => {
  const build = spawnSync('node', ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(build.status, 0, build.stderr);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dtmem-pack-'));
  try {
    const r = spawnSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const info = (JSON.parse(r.stdout) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[])[0]!;
    const files = info.files.map((f) => f.path);
    t.diagnostic(`${info.filename}: ${info.size} bytes packed, ${info.unpackedSize} unpacked, ${files.length} files`);
    for (const need of ['package.json', 'dist/cli.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-devicetree.wasm']) assert.ok(files.includes(need), `${need} not in the npm package`);
    const dev = files.filter((f) => /^(test|bench|server|client|\.ci)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    assert.deepEqual(dev.slice(0, 10), [], `${dev.length} development files in the npm package`);
    const tar = spawnSync('tar', ['xzf', path.join(dir, info.filename), '-C', dir], { encoding: 'utf8' });
    assert.equal(tar.status, 0, tar.stderr);
    assert.ok(!readdirSync(path.join(dir, 'package')).includes('node_modules'));
    const cli = path.join(dir, 'package/dist/cli.js');
    const help = spawnSync(process.execPath, [cli, '--help'], { cwd: dir, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /usage: dtmem/);
    const sim = spawnSync(process.execPath, [cli, 'simulate', path.join(ROOT, 'examples/qemu-virt-arm64.dts'), '--arch', 'arm64'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
    assert.equal(sim.status, 0, sim.stderr);
    assert.match(sim.stdout, /Memory:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
