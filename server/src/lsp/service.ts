// The server's state and scheduling: which board each open document is analysed through, the
// latest quick (as-you-type) and full (open/save) analysis of each board, debounced runs, the
// stale-version check before anything is published, and diagnostics merged per file across the
// boards that include it (a .dtsi shared by two open boards shows both boards' findings).
import path from 'node:path';
import type { Connection, Diagnostic } from 'vscode-languageserver/node.js';
import type { TextDocuments } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SourceRange } from '../dts/tree.js';
import { AnalyzedNotification, type AnalyzedParams } from '../protocol.js';
import { analyze, type Analysis } from './analysis.js';
import { BoardIndex, scopesFor } from './boards.js';
import { pathToUri, rangeKey, toDiagnostic, uriToPath, type FindingWithFixes } from './convert.js';
import { kbuildIncludeSetup } from '../dts/kernel_tree.js';
import { OverlayFs } from './overlay.js';
import { Retention, slim } from './retention.js';
import { warmIndex } from './locate.js';
import type { SettingsCache } from './settings.js';

type Kind = 'quick' | 'full';

/** Event-loop turns a finished analysis waits before judging staleness (the edits that arrived
 * meanwhile: a didChange and a didSave are two messages, one per turn). */
const STALE_CHECK_TURNS = 4;

interface BoardState {
  /** The scheduled run (a timer, or the next turn). */
  timer?: { cancel(): void };
  pending?: Kind;
  quick?: Analysis;
  full?: Analysis;
  /** The newest analysis, published or dropped as stale: the next one resumes from it (a parse
   * takes over the previous one's statements, so the chain goes through every run). */
  front?: Analysis;
  /** Resolved after the next run (published or dropped). */
  waiters: (() => void)[];
}

const MAX_DIAGNOSTICS_PER_FILE = 1000;

export class Service {
  readonly fs: OverlayFs;
  readonly boards = new Map<string, BoardState>();
  /** .dtsi path -> board path picked by the user (persisted by the client). */
  readonly picks = new Map<string, string>();
  private readonly autoPicks = new Map<string, string>();
  private readonly index = new BoardIndex();
  /** file -> board -> diagnostics contributed. */
  private readonly contributions = new Map<string, Map<string, Diagnostic[]>>();
  folders: string[] = [];
  debounceMs = 250;
  /** Bumped when files change on disk or settings change: earlier parses cannot be reused. */
  epoch = 0;
  ready: Promise<void> = Promise.resolve();
  /** Which boards keep their incremental state (tree-sitter tree, lex cache, AST). */
  readonly retention = new Retention((b) => this.cool(b));

  constructor(private readonly connection: Connection, private readonly docs: TextDocuments<TextDocument>, private readonly settings: SettingsCache) {
    this.fs = new OverlayFs((p) => {
      const d = this.docs.get(pathToUri(p));
      return d ? { text: d.getText(), version: d.version } : undefined;
    });
  }

  log(msg: string): void {
    this.connection.console.log(msg);
  }

  openDoc(p: string): TextDocument | undefined {
    return this.docs.get(pathToUri(p));
  }

  /** The board a document is analysed through: itself for a .dts, the user's pick or the first
   * board that includes it for a .dtsi (itself when no board includes it). */
  contextOf(p: string): string {
    if (!p.endsWith('.dtsi')) return p;
    const pick = this.picks.get(p) ?? this.autoPicks.get(p);
    if (pick) return pick;
    // An open board that includes it (the user likely came from there) before a search.
    for (const [b, st] of this.boards) {
      const a = st.quick ?? st.full;
      if (a && b.endsWith('.dts') && this.openDoc(b) && a.pre.files.includes(p)) {
        this.autoPicks.set(p, b);
        return b;
      }
    }
    const found = this.candidates(p)[0] ?? p;
    this.autoPicks.set(p, found);
    return found;
  }

  candidates(p: string): string[] {
    const kernel = kbuildIncludeSetup(p);
    const live = (f: string): string | undefined => this.openDoc(f)?.getText();
    try {
      return this.index.boardsFor(p, scopesFor(p, kernel, this.folders), kernel, live);
    } catch (e) {
      this.log(`board search failed for ${p}: ${String(e)}`);
      return [];
    }
  }

  setPick(dtsi: string, board: string | null): void {
    if (board) this.picks.set(dtsi, board);
    else this.picks.delete(dtsi);
    this.autoPicks.delete(dtsi);
  }

  /** Boards whose last analysis read `p`, plus p's own context. */
  boardsReading(p: string): string[] {
    const out = new Set<string>();
    if (this.openDoc(p)) out.add(this.contextOf(p));
    for (const [b, st] of this.boards) {
      const a = st.quick ?? st.full;
      if (a && (a.board === p || a.pre.files.includes(p))) out.add(b);
    }
    return [...out];
  }

  /** Boards some open document is analysed through. */
  activeBoards(): Set<string> {
    const out = new Set<string>();
    for (const d of this.docs.all()) out.add(this.contextOf(uriToPath(d.uri)));
    return out;
  }

