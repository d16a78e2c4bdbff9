// The C-preprocessor stage of the devicetree front end: reproduces what kbuild runs before dtc,
// `cpp -nostdinc -I $P -undef -D__DTS__ -x assembler-with-cpp`, then splices in dtc's own raw
// `/include/`s, and returns the text dtc (or tree-sitter) should parse with a source map back to
// the user's files, the findings (missing includes, #error, bad #if, macro limits) and what was
// read. It never throws; every limit (output size, include depth, expansion depth) is a finding.

import type { Finding, SourcePos, SourceRange } from '../tree.js';
import { Engine } from './engine.js';
import { FileReader, MAX_FILE_CHARS, type FileSystem } from './include.js';
import { lexText, lineCol } from './lexer.js';
import { B_BASE_FILE, B_COUNTER, B_DATE, B_FILE, B_INCLUDE_LEVEL, B_LINE, B_TIME, macroBodyText, parseDefine, type Macro } from './macros.js';
import type { MappedFile, SourceMap } from './sourcemap.js';
import type { LexedFile } from './lexer.js';
import { pickCheckpoint, Recorder, restore, type Checkpoint, type ResumeState } from './resume.js';

export type { FileSystem } from './include.js';
export type { SourceMap } from './sourcemap.js';
export type { SourcePos, SourceRange };
export { nodeFileSystem } from './node_fs.js';
export { clearLexCache } from './lexer.js';

export interface IncludeResolver {
  includeDirs: string[];
}

export interface PreprocessOptions {
  /** cpp -I dirs (for <...> and, after the includer's dir, "..."). */
  includeDirs: string[];
  /** dtc -i dirs for /include/ (kbuild: dirname(board) then the prefix dir). */
  dtcIncludeDirs?: string[];
  /** Virtual include-prefix mapping (`dt-bindings` -> <tree>/include/dt-bindings), used in place
   * of the `prefixDir` entry of includeDirs / dtcIncludeDirs (or after them when prefixDir is
   * not listed or not given). */
  prefixMap?: Record<string, string>;
  prefixDir?: string;
  /** Macros beyond __DTS__ (always defined): name -> replacement text ('' for empty). */
  defines?: Record<string, string>;
  fs: FileSystem;
  limits?: { maxOutputBytes?: number; maxIncludeDepth?: number; maxExpansionDepth?: number; maxExpansionTokens?: number };
  /** The previous result for the same entry path and the same options (all but `fs`): the run
   * resumes from its state before the first change in the entry file, when every file read
   * before that point is unchanged (resume.ts). The result is the same as a full run's. */
  previous?: PreprocessResult;
}

export interface MacroInfo {
  name: string;
  params?: string[];
  body: string;
  range?: SourceRange;
}

export interface PreprocessResult {
  /** Expanded text, ready for dtc / tree-sitter. */
  text: string;
  map: SourceMap;
  findings: Finding[];
  /** Every file read, entry first (for cache invalidation / watching). */
  files: string[];
  /** Each include directive and what it resolved to. */
  includes: { range: SourceRange; path?: string; kind: 'cpp' | 'dtc' }[];
  /** Final macro table (for hover). */
  macros: Map<string, MacroInfo>;
  /** Set when the run resumed from `previous`: text before this offset is `previous.text`'s. */
  resumedAt?: number;
  /** State for the next run's `previous` (opaque; not enumerable). */
  readonly resume?: PreprocessResume;
}

/** Opaque: what a run keeps for resuming the next one. */
export type PreprocessResume = ResumeState;

const BUILTINS: [string, number][] = [
  ['__FILE__', B_FILE], ['__LINE__', B_LINE], ['__COUNTER__', B_COUNTER], ['__INCLUDE_LEVEL__', B_INCLUDE_LEVEL],
  ['__BASE_FILE__', B_BASE_FILE], ['__DATE__', B_DATE], ['__TIME__', B_TIME],
];

const defineCache = new Map<string, Macro | string>();

/** A command-line style definition (`-D name=value`). */
function commandLineMacro(name: string, value: string): Macro | string {
  const key = `${name}\0${value}`;
  let m = defineCache.get(key);
  if (!m) {
    const lf = lexText('<command-line>', `${name} ${value}`);
    m = parseDefine(lf.toks, 0, lf.toks.length);
    defineCache.set(key, m);
  }
  return m;
}

