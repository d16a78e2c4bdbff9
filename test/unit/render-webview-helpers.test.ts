// The webviews' pure helpers (client/webview/vscode_api.ts): address and size parsing for the
// translation box and the what-if bar's RAM size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddr, parseSize } from '../../client/webview/vscode_api.js';

test('parseAddr: hex, decimal, separators; rejects junk', () => {
  assert.equal(parseAddr('0xffff_0000_1800_0000'), 0xffff000018000000n);
  assert.equal(parseAddr(" 0x5800'1234 "), 0x58001234n);
  assert.equal(parseAddr('4096'), 4096n);
  assert.equal(parseAddr('0xg'), undefined);
  assert.equal(parseAddr('12k'), undefined);
});

test('parseSize: memparse-like suffixes', () => {
  assert.equal(parseSize('2G'), 2n << 30n);
  assert.equal(parseSize('512M'), 512n << 20n);
  assert.equal(parseSize('64 MiB'), 64n << 20n);
  assert.equal(parseSize('0x40000000'), 0x40000000n);
  assert.equal(parseSize('lots'), undefined);
});
