// The memory map's view model: the wire SimulationResult (hex strings) decoded to bigints once,
// holes between RAM banks made explicit, overlaps between reservations found, diagnostics
// attached to the region written at their location, and the facts the editor hover gives about
// a region (PFNs, zones, lowmem/highmem, how the linear map maps it). Pure: used by the SVG
// renderer, the webviews and the CLI.
import { fromHex, type MapRegion, type SimulationResult, type WireDiagnostic } from '../protocol.js';
import { isLinearVa } from '../sim/pt_walk.js';

export interface Reg {
  id: string;
  kind: MapRegion['kind'];
  name: string;
  start: bigint;
  /** Exclusive. */
  end: bigint;
  zones: string[];
  flags: MapRegion['flags'];
  status?: string;
  node?: string;
  wire?: MapRegion;
  diagnostics: WireDiagnostic[];
}

export interface ViewZone { name: string; start: bigint; end: bigint }
export interface ViewMapping { va: bigint; pa: bigint; size: bigint; granule: bigint; leaf: string; attrs: string; note?: string }

export interface MapModel {
  arch: string;
  pageSize: bigint;
  physDigits: number;
  ram: Reg[];
  holes: Reg[];
  regions: Reg[];
  zones: ViewZone[];
  lowmemLimit?: bigint;
  mappings: ViewMapping[];
  /** Pairs of reservation ids that overlap, with the overlapping range. */
  overlaps: { a: string; b: string; start: bigint; end: bigint }[];
  /** Diagnostics not tied to a drawn region. */
  loose: WireDiagnostic[];
  sim: SimulationResult;
}

const MAX = 5000;

function sameLoc(d: WireDiagnostic, r: MapRegion): boolean {
  const a = d.location;
  const b = r.location;
  if (!a || !b || a.uri !== b.uri) return false;
  // a finding on the node's name token or anywhere inside the node's first line..
  return a.range.start.line === b.range.start.line || (a.range.start.line >= b.range.start.line && a.range.start.line <= b.range.end.line);
}

export function buildModel(sim: SimulationResult): MapModel {
  const pageSize = fromHex(sim.profile.pageSize || '0x1000');
  const toReg = (r: MapRegion): Reg => ({
    id: r.id, kind: r.kind, name: r.name, start: fromHex(r.start), end: fromHex(r.end), zones: r.zones, flags: r.flags,
    status: r.status, node: r.node, wire: r, diagnostics: [],
  });
  const all = sim.regions.slice(0, MAX).map(toReg);
  const ram = all.filter((r) => r.kind === 'ram').sort((a, b) => (a.start < b.start ? -1 : 1));
  const regions = groupMemblock(all.filter((r) => r.kind !== 'ram'));
  const holes: Reg[] = [];
  for (let i = 1; i < ram.length; i++) {
    if (ram[i].start > ram[i - 1].end) {
      holes.push({ id: `hole${i}`, kind: 'hole', name: 'hole (no RAM)', start: ram[i - 1].end, end: ram[i].start, zones: [], flags: {}, diagnostics: [] });
    }
  }
  const loose: WireDiagnostic[] = [];
  for (const d of sim.diagnostics.slice(0, 2000)) {
    const hit = regions.find((r) => r.wire && sameLoc(d, r.wire));
    if (hit) hit.diagnostics.push(d);
    else loose.push(d);
  }
  const overlaps: MapModel['overlaps'] = [];
  const sorted = [...regions].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 0; i < sorted.length && overlaps.length < 500; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].start < sorted[i].end; j++) {
      const a = sorted[i];
      const b = sorted[j];
      // the default CMA inside the memblock reservation that holds it is not a conflict
      if (a.kind === 'memblock-reserved' || b.kind === 'memblock-reserved') continue;
      const s = a.start > b.start ? a.start : b.start;
      const e = a.end < b.end ? a.end : b.end;
      if (e > s) overlaps.push({ a: a.id, b: b.id, start: s, end: e });
    }
  }
  return {
    arch: sim.arch, pageSize, physDigits: 8,
    ram, holes, regions,
    zones: sim.zones.map((z) => ({ name: z.name, start: fromHex(z.start), end: fromHex(z.end) })).filter((z) => z.end > z.start),
    lowmemLimit: sim.lowmemLimit ? fromHex(sim.lowmemLimit) : undefined,
    mappings: sim.pageTables.slice(0, 20000).map((m) => ({ va: fromHex(m.va), pa: fromHex(m.pa), size: fromHex(m.size), granule: fromHex(m.granule), leaf: m.leaf, attrs: m.attrs, note: m.note })),
    overlaps, loose, sim,
  };
}

/** Early memblock allocations (percpu, hash tables, unflattened DT, ...) come as dozens of small
 * neighbouring reservations; runs of them less than 1 MiB apart are drawn as one group (its
 * members listed in the hover) so that the map stays readable. */
