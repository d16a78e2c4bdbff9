// Commands owned by the language-client side: the simulated boot log as a read-only text
// document, and picking the board a .dtsi is analysed through (remembered per workspace).
import * as vscode from 'vscode';
import {
  BoardCandidatesRequest, BootLogRequest, CompareLogRequest, SetBoardRequest,
  type BoardCandidatesResult, type BootLogResult, type CompareLogParams, type CompareLogResult,
} from '../../server/src/protocol.js';
import { activeDts, getClient } from './lsp_client.js';

export const PICKS_KEY = 'dtmem.boardPicks';

export async function showSimulation(): Promise<void> {
  const e = activeDts();
  const client = getClient();
  if (!e || !client) {
    void vscode.window.showInformationMessage('dtmem: open a devicetree file first.');
    return;
  }
  const r = await client.sendRequest<BootLogResult | null>(BootLogRequest, { uri: e.document.uri.toString() });
  if (!r) {
    void vscode.window.showWarningMessage('dtmem: no simulation for this file yet (save it to run one).');
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ content: r.text, language: 'log' });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

export async function pickBoard(context: vscode.ExtensionContext): Promise<void> {
  const e = activeDts();
  const client = getClient();
  if (!e || !client) return;
  const uri = e.document.uri.toString();
  const r = await client.sendRequest<BoardCandidatesResult>(BoardCandidatesRequest, { uri });
  const items: (vscode.QuickPickItem & { board: string | null })[] = r.candidates.map((c) => ({
    label: vscode.workspace.asRelativePath(vscode.Uri.parse(c)), description: c === r.current ? 'current' : undefined, board: c,
  }));
  items.push({ label: 'Browse…', description: 'choose any .dts file', board: null });
  const choice = await vscode.window.showQuickPick(items, { placeHolder: 'Board to analyse this .dtsi through' });
  if (!choice) return;
  let board = choice.board;
  if (board === null) {
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Devicetree: ['dts'] } });
    if (!files?.length) return;
    board = files[0].toString();
  }
  const picks = { ...context.workspaceState.get<Record<string, string>>(PICKS_KEY, {}), [uri]: board };
  await context.workspaceState.update(PICKS_KEY, picks);
  await client.sendRequest(SetBoardRequest, { uri, board });
}

/** Boot logs are a few MB at most; the server refuses more anyway. */
const MAX_LOG_BYTES = 64 << 20;

/** "dtmem: Compare with Boot Log…": a real boot log against the active board's simulation; the
 * fact table opens beside the editor, the disagreements land in `compare` (cleared each run). */
export async function compareWithBootLog(compare: vscode.DiagnosticCollection): Promise<void> {
  const e = activeDts();
  const client = getClient();
  if (!e || !client) {
    void vscode.window.showInformationMessage('dtmem: open a devicetree file first.');
    return;
  }
  compare.clear();
  const files = await vscode.window.showOpenDialog({
    canSelectMany: false, openLabel: 'Compare', title: 'Boot log (dmesg or serial console)',
    filters: { 'Boot logs': ['log', 'txt', 'dmesg'], 'All files': ['*'] },
  });
  if (!files?.length) return;
  const bytes = await vscode.workspace.fs.readFile(files[0]);
  if (bytes.length > MAX_LOG_BYTES) {
    void vscode.window.showErrorMessage(`dtmem: ${files[0].fsPath} is larger than ${MAX_LOG_BYTES >> 20} MiB.`);
    return;
  }
  const params: CompareLogParams = { uri: e.document.uri.toString(), logText: Buffer.from(bytes).toString('utf8') };
  const r = await client.sendRequest<CompareLogResult | null>(CompareLogRequest, params);
  if (!r) {
    void vscode.window.showErrorMessage('dtmem: the comparison failed (see the dtmem output channel).');
    return;
  }
  if (r.error) void vscode.window.showWarningMessage(`dtmem: ${r.error}`);
  for (const [uri, list] of Object.entries(r.diagnostics)) {
    compare.set(vscode.Uri.parse(uri), list.map((d) => {
      const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
      const diag = new vscode.Diagnostic(range, d.message, (d.severity - 1) as vscode.DiagnosticSeverity);
      diag.code = d.code;
      diag.source = d.source;
      return diag;
    }));
  }
  const doc = await vscode.workspace.openTextDocument({ content: r.report, language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}
