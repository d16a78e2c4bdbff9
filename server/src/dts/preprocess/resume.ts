// Resuming a preprocessor run after an edit in the entry (board) file (issue 8: reuse what the
// includes produced). While the entry file is read at include depth 0 with nothing in flight (no
// macro expansion, argument collection, pushback or held-back `/include/` tokens) the engine is at
// a clean line boundary; a Checkpoint records its state there in O(1)-ish space: append-only
// lists (files, includes, findings, file reads, the source map's segments) as lengths, the output
// as a length of the finished text, the macro table by reference (copy-on-write: the engine copies
// it before the next #define/#undef). The next run for the same board and options restores the
// last checkpoint before the first changed character of the entry file, provided every file read
// before that checkpoint still has the same content (its FileSystem.version token when the file
// system has them, else its text), and preprocesses only the rest. The result
// is the same as a full run's: cpp's state at the start of a line depends only on the text before.

import type { Finding } from '../tree.js';
import { commonPrefix } from '../text_diff.js';
import { dirOf, type Engine, type Frame, type IfState, type IncludeRecord } from './engine.js';
import { fileVersion, readRaw, type FileReader, type FileSystem } from './include.js';
import type { LexedFile } from './lexer.js';
import type { Macro } from './macros.js';
import type { PrinterState } from './output.js';
import type { SourceMapBuilder } from './sourcemap.js';

export interface Checkpoint {
  /** Index of the entry file's token about to be read, and its offset in the entry text. */
  pos: number;
  o: number;
  /** Output bytes + expansion tokens + tokens of opened files so far (spaces checkpoints). */
  work: number;
  printer: PrinterState;
  files: number;
  includes: number;
  /** Findings after the entry file's lexer problems. */
  findRel: number;
  reads: number;
  once: number;
  counter: number;
  useFile: number;
  useStart: number;
  lastFile: number;
  lastStart: number;
  lastEnd: number;
  expansionTokens: number;
  tokensPushed: number;
  fromBase: boolean;
  fromFile: number;
  baseFileId: number;
  /** The entry file's open conditionals (copies; null when none). */
  ifs: IfState[] | null;
  presumed: string;
  lineDelta: number;
  /** Shared, never changed after capture. */
  macros: Map<string, Macro>;
}

/** What a finished run leaves for the next one (PreprocessResult.resume). */
export interface ResumeState {
  entryPath: string;
  /** The options that shape the output (include dirs, defines, limits). */
  key: string;
  entryText: string;
  checkpoints: Checkpoint[];
  text: string;
  map: SourceMapBuilder;
  findings: Finding[];
  entryFindEnd: number;
  files: LexedFile[];
  includes: IncludeRecord[];
  reads: FileReader['log'];
  once: string[];
}

/** Least work between two checkpoints; when the macro table changed since the last one, at least
 * twice its size, so copying it (on the next #define) stays a small share of the run. */
const MIN_GAP = 512;

export class Recorder {
  private last: Checkpoint | undefined;
  constructor(readonly list: Checkpoint[]) {
    this.last = list[list.length - 1];
  }

  /** Called by the engine before it reads the first token of a logical line of the entry file. */
  at(e: Engine, fr: Frame): void {
    const pr = e.printer;
    const work = pr.len + e.expansionTokens + e.tokensPushed;
    const last = this.last;
    const gap = e.macrosShared ? MIN_GAP : Math.max(MIN_GAP, 2 * e.macros.size);
    if (last ? fr.pos <= last.pos || work - last.work < gap : work < gap) return;
    if (!pr.idle() || e.pushback.length) return;
    const ck: Checkpoint = {
      pos: fr.pos, o: fr.lf.toks[fr.pos].o, work, printer: pr.save(),
      files: e.files.length, includes: e.includes.length, findRel: e.findings.length - e.entryFindEnd, reads: e.reader.log.length, once: e.once.size,
      counter: e.counter, useFile: e.useFile, useStart: e.useStart, lastFile: e.lastFile, lastStart: e.lastStart, lastEnd: e.lastEnd,
      expansionTokens: e.expansionTokens, tokensPushed: e.tokensPushed, fromBase: e.fromBase, fromFile: e.fromFile, baseFileId: e.baseFileId,
      ifs: fr.ifs.length ? fr.ifs.map((s) => ({ ...s })) : null, presumed: fr.presumed, lineDelta: fr.lineDelta, macros: e.macros,
    };
    e.macrosShared = true;
    this.list.push(ck);
    this.last = ck;
  }
}

/** The index of the checkpoint to resume from, or -1: the last one at or before the first
 * changed character of the entry file such that every file read before it reads the same now. */
export function pickCheckpoint(rs: ResumeState, entryPath: string, key: string, text: string, fs: FileSystem): number {
  if (rs.entryPath !== entryPath || rs.key !== key) return -1;
  const d = commonPrefix(rs.entryText, text);
  const cks = rs.checkpoints;
  let lo = 0;
  let hi = cks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cks[mid].o <= d) lo = mid + 1;
    else hi = mid;
  }
  let i = lo - 1;
  // reads[0] is the entry file itself.
  for (let r = 1; i >= 0 && r < cks[i].reads; r++) {
    const x = rs.reads[r];
    const same = x.ver !== undefined ? fileVersion(fs, x.path) === x.ver : readRaw(fs, x.path) === x.raw;
    if (x.big || !same) {
      while (i >= 0 && cks[i].reads > r) i--;
    }
  }
  return i;
}

/** Puts engine `e` (fresh, entry file read, nothing run) in the state of checkpoint `ck` of `rs`,
 * with `lf` the entry file's new text. */
export function restore(e: Engine, rs: ResumeState, ck: Checkpoint, lf: LexedFile): void {
  for (let r = 1; r < ck.reads; r++) e.reader.seed(rs.reads[r].path, rs.reads[r].raw, rs.reads[r].ver);
  e.files = rs.files.slice(0, ck.files);
  e.files[0] = lf;
  e.fileIds.clear();
  for (let i = 0; i < e.files.length; i++) e.fileIds.set(e.files[i].path, i);
  // The entry file's lexer problems are those of its new text.
  for (const p of lf.problems) e.finding('error', p.code, p.message, 0, p.start, p.end);
  e.entryFindEnd = e.findings.length;
  for (let k = 0; k < ck.findRel; k++) e.findings.push({ ...rs.findings[rs.entryFindEnd + k] });
  e.includes = rs.includes.slice(0, ck.includes);
  e.once = new Set(rs.once.slice(0, ck.once));
  e.counter = ck.counter;
  e.useFile = ck.useFile;
  e.useStart = ck.useStart;
  e.lastFile = ck.lastFile;
  e.lastStart = ck.lastStart;
  e.lastEnd = ck.lastEnd;
  e.expansionTokens = ck.expansionTokens;
  e.tokensPushed = ck.tokensPushed;
  e.fromBase = ck.fromBase;
  e.fromFile = ck.fromFile;
  e.baseFileId = ck.baseFileId;
  e.macros = ck.macros;
  e.macrosShared = true;
  e.printer.restore(ck.printer, rs.text, rs.map);
  // An open conditional's `#` is looked up in the file's tokens (for "unterminated #ifdef"):
  // the same index in the new tokens.
  const ifs = ck.ifs ? ck.ifs.map((s) => ({ ...s, hash: lf.toks[s.at] })) : [];
  e.frames.push({ lf, fid: 0, pos: ck.pos, ifs, eofSent: false, ended: false, dir: dirOf(lf.path), presumed: ck.presumed, lineDelta: ck.lineDelta });
}
