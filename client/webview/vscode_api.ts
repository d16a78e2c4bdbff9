// The webview side of the host link: acquireVsCodeApi (injected by VS Code; the browser tests
// inject a recorder with the same shape), typed messages from server/src/protocol.ts, and the
// persisted state that survives hide/show (setState) and reload (the host's serializer passes
// it back).
import type { HostToWebview, WebviewToHost } from '../../server/src/protocol.js';

interface VsCodeApi<S> {
  postMessage(msg: WebviewToHost): void;
  getState(): S | undefined;
  setState(s: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export class Host<S extends object> {
  private api: VsCodeApi<S>;
  state: S;

  constructor(defaults: S) {
    this.api = acquireVsCodeApi<S>();
    this.state = { ...defaults, ...(this.api.getState() ?? {}) };
  }

  post(msg: WebviewToHost): void {
    this.api.postMessage(msg);
  }

  save(patch: Partial<S>): void {
    this.state = { ...this.state, ...patch };
    this.api.setState(this.state);
  }

  onMessage(f: (m: HostToWebview) => void): void {
    window.addEventListener('message', (e: MessageEvent) => {
      const m = e.data as HostToWebview;
      if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string') f(m);
    });
  }
}

/** `el('div', {class: 'x'}, 'text', child)`: small DOM builder (no innerHTML for user text). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}

/** Parses `0x...`, decimal, or with `_`/`'` separators; undefined when not a number. */
export function parseAddr(s: string): bigint | undefined {
  const t = s.trim().replace(/[_']/g, '');
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
  try {
    return BigInt(t);
  } catch {
    return undefined;
  }
}

/** Parses `512M`, `2G`, `0x40000000`. */
export function parseSize(s: string): bigint | undefined {
  const m = /^\s*(0x[0-9a-f]+|\d+)\s*([kmgt]?)i?b?\s*$/i.exec(s);
  if (!m) return undefined;
  const shift = { '': 0n, k: 10n, m: 20n, g: 30n, t: 40n }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return BigInt(m[1]) << shift;
}

/** Moves focus among `items` with the arrow keys / Home / End; returns true when handled. */
export function arrowNav(e: KeyboardEvent, items: HTMLElement[]): boolean {
  const i = items.indexOf(document.activeElement as HTMLElement);
  let j = -1;
  if (e.key === 'ArrowDown' || e.key === 'ArrowRight') j = i < 0 ? 0 : Math.min(items.length - 1, i + 1);
  else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') j = i < 0 ? 0 : Math.max(0, i - 1);
  else if (e.key === 'Home') j = 0;
  else if (e.key === 'End') j = items.length - 1;
  if (j < 0 || !items[j]) return false;
  items[j].focus();
  e.preventDefault();
  return true;
}
