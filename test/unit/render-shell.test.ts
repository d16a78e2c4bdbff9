// The panels' HTML shell (client/src/panels/shell.ts): strict CSP with the nonce, nothing inline
// without it, attribute values escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cspOf, shellHtml } from '../../client/src/panels/shell.js';

test('CSP: nothing by default, scripts only by nonce, styles/fonts only from the webview root', () => {
  const csp = cspOf('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
  assert.equal(csp, "default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data: blob:; style-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-abc123'");
  assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
});

test('shell: every script carries the nonce, URIs are escaped', () => {
  const html = shellHtml({ cspSource: 'vscode-res:', nonce: 'N1', scriptUri: 'x.js?a=1&b="2"', styleUris: ['s.css'], title: '<t>', inline: 'window.a=1' });
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 2);
  for (const s of scripts) assert.match(s, /nonce="N1"/);
  assert.match(html, /src="x\.js\?a=1&amp;b=&quot;2&quot;"/);
  assert.match(html, /<title>&lt;t></);
  assert.doesNotMatch(html, /style="/);
});
