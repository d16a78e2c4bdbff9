// CMA / dynamic-region placement preview as CodeLens: on every dynamic reserved-memory node and
// on /reserved-memory (the default CMA area included), the placement the simulation computed,
// e.g. `→ 0x7c000000-0x7fffffff (64 MiB, DMA)`. Refreshed with each full analysis (open/save).
import type { CodeLens } from 'vscode-languageserver/node.js';
import { getProp, nodePath, type DtNode } from '../dts/tree.js';
import type { Analysis } from './analysis.js';
import { toRange } from './convert.js';
import { hex, human } from './format.js';
import { zonesOf } from './regions.js';

function placement(a: Analysis, base: bigint, size: bigint): string {
  const sim = a.sim!;
  const digits = sim.profile.physAddrBits === 32 ? 8 : 0;
  const zones = zonesOf(sim, base, base + size);
  // Past arm_lowmem_limit the zone is HighMem, so the zone names already say lowmem/highmem.
  return `→ ${hex(base, digits)}-${hex(base + size - 1n, digits)} (${human(size)}${zones.length ? ', ' + zones.join('+') : ''})`;
}

export function codeLenses(a: Analysis | undefined, file: string): CodeLens[] {
  if (!a?.sim) return [];
  const sim = a.sim;
  const out: CodeLens[] = [];
  const at = (node: DtNode | undefined, title: string): void => {
    const r = node?.ranges?.find((x) => x.file === file) ?? (node?.range?.file === file ? node.range : undefined);
    if (!r) return;
    out.push({ range: toRange(r), command: { title, command: '' } });
  };
  for (const rm of sim.rmem) {
    if (rm.kind !== 'dynamic') continue;
    const init = rm.results.find((r) => r.base !== undefined && r.size);
    const base = init?.base ?? rm.base;
    const size = init?.size ?? rm.size;
    const failed = rm.results.find((r) => r.kind !== 'initialized');
    if (size > 0n && !failed) at(rm.node, placement(a, base, size));
    else at(rm.node, `✗ ${failed ? failed.kind.replace(/-/g, ' ') : 'not placed'}${failed?.cause ? ': ' + failed.cause : ''}`);
  }
  const rmemNode = a.compile.tree.root.children.find((c) => c.name === 'reserved-memory');
  const d = sim.defaultCma;
  // rmem_cma_setup makes a `linux,cma-default` pool dma_contiguous_default_area.
  const defArea = sim.cmaAreas.find((c) => c.isDefault) ?? sim.cmaAreas.find((c) => c.node && getProp(c.node, 'linux,cma-default'));
  let title: string | undefined;
  if (defArea && !defArea.node) title = `default CMA ${placement(a, defArea.base, defArea.size)}`;
  else if (defArea?.node) title = `default CMA is ${nodePath(defArea.node)} ${placement(a, defArea.base, defArea.size)}`;
  else if (d && 'error' in d) title = `default CMA: ✗ ${d.error.join(' ')}`;
  else if (sim.modelled) title = 'default CMA: none';
  if (title) {
    const n = out.length;
    if (rmemNode) at(rmemNode, title);
    // The board file shows the default CMA even when /reserved-memory is written elsewhere.
    if (out.length === n && file === a.board) out.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, command: { title, command: '' } });
  }
  return out;
}
