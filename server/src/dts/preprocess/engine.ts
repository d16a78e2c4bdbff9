// The preprocessor proper: a stack of files being read (each with its #if stack), the token
// source under macro expansion (directives are recognised at the start of a logical line, as
// libcpp's _cpp_lex_token does, also while collecting macro arguments), and the driver loop that
// prints tokens with their origin for the source map.

import type { Finding, SourceRange } from '../tree.js';
import * as _tokens from './tokens.js';
import type { Tok } from './tokens.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const EOF_TOK = _tokens.EOF_TOK;
const F_BOL = _tokens.F_BOL;
const T_EOF = _tokens.T_EOF;
const T_PADDING = _tokens.T_PADDING;
const mkTok = _tokens.mkTok;
const T_PUNCT = _tokens.T_PUNCT;
const T_STRING = _tokens.T_STRING;
import { Expander, LimitError, type ExpandLimits } from './expand.js';
import * as _lexer from './lexer.js';
import type { LexedFile } from './lexer.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const lexFile = _lexer.lexFile;
const lexText = _lexer.lexText;
const lineCol = _lexer.lineCol;
import * as _macros from './macros.js';
import type { Macro } from './macros.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const B_BASE_FILE = _macros.B_BASE_FILE;
const B_COUNTER = _macros.B_COUNTER;
const B_DATE = _macros.B_DATE;
const B_FILE = _macros.B_FILE;
const B_INCLUDE_LEVEL = _macros.B_INCLUDE_LEVEL;
const B_LINE = _macros.B_LINE;
const B_TIME = _macros.B_TIME;
import { Printer } from './output.js';
import { FileReader, type SearchPath } from './include.js';
import { handleDirective } from './directives.js';
import { insertDtcInclude } from './dtc_include.js';

export interface IfState {
  taken: boolean;
  sawElse: boolean;
  hash: Tok;
  /** Index of `hash` in its file's tokens. */
  at: number;
}

export interface Frame {
  lf: LexedFile;
  fid: number;
  pos: number;
  ifs: IfState[];
  eofSent: boolean;
  ended: boolean;
  dir: string;
  /** #line adjustments: presumed name and line offset. */
  presumed: string;
  lineDelta: number;
}

export interface EngineOptions {
  cppSearch: SearchPath;
  dtcSearch: SearchPath;
  maxIncludeDepth: number;
  maxOutputBytes: number;
  limits: ExpandLimits;
}

export interface IncludeRecord {
  range: SourceRange;
  path?: string;
  kind: 'cpp' | 'dtc';
}

export class Engine extends Expander {
  frames: Frame[] = [];
  files: LexedFile[] = [];
  fileIds = new Map<string, number>();
  pushback: { tok: Tok; fid: number }[] = [];
  findings: Finding[] = [];
  includes: IncludeRecord[] = [];
  once = new Set<string>();
  printer: Printer;
  reader: FileReader;
  counter = 0;
  // Top-level macro use site (for the source map) and the last token read from a file.
  useFile = -1;
  useStart = 0;
  lastFile = -1;
  lastStart = 0;
  lastEnd = 0;
  entryPath = '';
  /** Findings up to and including the entry file's lexer problems (the rest follow the text). */
  entryFindEnd = 0;
  /** Tokens of every file opened (a measure of work done, for spacing checkpoints). */
  tokensPushed = 0;
  /** True while a checkpoint holds `macros`: the next #define/#undef copies it first. */
  macrosShared = false;
  /** Takes checkpoints at the entry file's top-level lines (resume.ts), when set. */
  recorder: { at(e: Engine, fr: Frame): void } | null = null;

  constructor(public opts: EngineOptions, reader: FileReader, macros: Map<string, Macro>) {
    super(macros, Expander.newRunId(), opts.limits, (msg, tok, fid) => this.errorAtTok(msg, tok, fid));
    this.reader = reader;
    this.printer = new Printer(
      (fid) => this.files[fid].text,
      opts.maxOutputBytes,
      (nameTok, first, last, ws) => insertDtcInclude(this, nameTok, first, last, ws),
    );
  }

  fileId(lf: LexedFile): number {
    let id = this.fileIds.get(lf.path);
    // The same path with the same text is one file even when the lex cache produced another
    // object for it (evicted meanwhile, or a resumed run meeting a file of the previous run).
    if (id === undefined || (this.files[id] !== lf && this.files[id].text !== lf.text)) {
      id = this.files.length;
      this.files.push(lf);
      this.fileIds.set(lf.path, id);
    }
    return id;
  }

  rangeOf(fid: number, start: number, end: number): SourceRange {
    const lf = this.files[fid];
    const a = lineCol(lf, start);
    const b = lineCol(lf, Math.max(start, end));
    return { file: lf.path, start: a, end: b };
  }

  finding(severity: Finding['severity'], code: string, message: string, fid: number, start: number, end: number): void {
    this.findings.push({ severity, code, message, range: fid >= 0 ? this.rangeOf(fid, start, end) : undefined });
  }

  private errorAtTok(message: string, tok: Tok, fid: number): void {
    if (fid >= 0) this.finding('error', 'macro-args', message, fid, tok.o, tok.e);
    else this.finding('error', 'macro-args', message, this.useFile, this.useStart, this.useStart + 1);
  }

