// Test harness: starts the real bundled server (dist/server.js) over stdio and talks LSP to it
// with vscode-languageserver-protocol, as any editor would. Collects published diagnostics and
// custom notifications; `waitFor` polls them with a deadline so a test fails instead of hanging.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  DidSaveTextDocumentNotification, DidCloseTextDocumentNotification, PublishDiagnosticsNotification,
  ShutdownRequest, ExitNotification, ConfigurationRequest, DidChangeConfigurationNotification, type PublishDiagnosticsParams, type Diagnostic,
} from 'vscode-languageserver-protocol/node.js';

export const ROOT = path.resolve(__dirname, '../..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');
export const FIXTURES = path.join(__dirname, 'fixtures');
export const LINUX = path.resolve(ROOT, '../shared/corpus/linux-6.12');

function newestSource(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/server.js when it is missing or older than the server sources. */
export function ensureBuilt(): void {
  const src = newestSource(path.join(ROOT, 'server', 'src'));
  if (existsSync(SERVER) && statSync(SERVER).mtimeMs >= src) return;
  spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(SERVER) || statSync(SERVER).mtimeMs < src) throw new Error('dist/server.js could not be built (node esbuild.mjs)');
}

export const uri = (p: string): string => pathToFileURL(p).toString();

export interface Client {
  conn: ProtocolConnection;
  proc: ChildProcess;
  diagnostics: Map<string, PublishDiagnosticsParams[]>;
  notifications: { method: string; params: unknown }[];
  logs: string[];
  versions: Map<string, number>;
  open(file: string, text?: string, languageId?: string): Promise<void>;
  change(file: string, text: string): void;
  save(file: string): void;
  close(file: string): void;
  latest(file: string): PublishDiagnosticsParams | undefined;
  waitFor<T>(what: string, f: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  /** Changes what workspace/configuration answers and tells the server (didChangeConfiguration). */
  setSettings(s: Record<string, unknown>): void;
  stop(): Promise<void>;
}

export async function startServer(opts: { root?: string; settings?: Record<string, unknown>; initializationOptions?: Record<string, unknown>; env?: Record<string, string>; execArgv?: string[] } = {}): Promise<Client> {
  ensureBuilt();
  // execArgv: node flags, as the VS Code client passes them (server/src/lsp/launch.ts).
  const proc = spawn(process.execPath, [...(opts.execArgv ?? []), SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  const notifications: { method: string; params: unknown }[] = [];
  const logs: string[] = [];
  const versions = new Map<string, number>();
  // waitFor re-checks as soon as a notification arrives (latencies are not rounded to its poll).
  const wakers = new Set<() => void>();
  const wake = (): void => { for (const w of wakers) w(); };
  proc.stderr!.on('data', (d) => logs.push(String(d)));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const list = diagnostics.get(p.uri) ?? [];
    list.push(p);
    diagnostics.set(p.uri, list);
    wake();
  });
  for (const method of ['window/logMessage', 'window/showMessage', 'dtmem/analyzed']) {
    conn.onNotification(method, (params: unknown) => {
      notifications.push({ method, params });
      if (method === 'window/logMessage') logs.push((params as { message: string }).message);
      wake();
    });
  }
  let settings = opts.settings ?? {};
  conn.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => settings));
  conn.listen();
  const root = opts.root ?? FIXTURES;
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid, rootUri: uri(root), workspaceFolders: [{ uri: uri(root), name: 'ws' }],
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
    initializationOptions: opts.initializationOptions ?? {},
  });
  await conn.sendNotification(InitializedNotification.type, {});
  const client: Client = {
    conn, proc, diagnostics, notifications, logs, versions,
    async open(file, text, languageId = 'dts') {
      versions.set(file, 1);
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(file), languageId, version: 1, text: text ?? readFileSync(file, 'utf8') } });
    },
    change(file, text) {
      const v = (versions.get(file) ?? 1) + 1;
      versions.set(file, v);
      void conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(file), version: v }, contentChanges: [{ text }] });
    },
    save(file) {
      void conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: uri(file) } });
    },
    close(file) {
      void conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uri(file) } });
    },
    setSettings(s) {
      settings = s;
      void conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { dtmem: s } });
    },
    latest(file) {
      const l = diagnostics.get(uri(file));
      return l?.[l.length - 1];
    },
    async waitFor(what, f, timeoutMs = 30000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = f();
        if (v) return v as never;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nserver log:\n${logs.slice(-20).join('\n')}`);
        await new Promise<void>((r) => {
          const done = (): void => { clearTimeout(t); wakers.delete(done); r(); };
          const t = setTimeout(done, 20);
          wakers.add(done);
        });
      }
    },
    async stop() {
      try {
        await Promise.race([conn.sendRequest(ShutdownRequest.type, undefined), new Promise((r) => setTimeout(r, 3000))]);
        await conn.sendNotification(ExitNotification.type);
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 50));
      conn.dispose();
      proc.kill();
    },
  };
  return client;
}

export function messages(d: Diagnostic[] | undefined): string[] {
  return (d ?? []).map((x) => `${x.range.start.line}:${x.code}:${x.message}`);
}
