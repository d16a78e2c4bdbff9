// The HTML shell of a dtmem webview panel as a pure function (no vscode import), so that the
// browser tests serve exactly the page the extension host builds: a strict Content-Security-
// Policy (scripts only with the nonce, styles and fonts only from the webview's resource root,
// images only data:/blob: for the PNG export) and the panel bundle with its CSS.
export interface ShellInput {
  /** webview.cspSource (or the test server's origin). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: string[];
  title: string;
  /** Inline script run before the bundle (tests: the acquireVsCodeApi stand-in). */
  inline?: string;
  bodyClass?: string;
}

export function cspOf(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function shellHtml(i: ShellInput): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`
    + `<meta http-equiv="Content-Security-Policy" content="${attr(cspOf(i.cspSource, i.nonce))}">`
    + `<meta name="viewport" content="width=device-width, initial-scale=1.0">`
    + i.styleUris.map((u) => `<link rel="stylesheet" href="${attr(u)}">`).join('')
    + `<title>${attr(i.title)}</title></head><body${i.bodyClass ? ` class="${attr(i.bodyClass)}"` : ''}>`
    + (i.inline ? `<script nonce="${attr(i.nonce)}">${i.inline}</script>` : '')
    + `<script nonce="${attr(i.nonce)}" src="${attr(i.scriptUri)}"></script></body></html>`;
}
