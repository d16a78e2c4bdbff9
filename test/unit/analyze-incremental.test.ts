// analyzeBoard with `previous` (the editor's re-analysis after an edit: the preprocessor resumes,
// the parser reuses statements, the boot simulation is reused when its inputs are unchanged) must
// give exactly what a fresh analysis of the same text gives: the flattened tree, every finding
// with its range, and the simulation's facts. Seeded edits of corpus board files through an
// in-memory file system: property lines inserted, values changed in place (same length, so the
// simulation is reused), lines deleted, a reserved-memory region added, broken syntax, a re-save
// without change, a comment that grows before a token (same expanded text, other columns).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeBoard, initAnalysis } from '../../server/src/analyze.js';
import { analysisFacts as facts } from '../analysis_facts.js';
import { nodeFileSystem, type FileSystem } from '../../server/src/dts/preprocess/index.js';
import { prng } from '../prng.js';
import { CORPUS } from '../shared_dir.js';

const LINUX = path.join(CORPUS, 'linux-6.12');
const BOARDS = [
  'arch/arm/boot/dts/ti/omap/am572x-idk.dts',
  'arch/arm64/boot/dts/qcom/x1e80100-crd.dts',
  'arch/arm/boot/dts/nvidia/tegra124-nyan-big-fhd.dts',
  'arch/arm64/boot/dts/rockchip/rk3399-rockpro64.dts',
].filter((b) => existsSync(path.join(LINUX, b)));

function edit(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const body = lines.findIndex((l) => /^\/ \{/.test(l));
  const at = body + 1 + Math.floor(rnd() * Math.max(1, lines.length - body - 2));
  switch (Math.floor(rnd() * 7)) {
    case 5: break; // no change: a re-save
    case 6: { // a comment grows before a token: the same expanded text, other columns
      const i = lines.findIndex((l, k) => k >= at && /^\t+[a-z#]/.test(l));
      if (i >= 0) lines[i] = lines[i].replace(/^(\t+)(\/\*p+\*\/ )?/, (_m, tabs: string, c?: string) => `${tabs}/*${'p'.repeat((c?.length ?? 4) - 3)}*/ `);
      break;
    }
    case 0: lines.splice(at, 0, `\tdtmem-test = <${Math.floor(rnd() * 1e6)}>;`); break;
    case 1: { // a digit changed in place: same DTB size, the simulation can be reused
      const i = lines.findIndex((l, k) => k >= at && /<0x[0-9a-f]+>/.test(l));
      if (i >= 0) lines[i] = lines[i].replace(/<0x([0-9a-f]+)>/, (_m, h: string) => `<0x${h.slice(0, -1)}${'0123456789abcdef'[Math.floor(rnd() * 16)]}>`);
      break;
    }
    case 2: lines.splice(at, 1); break;
    case 3: lines.splice(body + 1, 0, '\treserved-memory {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges;\n\t\tdtmem_pool: pool { compatible = "shared-dma-pool"; reusable; size = <0x400000>; };\n\t};'); break;
    default: lines.splice(at, 0, '\tbroken = <1;'); break;
  }
  return lines.join('\n');
}

test('an analysis that reuses the previous one equals a fresh analysis', async () => {
  await initAnalysis();
  assert.ok(BOARDS.length >= 3, 'corpus boards present');
  const rnd = prng(11);
  let reusedSims = 0, resumed = 0, runs = 0;
  for (const board of BOARDS) {
    const abs = path.join(LINUX, board);
    let text = readFileSync(abs, 'utf8');
    const fs: FileSystem = { readFile: (p) => (p === abs ? text : nodeFileSystem.readFile(p)) };
    for (const parser of ['native', 'auto'] as const) {
      let prev = analyzeBoard(abs, { fs, parser, incremental: true });
      for (let i = 0; i < 6; i++) {
        text = edit(text, rnd);
        const fresh = analyzeBoard(abs, { fs, parser });
        const next = analyzeBoard(abs, { fs, parser, previous: prev, incremental: true });
        assert.equal(facts(next), facts(fresh), `${board} (${parser}) edit ${i}`);
        if (next.sim && prev.sim && next.simKey === prev.simKey) reusedSims++;
        if (next.compile.pre.resumedAt !== undefined) resumed++;
        runs++;
        prev = next;
      }
    }
  }
  // The reuse paths must really have been taken.
  assert.ok(resumed > runs / 2, `${resumed}/${runs} preprocessor runs resumed`);
  assert.ok(reusedSims > 0, `${reusedSims}/${runs} simulations reused`);
});

test('a re-analysis of the same expanded text mapped elsewhere (a longer comment) takes the new places', async () => {
  await initAnalysis();
  const abs = path.join(LINUX, 'arch/arm/boot/dts/ti/omap/am572x-idk.dts');
  const base = readFileSync(abs, 'utf8');
  const withComment = (pad: string): string => base.replace(/^\tmodel = /m, `\t/*${pad}*/ model = `);
  let text = withComment('p');
  const fs: FileSystem = { readFile: (p) => (p === abs ? text : nodeFileSystem.readFile(p)) };
  const prev = analyzeBoard(abs, { fs, incremental: true });
  text = withComment('pppp');
  const next = analyzeBoard(abs, { fs, previous: prev });
  assert.equal(next.compile.pre.text, prev.compile.pre.text, 'the comment leaves the expanded text as it was');
  assert.equal(facts(next), facts(analyzeBoard(abs, { fs })));
  // `model` after the comment moved three columns right.
  const col = (a: typeof next) => a.compile.tree.root.props.find((p) => p.name === 'model')?.range?.start.col;
  assert.equal(col(next), (col(prev) ?? NaN) + 3);
});
