// Status bar item: the kernel profile the active devicetree is simulated with and how long the
// last simulation took (`$(chip) arm64 · Linux 6.1 · 4K pages · sim 18 ms`); click to show the
// simulated boot log.
import * as vscode from 'vscode';
import type { AnalyzedParams } from '../../server/src/protocol.js';
import { activeDts } from './lsp_client.js';

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  private readonly byUri = new Map<string, AnalyzedParams>();

  constructor() {
    this.item.command = 'dtmem.showSimulation';
    this.refresh();
  }

  update(p: AnalyzedParams): void {
    for (const u of p.uris) this.byUri.set(u, p);
    this.refresh();
  }

  refresh(): void {
    const e = activeDts();
    const p = e && this.byUri.get(e.document.uri.toString());
    if (!e) {
      this.item.hide();
      return;
    }
    if (!p) {
      this.item.text = '$(sync~spin) dtmem';
      this.item.tooltip = 'dtmem: analysing…';
    } else {
      this.item.text = `$(chip) ${p.profile} · sim ${p.simMs} ms`;
      const md = new vscode.MarkdownString(
        `**dtmem** — board \`${vscode.Uri.parse(p.board).fsPath}\`\n\n` +
        `Profile: ${p.profile}${p.modelled ? '' : ' (boot path not modelled)'}\n\n` +
        `Last simulation: ${new Date(p.at).toLocaleTimeString()} — simulate ${p.simMs} ms, total ${p.totalMs} ms\n\n` +
        `${p.errors} error(s), ${p.warnings} warning(s). Click for the simulated boot log.`,
      );
      this.item.tooltip = md;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