  /** Opens a file as a new frame (the entry file, or an #include). The entry is lexed outside
   * the lex cache: it is the file being edited, whose next text will differ. */
  pushFile(path: string, text: string, entry = false): void {
    const lf = entry ? lexText(path, text) : lexFile(path, text);
    const fid = this.fileId(lf);
    this.tokensPushed += lf.toks.length;
    for (const p of lf.problems) this.finding('error', p.code, p.message, fid, p.start, p.end);
    this.frames.push({ lf, fid, pos: 0, ifs: [], eofSent: false, ended: false, dir: dirOf(path), presumed: path, lineDelta: 0 });
  }

  private endFrame(fr: Frame): void {
    if (fr.ended) return;
    fr.ended = true;
    for (const s of fr.ifs) this.finding('error', 'unterminated-conditional', `unterminated #${directiveName(fr, s)}`, fr.fid, s.hash.o, s.hash.e);
    fr.ifs.length = 0;
  }

  baseToken(): Tok {
    for (;;) {
      let tok: Tok;
      let fid: number;
      const pb = this.pushback.pop();
      if (pb) {
        tok = pb.tok;
        fid = pb.fid;
      } else {
        const fr = this.frames[this.frames.length - 1];
        if (fr.pos >= fr.lf.toks.length) {
          this.endFrame(fr);
          if (this.parsingArgs && !fr.eofSent) {
            // The end of a file ends a macro argument list or the search for its '('.
            fr.eofSent = true;
            return EOF_TOK;
          }
          if (this.frames.length === 1) return EOF_TOK;
          this.frames.pop();
          continue;
        }
        tok = fr.lf.toks[fr.pos];
        if (tok.f & F_BOL && this.recorder !== null && this.frames.length === 1 && this.parsingArgs === 0 && this.ctx.length === 0) this.recorder.at(this, fr);
        fr.pos++;
        fid = fr.fid;
      }
      if (tok.f & F_BOL) {
        if (tok.t === T_PUNCT && tok.s === '#' && this.parsingArgs !== 1 && handleDirective(this, tok)) continue;
        if (this.parsingArgs === 0) this.printer.lineChange();
      }
      this.baseFileId = fid;
      this.lastFile = fid;
      this.lastStart = tok.o;
      this.lastEnd = tok.e;
      return tok;
    }
  }

  /** The macro table, safe to change (copied first when a checkpoint shares it). */
  writableMacros(): Map<string, Macro> {
    if (this.macrosShared) {
      this.macros = new Map(this.macros);
      this.macrosShared = false;
    }
    return this.macros;
  }

  baseBackup(tok: Tok, fid: number): void {
    if (tok.t === T_EOF) return;
    this.pushback.push({ tok, fid });
  }

  protected override noteBaseToken(tok: Tok, fid: number): void {
    this.useFile = fid;
    this.useStart = tok.o;
  }

  builtin(m: Macro, nameTok: Tok): Tok {
    const fr = this.frames[this.frames.length - 1];
    const mk = (t: number, s: string): Tok => mkTok(t, s, nameTok.f, nameTok.o, nameTok.e);
    switch (m.builtin) {
      case B_FILE: return mk(T_STRING, quote(fr.presumed));
      case B_BASE_FILE: return mk(T_STRING, quote(this.entryPath));
      case B_LINE: {
        const lf = this.lastFile >= 0 ? this.files[this.lastFile] : fr.lf;
        return mk(2, String(lineCol(lf, this.lastStart).line + 1 + (this.lastFile === fr.fid ? fr.lineDelta : 0)));
      }
      case B_COUNTER: return mk(2, String(this.counter++));
      case B_INCLUDE_LEVEL: return mk(2, String(this.frames.length - 1));
      case B_DATE: {
        const d = new Date();
        const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
        return mk(T_STRING, `"${mon} ${String(d.getDate()).padStart(2, ' ')} ${d.getFullYear()}"`);
      }
      case B_TIME: return mk(T_STRING, `"${new Date().toTimeString().slice(0, 8)}"`);
    }
    return mk(2, '0');
  }


  run(): void {
    try {
      for (;;) {
        const tok = this.getToken();
        if (tok.t === T_EOF) break;
        if (this.fromBase) this.printer.token(tok, true, this.fromFile, tok.o, tok.e);
        else if (tok.t !== T_PADDING) {
          // Produced by a macro: mapped to the top-level invocation (name to closing parenthesis).
          const end = this.lastFile === this.useFile && this.lastEnd > this.useStart ? this.lastEnd : this.useStart + 1;
          this.printer.token(tok, false, this.useFile, this.useStart, end);
        } else this.printer.token(tok, false, -1, 0, 0);
      }
    } catch (e) {
      this.unwind();
      if (e instanceof LimitError) {
        const code = e.code === 'output-limit' ? 'macro-limit' : e.code;
        const fr = this.frames[this.frames.length - 1];
        const fid = this.lastFile >= 0 ? this.lastFile : fr?.fid ?? -1;
        this.finding('error', code, e.message, fid, this.lastStart, this.lastEnd);
      } else throw e;
    }
  }
}

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

function quote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

function directiveName(fr: Frame, s: IfState): string {
  const i = s.at;
  return fr.lf.toks[i] === s.hash && i + 1 < fr.lf.toks.length ? fr.lf.toks[i + 1].s : 'if';
}
