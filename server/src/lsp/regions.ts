// The memory map of a simulated boot as one list of regions (RAM, /memreserve/, kernel image,
// reserved-memory nodes, CMA areas, other memblock reservations), and the facts the editor shows
// about a physical range: PFNs, zones, lowmem/highmem, how the linear map maps it, neighbours.
import { getProp, nodePath, type DtNode, type DtTree } from '../dts/tree.js';
import type { RegionKind } from '../protocol.js';
import type { SimResult } from '../sim/types.js';
import { human, hex, pageShift } from './format.js';

export interface Region {
  kind: RegionKind;
  name: string;
  base: bigint;
  /** Exclusive. */
  end: bigint;
  node?: DtNode;
  nomap?: boolean;
  reusable?: boolean;
  failed?: boolean;
  status?: string;
}

const cacheRegions = new WeakMap<SimResult, Region[]>();

function statusOf(results: SimResult['rmem'][number]['results']): { status: string; failed: boolean } {
  if (!results.length) return { status: 'reserved', failed: false };
  const parts = results.map((r) => {
    switch (r.kind) {
      case 'initialized': return r.type === 'cma' ? 'initialized as CMA' : r.type === 'dma-coherent' ? 'initialized as DMA coherent pool' : 'initialized';
      case 'compatible-matching-fail': return `no handler accepted it${r.cause ? ` (${r.cause})` : ''}`;
      case 'overlap': return `overlaps ${r.other ?? 'another region'}`;
      default: return r.kind.replace(/-/g, ' ');
    }
  });
  const failed = results.some((r) => r.kind !== 'initialized' && r.kind !== 'no-handler');
  return { status: parts.join('; '), failed };
}

export function regionsOf(sim: SimResult, tree: DtTree): Region[] {
  const hit = cacheRegions.get(sim);
  if (hit) return hit;
  const out: Region[] = [];
  const last = sim.steps[sim.steps.length - 1];
  // memblock.memory splits at no-map boundaries; the map shows contiguous RAM as one bank.
  if (last) {
    for (const m of last.memory) {
      const prev = out[out.length - 1];
      if (prev && prev.end === m.base) prev.end = m.base + m.size;
      else out.push({ kind: 'ram', name: 'System RAM', base: m.base, end: m.base + m.size });
    }
  }
  tree.memreserves.forEach((m, i) => out.push({ kind: 'memreserve', name: `/memreserve/ #${i}`, base: m.address, end: m.address + m.size }));
  for (const rm of sim.rmem) {
    const { status, failed } = statusOf(rm.results);
    const common = { node: rm.node, nomap: rm.nomap, reusable: rm.reusable, status, failed };
    if (rm.kind === 'static') {
      for (const r of rm.regs) out.push({ kind: 'rmem-static', name: rm.name, base: r.base, end: r.base + r.size, ...common });
    } else if (rm.kind === 'dynamic') {
      const init = rm.results.find((r) => r.base !== undefined && r.size);
      const base = init?.base ?? rm.base;
      const size = init?.size ?? rm.size;
      if (size > 0n) out.push({ kind: 'rmem-dynamic', name: rm.name, base, end: base + size, ...common });
    }
  }
  for (const c of sim.cmaAreas) {
    if (c.node) continue; // shown through its reserved-memory node
    out.push({ kind: c.isDefault ? 'cma-default' : 'cma', name: c.isDefault ? 'default CMA (cma=/CONFIG_CMA_SIZE_MBYTES)' : c.name, base: c.base, end: c.base + c.size, reusable: true, failed: c.activated === false, status: c.activationError });
  }
  if (last) {
    for (const r of last.reserved) {
      // Reservations merged with a reserved-memory node's are shown through the node.
      if (!r.owners.length || r.owners.some((o) => o.startsWith('/'))) continue;
      const owners = r.owners;
      const o = owners.join(', ');
      const kind: RegionKind = /kernel|_text|image/i.test(o) ? 'kernel' : /initrd/i.test(o) ? 'initrd' : /dtb|fdt/i.test(o) ? 'dtb' : /pg_dir|page.?table/i.test(o) ? 'page-tables' : 'memblock-reserved';
      out.push({ kind, name: o, base: r.base, end: r.base + r.size });
    }
  }
  out.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  cacheRegions.set(sim, out);
  return out;
}

