// The HTML shell of a dtmem webview panel: a strict Content-Security-Policy (nothing but the
// nonce'd bundle from dist/webview, styles from there too, images only as data:/blob: for the PNG
// export), the bundle and its CSS through asWebviewUri.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

export type PanelKind = 'memory-map' | 'page-tables';

export function webviewRoot(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
}

export function panelHtml(webview: vscode.Webview, context: vscode.ExtensionContext, kind: PanelKind, title: string): string {
  const nonce = randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
  const root = webviewRoot(context);
  const js = webview.asWebviewUri(vscode.Uri.joinPath(root, `${kind}.js`));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(root, `${kind}.css`));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`
    + `<meta http-equiv="Content-Security-Policy" content="${csp}">`
    + `<meta name="viewport" content="width=device-width, initial-scale=1.0">`
    + `<link rel="stylesheet" href="${css.toString()}"><title>${title}</title></head>`
    + `<body><script nonce="${nonce}" src="${js.toString()}"></script></body></html>`;
}
