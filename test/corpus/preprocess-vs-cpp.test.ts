// Our preprocessor against the real GNU cpp on Linux 6.12 boards, exactly as kbuild runs it:
// `cpp -nostdinc -I $P -undef -D__DTS__ -x assembler-with-cpp BOARD` with $P a temporary folder of
// include-prefix symlinks (INCLUDE-PREFIXES.txt). dtc's raw `/include/ "x"` is spliced into cpp's
// output the way dtc reads it (board dir, then $P; nested ones relative to their file) so both
// sides describe what dtc parses. The comparison splits on white space and drops linemarkers, so
// it checks every token and every place where tokens touch or are separated (what dtc sees).
// Every output word is also looked up through the source map (copied text must be found there,
// macro output must point at a macro name).
// Default: a fixed sample of >= 300 boards over every arch/vendor; DTMEM_CORPUS=all: all 2775.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { preprocess, nodeFileSystem } from '../../server/src/dts/preprocess/index.js';
import { kbuildIncludeSetup } from '../../server/src/dts/kernel_tree.js';

const CORPUS = join(__dirname, '../../../shared/corpus');
const TREE = join(CORPUS, 'linux-6.12');

function findCpp(): string | undefined {
  const r = spawnSync('cpp', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'cpp' : undefined;
}

/** A temporary include-prefixes folder of symlinks, as kbuild's scripts/dtc/include-prefixes. */
function makePrefixDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtmem-prefixes-'));
  for (const line of readFileSync(join(TREE, 'INCLUDE-PREFIXES.txt'), 'utf8').split('\n')) {
    const m = /^([^#\s]\S*) -> (\S+)$/.exec(line.trim());
    if (m) symlinkSync(join(TREE, m[2]), join(dir, m[1]));
  }
  return dir;
}

export function allBoards(): string[] {
  return readFileSync(join(CORPUS, 'canon/expected-linux-6.12.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { board: string }).board);
}

/** Deterministic sample: from every arch/vendor folder, evenly spaced boards in proportion to its
 * size (at least one each), about `target` in all. */
export function sampleBoards(boards: string[], target: number): string[] {
  const groups = new Map<string, string[]>();
  for (const b of [...boards].sort()) {
    const key = b.split('/').slice(0, 5).join('/');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(b);
  }
  const out: string[] = [];
  for (const list of groups.values()) {
    const k = Math.max(1, Math.round((list.length * target) / boards.length));
    for (let i = 0; i < k && i < list.length; i++) out.push(list[Math.floor((i * list.length) / k)]);
  }
  return out;
}

/** dtc's /include/ on cpp's output: raw text, searched in the including file's dir then -i dirs. */
function spliceDtcIncludes(text: string, dir: string, searchDirs: string[], depth = 0): string {
  const re = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|\/include\/\s*"([^"]*)"/g;
  return text.replace(re, (all, name: string | undefined) => {
    if (name === undefined) return all;
    for (const d of [dir, ...searchDirs]) {
      const p = join(d, name);
      if (existsSync(p)) return '\n' + (depth < 20 ? spliceDtcIncludes(readFileSync(p, 'utf8'), dirname(p), searchDirs, depth + 1) : '') + '\n';
    }
    return all;
  });
}

/** Checks the source map on every word of the output: a copied word is found at its located
 * position; a word made by a macro is located at a macro name (the top-level use site). */
function checkMap(r: ReturnType<typeof preprocess>): string | undefined {
  const texts = new Map<string, string[]>();
  const lineText = (file: string, line: number): string => {
    let lines = texts.get(file);
    if (!lines) texts.set(file, (lines = readFileSync(file, 'utf8').split('\n')));
    return lines[line] ?? '';
  };
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(r.text))) {
    const pos = r.map.locate(m.index);
    if (!pos) return `word "${m[0]}" at ${m.index} is not mapped`;
    const src = lineText(pos.file, pos.line).slice(pos.col);
    if (src.startsWith(m[0].split('\\')[0].slice(0, 1))) continue;
    // Macro output: located at an identifier (the macro name; it may be #undef'd by the end).
    if (/^[A-Za-z_$]/.test(src)) continue;
    return `word "${m[0]}" at ${m.index} located at ${pos.file}:${pos.line + 1}:${pos.col + 1} ("${src.slice(0, 20)}")`;
  }
  return undefined;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

function firstDiff(a: string[], b: string[]): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `word ${i}: cpp [${a.slice(Math.max(0, i - 5), i + 5).join(' ')}] vs ours [${b.slice(Math.max(0, i - 5), i + 5).join(' ')}]`;
}

test('preprocess matches GNU cpp (assembler-with-cpp, kbuild options) on Linux 6.12 boards', () => {
  const cpp = findCpp();
  assert.ok(cpp, 'GNU cpp is required for this test (apt-get install cpp); it must not be skipped');
  const boards = allBoards();
  assert.ok(boards.length >= 2775, `expected the 2775 corpus boards, got ${boards.length}`);
  const list = process.env.DTMEM_CORPUS === 'all' ? boards : sampleBoards(boards, 320);
  if (process.env.DTMEM_CORPUS !== 'all') {
    assert.ok(list.length >= 300, `sample has ${list.length} boards`);
    for (const arch of ['arm', 'arm64', 'riscv']) assert.ok(list.some((b) => b.startsWith(`arch/${arch}/`)), arch);
  }
  const prefix = makePrefixDir();
  const failures: string[] = [];
  let matched = 0;
  try {
    for (const board of list) {
      const abs = join(TREE, board);
      const ref = execFileSync(cpp!, ['-nostdinc', '-I', prefix, '-undef', '-D__DTS__', '-x', 'assembler-with-cpp', board], {
        cwd: TREE, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'],
      });
      const refText = spliceDtcIncludes(ref.replace(/^# \d+ "[^\n]*$/gm, ''), dirname(abs), [prefix]);
      const setup = kbuildIncludeSetup(abs);
      assert.ok(setup, `no kernel tree found for ${board}`);
      const ours = preprocess(abs, { ...setup, fs: nodeFileSystem });
      const errors = ours.findings.filter((f) => f.severity === 'error');
      const a = words(refText);
      const b = words(ours.text);
      if (errors.length) failures.push(`${board}: findings ${errors.map((f) => f.code + ' ' + f.message).join('; ')}`);
      else if (a.length !== b.length || a.some((w, i) => w !== b[i])) failures.push(`${board}: ${firstDiff(a, b)}`);
      else {
        const bad = checkMap(ours);
        if (bad) failures.push(`${board}: source map: ${bad}`);
        else matched++;
      }
    }
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
  console.log(`preprocess-vs-cpp: ${matched}/${list.length} boards match`);
  assert.deepEqual(failures, [], `${failures.length} of ${list.length} boards differ:\n${failures.slice(0, 20).join('\n')}`);
});
