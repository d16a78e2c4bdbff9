// `dtmem/memory`: the server's own memory, for bench/lsp.ts and tests (issue #8: under 150 MB
// with the 5 largest boards of the corpus open). process.memoryUsage() (rss, V8 heap, external
// and ArrayBuffers — web-tree-sitter's wasm memory is one ArrayBuffer that grows and never
// shrinks), the V8 heap spaces, and what the service keeps per board.
import v8 from 'node:v8';

export const MemoryRequest = 'dtmem/memory';

export interface MemoryParams {
  /** Collect garbage first (only when the server runs with --expose-gc). */
  gc?: boolean;
}

export interface MemoryResult {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** V8 heap spaces: name -> [committed size, used size] in bytes. */
  spaces: Record<string, [number, number]>;
  /** Analyses kept: board -> which kinds ('quick', 'full', 'previous'). */
  kept: Record<string, string[]>;
  /** Boards with a tree-sitter tree kept for incremental re-parses. */
  trees: number;
}

export function memoryUsage(p: MemoryParams | undefined, kept: Record<string, string[]>, trees: number): MemoryResult {
  const g = (globalThis as { gc?: () => void }).gc;
  if (p?.gc && g) g();
  const m = process.memoryUsage();
  const spaces: Record<string, [number, number]> = {};
  for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = [s.space_size, s.space_used_size];
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, spaces, kept, trees };
}
