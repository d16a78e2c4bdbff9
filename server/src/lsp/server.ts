// dtmem language server entry (bundled to dist/server.js): the LSP connection (stdio, node-ipc
// or socket, from argv), document sync, and one guarded handler per feature. Every handler
// catches and logs its own errors so bad input never takes the server down.
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initParser } from '../dts/frontend.js';
import {
  BoardCandidatesRequest, BootLogRequest, CompareLogRequest, SetBoardRequest, SimulationRequest, TranslateRequest,
  type TranslateParams, type TranslateResult, type BoardCandidatesParams, type BoardCandidatesResult, type BootLogParams, type BootLogResult,
  type CompareLogParams, type CompareLogResult, type InitOptions, type SetBoardParams, type SimulationParams, type SimulationResult,
} from '../protocol.js';
import { analyze, type Analysis, type AnalyzeInput } from './analysis.js';
import { codeActions } from './actions.js';
import { compareLog } from './compare_log.js';
import { completion } from './completion.js';
import { forgetUri, noteUri, pathToUri, uriToPath } from './convert.js';
import { hover } from './hover.js';
import { MemoryRequest, memoryUsage, type MemoryParams, type MemoryResult } from './memory.js';
import { codeLenses } from './lens.js';
import { definition, documentLinks, references } from './navigation.js';
import { scanOutline, type Outline } from './outline.js';
import { SettingsCache, normalize } from './settings.js';
import { Service } from './service.js';
import { bootLogText, simulationResult } from './simulation.js';
import { documentSymbols, foldingRanges, workspaceSymbols } from './symbols.js';
import { translate } from './translate.js';
import { startWatchdog } from './watchdog.js';

const connection = createConnection(ProposedFeatures.all);
const docs = new TextDocuments(TextDocument);
const settings = new SettingsCache(connection);
const service = new Service(connection, docs, settings);

