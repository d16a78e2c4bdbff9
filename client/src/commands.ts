// Commands owned by the language-client side: the simulated boot log as a read-only text
// document, and picking the board a .dtsi is analysed through (remembered per workspace).
import * as vscode from 'vscode';
import {
  BoardCandidatesRequest, BootLogRequest, SetBoardRequest,
  type BoardCandidatesResult, type BootLogResult,
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
