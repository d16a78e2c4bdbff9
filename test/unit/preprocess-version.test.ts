// FileSystem.version: a resumed preprocessor run checks the files read before its checkpoint by
// their version token instead of reading them again, and a changed token (content changed)
// still forces them to be read, with the same result as a full run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, type FileSystem } from '../../server/src/dts/preprocess/index.js';

function memFs(files: Map<string, { text: string; v: number }>, reads: string[]): FileSystem {
  return {
    readFile: (p) => { reads.push(p); return files.get(p)?.text; },
    version: (p) => { const f = files.get(p); return f ? `v${f.v}` : '-'; },
  };
}

// Enough text before the board's own lines for the preprocessor to take a checkpoint there.
const FILLER = Array.from({ length: 200 }, (_, i) => `\tp${i} = <${i}>;`).join('\n');

test('a resumed run checks unchanged includes by version, and re-reads a changed one', () => {
  const files = new Map([
    ['/b/board.dts', { text: '/dts-v1/;\n#include "soc.dtsi"\n#include <missing-first.h>\n/ {\n\tmodel = "a";\n};\n', v: 1 }],
    ['/b/soc.dtsi', { text: `#define X 1\n/ { x = <X>;\n${FILLER}\n};\n`, v: 1 }],
    ['/inc/missing-first.h', { text: '#define Y 2\n', v: 1 }],
  ]);
  const reads: string[] = [];
  const fs = memFs(files, reads);
  const opts = { includeDirs: ['/b', '/inc'], fs };
  const first = preprocess('/b/board.dts', opts);
  const edit = (t: string) => { const f = files.get('/b/board.dts')!; files.set('/b/board.dts', { text: f.text.replace('"a"', t), v: f.v + 1 }); };
  edit('"bb"');
  reads.length = 0;
  const second = preprocess('/b/board.dts', { ...opts, previous: first });
  assert.ok(second.resumedAt !== undefined && second.resumedAt > 0, 'resumed');
  // soc.dtsi was read before the checkpoint: its unchanged token stands for its text.
  assert.ok(reads.includes('/b/board.dts') && !reads.includes('/b/soc.dtsi'), reads.join(' '));
  assert.equal(second.text, preprocess('/b/board.dts', opts).text);

  // soc.dtsi changes on disk: its token changes, so the run must not reuse what it expanded.
  files.set('/b/soc.dtsi', { text: `#define X 7\n/ { x = <X>;\n${FILLER}\n};\n`, v: 2 });
  edit('"ccc"');
  const third = preprocess('/b/board.dts', { ...opts, previous: second });
  const full = preprocess('/b/board.dts', opts);
  assert.equal(third.text, full.text);
  assert.match(third.text, /x = <7>/);
  assert.deepEqual(third.findings, full.findings);
});
