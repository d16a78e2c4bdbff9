// Bundles the extension host client, the language server, the CLI and the webview panels.
// Each bundle is self-contained; the tree-sitter wasm files are copied next to the bundles.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
mkdirSync('dist', { recursive: true });
for (const [from, to] of [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm'],
  ['node_modules/tree-sitter-devicetree/tree-sitter-devicetree.wasm', 'dist/tree-sitter-devicetree.wasm'],
]) copyFileSync(from, to);

// web-tree-sitter's package entry resolves to its ES module build, which cannot find its wasm
// from a CommonJS bundle: use its CommonJS build.
const node = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
  // from-source-only branches (tsx loaders for worker threads) fold away in the bundles
  define: { 'process.env.DTMEM_BUNDLE': '"1"' },
  minifySyntax: true,
};
const entries = [
  { ...node, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // worker threads of `dtmem check -j N`
  { ...node, entryPoints: ['server/src/cli/batch_worker.ts'], outfile: 'dist/check-worker.js' },
];
if (existsSync('server/src/lsp/server.ts')) entries.push({ ...node, entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server.js' });
if (existsSync('client/src/extension.ts')) entries.push({ ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] });
for (const panel of ['memory-map', 'page-tables']) {
  const entry = `client/webview/${panel}.ts`;
  if (existsSync(entry)) entries.push({ bundle: true, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: [entry], outfile: `dist/webview/${panel}.js`, logLevel: 'warning' });
}
if (watch) for (const e of entries) (await esbuild.context(e)).watch();
else await Promise.all(entries.map((e) => esbuild.build(e)));
