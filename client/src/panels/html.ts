// The extension-host half of the panel HTML: a fresh nonce per page and the bundle/CSS URIs
// through asWebviewUri under dist/webview (the panels' only localResourceRoot); the page itself
// is shell.ts's.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { shellHtml } from './shell.js';

export type PanelKind = 'memory-map' | 'page-tables';

export function webviewRoot(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
}

export function panelHtml(webview: vscode.Webview, context: vscode.ExtensionContext, kind: PanelKind, title: string): string {
  const nonce = randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
  const root = webviewRoot(context);
  return shellHtml({
    cspSource: webview.cspSource, nonce, title,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${kind}.js`)).toString(),
    styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(root, `${kind}.css`)).toString()],
  });
}
