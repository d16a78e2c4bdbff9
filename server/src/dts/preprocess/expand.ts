// Macro expansion, modelled on libcpp's cpp_get_token_1 / enter_macro_context / collect_args /
// replace_args / paste_all_tokens (GCC 12, macro.cc): a stack of token contexts, a macro disabled
// while its context is live (names met then are marked NO_EXPAND for good), arguments pre-expanded
// in isolation unless next to # or ##, and padding tokens at every macro boundary so the printer
// can reproduce cpp's spacing. Assembler-mode leniencies are kept: a failed ## paste leaves the
// two tokens side by side without an error.

import * as _tokens from './tokens.js';
import type { Tok } from './tokens.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const AVOID_PASTE = _tokens.AVOID_PASTE;
const END_ARG = _tokens.END_ARG;
const F_BOL = _tokens.F_BOL;
const F_NO_EXPAND = _tokens.F_NO_EXPAND;
const F_PASTE_LEFT = _tokens.F_PASTE_LEFT;
const F_PREV_WHITE = _tokens.F_PREV_WHITE;
const F_STRINGIFY = _tokens.F_STRINGIFY;
const T_EOF = _tokens.T_EOF;
const T_MACRO_ARG = _tokens.T_MACRO_ARG;
const T_NAME = _tokens.T_NAME;
const T_PADDING = _tokens.T_PADDING;
const T_PUNCT = _tokens.T_PUNCT;
const padding = _tokens.padding;
const withFlags = _tokens.withFlags;
import type { Macro } from './macros.js';
import * as _ops from './operators.js';
const matchingParen = _ops.matchingParen;
const pasteTokens = _ops.pasteTokens;
const stringify = _ops.stringify;

interface Ctx {
  toks: Tok[];
  pos: number;
  /** Readable slots: toks.length, plus one for END_ARG in a macro argument's context. */
  lim: number;
  macro: Macro | null;
}

interface Arg {
  toks: Tok[];
  omitted: boolean;
  exp?: Tok[];
  str?: Tok;
}

/** Thrown (internally) when a limit is hit; the driver turns it into a `macro-limit` finding. */
export class LimitError extends Error {
  constructor(public code: string, message: string) {
    super(message);
  }
}

export interface ExpandLimits {
  maxExpansionDepth: number;
  maxExpansionTokens: number;
}

let runCounter = 0;

export abstract class Expander {
  ctx: Ctx[] = [];
  preventExpansion = 0;
  /** 0: not, 1: looking for the '(' of a function-like macro, 2: collecting its arguments. */
  parsingArgs = 0;
  inDirective = false;
  /** Origin of the last token returned by getToken: straight from the file (copy) or not. */
  fromBase = false;
  fromFile = -1;
  /** Set by baseToken(): the file id of the token it returned. */
  baseFileId = -1;
  expansionTokens = 0;

  constructor(
    public macros: Map<string, Macro>,
    public runId: number,
    public limits: ExpandLimits,
    public onError: (message: string, tok: Tok, fileId: number) => void,
  ) {}

  static newRunId(): number {
    return ++runCounter;
  }

  /** The next token of the underlying text (file or directive line), directives handled. */
  abstract baseToken(): Tok;
  /** Pushes a token read from the base back (libcpp _cpp_backup_tokens on the base context). */
  abstract baseBackup(tok: Tok, fileId: number): void;
  /** Called when a top-level (file) token is about to start a macro expansion. */
  protected noteBaseToken(_tok: Tok, _fileId: number): void {}
  /** Built-in macro value (__LINE__ etc.). */
  protected abstract builtin(m: Macro, nameTok: Tok): Tok;

  pushContext(toks: Tok[], macro: Macro | null, endArg = false): void {
    if (this.ctx.length >= this.limits.maxExpansionDepth) {
      throw new LimitError('macro-limit', `macro expansion nested deeper than ${this.limits.maxExpansionDepth}`);
    }
    this.expansionTokens += toks.length;
    if (this.expansionTokens > this.limits.maxExpansionTokens) {
      throw new LimitError('macro-limit', `macro expansion produced more than ${this.limits.maxExpansionTokens} tokens`);
    }
    this.ctx.push({ toks, pos: 0, lim: toks.length + (endArg ? 1 : 0), macro });
  }

  popContext(): void {
    const c = this.ctx.pop();
    if (c?.macro) c.macro.dis = 0;
  }

  /** Re-enables every macro still disabled (after an aborted run). */
  unwind(): void {
    while (this.ctx.length) this.popContext();
  }

