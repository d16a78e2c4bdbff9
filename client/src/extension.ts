// dtmem's VS Code extension host entry (bundled to dist/client.js): starts the language server
// (dist/server.js over node IPC), the status bar item and the language-client commands
// (dtmem.showSimulation, dtmem.pickBoard, dtmem.compareWithBootLog). The webview commands (dtmem.showMemoryMap,
// dtmem.showPageTables) are registered by the panels' module through lsp_client.ts.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';
import { SERVER_ENV, SERVER_EXEC_ARGV } from '../../server/src/lsp/launch.js';
import { AnalyzedNotification, type AnalyzedParams, type InitOptions } from '../../server/src/protocol.js';
import { compareWithBootLog, pickBoard, PICKS_KEY, showSimulation } from './commands.js';
import { fireAnalyzed, onAnalyzed, setClient } from './lsp_client.js';
import { StatusItem } from './status.js';
import { registerPanels } from './panels/index.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    // Node flags and environment chosen for the server's memory (launch.ts; bench:lsp uses the same).
    run: { module, transport: TransportKind.ipc, options: { execArgv: SERVER_EXEC_ARGV, env: { ...process.env, ...SERVER_ENV } } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6011'], env: { ...process.env, ...SERVER_ENV } } },
  };
  const initializationOptions: InitOptions = { boardPicks: context.workspaceState.get<Record<string, string>>(PICKS_KEY, {}) };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'dts' }],
    // configurationSection: the server hears about dtmem.* changes (and re-reads per-folder values
    // with workspace/configuration); file events: includes changed outside the editor.
    synchronize: { configurationSection: 'dtmem', fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{dts,dtsi,dtso,h}') },
    initializationOptions,
  };
  client = new LanguageClient('dtmem', 'dtmem', serverOptions, clientOptions);
  setClient(client);

  const status = new StatusItem();
  // Boot-log comparison results, apart from the server's live diagnostics (cleared on each run).
  const compare = vscode.languages.createDiagnosticCollection('dtmem-compare');
  context.subscriptions.push(
    status,
    compare,
    vscode.window.onDidChangeActiveTextEditor(() => status.refresh()),
    onAnalyzed((p) => status.update(p)),
    vscode.commands.registerCommand('dtmem.showSimulation', showSimulation),
    vscode.commands.registerCommand('dtmem.pickBoard', () => pickBoard(context)),
    vscode.commands.registerCommand('dtmem.compareWithBootLog', () => compareWithBootLog(compare)),
  );
  // webview panels: dtmem.showMemoryMap / dtmem.showPageTables, their serializers, cursor/analysis events
  registerPanels(context, client);
  await client.start();
  context.subscriptions.push(client.onNotification(AnalyzedNotification, (p: AnalyzedParams) => fireAnalyzed(p)));
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  setClient(undefined);
  if (c) await c.stop();
}