export function zonesOf(sim: SimResult, start: bigint, end: bigint): string[] {
  const shift = pageShift(sim.profile.pageSize);
  const s = start >> shift;
  const e = (end + sim.profile.pageSize - 1n) >> shift;
  return sim.zones.filter((z) => z.endPfn > z.startPfn && z.startPfn < e && s < z.endPfn).map((z) => z.name);
}

/** Markdown lines describing [start, end) in the simulated kernel. */
export function rangeFacts(sim: SimResult | undefined, tree: DtTree, start: bigint, end: bigint, self?: DtNode, nomap?: boolean, isRam = false): string[] {
  const lines: string[] = [];
  const size = end - start;
  const digits = sim && sim.profile.physAddrBits === 32 ? 8 : 0;
  lines.push(`\`${hex(start, digits)}\`–\`${hex(end - 1n, digits)}\` · size \`${hex(size)}\` (${human(size)})`);
  if (!sim) {
    lines.push('_No simulation yet: it runs on open and save, once the tree compiles without errors._');
    return lines;
  }
  const shift = pageShift(sim.profile.pageSize);
  const pfnEnd = (end + sim.profile.pageSize - 1n) >> shift;
  lines.push(`PFNs \`${hex(start >> shift)}\`–\`${hex(pfnEnd - 1n)}\` (${pfnEnd - (start >> shift)} pages of ${human(sim.profile.pageSize)})`);
  const zones = zonesOf(sim, start, end);
  lines.push(zones.length ? `Zone${zones.length > 1 ? 's' : ''}: ${zones.join(', ')}` : 'Zone: none (outside the zones the kernel built)');
  if (sim.lowmemLimit !== undefined) {
    const where = end <= sim.lowmemLimit ? 'lowmem' : start >= sim.lowmemLimit ? 'highmem' : 'straddles the lowmem/highmem boundary';
    lines.push(`${where} (arm_lowmem_limit \`${hex(sim.lowmemLimit)}\`)`);
  }
  if (nomap) lines.push('Mapping: not in the linear map (`no-map`)');
  else {
    const maps = sim.pageTables.filter((m) => m.pa < end && start < m.pa + m.size);
    if (maps.length) {
      const kinds = new Set(maps.map((m) => (m.granule > sim.profile.pageSize ? `${human(m.granule)} ${m.granule >= 1n << 30n ? 'blocks' : 'sections/blocks'}` : `${human(m.granule)} pages`)));
      const va = maps[0].va + (start > maps[0].pa ? start - maps[0].pa : 0n);
      const notes = [...new Set(maps.map((m) => m.note).filter(Boolean))];
      const noteText = notes.length ? ` — ${notes.slice(0, 3).join('; ')}${notes.length > 3 ? '; …' : ''}` : '';
      lines.push(`Mapping: ${[...kinds].join(' + ')} at VA \`${hex(va)}\` (${maps[0].attrs})${noteText}`);
    } else if (sim.modelled) lines.push('Mapping: not in the linear map');
  }
  // By path: while typing, the tree is newer than the simulation's (same nodes, new objects).
  const selfPath = self && nodePath(self);
  const others = regionsOf(sim, tree).filter((r) => r.kind !== 'ram' && !(r.node && nodePath(r.node) === selfPath) && r.base < end && start < r.end);
  if (isRam) {
    // A RAM bank contains the reservations rather than overlapping them: summarise.
    const total = others.reduce((n, r) => n + (r.end < end ? r.end : end) - (r.base > start ? r.base : start), 0n);
    if (others.length) lines.push(`Reserved inside: ${others.length} region${others.length > 1 ? 's' : ''} (${human(total)})`);
  } else if (others.length) {
    lines.push('Overlaps: ' + others.slice(0, 8).map((r) => `${r.node ? nodePath(r.node) : r.name} (\`${hex(r.base)}\`–\`${hex(r.end - 1n)}\`)`).join(', '));
  }
  const ram = regionsOf(sim, tree).filter((r) => r.kind === 'ram');
  if (sim.modelled && ram.length && !ram.some((r) => r.base < end && start < r.end)) lines.push('Not in RAM (outside every memblock.memory region)');
  return lines;
}

export function isMemoryNode(node: DtNode): boolean {
  const dt = getProp(node, 'device_type');
  return !!dt && new TextDecoder().decode(dt.value).replace(/\0+$/, '') === 'memory';
}
