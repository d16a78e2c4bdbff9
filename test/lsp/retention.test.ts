// What the server keeps per board is bounded (server/src/lsp/retention.ts): only the board being
// edited keeps its tree-sitter tree, statement AST and preprocessor checkpoints; the others are
// slimmed to what requests need. Proves that a board edited again after being slimmed (and after
// being closed and reopened) gets the same diagnostics as a fresh server computes for the same
// text, that requests still answer from a slimmed board, and that at most one tree is kept.
// The server runs with the client's launch flags (launch.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, messages, startServer, uri, type Client } from './harness.js';
import { MemoryRequest, type MemoryResult } from '../../server/src/lsp/memory.js';
import { SERVER_ENV, SERVER_EXEC_ARGV } from '../../server/src/lsp/launch.js';

const board = path.join(FIXTURES, 'board.dts');
const board2 = path.join(FIXTURES, 'board2.dts');
const boardText = readFileSync(board, 'utf8');
const board2Text = readFileSync(board2, 'utf8');
// An undefined label: dtc's "Reference to non-existent node or label" (an error finding), and a
// changed bootargs line on board2 (mem=128M) so both boards' diagnostics depend on the edits.
const boardEdited = boardText.replace('<&bad_cma>', '<&no_such_label>');
const board2Edited = board2Text.replace('mem=256M', 'mem=128M');

const launch = { execArgv: SERVER_EXEC_ARGV, env: SERVER_ENV };

async function settle(c: Client, file: string): Promise<string[]> {
  const v = c.versions.get(file);
  await c.waitFor(`diagnostics of ${path.basename(file)} v${v}`, () => c.latest(file)?.version === v, 60000);
  return messages(c.latest(file)!.diagnostics).sort();
}

async function fresh(file: string, text: string): Promise<string[]> {
  const c = await startServer(launch);
  try {
    await c.open(file, text);
    await c.waitFor('first diagnostics', () => c.latest(file), 60000);
    return messages(c.latest(file)!.diagnostics).sort();
  } finally {
    await c.stop();
  }
}

describe('LSP retention: boards not being edited are slimmed', () => {
  let c: Client;
  let expected: string[];
  let expected2: string[];
  before(async () => {
    expected = await fresh(board, boardEdited);
    expected2 = await fresh(board2, board2Edited);
    c = await startServer(launch);
    await c.open(board);
    await c.open(board2);
    await settle(c, board);
    await settle(c, board2);
  });
  after(async () => {
    await c?.stop();
  });

  it('the fresh server sees the edits (the test can fail)', () => {
    assert.ok(expected.some((m) => m.includes('no_such_label')), expected.join('\n'));
    assert.notDeepEqual(expected, messages(c.latest(board)!.diagnostics).sort());
  });

  it('a board edited again after another board was edited gets the fresh diagnostics', async () => {
    c.change(board, boardText + '\n');
    c.save(board);
    await settle(c, board);
    // board2 becomes the edited board: board is slimmed and its tree released.
    c.change(board2, board2Edited);
    c.save(board2);
    assert.deepEqual(await settle(c, board2), expected2);
    const m = await c.conn.sendRequest<MemoryResult>(MemoryRequest, {});
    assert.ok(m.trees <= 1, `trees kept: ${m.trees}`);
    assert.deepEqual(m.kept[board], ['full']);
    // Back to board: a full (non-incremental) analysis of the edited text.
    c.change(board, boardEdited);
    c.save(board);
    assert.deepEqual(await settle(c, board), expected);
    // And incremental again (board is hot): undo the edit, then redo it.
    c.change(board, boardText);
    c.save(board);
    assert.ok(!(await settle(c, board)).some((x) => x.includes('no_such_label')));
    c.change(board, boardEdited);
    c.save(board);
    assert.deepEqual(await settle(c, board), expected);
  });

  it('requests answer from a slimmed board', async () => {
    // board2 was edited last: board is hot now, board2 slimmed. Hover its chosen node.
    const line = board2Text.split('\n').findIndex((l) => l.includes('chosen {'));
    const h = await c.conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uri(board2) }, position: { line, character: 2 } });
    assert.ok(h && h.contents.value.length > 0);
  });

  it('a closed and reopened board is analysed afresh', async () => {
    c.close(board2);
    await new Promise((r) => setTimeout(r, 100));
    await c.open(board2, board2Edited);
    assert.deepEqual(await settle(c, board2), expected2);
  });
});
