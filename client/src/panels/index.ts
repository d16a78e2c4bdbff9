// The webview panels' entry for the extension: registers dtmem.showMemoryMap and
// dtmem.showPageTables, the serializers that restore open panels after a reload, and the
// editor/server events the panels follow (active editor, cursor, dtmem/analyzed).
// Wiring (client/src/extension.ts, after the LanguageClient exists):
//   import { registerPanels } from './panels/index.js';
//   registerPanels(context, client);
import * as vscode from 'vscode';
import { onAnalyzed } from '../lsp_client.js';
import { DtmemPanel, VIEW_TYPES } from './panel.js';
import type { PanelKind } from './html.js';

export function registerPanels(context: vscode.ExtensionContext, _client?: unknown): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const kinds: PanelKind[] = ['memory-map', 'page-tables'];
  context.subscriptions.push(
    vscode.commands.registerCommand('dtmem.showMemoryMap', () => DtmemPanel.show(context, 'memory-map')),
    vscode.commands.registerCommand('dtmem.showPageTables', () => DtmemPanel.show(context, 'page-tables')),
    ...kinds.map((k) => vscode.window.registerWebviewPanelSerializer(VIEW_TYPES[k], {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => DtmemPanel.revive(context, k, panel, state),
    })),
    onAnalyzed((p) => DtmemPanel.analyzed(p.uris)),
    vscode.window.onDidChangeActiveTextEditor((e) => DtmemPanel.activeEditor(e)),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      // the cursor moves a lot: forward at most every 100 ms
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => DtmemPanel.cursor(e.textEditor), 100);
    }),
    { dispose: () => { if (timer) clearTimeout(timer); } },
  );
}
