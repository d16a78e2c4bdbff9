// tree-sitter-devicetree as the structural parser: loads web-tree-sitter and the grammar once,
// parses preprocessed text (incrementally after an edit: the previous tree per board) and walks
// the top level of the concrete syntax tree: each top-level statement (`/ { }` and `&ref { }`
// fragments, /dts-v1/, /plugin/, /memreserve/, /delete-node/, /omit-if-no-ref/) is evaluated from
// its text span by parser.ts, so values and names keep dtc's semantics where the grammar differs
// (tree-sitter-gaps.md: `0x10UL`, char literals, `/bits/` lists...). Walking deeper through the
// wasm cursor cost 3-5x parser.ts's time for the same statements (bench/frontend, issue #8). When
// the tree has an ERROR/MISSING node, or a statement the native parser finds a syntax error in,
// the caller falls back to parser.ts for the whole text: it implements dtc's grammar, gaps
// included, and reports real syntax errors where dtc would.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Parser, Tree, TreeCursor } from 'web-tree-sitter';
// A require (not `import`) so that esbuild's CommonJS bundles take the package's `require`
// build (tree-sitter.cjs); its ESM build relies on import.meta, which a CJS bundle lacks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import wts = require('web-tree-sitter');
import { DtsParser, markOf, prefixAst } from './parser.js';
import { State } from './lexer.js';
import { adoptTail, tailMark, type TailReuse } from './parse_tail.js';
import type { DtsAst, ParseMark } from './ast.js';
import { commonPrefix, commonSuffix } from './text_diff.js';

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

function locate(file: string, pkgPath: string): string {
  const here = path.join(__dirname, file);
  if (existsSync(here)) return here;
  return require.resolve(pkgPath);
}

/** Loads web-tree-sitter and the devicetree grammar once; later calls return at once. */
export function initParser(): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= (async () => {
    const runtime = locate('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
    await wts.Parser.init({ locateFile: () => runtime });
    const grammar = locate('tree-sitter-devicetree.wasm', 'tree-sitter-devicetree/tree-sitter-devicetree.wasm');
    const lang = await wts.Language.load(grammar);
    const p = new wts.Parser();
    p.setLanguage(lang);
    parser = p;
  })();
  loading.catch(() => { loading = undefined; });
  return loading;
}

/** The shared Parser (after initParser), for editor features that want the raw file's tree. */
export function getParser(): Parser | undefined {
  return parser;
}

