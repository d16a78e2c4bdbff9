// JSON form of a SimResult for the CLI (--json), the webviews and tests: bigints as hex
// strings, devicetree nodes as their paths (the tree is cyclic through `parent`).
import { nodePath, type DtNode } from '../dts/tree.js';
import type { SimResult } from './types.js';

function isDtNode(v: unknown): v is DtNode {
  return !!v && typeof v === 'object' && 'children' in v && 'props' in v && 'parent' in v;
}

export function simResultToJson(r: SimResult): unknown {
  const seen = new WeakSet<object>();
  const conv = (v: unknown, depth: number): unknown => {
    if (typeof v === 'bigint') return '0x' + v.toString(16);
    if (v === null || typeof v !== 'object') return v;
    if (isDtNode(v)) return nodePath(v);
    if (v instanceof Uint8Array) return Array.from(v);
    if (depth > 32 || seen.has(v)) return undefined;
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x) => conv(x, depth + 1));
    else {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const c = conv(x, depth + 1);
        if (c !== undefined) o[k] = c;
      }
      out = o;
    }
    seen.delete(v);
    return out;
  };
  return conv(r, 0);
}
