// One dtmem webview panel (memory map or page-table inspector) on the extension-host side: it
// follows the active devicetree editor, asks the language server for dtmem/simulation (with the
// panel's what-if inputs), refreshes when the server reports a new analysis, forwards the editor
// cursor, and carries out the webview's requests (reveal a node, copy, export a file). Messages
// are the typed HostToWebview / WebviewToHost of server/src/protocol.ts.
import * as vscode from 'vscode';
import type { HostToWebview, SimulationResult, WebviewToHost, WhatIf, WireLocation } from '../../../server/src/protocol.js';
import { activeDts, simulation } from '../lsp_client.js';
import { panelHtml, webviewRoot, type PanelKind } from './html.js';

export const VIEW_TYPES: Record<PanelKind, string> = { 'memory-map': 'dtmem.memoryMap', 'page-tables': 'dtmem.pageTables' };
const TITLES: Record<PanelKind, string> = { 'memory-map': 'dtmem: Memory Map', 'page-tables': 'dtmem: Page Tables' };

export class DtmemPanel {
  private static open = new Map<PanelKind, DtmemPanel>();
  private doc?: vscode.Uri;
  private whatIf?: WhatIf;
  private disposables: vscode.Disposable[] = [];
  private seq = 0;

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly kind: PanelKind, context: vscode.ExtensionContext, doc?: vscode.Uri) {
    this.doc = doc;
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(context)] };
    panel.webview.html = panelHtml(panel.webview, context, kind, TITLES[kind]);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: WebviewToHost) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    DtmemPanel.open.set(kind, this);
  }

  static show(context: vscode.ExtensionContext, kind: PanelKind): void {
    const doc = activeDts()?.document.uri;
    const cur = DtmemPanel.open.get(kind);
    if (cur) {
      if (doc) cur.doc = doc;
      cur.panel.reveal(vscode.ViewColumn.Beside, true);
      void cur.refresh();
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPES[kind], TITLES[kind], { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [webviewRoot(context)],
    });
    new DtmemPanel(panel, kind, context, doc);
  }

  /** WebviewPanelSerializer: a panel restored after a reload; its state holds the last result. */
  static revive(context: vscode.ExtensionContext, kind: PanelKind, panel: vscode.WebviewPanel, state: unknown): void {
    const sim = (state as { sim?: SimulationResult } | undefined)?.sim;
    new DtmemPanel(panel, kind, context, sim?.uri ? vscode.Uri.parse(sim.uri) : activeDts()?.document.uri);
  }

  /** After an analysis (open/save) of a board: refresh the panels showing one of its documents. */
  static analyzed(uris: string[]): void {
    for (const p of DtmemPanel.open.values()) if (!p.doc || uris.includes(p.doc.toString())) void p.refresh();
  }

  static activeEditor(e: vscode.TextEditor | undefined): void {
    if (!e || e.document.languageId !== 'dts') return;
    for (const p of DtmemPanel.open.values()) {
      if (p.doc?.toString() === e.document.uri.toString()) continue;
      p.doc = e.document.uri;
      void p.refresh();
    }
  }

  static cursor(e: vscode.TextEditor): void {
    if (e.document.languageId !== 'dts') return;
    const msg: HostToWebview = { type: 'cursorAt', uri: e.document.uri.toString(), line: e.selection.active.line };
    for (const p of DtmemPanel.open.values()) void p.panel.webview.postMessage(msg);
  }

  private async refresh(): Promise<void> {
    const doc = this.doc ?? activeDts()?.document.uri;
    if (!doc) return;
    this.doc = doc;
    const n = ++this.seq;
    let r: SimulationResult | null = null;
    try {
      r = await simulation(doc, this.whatIf);
    } catch (e) {
      void vscode.window.showWarningMessage(`dtmem: simulation request failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    // a newer request superseded this one
    if (n !== this.seq || !r) return;
    const msg: HostToWebview = { type: 'simulation', data: r };
    void this.panel.webview.postMessage(msg);
  }

  private async onMessage(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.refresh();
        break;
      case 'reveal':
        await reveal(m.location);
        break;
      case 'whatIf':
        this.whatIf = Object.keys(m.whatIf).length ? m.whatIf : undefined;
        await this.refresh();
        break;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        break;
      case 'export': {
        const base = this.doc ? this.doc.path.replace(/\.[^./]+$/, '') : 'memory-map';
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.file(`${base}.memory-map.${m.format}`),
          filters: m.format === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] },
        });
        if (!target) return;
        await vscode.workspace.fs.writeFile(target, Buffer.from(m.data, m.format === 'svg' ? 'utf8' : 'base64'));
        break;
      }
    }
  }

  private dispose(): void {
    DtmemPanel.open.delete(this.kind);
    for (const d of this.disposables) d.dispose();
  }
}

/** Opens the document at a wire location and selects the node name. */
async function reveal(loc: WireLocation): Promise<void> {
  const uri = /^[a-z][a-z0-9+.-]*:/i.test(loc.uri) ? vscode.Uri.parse(loc.uri) : vscode.Uri.file(loc.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const range = new vscode.Range(loc.range.start.line, loc.range.start.character, loc.range.end.line, loc.range.end.character);
  const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.viewColumn ?? vscode.ViewColumn.One;
  const ed = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: range, preserveFocus: false });
  ed.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
