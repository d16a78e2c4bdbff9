// Test helper: preprocesses a board the way kbuild does, with the real cpp (for comparisons and for
// development before/alongside dtmem's own preprocessor), then expands dtc's `/include/ "file"`
// raw, as dtc's lexer would (searching the including file's folder, then the -i folders).
// Output keeps cpp linemarkers so srcmap.ts can map offsets back to files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CORPUS = path.resolve(__dirname, '../../../shared/corpus');
export const LINUX = path.join(CORPUS, 'linux-6.12');

let prefixDir: string | undefined;

/** A folder of include-prefix symlinks built from INCLUDE-PREFIXES.txt (kbuild's include-prefixes). */
export function includePrefixDir(): string {
  if (prefixDir) return prefixDir;
  const dir = path.join(tmpdir(), 'dtmem-include-prefixes');
  mkdirSync(dir, { recursive: true });
  for (const line of readFileSync(path.join(LINUX, 'INCLUDE-PREFIXES.txt'), 'utf8').split('\n')) {
    const m = /^(\S+) -> (\S+)$/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const link = path.join(dir, m[1]);
    try {
      if (!existsSync(link)) symlinkSync(path.join(LINUX, m[2]), link);
    } catch {
      // created meanwhile by a parallel run
    }
  }
  prefixDir = dir;
  return dir;
}

export function hasCpp(): boolean {
  return existsSync('/usr/bin/cpp');
}

function expandDtcIncludes(text: string, curFile: string, searchDirs: string[], depth: number): string {
  if (!text.includes('/include/')) return text;
  const out: string[] = [];
  let file = curFile;
  const lines = text.split('\n');
  let line = 0; // 1-based source line of the current text line, from linemarkers
  for (const l of lines) {
    const lm = /^# (\d+) "([^"]*)"/.exec(l);
    if (lm) {
      file = lm[2];
      line = Number(lm[1]) - 1;
      out.push(l);
      continue;
    }
    line++;
    const m = /\/include\/\s*"([^"]+)"/.exec(l);
    if (!m || depth > 20) { out.push(l); continue; }
    const dirs = [path.dirname(file), ...searchDirs];
    const found = dirs.map((d) => path.join(d, m[1])).find((p) => existsSync(p));
    if (!found) { out.push(l); continue; }
    const inner = expandDtcIncludes(readFileSync(found, 'utf8'), found, searchDirs, depth + 1);
    out.push(l.slice(0, m.index));
    out.push(`# 1 "${found}"`);
    out.push(inner);
    out.push(`# ${line} "${file}"`);
    out.push(' '.repeat(m.index + m[0].length) + l.slice(m.index + m[0].length));
  }
  return out.join('\n');
}

/** cpp + /include/ expansion of a board path relative to the Linux tree (or absolute). */
export function cppBoard(board: string): string {
  const abs = path.isAbsolute(board) ? board : path.join(LINUX, board);
  const p = includePrefixDir();
  const pre = execFileSync('cpp', ['-nostdinc', '-I', p, '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', abs], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return expandDtcIncludes(pre, abs, [path.dirname(abs), p], 0);
}