  state(board: string): BoardState {
    let st = this.boards.get(board);
    if (!st) this.boards.set(board, (st = { waiters: [] }));
    return st;
  }

  schedule(board: string, kind: Kind, delay: number): void {
    const st = this.state(board);
    st.pending = st.pending === 'full' || kind === 'full' ? 'full' : 'quick';
    st.timer?.cancel();
    // No delay: the next event-loop turn (setImmediate), not a timer's minimum of 1 ms.
    const go = (): void => {
      st.timer = undefined;
      void this.run(board);
    };
    if (delay > 0) {
      const t = setTimeout(go, delay);
      st.timer = { cancel: () => clearTimeout(t) };
    } else {
      const t = setImmediate(go);
      st.timer = { cancel: () => clearImmediate(t) };
    }
  }

  /** Waits for the board's pending run, if any (bounded). */
  async settled(board: string, timeoutMs = 60000): Promise<void> {
    const st = this.state(board);
    if (!st.timer && (st.quick || st.full)) return;
    if (!st.timer && !st.pending) this.schedule(board, 'full', 0);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      st.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private async run(board: string): Promise<void> {
    const st = this.state(board);
    // A .dtsi no board includes is checked on its own: front end only (booting a fragment
    // would only report what the missing board provides, e.g. no memory node).
    const kind = board.endsWith('.dtsi') ? 'quick' : st.pending ?? 'quick';
    st.pending = undefined;
    try {
      await this.ready;
      const folder = this.folderOf(board);
      const settings = await this.settings.get(pathToUri(folder ?? board));
      const reuse = kind === 'full' ? this.reusable(st) : undefined;
      // The newest analysis (even one dropped as stale) and the last full one serve as `previous`
      // (no copy: at most one front end and one simulation per board), unless files changed on
      // disk or settings changed since.
      const front = st.front ?? st.quick ?? st.full;
      const previous = front?.epoch === this.epoch ? { front, sim: st.full?.epoch === this.epoch ? st.full : undefined } : undefined;
      const a = analyze({ board, full: kind === 'full', fs: this.fs, settings, folder, epoch: this.epoch, reuse, previous });
      st.front = a;
      // Let edits that arrived while we were busy be applied before judging staleness: the
      // connection reads them in the next poll phase and handles one message per turn.
      for (let i = 0; i < STALE_CHECK_TURNS; i++) await new Promise((r) => setImmediate(r));
      if (this.isStale(a)) {
        this.log(`dropped stale ${kind} analysis of ${board}`);
        if (kind === 'full') this.schedule(board, 'full', this.debounceMs);
        return;
      }
      if (!this.activeBoards().has(board) && !this.waitersWant(st)) {
        st.front = undefined;
        return;
      }
      // A board nobody edits keeps only what requests need; the superseded analysis goes now.
      const kept = this.retention.isHot(board) ? a : slim(a);
      st.front = kept;
      if (kind === 'full') {
        st.full = kept;
        st.quick = undefined;
      } else st.quick = kept;
      this.retention.analysed(board);
      this.publish(board);
      if (kind === 'full') this.notifyAnalyzed(a);
      setImmediate(() => { if ((st.quick ?? st.full) === kept) warmIndex(kept); });
    } catch (e) {
      this.connection.console.error(`analysis of ${board} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    } finally {
      if (!st.timer && !st.pending) {
        const w = st.waiters.splice(0);
        for (const f of w) f();
      }
    }
  }

  private waitersWant(st: BoardState): boolean {
    return st.waiters.length > 0;
  }

  /** The latest analysis when it was computed from exactly the current text. */
  private reusable(st: BoardState): Analysis | undefined {
    const prev = st.quick ?? st.full;
    if (!prev || prev.epoch !== this.epoch || this.isStale(prev)) return undefined;
    for (const f of prev.pre.files) if (!prev.versions.has(f) && this.openDoc(f)) return undefined;
    return prev;
  }

  isStale(a: Analysis): boolean {
    for (const [p, v] of a.versions) {
      const d = this.openDoc(p);
      if (d && d.version !== v) return true;
    }
    return false;
  }

  folderOf(p: string): string | undefined {
    let best: string | undefined;
    for (const f of this.folders) if ((p + '/').startsWith(f.endsWith('/') ? f : f + '/') && (!best || f.length > best.length)) best = f;
    return best;
  }

  /** The analysis requests answer from: the latest one, with the last full run's simulation
   * when the latest is a quick one. */
  view(board: string): Analysis | undefined {
    const st = this.boards.get(board);
    if (!st) return undefined;
    if (st.quick && st.full) return { ...st.quick, sim: st.full.sim, findings: st.full.findings };
    return st.quick ?? st.full;
  }

  analyses(): Analysis[] {
    const out: Analysis[] = [];
    for (const b of this.boards.keys()) {
      const a = this.view(b);
      if (a) out.push(a);
    }
    return out;
  }

  /** Include chain of `file` inside the board's analysis, as related information. */
  private related(a: Analysis, file: string): { range: SourceRange; message: string }[] {
    const out: { range: SourceRange; message: string }[] = [];
    let cur = file;
    for (let i = 0; i < 6 && cur !== a.board; i++) {
      const inc = a.pre.includes.find((x) => x.path === cur);
      if (!inc) break;
      out.push({ range: inc.range, message: `${path.basename(cur)} is included here (board ${path.basename(a.board)})` });
      cur = inc.range.file;
    }
    return out;
  }

  /** Publishes the board's current findings: the latest front-end findings, and the last full
   * run's simulator/rule findings for files unchanged since that run. */
  publish(board: string): void {
    const st = this.state(board);
    const latest = st.quick ?? st.full;
    if (!latest) return;
    const findings: FindingWithFixes[] = latest.findings.slice(0, latest.frontCount);
    if (st.full) {
      const back = st.full.findings.slice(st.full.frontCount);
      const changed = new Set<string>();
      if (st.quick) for (const [p, v] of st.quick.versions) if (st.full.versions.get(p) !== v) changed.add(p);
      for (const f of back) if (!f.range || !changed.has(f.range.file)) findings.push(f);
    }
    const byFile = new Map<string, Diagnostic[]>();
    const seen = new Set<string>();
    for (const f of findings) {
      const file = f.range?.file ?? board;
      const key = `${f.code}|${f.message}|${rangeKey(f.range)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let list = byFile.get(file);
      if (!list) byFile.set(file, (list = []));
      if (list.length < MAX_DIAGNOSTICS_PER_FILE) list.push(toDiagnostic(f, file !== board ? this.related(latest, file) : []));
    }
    const touched = new Set<string>(byFile.keys());
    for (const [file, m] of this.contributions) if (m.has(board)) touched.add(file);
    // Open documents of this board always get a publication (possibly empty): clients learn
    // that the analysis of their current version is done.
    for (const d of this.docs.all()) {
      const p = uriToPath(d.uri);
      if (p === board || latest.versions.has(p)) touched.add(p);
    }
    for (const file of touched) {
      let m = this.contributions.get(file);
      if (!m) this.contributions.set(file, (m = new Map()));
      const d = byFile.get(file);
      if (d) m.set(board, d);
      else m.delete(board);
      this.sendFile(file);
    }
  }

  private sendFile(file: string): void {
    const m = this.contributions.get(file);
    const all: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const list of m?.values() ?? []) {
      for (const d of list) {
        const k = `${d.code}|${d.message}|${d.range.start.line}:${d.range.start.character}`;
        if (seen.has(k)) continue;
        seen.add(k);
        all.push(d);
      }
    }
    if (m && m.size === 0) this.contributions.delete(file);
    const doc = this.openDoc(file);
    void this.connection.sendDiagnostics({ uri: pathToUri(file), version: doc?.version, diagnostics: all });
  }

  /** A board no open document needs any more: withdraw its diagnostics. */
  retire(board: string): void {
    const st = this.boards.get(board);
    st?.timer?.cancel();
    this.boards.delete(board);
    this.retention.forget(board);
    for (const [file, m] of this.contributions) {
      if (m.delete(board)) this.sendFile(file);
    }
  }

  private notifyAnalyzed(a: Analysis): void {
    const uris: string[] = [];
    for (const d of this.docs.all()) if (this.contextOf(uriToPath(d.uri)) === a.board) uris.push(d.uri);
    const p = a.sim?.profile;
    const params: AnalyzedParams = {
      uris, board: pathToUri(a.board), arch: a.arch,
      profile: p ? `${p.arch} · Linux ${p.kernelVersion} · ${Number(p.pageSize) / 1024}K pages` : a.arch,
      modelled: !!a.sim?.modelled, simMs: Math.round(a.timings.simulate), totalMs: Math.round(a.timings.total),
      errors: a.findings.filter((f) => f.severity === 'error').length,
      warnings: a.findings.filter((f) => f.severity === 'warning').length,
      at: a.at.toISOString(),
    };
    void this.connection.sendNotification(AnalyzedNotification, params);
  }

  /** The board is no longer edited: its analyses drop what only an incremental re-analysis reads. */
  private cool(board: string): void {
    const st = this.boards.get(board);
    if (st?.quick) st.quick = slim(st.quick);
    if (st?.full) st.full = slim(st.full);
    if (st) st.front = undefined;
  }

  /** What is kept per board (dtmem/memory). */
  kept(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [b, st] of this.boards) out[b] = [...(st.quick ? ['quick'] : []), ...(st.full ? ['full'] : [])];
    return out;
  }

  /** Files changed on disk (watched files) or settings changed: nothing parsed can be reused. */
  noteFileChanged(): void {
    this.epoch++;
    this.index.invalidateListings();
  }

  /** A document was saved: its text is the buffer already analysed; only listings may change. */
  noteSaved(): void {
    this.index.invalidateListings();
  }
}
