// Per-folder settings (`dtmem.*`), fetched with workspace/configuration for the board's scope
// and cached until didChangeConfiguration. Clients without workspace/configuration (or that
// return nothing) get the defaults, overridable by initializationOptions.settings.
import type { Connection } from 'vscode-languageserver/node.js';

export interface Settings {
  arch: string;
  bootargs: string;
  includePaths: string[];
  kernel: Record<string, unknown>;
}

export const DEFAULT_SETTINGS: Settings = { arch: 'auto', bootargs: '', includePaths: [], kernel: {} };

export function normalize(raw: unknown, base: Settings = DEFAULT_SETTINGS): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    arch: typeof r.arch === 'string' ? r.arch : base.arch,
    bootargs: typeof r.bootargs === 'string' ? r.bootargs : base.bootargs,
    includePaths: Array.isArray(r.includePaths) ? r.includePaths.filter((x): x is string => typeof x === 'string') : base.includePaths,
    kernel: r.kernel && typeof r.kernel === 'object' ? (r.kernel as Record<string, unknown>) : base.kernel,
  };
}

export class SettingsCache {
  private cache = new Map<string, Promise<Settings>>();
  canAsk = false;
  fallback: Settings = DEFAULT_SETTINGS;

  constructor(private readonly connection: Connection) {}

  get(scopeUri: string): Promise<Settings> {
    if (!this.canAsk) return Promise.resolve(this.fallback);
    let p = this.cache.get(scopeUri);
    if (!p) {
      p = this.connection.workspace.getConfiguration({ scopeUri, section: 'dtmem' })
        .then((raw) => normalize(raw, this.fallback), () => this.fallback);
      this.cache.set(scopeUri, p);
    }
    return p;
  }

  clear(): void {
    this.cache.clear();
  }
}