/** What `cpp -undef -x assembler-with-cpp -D__DTS__` predefines (cpp -dM), plus the options'. */
function initialMacros(defines: Record<string, string> | undefined, findings: Finding[]): Map<string, Macro> {
  const macros = new Map<string, Macro>();
  for (const [name, b] of BUILTINS) macros.set(name, { name, fn: false, params: [], variadic: false, body: [], builtin: b, dis: 0 });
  const all: Record<string, string> = { __STDC__: '1', __STDC_HOSTED__: '1', __ASSEMBLER__: '1', __DTS__: '1', ...defines };
  for (const [name, value] of Object.entries(all)) {
    const m = commandLineMacro(name, value);
    if (typeof m === 'string') findings.push({ severity: 'error', code: 'macro-define', message: `-D${name}: ${m}` });
    else macros.set(m.name, m);
  }
  return macros;
}

class EmptyMap implements SourceMap {
  locate(): SourcePos | undefined {
    return undefined;
  }
  range(): SourceRange | undefined {
    return undefined;
  }
  toOffset(): number | undefined {
    return undefined;
  }
}

/** Hover view of a macro; body text and range are computed on first use. */
// What kept results point at for a file: its path and line starts, not the LexedFile (its text,
// tokens at ~16 bytes per source character and parsed #defines), which would keep every lexed
// include alive as long as an editor keeps the result (measured: 51 of 72 MB live with the 5
// corpus/big boards open). One per LexedFile, shared by the source map and the macro views.
/** Stands in for a file whose tokens are not kept. */
function unlexed(path: string): LexedFile {
  return { path, text: '', toks: [], lineStarts: [0], problems: [], defCache: new Map() };
}

const slimFiles = new WeakMap<LexedFile, MappedFile>();

function slimFile(lf: LexedFile): MappedFile {
  let s = slimFiles.get(lf);
  if (!s) slimFiles.set(lf, (s = { path: lf.path, lineStarts: lf.lineStarts }));
  return s;
}

/** Hover view of a macro; body text and range are computed on first use. */
class MacroView implements MacroInfo {
  private b?: string;
  private r?: SourceRange | null;
  private readonly m: Macro;
  private readonly file?: MappedFile;
  constructor(m: Macro) {
    // Only the definition's tokens, not its file.
    this.m = { ...m, file: undefined };
    if (m.file) this.file = slimFile(m.file);
  }
  get name(): string {
    return this.m.name;
  }
  get params(): string[] | undefined {
    const m = this.m;
    if (!m.fn) return undefined;
    return m.variadic && m.params[m.params.length - 1] === '__VA_ARGS__' ? [...m.params.slice(0, -1), '...'] : m.params;
  }
  get body(): string {
    return (this.b ??= macroBodyText(this.m));
  }
  get range(): SourceRange | undefined {
    if (this.r === undefined) {
      const m = this.m, f = this.file;
      this.r = f && m.start !== undefined && m.end !== undefined ? { file: f.path, start: lineCol(f, m.start), end: lineCol(f, m.end) } : null;
    }
    return this.r ?? undefined;
  }
}

/** Hover tables of macro maps that checkpoints hold (never changed again): a resumed run that
 * defines nothing after its checkpoint shares the previous run's table. */
const frozenTables = new WeakMap<Map<string, Macro>, Map<string, MacroInfo>>();

function frozenMacroTable(macros: Map<string, Macro>): Map<string, MacroInfo> {
  let t = frozenTables.get(macros);
  if (!t) frozenTables.set(macros, (t = macroTable(macros)));
  return t;
}

function macroTable(macros: Map<string, Macro>): Map<string, MacroInfo> {
  const out = new Map<string, MacroInfo>();
  for (const [name, m] of macros) if (!m.builtin) out.set(name, new MacroView(m));
  return out;
}

/** Everything in the options that shapes the output, but the file system. */
function optionsKey(o: PreprocessOptions): string {
  return JSON.stringify([o.includeDirs, o.dtcIncludeDirs ?? null, o.prefixMap ?? null, o.prefixDir ?? null, o.defines ?? null, o.limits ?? null]);
}