  /** cpp_get_token_1. */
  getToken(): Tok {
    for (;;) {
      let tok: Tok;
      let fromBase = false;
      let fid = -1;
      const top = this.ctx.length ? this.ctx[this.ctx.length - 1] : undefined;
      if (!top) {
        tok = this.baseToken();
        fromBase = true;
        fid = this.baseFileId;
      } else if (top.pos < top.lim) {
        tok = top.pos < top.toks.length ? top.toks[top.pos] : END_ARG;
        top.pos++;
        if (tok.f & F_PASTE_LEFT) {
          this.pasteAll(tok, top);
          if (this.inDirective) continue;
          this.fromBase = false;
          return padding(tok);
        }
      } else {
        this.popContext();
        if (this.inDirective) continue;
        this.fromBase = false;
        return AVOID_PASTE;
      }
      this.fromBase = fromBase;
      this.fromFile = fid;
      if (tok.t !== T_NAME || tok.f & F_NO_EXPAND) return tok;
      const m = this.macros.get(tok.s);
      if (!m) return tok;
      if (m.dis === this.runId) return withFlags(tok, tok.f | F_NO_EXPAND);
      if (this.preventExpansion) return tok;
      if (fromBase) this.noteBaseToken(tok, fid);
      if (this.enterMacro(m, tok, fromBase ? fid : -1)) {
        if (this.inDirective) continue;
        this.fromBase = false;
        return padding(tok);
      }
      this.fromBase = fromBase;
      this.fromFile = fid;
      return tok;
    }
  }

  private backup(tok: Tok, fileId: number): void {
    if (this.ctx.length) this.ctx[this.ctx.length - 1].pos--;
    else this.baseBackup(tok, fileId);
  }

  /** enter_macro_context: true when the macro was expanded (a context pushed). */
  private enterMacro(m: Macro, nameTok: Tok, nameFile: number): boolean {
    if (m.builtin) {
      const t = this.builtin(m, nameTok);
      this.pushContext([t], null);
      return true;
    }
    let toks = m.body;
    if (m.fn) {
      this.preventExpansion++;
      this.parsingArgs = 1;
      const args = this.funlikeInvocation(m, nameTok, nameFile);
      this.parsingArgs = 0;
      this.preventExpansion--;
      if (!args) return false;
      if (m.params.length > 0) toks = this.replaceArgs(m, args);
    }
    m.dis = this.runId;
    this.pushContext(toks, m);
    return true;
  }

  /** funlike_invocation_p: reads up to the '(' (skipping padding); backs up when there is none. */
  private funlikeInvocation(m: Macro, nameTok: Tok, nameFile: number): Arg[] | null {
    let pad: Tok | null = null;
    let tok: Tok;
    for (;;) {
      tok = this.getToken();
      if (tok.t !== T_PADDING) break;
      if (pad === null || pad.src === null || (!(pad.src!.f & F_PREV_WHITE) && tok.src === null)) pad = tok;
    }
    if (tok.t === T_PUNCT && tok.s === '(') {
      this.parsingArgs = 2;
      return this.collectArgs(m, nameTok, nameFile);
    }
    // An end of file is not backed up over; the end of a macro argument is.
    if (tok.t !== T_EOF || tok === END_ARG) {
      this.backup(tok, this.baseFileId);
      if (pad) this.pushContext([pad], null);
    }
    return null;
  }

  /** collect_args. */
  private collectArgs(m: Macro, nameTok: Tok, nameFile: number): Arg[] | null {
    const args: Arg[] = [];
    const paramc = m.params.length;
    let depth = 0;
    let tok: Tok;
    do {
      const cur: Tok[] = [];
      const argNo = args.length + 1;
      for (;;) {
        tok = this.getToken();
        if (tok.t === T_PADDING) {
          if (cur.length === 0) continue;
        } else if (tok.t === T_PUNCT) {
          if (tok.s === '(') depth++;
          else if (tok.s === ')') {
            if (depth-- === 0) break;
          } else if (tok.s === ',') {
            if (depth === 0 && !(m.variadic && argNo === paramc)) break;
          } else if (tok.s === '#' && tok.f & F_BOL) break;
        } else if (tok.t === T_EOF) break;
        cur.push(tok);
      }
      while (cur.length && cur[cur.length - 1].t === T_PADDING) cur.pop();
      args.push({ toks: cur, omitted: false });
    } while (!(tok.t === T_PUNCT && tok.s === ')') && tok.t !== T_EOF && !(tok.t === T_PUNCT && tok.s === '#' && tok.f & F_BOL));

    if (!(tok.t === T_PUNCT && tok.s === ')')) {
      if (tok.t === T_EOF && (this.ctx.length > 0 || this.inDirective)) this.backup(tok, this.baseFileId);
      else if (tok.t !== T_EOF) this.backup(tok, this.baseFileId);
      this.onError(`unterminated argument list invoking macro "${m.name}"`, nameTok, nameFile);
      return null;
    }
    let argc = args.length;
    if (argc === 1 && paramc === 0 && args[0].toks.length === 0) argc = 0;
    if (argc !== paramc) {
      if (argc < paramc && argc + 1 === paramc && m.variadic) {
        // GNU: the variable arguments may be left out entirely.
      } else {
        this.onError(
          argc < paramc
            ? `macro "${m.name}" requires ${paramc} arguments, but only ${argc} given`
            : `macro "${m.name}" passed ${argc} arguments, but takes just ${paramc}`,
          nameTok, nameFile,
        );
        return null;
      }
    }
    if (argc === 0) args.length = 0;
    while (args.length < paramc) args.push({ toks: [], omitted: true });
    // `, ## __VA_ARGS__`: the comma is swallowed when the variable arguments were omitted, or
    // (GNU mode) when a one-parameter variadic macro got one empty argument.
    if (m.variadic && (argc < paramc || (argc === 1 && args[0].toks.length === 0))) args[paramc - 1].omitted = true;
    return args;
  }

