// What the server keeps between analyses, bounded for memory (issue #8: the 5 largest boards of
// the corpus open in under 150 MB). Only the boards being edited ("hot": the last HOT_BOARDS
// boards that a didChange reached) keep the state that makes their next analysis incremental:
// the tree-sitter tree of their expanded text (wasm memory, which never shrinks, so trees are
// what bounds its peak), the statement AST and the preprocessor's resume checkpoints.
// Every other board keeps only what requests answer from (DtTree, labels, references, the
// source map, macros, the simulation); its next analysis is a full one, as on open.
import { releaseTree as releaseCstTree } from '../dts/cst.js';
import { clearLexCache, type MacroInfo } from '../dts/preprocess/index.js';
import type { CompileResult } from '../dts/frontend.js';
import type { Analysis } from './analysis.js';

/** Boards that stay incremental: the one being edited (measured on corpus/big: a second one
 * costs ~6-11 MB of AST, resume state and tree for no gain while the user edits one board). */
export const HOT_BOARDS = 1;

/** The analysis without what only a re-analysis of the same board reads: `compile.ast` and
 * `compile.text` (statement reuse), `pre.resume` (preprocessor checkpoints, non-enumerable,
 * so the spread copy leaves it out) and the simulation's reuse key and tree. */
export function slim(a: Analysis): Analysis {
  const { ast: _ast, text: _text, ...compile } = a.compile;
  const pre = { ...a.pre, macros: plainMacros(a.pre.macros) };
  const { simReuse: _simReuse, ...rest } = a;
  return { ...rest, pre, compile: { ...compile, pre } as CompileResult, incremental: false };
}

/** The macro table as plain text: the preprocessor's views keep each definition's tokens
 * (~88 bytes each; 67k tokens, 5.7 MB, with the 5 corpus/big boards open) to render a body
 * on demand, and hover only ever needs the text. */
function plainMacros(macros: Map<string, MacroInfo>): Map<string, MacroInfo> {
  const out = new Map<string, MacroInfo>();
  for (const [name, m] of macros) {
    const info: MacroInfo = { name: m.name, body: m.body };
    const params = m.params, range = m.range;
    if (params) info.params = params;
    if (range) info.range = range;
    out.set(name, info);
  }
  return out;
}

export class Retention {
  /** Most recently edited first. */
  private readonly hot: string[] = [];
  /** Boards whose tree-sitter tree may still be kept. */
  private readonly trees = new Set<string>();

  constructor(private readonly onCool: (board: string) => void) {}

  isHot(board: string): boolean {
    return this.hot.includes(board);
  }

  treeCount(): number {
    return this.trees.size;
  }

  /** A document the board reads was edited. */
  edited(board: string): void {
    const i = this.hot.indexOf(board);
    if (i >= 0) this.hot.splice(i, 1);
    this.hot.unshift(board);
    for (const b of this.hot.splice(HOT_BOARDS)) this.cool(b);
  }

  /** Called after each analysis of `board`: a board not being edited gives back its tree. The
   * lex cache goes after every analysis: one board's lexed files are 5-25 MB (x1e80100-crd:
   * ~25 MB) and the edited board resumes from its preprocessor checkpoint (which holds the files
   * it read before the edit), so only files after the edit are lexed again (measured on bench:lsp:
   * edit+save p50 unchanged, p95 +0-5 ms). */
  analysed(board: string): void {
    this.trees.add(board);
    if (!this.isHot(board)) this.releaseTree(board);
    clearLexCache();
  }

  /** The board is gone (no open document needs it). */
  forget(board: string): void {
    const i = this.hot.indexOf(board);
    if (i >= 0) this.hot.splice(i, 1);
    this.releaseTree(board);
  }

  private cool(board: string): void {
    this.releaseTree(board);
    this.onCool(board);
  }

  private releaseTree(board: string): void {
    if (this.trees.delete(board)) releaseCstTree(board);
  }
}
