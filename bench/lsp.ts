// Language-server benchmark: the real bundled server (dist/server.js) over stdio, driven like an
// editor on the 5 largest boards of the corpus (../shared/corpus/big/manifest.tsv). Reports
// p50/p95 of diagnostics-after-save (didChange+didSave of a one-line edit -> publishDiagnostics
// of that version: preprocess + parse + boot simulation + rules; and a plain re-save, where the
// as-you-type parse is reused and only simulation + rules run), hover on a `reg` value and completion inside a node, then the server's
// resident memory with all 5 boards open.
// Run: node esbuild.mjs && node --import tsx bench/lsp.ts [iterations]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, uri, LINUX } from '../test/lsp/harness.js';
import type { SimulationResult } from '../server/src/protocol.js';
import { MemoryRequest, type MemoryResult } from '../server/src/lsp/memory.js';
import { SERVER_ENV, SERVER_EXEC_ARGV } from '../server/src/lsp/launch.js';

const CORPUS = path.resolve(__dirname, '../../shared/corpus');
const N = Number(process.argv[2] ?? 20);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** The pause between two measured requests: an editor's user does not save again within a
 * millisecond of the diagnostics, and the server does its after-publish work (the hover index)
 * in that idle time. */
const IDLE_MS = Number(process.env.DTMEM_BENCH_IDLE_MS ?? 30);
const idle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, IDLE_MS));

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const boards = readFileSync(path.join(CORPUS, 'big', 'manifest.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]);
  // The server as the VS Code client starts it (launch.ts), plus DTMEM_BENCH_NODE_FLAGS (e.g.
  // --expose-gc for DTMEM_BENCH_GC's after-collection figures).
  const extra = process.env.DTMEM_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const execArgv = process.env.DTMEM_BENCH_NO_LAUNCH_FLAGS ? extra : [...SERVER_EXEC_ARGV, ...extra];
  const env = process.env.DTMEM_BENCH_NO_LAUNCH_FLAGS ? {} : SERVER_ENV;
  const c = await startServer({ root: LINUX, execArgv, env });
  const pid = c.proc.pid!;
  const rows: string[][] = [];
  const all = { save: [] as number[], resave: [] as number[], hover: [] as number[], completion: [] as number[] };
  const rssStart = rssMiB(pid);
  for (const b of boards) {
    const file = path.join(LINUX, b);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const t0 = performance.now();
    await c.open(file);
    await c.waitFor(`first diagnostics of ${b}`, () => c.latest(file), 120000);
    const open = performance.now() - t0;
    // Save right after an edit (before the as-you-type analysis ran): the full pipeline. The edit
    // is bench/analysis.ts's: one property line inserted after the root node's opening line, a new
    // value each time (so the DTB grows and the boot is simulated again).
    const rootOpen = /^\/ \{[^\n]*\n/m.exec(text);
    const at = rootOpen ? rootOpen.index + rootOpen[0].length : text.length;
    const save: number[] = [];
    for (let i = 0; i < N; i++) {
      await idle();
      const s = performance.now();
      c.change(file, `${text.slice(0, at)}\tdtmem-bench = <${i}>;\n${text.slice(at)}`);
      c.save(file);
      const v = c.versions.get(file);
      await c.waitFor('diagnostics after edit+save', () => c.latest(file)!.version === v, 120000);
      save.push(performance.now() - s);
    }
    // Save of text the as-you-type analysis already parsed: simulation + rules only.
    const resave: number[] = [];
    for (let i = 0; i < N; i++) {
      await idle();
      const before = c.diagnostics.get(uri(file))!.length;
      const s = performance.now();
      c.save(file);
      await c.waitFor('diagnostics after save', () => c.diagnostics.get(uri(file))!.length > before, 120000);
      resave.push(performance.now() - s);
    }
    // Hover a reserved-memory node (the memory facts hover) wherever the board's include tree
    // defines it; without one, the first `&label` reference of the board file.
    const sim = await c.conn.sendRequest<SimulationResult | null>('dtmem/simulation', { uri: uri(file) });
    const region = sim?.regions.find((r) => r.location && r.node?.startsWith('/reserved-memory/'));
    let hoverDoc = uri(file);
    let hpos: { line: number; character: number };
    if (region?.location) {
      hoverDoc = region.location.uri;
      hpos = { line: region.location.range.start.line, character: region.location.range.start.character + 1 };
    } else {
      let hl = lines.findIndex((l) => /&[a-z_]\w*/.test(l));
      if (hl < 0) hl = lines.findIndex((l) => l.startsWith('#include'));
      hpos = { line: hl, character: Math.max(0, lines[hl].search(/&[a-z_]|"/)) + 2 };
    }
    const hover: number[] = [];
    let hoverLen = 0;
    for (let i = 0; i < N; i++) {
      await idle();
      const s = performance.now();
      const h = await c.conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: hoverDoc }, position: hpos });
      hover.push(performance.now() - s);
      hoverLen = h?.contents.value.length ?? 0;
    }
    const cl = lines.findIndex((l, i) => i > 0 && /^\t+[a-z#][\w,#-]* = /.test(l));
    const cpos = { line: cl, character: lines[cl].search(/\S/) };
    const completion: number[] = [];
    let items = 0;
    for (let i = 0; i < N; i++) {
      await idle();
      const s = performance.now();
      const r = await c.conn.sendRequest<unknown[]>('textDocument/completion', { textDocument: { uri: uri(file) }, position: cpos });
      completion.push(performance.now() - s);
      items = r.length;
    }
    all.save.push(...save);
    all.resave.push(...resave);
    all.hover.push(...hover);
    all.completion.push(...completion);
    const f = (xs: number[]): string => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)}`;
    rows.push([path.basename(b), `${open.toFixed(0)}`, f(save), f(resave), f(hover), f(completion), `${c.latest(file)!.diagnostics.length}`, `${hoverLen}`, `${items}`]);
  }
  const rss = rssMiB(pid);
  const mem = await c.conn.sendRequest<MemoryResult | null>(MemoryRequest, {});
  const header = ['board', 'open ms', 'edit+save→diag p50/p95 ms', 'save (parsed)→diag p50/p95 ms', 'hover p50/p95 ms', 'completion p50/p95 ms', 'diags', 'hover chars', 'items'];
  console.log(`dtmem LSP bench: ${N} iterations per measure, ${boards.length} boards, node ${process.version} ${execArgv.join(' ')}`);
  console.log([header, ...rows].map((r) => r.join('\t')).join('\n'));
  const f = (xs: number[]): string => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;
  console.log(`all boards: edit+save→diagnostics ${f(all.save)}; save of parsed text→diagnostics ${f(all.resave)}; hover ${f(all.hover)}; completion ${f(all.completion)}`);
  console.log(`server RSS: ${rssStart.toFixed(0)} MiB at start, ${rss.toFixed(0)} MiB with all ${boards.length} boards open`);
  if (mem) {
    const mb = (x: number): string => `${(x / 1048576).toFixed(1)}`;
    console.log(`memoryUsage (MiB): rss ${mb(mem.rss)}, heapTotal ${mb(mem.heapTotal)}, heapUsed ${mb(mem.heapUsed)}, external ${mb(mem.external)}, arrayBuffers ${mb(mem.arrayBuffers)}`);
    console.log(`V8 spaces committed/used (MiB): ${Object.entries(mem.spaces).filter(([, [c]]) => c > 0).map(([n, [c, u]]) => `${n.replace(/_space$/, '')} ${mb(c)}/${mb(u)}`).join(', ')}`);
    console.log(`kept: ${Object.entries(mem.kept).map(([b, k]) => `${path.basename(b)} ${k.join('+') || '-'}`).join(', ')}; tree-sitter trees ${mem.trees}`);
    if (process.env.DTMEM_BENCH_GC) {
      const g = await c.conn.sendRequest<MemoryResult | null>(MemoryRequest, { gc: true });
      if (g) console.log(`after gc (MiB): rss ${mb(g.rss)}, heapUsed ${mb(g.heapUsed)}, external ${mb(g.external)}, arrayBuffers ${mb(g.arrayBuffers)}`);
    }
  }
  await c.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