  /** expand_arg: fully macro-expands an argument in isolation. */
  private expandArg(toks: Tok[]): Tok[] {
    const saveParsing = this.parsingArgs;
    this.parsingArgs = 0;
    this.pushContext(toks, null, true);
    const depth = this.ctx.length;
    const out: Tok[] = [];
    for (;;) {
      const t = this.getToken();
      if (t.t === T_EOF) break;
      out.push(t);
    }
    // The argument's own context is on top again once END_ARG has been read.
    while (this.ctx.length >= depth) this.popContext();
    this.parsingArgs = saveParsing;
    return out;
  }

  /** replace_args. */
  private replaceArgs(m: Macro, args: Arg[]): Tok[] {
    const body = m.body;
    const out: Tok[] = [];
    let vaoptClose = -1;
    for (let i = 0; i < body.length; i++) {
      const src = body[i];
      if (src.t !== T_MACRO_ARG) {
        if (i === vaoptClose) {
          if (!this.inDirective) out.push(AVOID_PASTE);
          continue;
        }
        if (m.variadic && src.t === T_NAME && src.s === '__VA_OPT__' && vaoptClose < 0) {
          // C2x/C++20 __VA_OPT__(x): x when the variable arguments have tokens, else nothing.
          const close = matchingParen(body, i + 1);
          if (close > 0) {
            if (args[m.params.length - 1].toks.length > 0) {
              vaoptClose = close;
              if (!this.inDirective) out.push(padding(src));
              i++; // past the '('
            } else i = close;
            continue;
          }
        }
        out.push(src);
        continue;
      }
      const arg = args[src.a!];
      let pasteIdx = -1;
      let from: Tok[];
      const afterPaste = i > 0 && (body[i - 1].f & F_PASTE_LEFT) !== 0;
      if (src.f & F_STRINGIFY) {
        if (!arg.str) arg.str = stringify(arg.toks, this.onStringifyWarning);
        from = [arg.str];
      } else if (src.f & F_PASTE_LEFT) {
        from = arg.toks;
      } else if (afterPaste) {
        from = arg.toks;
        if (out.length) {
          const last = out.length - 1;
          const lt = out[last];
          if (lt.t === T_PUNCT && lt.s === ',' && m.variadic && src.a === m.params.length - 1) {
            if (arg.omitted) out.pop();
            else pasteIdx = last;
          } else if (from.length === 0) pasteIdx = last;
        }
      } else {
        if (!arg.exp) arg.exp = this.expandArg(arg.toks);
        from = arg.exp;
      }
      if (!this.inDirective && i > 0 && !afterPaste) out.push(padding(src));
      if (from.length) {
        for (const t of from) out.push(t);
        if (src.f & F_PASTE_LEFT) pasteIdx = out.length - 1;
      }
      if (!this.inDirective && !(src.f & F_PASTE_LEFT)) out.push(AVOID_PASTE);
      if (pasteIdx >= 0) {
        const t = out[pasteIdx];
        out[pasteIdx] = withFlags(t, (t.f & ~F_PASTE_LEFT) | (src.f & F_PASTE_LEFT));
      }
    }
    return out;
  }

  protected onStringifyWarning = (_msg: string): void => {};

  /** paste_all_tokens: pastes lhs with the following tokens of its context while they carry
   * PASTE_LEFT; the result is pushed as a context of its own (so it is rescanned). */
  private pasteAll(lhs: Tok, c: Ctx): void {
    let cur = lhs;
    let rhs: Tok;
    do {
      if (c.pos >= c.toks.length) break; // (never END_ARG: ## is never last in a context)
      rhs = c.toks[c.pos++];
      if (rhs.t === T_PADDING) {
        if (rhs.src == null) {
          rhs = { ...rhs, f: 0 };
          continue;
        }
      }
      const pasted = pasteTokens(cur, rhs);
      if (!pasted) {
        c.pos--;
        break;
      }
      cur = pasted;
    } while (rhs.f & F_PASTE_LEFT);
    if (cur === lhs) cur = withFlags(lhs, lhs.f & ~F_PASTE_LEFT);
    this.pushContext([cur], null);
  }
}
