// Browser harness for the panel tests: builds the two webview bundles with esbuild (as
// esbuild.mjs does), serves them on 127.0.0.1 inside a page with the same strict CSP as the
// extension host's panels (nonce'd script, styles only from the server) and VS Code's theme
// variables for light / dark / high contrast, with a recording stand-in for acquireVsCodeApi.
// Chromium is Debian's (/usr/bin/chromium) driven by playwright-core.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { shellHtml } from '../../client/src/panels/shell.js';

export type Theme = 'light' | 'dark' | 'high-contrast';

// A subset of the variables VS Code defines (values from its default Light+/Dark+/HC themes).
const THEMES: Record<Theme, Record<string, string>> = {
  light: {
    foreground: '#616161', 'editor-background': '#ffffff', 'editorWidget-background': '#f3f3f3', 'editorWidget-border': '#c8c8c8', focusBorder: '#0090f1',
    'button-background': '#007acc', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#e0e0e0', 'button-secondaryForeground': '#333333',
    'input-background': '#ffffff', 'input-foreground': '#616161', 'input-border': '#cecece', 'editorHoverWidget-background': '#f3f3f3', 'editorHoverWidget-border': '#c8c8c8',
    errorForeground: '#a1260d', 'editorWarning-foreground': '#bf8803', 'list-hoverBackground': '#e8e8e8', 'list-activeSelectionBackground': '#0060c0', 'list-activeSelectionForeground': '#ffffff',
    'editorLineNumber-foreground': '#237893', 'textBlockQuote-background': '#f2f2f2', 'textLink-foreground': '#006ab1', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
  },
  dark: {
    foreground: '#cccccc', 'editor-background': '#1e1e1e', 'editorWidget-background': '#252526', 'editorWidget-border': '#454545', focusBorder: '#007fd4',
    'button-background': '#0e639c', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#ffffff',
    'input-background': '#3c3c3c', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c', 'editorHoverWidget-background': '#252526', 'editorHoverWidget-border': '#454545',
    errorForeground: '#f48771', 'editorWarning-foreground': '#cca700', 'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e', 'list-activeSelectionForeground': '#ffffff',
    'editorLineNumber-foreground': '#858585', 'textBlockQuote-background': '#222222', 'textLink-foreground': '#3794ff', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
  },
  'high-contrast': {
    foreground: '#ffffff', 'editor-background': '#000000', 'editorWidget-background': '#0c141f', 'editorWidget-border': '#6fc3df', focusBorder: '#f38518', contrastBorder: '#6fc3df',
    'button-background': '#000000', 'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff',
    'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df', 'editorHoverWidget-background': '#0c141f', 'editorHoverWidget-border': '#6fc3df',
    errorForeground: '#f48771', 'editorWarning-foreground': '#ffd370', 'list-hoverBackground': '#000000', 'list-activeSelectionBackground': '#000000', 'list-activeSelectionForeground': '#ffffff',
    'editorLineNumber-foreground': '#ffffff', 'textBlockQuote-background': '#000000', 'textLink-foreground': '#21a6ff', 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace',
  },
};

const BODY_CLASS: Record<Theme, string> = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast' };

export interface Harness {
  url: string;
  context: BrowserContext;
  open(panel: 'memory-map' | 'page-tables', theme: Theme, state?: unknown): Promise<Page>;
  close(): Promise<void>;
}

// The stand-in for VS Code's acquireVsCodeApi: posted messages and setState calls are recorded
// on window.__posted / window.__state; getState returns what the test seeded (a "reload").
const RECORDER = `window.__posted=[];window.__state=window.__seed||undefined;
window.acquireVsCodeApi=function(){return{postMessage:function(m){window.__posted.push(JSON.parse(JSON.stringify(m)));},getState:function(){return window.__state;},setState:function(s){window.__state=JSON.parse(JSON.stringify(s));}};};`;

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'dtmem-webview-'));
  const root = join(__dirname, '..', '..');
  await esbuild.build({
    entryPoints: ['memory-map', 'page-tables'].map((p) => join(root, 'client', 'webview', `${p}.ts`)),
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', outdir: dir, logLevel: 'warning',
  });
  const seeds = new Map<string, string>();
  let port = 0;
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = /^\/(memory-map|page-tables)\.(js|css)$/.exec(u.pathname);
    if (file) {
      res.writeHead(200, { 'content-type': file[2] === 'js' ? 'text/javascript' : 'text/css' });
      res.end(readFileSync(join(dir, `${file[1]}.${file[2]}`)));
      return;
    }
    const theme = /^\/theme-(light|dark|high-contrast)\.css$/.exec(u.pathname);
    if (theme) {
      const vars = THEMES[theme[1] as Theme];
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(`html{${Object.entries(vars).map(([k, v]) => `--vscode-${k}:${v};`).join('')}}`);
      return;
    }
    if (u.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (u.pathname === '/panel.html') {
      const panel = u.searchParams.get('panel') ?? 'memory-map';
      const t = (u.searchParams.get('theme') ?? 'light') as Theme;
      const nonce = 'n' + Math.random().toString(36).slice(2);
      const seed = seeds.get(u.searchParams.get('seed') ?? '') ?? 'undefined';
      const origin = `http://127.0.0.1:${port}`;
      // exactly the page the extension host serves (client/src/panels/shell.ts), with the test
      // server as cspSource; the theme variables come as one more stylesheet
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(shellHtml({
        cspSource: origin, nonce, title: panel, scriptUri: `/${panel}.js`, styleUris: [`/theme-${t}.css`, `/${panel}.css`],
        inline: `window.__seed=${seed};${RECORDER}`, bodyClass: BODY_CLASS[t],
      }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  port = (server.address() as { port: number }).port;
  const profile = mkdtempSync(join(tmpdir(), 'dtmem-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.DTMEM_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  let seq = 0;
  return {
    url: `http://127.0.0.1:${port}`,
    context,
    async open(panel, theme, state) {
      const key = state === undefined ? '' : String(++seq);
      if (key) seeds.set(key, JSON.stringify(state));
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      (page as Page & { errors?: string[] }).errors = errors;
      await page.goto(`http://127.0.0.1:${port}/panel.html?panel=${panel}&theme=${theme}${key ? `&seed=${key}` : ''}`);
      return page;
    },
    async close() {
      await context.close();
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function pageErrors(p: Page): string[] {
  return (p as Page & { errors?: string[] }).errors ?? [];
}

/** Sends a host message to the panel, as the extension host's webview.postMessage does. */
export async function send(p: Page, msg: unknown): Promise<void> {
  await p.evaluate((m) => window.postMessage(m, '*'), msg);
}

export async function posted(p: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return p.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}
