// Public entry of the devicetree front end: preprocessed text -> parse -> dtc-style merge and
// fixups -> DtTree with the raw DTB bytes of every property, plus findings with exact ranges.
// `compileText` takes text that is already expanded (optionally with cpp linemarkers).
import { parseDts } from './parser.js';
import { buildTree, type BuildResult } from './build.js';
import { LinemarkerMap, type OffsetMap } from './srcmap.js';

export { canonicalDump } from './canon.js';
export type { Reference, BuildResult } from './build.js';

export interface CompileTextOptions {
  /** File name used for ranges when the text has no linemarkers (default `<input>`). */
  file?: string;
  /** Maps text offsets to user files (the preprocessor's SourceMap). */
  map?: OffsetMap;
}

export type TextCompileResult = BuildResult;

export function compileText(text: string, opts: CompileTextOptions = {}): TextCompileResult {
  const map = opts.map ?? new LinemarkerMap(text, opts.file ?? '<input>');
  const ast = parseDts(text);
  return buildTree(ast, map);
}
