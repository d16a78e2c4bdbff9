// On-save analysis benchmark (issue 8): analyzeBoard (preprocess + parse + merge + simulate +
// rules) as the language server runs it (tree-sitter for the structure when its tree is clean,
// `parser: 'auto'`; `dtmem check` uses the native parser) on each board of corpus/big, beside the
// real `cpp | dtc` for the same board in the same run. Per board, median ms of:
//   cold  - the first analysis in this process state (preprocessor lex cache cleared, no previous
//           tree-sitter tree for the board);
//   warm  - a re-save without changes (every cache warm);
// each after WARMUP unmeasured rounds (JIT tiers, heap sizing: an editor session saves often);
//   edit  - a re-analysis after a one-line edit in the open (board) file: one property line
//           inserted after the root node's opening line, with a new value each run. Every run
//           after the cold one gets the previous analysis (analyzeBoard's `previous`, as the
//           language server does): the preprocessor resumes after the includes, the parser
//           reuses the statements before the edit and takes over those after it, and the boot
//           simulation is reused when what it reads is unchanged (the inserted property changes
//           the DTB size, so it re-runs).
// Each analysis runs in its own event-loop turn, as in the language server (one message per
// turn, idle in between): V8's posted garbage-collection tasks (finishing incremental marking,
// sweeping) run between saves there, not inside the next analysis.
// Targets: warm and edit < cpp|dtc; edit < cpp|dtc / 3.
// Run: node --import tsx bench/analysis.ts [--runs N] [--json]
import path from 'node:path';
import { analyzeBoard, initAnalysis, type Analysis } from '../server/src/analyze.js';
import { clearLexCache } from '../server/src/dts/preprocess/index.js';
import { LINUX, bigBoards, cppDtc, dtcVersion, editingFs, emitJson, hasDtc, median, ms } from './util.js';

const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 21;
const WARMUP = 10;

interface Row { board: string; cold: number; warm: number; edit: number; cppDtc: number; dtcOk: boolean; findings: number; split: string }

async function main(): Promise<void> {
  await initAnalysis();
  const dtc = hasDtc();
  if (!dtc) console.log('cpp/dtc not found (apt-get install -y device-tree-compiler cpp): cpp|dtc column skipped');
  const rows: Row[] = [];
  for (const { board } of bigBoards()) {
    const abs = path.join(LINUX, board);
    let editNo: number | undefined;
    const fs = editingFs(abs, () => editNo);
    // Each analysis gets the previous one, as the language server passes a document's last
    // analysis (the cold run has none).
    let previous: Analysis | undefined;
    const one = async (): Promise<{ t: number; a: Analysis }> => {
      await new Promise((resolve) => setImmediate(resolve)); // a new event-loop turn
      const t0 = performance.now();
      const a = analyzeBoard(abs, { fs, incremental: true, parser: 'auto', ...(previous ? { previous } : {}) });
      previous = a;
      return { t: performance.now() - t0, a };
    };
    clearLexCache();
    const cold = await one();
    const warm: number[] = [];
    const edit: number[] = [];
    const parts = { pre: [] as number[], parse: [] as number[], merge: [] as number[], sim: [] as number[], rules: [] as number[] };
    // Warm-up rounds first (JIT tiers, heap sizing), as in an editor session of many saves.
    for (let i = -WARMUP; i < RUNS; i++) {
      editNo = undefined;
      await one(); // back to the file on disk (removes the previous round's line)
      const w = await one();
      editNo = i + WARMUP + 1;
      const e = await one();
      if (i < 0) continue;
      warm.push(w.t);
      edit.push(e.t);
      parts.pre.push(e.a.compile.timings.preprocess); parts.parse.push(e.a.compile.timings.parse); parts.merge.push(e.a.compile.timings.merge);
      parts.sim.push(e.a.timings.simulate); parts.rules.push(e.a.timings.rules);
    }
    editNo = undefined;
    const ref = dtc ? Array.from({ length: Math.max(3, Math.min(RUNS, 7)) }, () => cppDtc(board)) : [];
    const split = `pre ${median(parts.pre).toFixed(1)} parse ${median(parts.parse).toFixed(1)} merge ${median(parts.merge).toFixed(1)} sim ${median(parts.sim).toFixed(1)} rules ${median(parts.rules).toFixed(1)}`;
    rows.push({ board: path.basename(board), cold: cold.t, warm: median(warm), edit: median(edit), cppDtc: median(ref.map((r) => r.ms)), dtcOk: ref.every((r) => r.ok), findings: cold.a.findings.length, split });
  }
  console.log(`analyzeBoard on corpus/big, median of ${RUNS} runs (ms); edit = one-line edit in the board file; node ${process.version}`);
  console.log('board                                  |    cold    warm    edit | cpp|dtc | warm/ref edit/ref | edit split');
  for (const r of rows) {
    console.log(`${r.board.padEnd(38)} | ${ms(r.cold)} ${ms(r.warm)} ${ms(r.edit)} | ${ms(r.cppDtc)}${r.dtcOk ? ' ' : '*'}| ${(r.warm / r.cppDtc).toFixed(2).padStart(8)} ${(r.edit / r.cppDtc).toFixed(2).padStart(8)} | ${r.split}`);
  }
  if (rows.some((r) => !r.dtcOk)) console.log(`* dtc ${dtcVersion()} rejects this board (bench/get-dtc.sh builds a newer one); the time is still that of the full pipeline run`);
  emitJson('analysis', rows.map((r) => ({ ...r })));
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