const GROUP_GAP = 1n << 20n;

function groupMemblock(regs: Reg[]): Reg[] {
  const other = regs.filter((r) => r.kind !== 'memblock-reserved');
  const mb = regs.filter((r) => r.kind === 'memblock-reserved').sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const groups: Reg[][] = [];
  for (const r of mb) {
    const g = groups[groups.length - 1];
    const last = g?.[g.length - 1];
    const between = last && other.some((o) => o.start >= last.end && o.end <= r.start);
    if (g && last && r.start - last.end < GROUP_GAP && !between) g.push(r);
    else groups.push([r]);
  }
  const out = [...other];
  for (const g of groups) {
    if (g.length === 1) {
      out.push(g[0]);
      continue;
    }
    const names = [...new Set(g.flatMap((r) => r.name.split(/,\s*/)))];
    const end = g.reduce((a, r) => (r.end > a ? r.end : a), 0n);
    out.push({
      id: g[0].id, kind: 'memblock-reserved', name: `${g.length} memblock allocations: ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}`,
      start: g[0].start, end, zones: [...new Set(g.flatMap((r) => r.zones))], flags: {}, status: `${g.length} reservations: ${names.join(', ')}`, diagnostics: [],
    });
  }
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

export function hex(v: bigint, digits = 0): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

/** 4 KiB, 1.5 MiB, 64 MiB: binary units, at most one decimal. */
export function human(n: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = Number(n);
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** The hover's facts about a region, one line each (plain text). */
export function regionFacts(m: MapModel, r: Reg): string[] {
  const out: string[] = [];
  const shift = BigInt(m.pageSize.toString(2).length - 1);
  out.push(`${r.name}${r.node && r.node !== r.name ? ` (${r.node})` : ''}`);
  out.push(`${hex(r.start, m.physDigits)}–${hex(r.end - 1n, m.physDigits)} · ${human(r.end - r.start)}`);
  const pfnEnd = (r.end + m.pageSize - 1n) >> shift;
  out.push(`PFNs ${hex(r.start >> shift)}–${hex(pfnEnd - 1n)} (${pfnEnd - (r.start >> shift)} pages)`);
  if (r.kind !== 'hole') out.push(r.zones.length ? `zone${r.zones.length > 1 ? 's' : ''}: ${r.zones.join(', ')}` : 'zone: none');
  if (m.lowmemLimit !== undefined) {
    out.push(r.end <= m.lowmemLimit ? 'lowmem' : r.start >= m.lowmemLimit ? 'highmem' : 'straddles the lowmem/highmem boundary');
  }
  const flags = Object.entries(r.flags).filter(([, v]) => v).map(([k]) => (k === 'nomap' ? 'no-map' : k));
  if (flags.length) out.push(`flags: ${flags.join(', ')}`);
  if (r.kind !== 'hole') {
    if (r.flags.nomap) out.push('mapping: not in the linear map (no-map)');
    else {
      const maps = m.mappings.filter((x) => isLinearVa(m.arch, x.va) && x.pa < r.end && r.start < x.pa + x.size);
      if (maps.length) {
        const kinds = [...new Set(maps.map((x) => (x.granule > m.pageSize ? `${human(x.granule)} sections/blocks` : `${human(x.granule)} pages`)))];
        const va = maps[0].va + (r.start > maps[0].pa ? r.start - maps[0].pa : 0n);
        out.push(`mapping: ${kinds.join(' + ')} at VA ${hex(va)} (${maps[0].attrs})`);
      } else if (m.sim.modelled && r.kind !== 'ram') out.push('mapping: not in the linear map');
    }
  }
  if (r.status) out.push(`kernel: ${r.status}`);
  for (const o of m.overlaps.filter((x) => x.a === r.id || x.b === r.id).slice(0, 4)) {
    const other = m.regions.find((x) => x.id === (o.a === r.id ? o.b : o.a));
    if (other) out.push(`overlaps ${other.name} over ${hex(o.start)}–${hex(o.end - 1n)}`);
  }
  for (const d of r.diagnostics.slice(0, 4)) out.push(`${d.severity}: ${d.message} [${d.code}]`);
  return out;
}

/** The region (smallest first) that holds `pa`, for cursor/translation look-ups. */
export function regionAt(m: MapModel, pa: bigint): Reg | undefined {
  let best: Reg | undefined;
  for (const r of [...m.regions, ...m.ram]) {
    if (pa >= r.start && pa < r.end && (!best || r.end - r.start < best.end - best.start)) best = r;
  }
  return best;
}

export function zoneAt(m: MapModel, pa: bigint): string | undefined {
  return m.zones.find((z) => pa >= z.start && pa < z.end)?.name;
}
