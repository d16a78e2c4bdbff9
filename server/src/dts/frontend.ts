// Public entry of the devicetree front end: preprocessed text -> parse (tree-sitter for the
// structure, parser.ts for values and as the dtc-exact fallback) -> dtc-style merge and fixups ->
// DtTree with the raw DTB bytes of every property, plus findings with exact ranges.
// `compileText` takes text that is already expanded (optionally with cpp linemarkers).
import { parseDts } from './parser.js';
import { parseWithTreeSitter } from './cst.js';
import { buildTree, type BuildResult } from './build.js';
import { LinemarkerMap, type OffsetMap } from './srcmap.js';
import type { DtsAst } from './ast.js';
import { preprocess, type FileSystem, type PreprocessResult } from './preprocess/index.js';

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
}

export interface TextCompileResult extends BuildResult {
  /** Which parser produced the statement structure. */
  parsedBy: 'tree-sitter' | 'native';
  timings: { parse: number; merge: number };
}

export function parseText(text: string, parser: CompileTextOptions['parser'] = 'auto', cacheKey?: string): { ast: DtsAst; parsedBy: 'tree-sitter' | 'native' } {
  if (parser !== 'native') {
    const ast = parseWithTreeSitter(text, cacheKey);
    if (ast) return { ast, parsedBy: 'tree-sitter' };
  }
  return { ast: parseDts(text), parsedBy: 'native' };
}

export function compileText(text: string, opts: CompileTextOptions = {}): TextCompileResult {
  const map = opts.map ?? new LinemarkerMap(text, opts.file ?? '<input>');
  const t0 = performance.now();
  const { ast, parsedBy } = parseText(text, opts.parser, opts.cacheKey);
  const t1 = performance.now();
  const built = buildTree(ast, map);
  const t2 = performance.now();
  return { ...built, parsedBy, timings: { parse: t1 - t0, merge: t2 - t1 } };
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
}

export interface CompileResult extends TextCompileResult {
  pre: PreprocessResult;
  timings: { preprocess: number; parse: number; merge: number };
}

/** Preprocesses `entryPath` as kbuild does, then compiles it like dtc (after initParser() to use
 * tree-sitter; without it the native parser does everything). Never throws. */
export function compile(entryPath: string, opts: CompileOptions): CompileResult {
  const t0 = performance.now();
  const pre = preprocess(entryPath, {
    includeDirs: opts.includeDirs, prefixMap: opts.prefixMap, prefixDir: opts.prefixDir,
    dtcIncludeDirs: opts.dtcIncludeDirs, defines: opts.defines, fs: opts.fs,
  });
  const t1 = performance.now();
  const r = compileText(pre.text, { map: pre.map, parser: opts.parser, file: entryPath, cacheKey: entryPath });
  return { ...r, findings: [...pre.findings, ...r.findings], pre, timings: { preprocess: t1 - t0, ...r.timings } };
}
