// The running LanguageClient and the server's `dtmem/analyzed` events, shared by the extension's
// features (status bar, commands, webview panels): panels call `simulation()` and subscribe to
// `onAnalyzed` to refresh on save.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node.js';
import { SimulationRequest, type AnalyzedParams, type SimulationParams, type SimulationResult, type WhatIf } from '../../server/src/protocol.js';

let client: LanguageClient | undefined;
const analyzed = new vscode.EventEmitter<AnalyzedParams>();

export const onAnalyzed: vscode.Event<AnalyzedParams> = analyzed.event;

export function setClient(c: LanguageClient | undefined): void {
  client = c;
}

export function getClient(): LanguageClient | undefined {
  return client;
}

export function fireAnalyzed(p: AnalyzedParams): void {
  analyzed.fire(p);
}

/** The simulation of the board `uri` belongs to (what-if inputs give a fresh, unpublished run). */
export async function simulation(uri: vscode.Uri, whatIf?: WhatIf): Promise<SimulationResult | null> {
  if (!client) return null;
  const params: SimulationParams = { uri: uri.toString(), whatIf };
  return client.sendRequest<SimulationResult | null>(SimulationRequest, params);
}

/** The active editor's document when it is a devicetree. */
export function activeDts(): vscode.TextEditor | undefined {
  const e = vscode.window.activeTextEditor;
  return e && e.document.languageId === 'dts' ? e : undefined;
}