function guard<P, R>(name: string, fallback: R, fn: (p: P) => R | Promise<R>): (p: P) => Promise<R> {
  return async (p: P) => {
    try {
      return await fn(p);
    } catch (e) {
      connection.console.error(`${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return fallback;
    }
  };
}

const outlines = new WeakMap<TextDocument, Outline>();
function outlineOf(doc: TextDocument): Outline {
  let o = outlines.get(doc);
  // TextDocument objects are updated in place: key the cache by version too.
  if (!o || (o as Outline & { v?: number }).v !== doc.version) {
    o = scanOutline(doc.getText().slice(0, 16 * 1024 * 1024));
    (o as Outline & { v?: number }).v = doc.version;
    outlines.set(doc, o);
  }
  return o;
}

/** An open document, or (for requests on files the client has not opened) the file on disk.
 * The last few files read from disk are kept while their version token (inode, size, mtime) is
 * unchanged: a hover in a large .dtsi would otherwise read it again on every request. */
const diskDocs = new Map<string, { version: string; doc: TextDocument }>();
const DISK_DOCS = 4;

function docOf(uri: string): TextDocument | undefined {
  const d = docs.get(uri);
  if (d) return d;
  const file = uriToPath(uri);
  const fs = service.fs.session();
  const version = fs.version?.(file);
  const hit = diskDocs.get(uri);
  if (hit && version !== undefined && hit.version === version) return hit.doc;
  const text = fs.readFile(file);
  if (text === undefined) return undefined;
  const doc = TextDocument.create(uri, 'dts', 0, text);
  diskDocs.delete(uri);
  if (version !== undefined) diskDocs.set(uri, { version, doc });
  for (const k of diskDocs.keys()) if (diskDocs.size > DISK_DOCS) diskDocs.delete(k);
  return doc;
}

/** A what-if analysis, answered and not kept: what it left cached goes unless the board is edited. */
function oneOff(input: AnalyzeInput): Analysis {
  try {
    return analyze(input);
  } finally {
    service.retention.analysed(input.board);
  }
}

/** The analysis for a document (waits for the first one, bounded). */
async function analysisFor(uri: string) {
  const p = uriToPath(uri);
  const board = service.contextOf(p);
  const v = service.view(board);
  const doc = docs.get(uri);
  if (!v) await service.settled(board, 60000);
  // The buffer changed since the analysis and a run is coming: wait for it (bounded) so
  // positions in the answer match the text the user sees.
  else if (doc && v.versions.has(p) && v.versions.get(p) !== doc.version) await service.settled(board, 3000);
  return { a: service.view(board), file: p, text: docOf(uri)?.getText() };
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const opts = (params.initializationOptions ?? {}) as InitOptions & { settings?: unknown };
  for (const [dtsi, board] of Object.entries(opts.boardPicks ?? {})) service.setPick(uriToPath(dtsi), uriToPath(board));
  if (typeof opts.debounceMs === 'number') service.debounceMs = opts.debounceMs;
  if (opts.settings) settings.fallback = normalize((opts.settings as Record<string, unknown>).dtmem ?? opts.settings);
  settings.canAsk = !!params.capabilities.workspace?.configuration;
  service.folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
  if (!service.folders.length && params.rootUri) service.folders = [uriToPath(params.rootUri)];
  service.ready = initParser().catch((e) => connection.console.error(`tree-sitter unavailable, native parser only: ${String(e)}`));
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      completionProvider: { triggerCharacters: ['"', '&', '#'] },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      codeLensProvider: { resolveProvider: false },
      foldingRangeProvider: true,
      documentLinkProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'dtmem', version: '0.1.0' },
  };
});

connection.onDidChangeConfiguration(guard('configuration', undefined, (p) => {
  settings.clear();
  service.noteFileChanged();
  const s = (p.settings as Record<string, unknown> | undefined)?.dtmem;
  if (s) settings.fallback = normalize(s);
  for (const b of service.activeBoards()) service.schedule(b, 'full', 0);
}));

docs.onDidOpen((e) => {
  try {
    const p = noteUri(e.document.uri);
    service.schedule(service.contextOf(p), 'full', 0);
  } catch (err) {
    connection.console.error(`open failed: ${String(err)}`);
  }
});

docs.onDidChangeContent((e) => {
  try {
    const p = uriToPath(e.document.uri);
    for (const b of service.boardsReading(p)) {
      service.retention.edited(b);
      service.schedule(b, 'quick', service.debounceMs);
    }
  } catch (err) {
    connection.console.error(`change failed: ${String(err)}`);
  }
});

docs.onDidSave((e) => {
  try {
    const p = uriToPath(e.document.uri);
    service.noteSaved();
    for (const b of service.boardsReading(p)) service.schedule(b, 'full', 0);
  } catch (err) {
    connection.console.error(`save failed: ${String(err)}`);
  }
});

docs.onDidClose((e) => {
  try {
    const p = uriToPath(e.document.uri);
    const board = service.contextOf(p);
    forgetUri(p);
    // Another open document still needs the board: re-analyse from disk (the buffer is gone).
    setImmediate(() => {
      const active = service.activeBoards();
      for (const b of [...service.boards.keys()]) if (!active.has(b)) service.retire(b);
      if (active.has(board)) service.schedule(board, 'full', 0);
    });
  } catch (err) {
    connection.console.error(`close failed: ${String(err)}`);
  }
});

connection.onDidChangeWatchedFiles(guard('watched files', undefined, () => {
  service.noteFileChanged();
  for (const b of service.activeBoards()) service.schedule(b, 'full', service.debounceMs);
}));

connection.onHover(guard('hover', null, async (p) => {
  const { a, file, text } = await analysisFor(p.textDocument.uri);
  if (!a) return null;
  const md = hover(a, file, text, p.position.line, p.position.character);
  return md ? { contents: { kind: 'markdown', value: md } } : null;
}));

connection.onDefinition(guard('definition', [], async (p) => {
  const { a, file, text } = await analysisFor(p.textDocument.uri);
  return a ? definition(a, file, text, p.position.line, p.position.character) : [];
}));

connection.onReferences(guard('references', [], async (p) => {
  const { a, file, text } = await analysisFor(p.textDocument.uri);
  return a ? references(a, file, text, p.position.line, p.position.character, p.context.includeDeclaration) : [];
}));

connection.onDocumentLinks(guard('links', [], async (p) => {
  const { a, file } = await analysisFor(p.textDocument.uri);
  return a ? documentLinks(a, file) : [];
}));

connection.onDocumentSymbol(guard('symbols', [], async (p) => {
  const doc = docOf(p.textDocument.uri);
  if (!doc) return [];
  const file = uriToPath(p.textDocument.uri);
  return documentSymbols(outlineOf(doc), service.view(service.contextOf(file)), file);
}));

connection.onWorkspaceSymbol(guard('workspace symbols', [], (p) => workspaceSymbols(service.analyses(), p.query)));

connection.onCompletion(guard('completion', [], async (p) => {
  const doc = docs.get(p.textDocument.uri);
  if (!doc) return [];
  const a = service.view(service.contextOf(uriToPath(p.textDocument.uri)));
  return completion(outlineOf(doc), doc.getText(), a, p.position.line, p.position.character, a?.sim?.profile.rmemHandlers.map((h) => h.compatible));
}));

connection.onCodeAction(guard('code actions', [], (p) => codeActions(p.context.diagnostics)));

connection.onCodeLens(guard('code lens', [], async (p) => {
  const { a, file } = await analysisFor(p.textDocument.uri);
  return codeLenses(a, file);
}));

connection.onFoldingRanges(guard('folding', [], (p) => {
  const doc = docOf(p.textDocument.uri);
  return doc ? foldingRanges(outlineOf(doc)) : [];
}));

connection.onRequest(SimulationRequest, guard<SimulationParams, SimulationResult | null>('simulation', null, async (p) => {
  const file = uriToPath(p.uri);
  const board = service.contextOf(file);
  if (p.whatIf) {
    const folder = service.folderOf(board);
    const s = await settings.get(pathToUri(folder ?? board));
    return simulationResult(oneOff({ board, full: true, fs: service.fs, settings: s, folder, whatIf: p.whatIf }), p.uri);
  }
  await service.settled(board);
  let full = service.boards.get(board)?.full;
  if (!full) {
    service.schedule(board, 'full', 0);
    await service.settled(board);
    full = service.boards.get(board)?.full;
  }
  return full ? simulationResult(full, p.uri) : null;
}));

connection.onRequest(TranslateRequest, guard<TranslateParams, TranslateResult | null>('translate', null, async (p) => {
  const board = service.contextOf(uriToPath(p.uri));
  if (p.whatIf) {
    const folder = service.folderOf(board);
    const s = await settings.get(pathToUri(folder ?? board));
    return translate(oneOff({ board, full: true, fs: service.fs, settings: s, folder, whatIf: p.whatIf }), p);
  }
  await service.settled(board);
  const full = service.boards.get(board)?.full;
  return full ? translate(full, p) : null;
}));

connection.onRequest(BootLogRequest, guard<BootLogParams, BootLogResult | null>('boot log', null, async (p) => {
  const board = service.contextOf(uriToPath(p.uri));
  await service.settled(board);
  const full = service.boards.get(board)?.full;
  return full ? { board: pathToUri(board), text: bootLogText(full) } : null;
}));

connection.onRequest(CompareLogRequest, guard<CompareLogParams, CompareLogResult | null>('compare log', null, (p) => compareLog(p, {
  fs: service.fs,
  contextOf: (f) => service.contextOf(f),
  folderOf: (b) => service.folderOf(b),
  settings: (b, folder) => settings.get(pathToUri(folder ?? b)),
  analysed: (b) => service.retention.analysed(b),
})));

connection.onRequest(BoardCandidatesRequest, guard<BoardCandidatesParams, BoardCandidatesResult>('board candidates', { candidates: [] }, (p) => {
  const file = uriToPath(p.uri);
  return { candidates: service.candidates(file).map(pathToUri), current: pathToUri(service.contextOf(file)) };
}));

connection.onRequest(SetBoardRequest, guard<SetBoardParams, boolean>('set board', false, (p) => {
  const file = uriToPath(p.uri);
  const old = service.contextOf(file);
  service.setPick(file, p.board ? uriToPath(p.board) : null);
  const now = service.contextOf(file);
  if (now !== old && !service.activeBoards().has(old)) service.retire(old);
  service.schedule(now, 'full', 0);
  return true;
}));

connection.onRequest(MemoryRequest, guard<MemoryParams, MemoryResult | null>('memory', null, (p) => memoryUsage(p, service.kept(), service.retention.treeCount())));

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${String(e)}`));

startWatchdog();
docs.listen(connection);
connection.listen();