/** Blanks cpp linemarker lines (same length, so offsets stay valid): the grammar has no rule for them. */
function blankLinemarkers(text: string): string {
  if (!text.includes('#')) return text;
  return text.replace(/^#(?:line)?[ \t]+[0-9]+[ \t]+"(?:[^\\"\n]|\\.)*"[ \t0-9]*$/gm, (m) => ' '.repeat(m.length));
}

class Fallback extends Error {}

// The last tree per key (the entry file), so a re-save re-parses incrementally: tree-sitter
// reuses every subtree outside the edited span. Bounded; evicted trees are freed.
const MAX_CACHED = 8;
const cache = new Map<string, { text: string; tree: Tree }>();

/** Row and column of `index` (rows counted from `from`, a line start at row `row`). */
function point(text: string, index: number, from = 0, row = 0): { row: number; column: number } {
  let lineStart = from;
  for (let i = text.indexOf('\n', from); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) { row++; lineStart = i + 1; }
  return { row, column: index - lineStart };
}

/** The previous tree edited to match `text` (common prefix/suffix diff), or undefined. */
function editedOld(key: string | undefined, text: string): Tree | undefined {
  const old = key === undefined ? undefined : cache.get(key);
  if (!old) return undefined;
  const a = old.text;
  const pre = commonPrefix(a, text);
  if (pre === a.length && pre === text.length) return old.tree;
  const suf = commonSuffix(a, text, Math.min(a.length, text.length) - pre);
  // rows up to the edit are the same in both texts: count them once
  const start = point(text, pre);
  const lineStart = pre - start.column;
  old.tree.edit({
    startIndex: pre, oldEndIndex: a.length - suf, newEndIndex: text.length - suf,
    startPosition: start, oldEndPosition: point(a, a.length - suf, lineStart, start.row), newEndPosition: point(text, text.length - suf, lineStart, start.row),
  });
  return old.tree;
}

/** Frees the tree kept for `key` (wasm memory): its next parse is a full one. */
export function releaseTree(key: string): void {
  const old = cache.get(key);
  if (!old) return;
  old.tree.delete();
  cache.delete(key);
}

function remember(key: string | undefined, text: string, tree: Tree): void {
  if (key === undefined) { tree.delete(); return; }
  const old = cache.get(key);
  if (old && old.tree !== tree) old.tree.delete();
  cache.delete(key);
  cache.set(key, { text, tree });
  while (cache.size > MAX_CACHED) {
    const [k, v] = cache.entries().next().value as [string, { text: string; tree: Tree }];
    v.tree.delete();
    cache.delete(k);
  }
}

// Constructs tree-sitter-devicetree 0.15 cannot parse (tree-sitter-gaps.md): `&{/}` and
// `&{label/path}`, comma-separated `/bits/` lists, char literals. Text containing one would only
// give an ERROR tree after a slow error recovery, so it goes straight to the native parser.
const KNOWN_GAP = /&\{(?!\/[0-9a-zA-Z,._+@-])|,\s*\/bits\/|'/;

export function hasKnownGap(text: string): boolean {
  return KNOWN_GAP.test(text);
}

/** Parses `text` with tree-sitter and builds the AST from the CST; undefined when the parser is
 * not loaded, the text has a known grammar gap, or the CST cannot be trusted (then use parseDts). With a `key` (the entry file) the
 * previous tree for that key is reused incrementally. With `reuse`, the statements of a previous
 * AST up to a mark (whose text is unchanged) are taken as they are and only the top-level nodes
 * after it are walked. */
export function parseWithTreeSitter(text: string, key?: string, reuse?: { ast: DtsAst; mark: ParseMark; tail?: TailReuse }): DtsAst | undefined {
  if (!parser || hasKnownGap(text)) return undefined;
  const src = blankLinemarkers(text);
  const old = editedOld(key, src);
  const tree = parser.parse(src, old);
  if (!tree) return undefined;
  try {
    if (tree.rootNode.hasError) return undefined;
    if (reuse) {
      const ast = new CstWalker(text, tree, reuse.ast, reuse.mark, reuse.tail?.prev.by === 'tree-sitter' ? reuse.tail : undefined).walk();
      if (ast) return ast;
    }
    return new CstWalker(text, tree).walk();
  } catch (e) {
    if (e instanceof Fallback) return undefined;
    throw e;
  } finally {
    remember(key, src, tree);
  }
}

/** The top-level statements of the grammar: `/ { }` and `&ref { }` nodes and the headers. */
const TOP_LEVEL = new Set(['node', 'file_version', 'plugin', 'memory_reservation', 'delete_node', 'omit_if_no_ref']);

class CstWalker {
  private readonly c: TreeCursor;
  private readonly ast: DtsAst;
  private readonly state: { seenBody: boolean };
  private readonly resumeAt: number;

  constructor(private readonly text: string, tree: Tree, prev?: DtsAst, mark?: ParseMark, private readonly tail?: TailReuse) {
    this.c = tree.walk();
    this.ast = prev && mark ? prefixAst(prev, mark, 'tree-sitter') : { v1: false, plugin: false, memreserves: [], statements: [], errors: [], marks: [], by: 'tree-sitter' };
    this.state = { seenBody: mark?.seenBody ?? false };
    this.resumeAt = mark?.end ?? 0;
  }

  /** The AST; undefined when resuming and the mark does not fall between top-level nodes. */
  walk(): DtsAst | undefined {
    const c = this.c;
    try {
      if (c.gotoFirstChild()) {
        do {
          if (c.endIndex <= this.resumeAt) continue;
          if (c.startIndex < this.resumeAt) return undefined;
          const type = c.nodeType;
          if (type === 'comment') continue;
          if (TOP_LEVEL.has(type)) this.topSpan(c.startIndex, c.endIndex);
          else throw new Fallback();
          // tree-sitter read the next token too; an error-free tree's statement ends at its `;`
          // whatever follows, but the native parser may resume here after a broken edit.
          this.ast.marks!.push(markOf(this.ast, this.state.seenBody, c.endIndex, c.endIndex + 1));
          const i = this.tail ? tailMark(this.ast, this.tail, c.endIndex, this.state.seenBody, State.PropNodeName) : -1;
          if (i >= 0) {
            adoptTail(this.ast, this.tail!, i);
            break;
          }
        } while (c.gotoNextSibling());
        c.gotoParent();
      }
    } finally {
      this.c.delete();
    }
    const fin = new DtsParser('');
    fin.finish(this.ast);
    return this.ast;
  }

  private topSpan(start: number, end: number): void {
    const p = new DtsParser(this.text, start, end);
    p.parseInto(this.ast, this.state);
    p.flushLexErrors(this.ast);
    if (p.errors.some((e) => e.code === 'syntax')) throw new Fallback();
    this.ast.errors.push(...p.errors);
  }
}
