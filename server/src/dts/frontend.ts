// Public entry of the devicetree front end: preprocessed text -> parse (tree-sitter checks the
// text and delimits the top-level statements, parser.ts evaluates them and is the dtc-exact
// fallback) -> dtc-style merge and fixups ->
// DtTree with the raw DTB bytes of every property, plus findings with exact ranges.
// `compileText` takes text that is already expanded (optionally with cpp linemarkers).
import { parseDts, resumeDts } from './parser.js';
import { parseWithTreeSitter } from './cst.js';
import { buildTree, type BuildResult } from './build.js';
import { LinemarkerMap, type OffsetMap } from './srcmap.js';
import type { DtsAst, ParseMark } from './ast.js';
import { preprocess, type FileSystem, type PreprocessResult } from './preprocess/index.js';
import { SourceMapImpl } from './preprocess/sourcemap.js';
import type { Finding } from './tree.js';
import { commonPrefix, commonSuffix } from './text_diff.js';
import type { TailReuse } from './parse_tail.js';

export { canonicalDump } from './canon.js';
export { initParser, getParser } from './cst.js';
export type { Reference, BuildResult } from './build.js';
export type { OffsetMap } from './srcmap.js';

export interface CompileTextOptions {
  /** File name used for ranges when the text has no linemarkers (default `<input>`). */
  file?: string;
  /** Maps text offsets to user files (the preprocessor's SourceMap). */
  map?: OffsetMap;
  /** `auto` (default): tree-sitter when initParser() has run and the CST is clean, else the
   * native parser; `native`/`tree-sitter` force one (`tree-sitter` still falls back on errors). */
  parser?: 'auto' | 'native' | 'tree-sitter';
  /** Key (entry file) under which the tree-sitter tree is kept for incremental re-parses. */
  cacheKey?: string;
  /** The previous result for the same board: its statements before the edit are reused. */
  previous?: PreviousParse;
}

export interface TextCompileResult extends BuildResult {
  /** The parsed statements (kept so the next compile of the board can reuse them). */
  ast: DtsAst;
  text: string;
  /** Which parser produced the statement structure. */
  parsedBy: 'tree-sitter' | 'native';
  timings: { parse: number; merge: number };
}

/** Above this size `auto` goes straight to the native parser: tree-sitter takes 0.5-2 s per MB
 * of flat input (measured on 2 MB of generated properties) against ~0.1-0.2 s for parser.ts, and
 * the largest board of Linux 6.12 preprocesses to 247 KB, so real boards keep tree-sitter. */
export const TREE_SITTER_MAX_CHARS = 1024 * 1024;
/** Likewise past this many `{` (a bound on tree-sitter's work: when the walk still went through
 * every node, 150k nodes in 600 KB took 1.2 s against 85 ms native); the largest boards of
 * Linux 6.12 have ~1250. */
export const TREE_SITTER_MAX_BRACES = 16384;

function fewBraces(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++n > TREE_SITTER_MAX_BRACES) return false;
  return true;
}

/** What a parse after an edit takes from the previous one: the last statement boundary of `prev`
 * whose parse looked only at text before the first character where `text` differs (the lookahead
 * token counts: error recovery swallows a `}` there), and the tail both texts share at their ends
 * (parse_tail.ts). Nothing from an AST a later parse already took over. */
function reusable(prev: PreviousParse, text: string): { mark?: ParseMark; tail?: TailReuse } {
  const marks = prev.ast.marks;
  if (!marks?.length || prev.ast.consumed) return {};
  const same = commonPrefix(prev.text, text, prev.samePrefix);
  let lo = 0, hi = marks.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid].seen <= same) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  // no resume point, no parse to take a tail over
  if (best < 0) return {};
  const suffix = commonSuffix(prev.text, text, Math.min(prev.text.length, text.length) - same);
  const tail = suffix > 0 ? { prev: prev.ast, suffix, delta: text.length - prev.text.length, newLength: text.length } : undefined;
  return { mark: marks[best], ...(tail ? { tail } : {}) };
}

/** A previous parse of the same board, for statement reuse after an edit; `samePrefix`: how
 * many leading characters of the new text are known to be the same (the preprocessor's
 * resumedAt), so only the rest is compared. */
export interface PreviousParse { text: string; ast: DtsAst; samePrefix?: number }

