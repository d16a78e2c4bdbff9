// Real-VS-Code harness: code-server 4.100.3 (VS Code 1.100.3 served to a browser, installed from
// npm by test/e2e/install-code-server.sh) driven by Debian's headless Chromium through
// playwright-core. Installs the packaged dtmem-<version>.vsix into a fresh extensions folder,
// builds a workspace (real Linux boards copied from ../shared/corpus plus test/e2e/workspace
// fixtures), opens it, and offers the few workbench gestures the tests need (quick open, command
// palette, go to line, Problems panel, screenshots into .test-artifacts/e2e/).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');
export const ARTIFACTS = path.join(ROOT, '.test-artifacts', 'e2e');
export const CORPUS = path.resolve(ROOT, '../shared/corpus/linux-6.12');
const CODE_SERVER = process.env.DTMEM_CODE_SERVER
  ?? path.join(process.env.DTMEM_E2E_TOOLS ?? path.join(os.homedir(), '.cache/dtmem-e2e'), 'code-server/node_modules/.bin/code-server');
const CHROMIUM = process.env.DTMEM_CHROMIUM ?? '/usr/bin/chromium';

export function vsixPath(): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return process.env.DTMEM_VSIX ?? path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
}

/** Workspace: linux/ (a kernel-tree slice: the TI K3 board folder + include/dt-bindings, so the
 * extension recognises a kernel tree and resolves <dt-bindings/...>) and fixtures/. */
export function makeWorkspace(base: string): string {
  const ws = path.join(base, 'ws');
  for (const rel of ['arch/arm64/boot/dts/ti', 'include/dt-bindings']) {
    cpSync(path.join(CORPUS, rel), path.join(ws, 'linux', rel), { recursive: true });
  }
  cpSync(path.join(ROOT, 'test/e2e/workspace'), ws, { recursive: true });
  return ws;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url: string, ms: number, server: ChildProcess): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${ms} ms`);
}

export interface Session {
  page: Page;
  ws: string;
  /** Lines code-server wrote (extension host and language server logs go to files under U/logs). */
  serverLog: string[];
  userData: string;
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function start(): Promise<Session> {
  if (!existsSync(CODE_SERVER)) {
    throw new Error(`code-server not found at ${CODE_SERVER}: run test/e2e/install-code-server.sh (or set DTMEM_CODE_SERVER)`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install chromium`);
  const vsix = vsixPath();
  if (!existsSync(vsix)) throw new Error(`${vsix} missing: run npm run package first (npm run test:e2e does)`);
  const base = mkdtempSync(path.join(os.tmpdir(), 'dtmem-e2e-'));
  const ext = path.join(base, 'extensions');
  const user = path.join(base, 'user');
  mkdirSync(path.join(user, 'User'), { recursive: true });
  writeFileSync(path.join(user, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'editor.hover.delay': 200,
    'editor.minimap.enabled': false,
    'window.restoreWindows': 'none',
    'chat.disableAIFeatures': true,
  }, null, 2));
  writeFileSync(path.join(user, 'config.yaml'), 'auth: none\n');
  const install = spawnSync(CODE_SERVER, ['--extensions-dir', ext, '--user-data-dir', user, '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0) throw new Error(`installing ${vsix} into code-server failed:\n${install.stdout}\n${install.stderr}`);
  const ws = makeWorkspace(base);
  const port = await freePort();
  const serverLog: string[] = [];
  const server = spawn(CODE_SERVER, [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--extensions-dir', ext, '--user-data-dir', user, '--config', path.join(user, 'config.yaml'), ws,
  ], { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const collect = (b: Buffer) => { if (serverLog.length < 5000) serverLog.push(...b.toString('utf8').split('\n').filter(Boolean)); };
  server.stdout!.on('data', collect);
  server.stderr!.on('data', collect);
  const url = `http://127.0.0.1:${port}/`;
  let context: BrowserContext | undefined;
  let page: Page;
  try {
    await waitHttp(url + 'healthz', 60_000, server);
    context = await chromium.launchPersistentContext(path.join(base, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1600, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${url}?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer shows the workspace once the remote file system answers.
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
  } catch (e) {
    // Nothing may outlive a failed start: the server is this harness's child.
    await context?.close().catch(() => undefined);
    server.kill('SIGTERM');
    throw new Error(`${e instanceof Error ? e.message : String(e)}\ncode-server said:\n${serverLog.slice(-20).join('\n')}`, { cause: e });
  }
  const ctx = context;
  mkdirSync(ARTIFACTS, { recursive: true });
  let n = 0;
  return {
    page, ws, serverLog, userData: user,
    async shot(name: string) {
      const file = path.join(ARTIFACTS, `${String(++n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await ctx.close().catch(() => undefined);
      server.kill('SIGTERM');
      await new Promise((r) => { if (server.exitCode !== null) r(undefined); else server.once('exit', r); setTimeout(r, 5000); });
      if (!process.env.DTMEM_E2E_KEEP) rmSync(base, { recursive: true, force: true });
    },
  };
}

// ---- workbench gestures ------------------------------------------------------------------

/** The active tab of the focused editor group (a webview panel opens a second group). */
export const ACTIVE_TAB = '.editor-group-container.active .tab.active';

const isMac = false;
export const mod = isMac ? 'Meta' : 'Control';

/** Quick Open (Ctrl+P) a workspace-relative path, wait for its editor tab. */
export async function openFile(page: Page, rel: string): Promise<void> {
  await page.keyboard.press(`${mod}+P`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(rel);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  await page.locator(`${ACTIVE_TAB}[aria-label*="${path.basename(rel)}"]`).waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Run a command by its palette title (F1, type, Enter). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill('>' + title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 }).catch(() => {
    throw new Error(`command '${title}' is not in the command palette`);
  });
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => undefined);
}

/** Put the cursor at a 1-based line and column (Ctrl+G "line:col"). */
export async function goTo(page: Page, line: number, col: number): Promise<void> {
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press(`${mod}+G`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${col}`);
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => undefined);
}

/** The cursor position the status bar shows ("Ln 24, Col 14"). */
export async function cursor(page: Page): Promise<{ line: number; col: number }> {
  const t = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText();
  const m = /Ln (\d+), Col (\d+)/.exec(t);
  if (!m) throw new Error(`no cursor position in status bar: ${t}`);
  return { line: Number(m[1]), col: Number(m[2]) };
}

/** Visible rows of the Problems panel (opens it). */
export async function problems(page: Page): Promise<string[]> {
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  await page.locator('.markers-panel').waitFor();
  await page.waitForTimeout(300);
  return page.locator('.markers-panel .monaco-list-row').allInnerTexts();
}

/** Poll fn until it returns a truthy value or ms elapses. */
export async function until<T>(fn: () => Promise<T | undefined | null | false>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (e instanceof Error && e.message.includes('did not register')) throw e;
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** The innermost frame of a webview panel whose document contains `text`. Fails at once when
 * the workbench reports that the command behind it does not exist. */
export async function webviewFrame(page: Page, text: string | RegExp, ms = 30_000): Promise<Frame> {
  return until(async () => {
    // VS Code reports an unregistered command in a modal dialog (or a toast).
    const said = (await page.locator('.monaco-dialog-box, .notifications-toasts').allInnerTexts().catch(() => [])).join('\n');
    const missing = /command '([\w.]+)' not found/.exec(said);
    if (missing) throw new Error(`the extension did not register ${missing[1]} (the workbench says: command not found)`);
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      const body = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (typeof text === 'string' ? body.includes(text) : text.test(body)) return f;
    }
    return undefined;
  }, ms, `a webview showing ${String(text)}`);
}