export function preprocess(entryPath: string, opts: PreprocessOptions): PreprocessResult {
  const findings: Finding[] = [];
  try {
    const reader = new FileReader(opts.fs);
    const rs = opts.previous?.resume;
    const key = rs ? optionsKey(opts) : '';
    const text = reader.read(entryPath);
    const ckIndex = rs && text !== undefined ? pickCheckpoint(rs, entryPath, key, text, opts.fs) : -1;
    // A resumed run takes its macro table from the checkpoint (the -D findings are redone).
    const macros = initialMacros(opts.defines, findings);
    if (text === undefined) {
      findings.push({ severity: 'error', code: 'include-missing', message: `${entryPath}: No such file or directory` });
      return { text: '', map: new EmptyMap(), findings, files: [], includes: [], macros: macroTable(macros) };
    }
    const lim = opts.limits ?? {};
    const e = new Engine(
      {
        cppSearch: { dirs: opts.includeDirs, prefixMap: opts.prefixMap, prefixDir: opts.prefixDir },
        dtcSearch: { dirs: opts.dtcIncludeDirs ?? [], prefixMap: opts.prefixMap, prefixDir: opts.prefixDir },
        maxIncludeDepth: lim.maxIncludeDepth ?? 200,
        // 8x the largest board of Linux 6.12 (am572x-idk, 247 KB preprocessed): beyond it parsing
        // alone takes over a second, and the kernel maps at most a 2 MB DTB (arm64 MAX_FDT_SIZE).
        maxOutputBytes: lim.maxOutputBytes ?? 2 * 1024 * 1024,
        limits: { maxExpansionDepth: lim.maxExpansionDepth ?? 4096, maxExpansionTokens: lim.maxExpansionTokens ?? 16_000_000 },
      },
      reader,
      macros,
    );
    e.findings = findings;
    e.entryPath = entryPath;
    let resumedAt: number | undefined;
    let checkpoints: Checkpoint[] = [];
    if (rs && ckIndex >= 0) {
      const ck = rs.checkpoints[ckIndex];
      restore(e, rs, ck, lexText(entryPath, text));
      checkpoints = rs.checkpoints.slice(0, ckIndex + 1);
      resumedAt = ck.printer.len;
    } else {
      e.pushFile(entryPath, text, true);
      e.entryFindEnd = findings.length;
    }
    e.recorder = new Recorder(checkpoints);
    e.run();
    for (const [path, size] of reader.tooLarge) {
      const at = e.includes.find((i) => i.path === path)?.range ?? (path === entryPath ? { file: path, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } } : undefined);
      findings.push({ severity: 'error', code: 'file-too-large', message: `${path}: ${size} characters; files over ${MAX_FILE_CHARS} are not analysed (read as empty)`, ...(at ? { range: at } : {}) });
    }
    const out = e.printer.result();
    const result: PreprocessResult = {
      text: out,
      map: e.printer.map.build(e.files.map(slimFile), out.length),
      findings,
      files: e.files.map((f) => f.path),
      includes: e.includes,
      macros: e.macrosShared ? frozenMacroTable(e.macros) : macroTable(e.macros),
      ...(resumedAt !== undefined ? { resumedAt } : {}),
    };
    const state: ResumeState = {
      entryPath, key: key || optionsKey(opts), entryText: text, checkpoints, text: out, map: e.printer.map,
      // files[0], the entry file, is lexed again from its new text on resume: keeping its tokens
      // would keep a board file's worth of them alive per analysis
      findings: findings.slice(), entryFindEnd: e.entryFindEnd, files: [unlexed(entryPath), ...e.files.slice(1)], includes: e.includes.slice(), reads: reader.log, once: [...e.once],
    };
    Object.defineProperty(result, 'resume', { value: state, enumerable: false });
    return result;
  } catch (err) {
    findings.push({ severity: 'error', code: 'internal', message: `preprocessor failed: ${err instanceof Error ? err.message : String(err)}` });
    return { text: '', map: new EmptyMap(), findings, files: [], includes: [], macros: new Map() };
  }
}
