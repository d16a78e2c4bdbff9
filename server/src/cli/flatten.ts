// `dtmem flatten BOARD.dts [-I dir]... [--canonical|--canonical-nophandle]`: preprocesses and
// merges a board like kbuild's cpp + dtc and prints the merged tree as readable DTS, or as the
// fdt-canon v1 dump (shared/corpus/canon/SPEC.md). Inside a Linux tree the kbuild include setup
// is derived from the tree; elsewhere the -I folders and the board's folder are searched.
// Findings go to stderr as `file:line.col-line.col: Error (code): message`; exit 1 on errors.
import path from 'node:path';
import { canonicalDump, compile } from '../dts/frontend.js';
import { kbuildIncludeSetup } from '../dts/kernel_tree.js';
import { nodeFileSystem } from '../dts/preprocess/index.js';
import { printDts } from '../dts/print.js';
import type { Finding } from '../dts/tree.js';
import { Argv, UsageError } from './args.js';

const usage = 'usage: dtmem flatten BOARD.dts [-I dir]... [--canonical|--canonical-nophandle]\n';

export function formatFinding(f: Finding): string {
  const sev = f.severity[0].toUpperCase() + f.severity.slice(1);
  const r = f.range;
  const where = r ? `${r.file}:${r.start.line + 1}.${r.start.col + 1}-${r.end.line + 1}.${r.end.col + 1}` : 'dtmem';
  return `${where}: ${sev} (${f.code}): ${f.message}`;
}

export async function run(args: string[]): Promise<number> {
  let board: string | undefined;
  const dirs: string[] = [];
  let mode: 'dts' | 'canonical' | 'canonical-nophandle' = 'dts';
  const argv = new Argv(args);
  try {
    while (argv.next()) {
      const a = argv.arg;
      const dir = argv.includeDir();
      if (dir) dirs.push(dir);
      else if (a === '--canonical') mode = 'canonical';
      else if (a === '--canonical-nophandle') mode = 'canonical-nophandle';
      else if (a === '-h' || a === '--help') { process.stdout.write(usage); return 0; }
      else if (a.startsWith('-') || board) throw new UsageError(`unexpected argument '${a}'`);
      else board = path.resolve(a);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`dtmem flatten: ${e.message}\n${usage}`);
    return 2;
  }
  if (!board) { process.stderr.write(usage); return 2; }
  if (!nodeFileSystem.readFile(board)) {
    process.stderr.write(`dtmem flatten: ${board}: cannot read\n`);
    return 2;
  }
  const kb = kbuildIncludeSetup(board);
  const boardDir = path.dirname(board);
  const setup = kb
    ? { ...kb, includeDirs: [...kb.includeDirs, ...dirs], dtcIncludeDirs: [...kb.dtcIncludeDirs, ...dirs] }
    : { includeDirs: [...dirs, boardDir], dtcIncludeDirs: [boardDir, ...dirs] };
  const r = compile(board, { ...setup, fs: nodeFileSystem });
  for (const f of r.findings) process.stderr.write(formatFinding(f) + '\n');
  if (mode === 'dts') process.stdout.write(printDts(r.tree));
  else process.stdout.write(canonicalDump(r.tree, { phandles: mode === 'canonical' }));
  return r.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