export function parseText(text: string, parser: CompileTextOptions['parser'] = 'auto', cacheKey?: string, prev?: PreviousParse): { ast: DtsAst; parsedBy: 'tree-sitter' | 'native' } {
  const { mark, tail } = prev ? reusable(prev, text) : {};
  // From here on the previous AST may lose its tail to this parse (parse_tail.ts).
  if (prev && mark) prev.ast.consumed = true;
  if (parser === 'tree-sitter' || (parser !== 'native' && text.length <= TREE_SITTER_MAX_CHARS && fewBraces(text))) {
    const ast = parseWithTreeSitter(text, cacheKey, mark && prev && { ast: prev.ast, mark, ...(tail ? { tail } : {}) });
    if (ast) return { ast, parsedBy: 'tree-sitter' };
  }
  return { ast: mark && prev ? resumeDts(text, prev.ast, mark, tail) : parseDts(text), parsedBy: 'native' };
}

/** Texts beyond this are not parsed (an `input-too-large` finding): the preprocessor's output
 * bound (2 MiB) plus the token that crossed it. */
export const MAX_TEXT_CHARS = 2 * 1024 * 1024 + 65536;

export function compileText(text: string, opts: CompileTextOptions = {}): TextCompileResult {
  const map = opts.map ?? new LinemarkerMap(text, opts.file ?? '<input>');
  if (text.length > MAX_TEXT_CHARS) {
    const r = compileText('', { file: opts.file, parser: 'native' });
    const range = map.range(0, 0);
    r.findings.push({ severity: 'error', code: 'input-too-large', message: `${text.length} characters to parse; dtmem parses at most ${MAX_TEXT_CHARS}`, ...(range ? { range } : {}) });
    return r;
  }
  const t0 = performance.now();
  const { ast, parsedBy } = parseText(text, opts.parser, opts.cacheKey, opts.previous);
  const t1 = performance.now();
  const built = buildTree(ast, map);
  const t2 = performance.now();
  return { ...built, ast, text, parsedBy, timings: { parse: t1 - t0, merge: t2 - t1 } };
}

export interface CompileOptions {
  /** cpp -I dirs. */
  includeDirs: string[];
  /** Virtual include-prefix folder and its mapping (kernel_tree.ts kbuildIncludeSetup). */
  prefixMap?: Record<string, string>;
  prefixDir?: string;
  /** dtc -i dirs for /include/. */
  dtcIncludeDirs?: string[];
  fs: FileSystem;
  defines?: Record<string, string>;
  parser?: CompileTextOptions['parser'];
  /** The previous compile of the same board with the same options: the preprocessor resumes
   * from its state before the edit and the parser reuses its statements. */
  previous?: CompileResult;
}

export interface CompileResult extends TextCompileResult {
  pre: PreprocessResult;
  timings: { preprocess: number; parse: number; merge: number };
}

function sameFindings(a: Finding[], b: Finding[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

/** Preprocesses `entryPath` as kbuild does, then compiles it like dtc (after initParser() to use
 * tree-sitter; without it the native parser does everything). Never throws. */
export function compile(entryPath: string, opts: CompileOptions): CompileResult {
  const t0 = performance.now();
  const pre = preprocess(entryPath, {
    includeDirs: opts.includeDirs, prefixMap: opts.prefixMap, prefixDir: opts.prefixDir,
    dtcIncludeDirs: opts.dtcIncludeDirs, defines: opts.defines, fs: opts.fs, ...(opts.previous ? { previous: opts.previous.pre } : {}),
  });
  const t1 = performance.now();
  const prev = opts.previous;
  // Nothing changed for the compiler (a re-save, a touched include): the same text mapped to the
  // same places with the same preprocessor findings compiles to the same result.
  if (prev && prev.pre.text === pre.text && prev.pre.map instanceof SourceMapImpl && prev.pre.map.sameAs(pre.map) && sameFindings(prev.pre.findings, pre.findings)) {
    return { ...prev, timings: { preprocess: t1 - t0, parse: 0, merge: 0 } };
  }
  const previous = prev && { text: prev.text, ast: prev.ast, samePrefix: pre.resumedAt };
  const r = compileText(pre.text, { map: pre.map, parser: opts.parser, file: entryPath, cacheKey: entryPath, ...(previous ? { previous } : {}) });
  return { ...r, findings: [...pre.findings, ...r.findings], pre, timings: { preprocess: t1 - t0, ...r.timings } };
}
