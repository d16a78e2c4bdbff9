// The custom requests' payloads: an analysis as protocol.ts's SimulationResult (memory map
// regions, zones, linear-map mappings, log, diagnostics; bigints as hex strings) and the boot log
// as kernel-log-like text.
import { nodePath } from '../dts/tree.js';
import { toHex, type MapRegion, type SimulationResult, type WireDiagnostic } from '../protocol.js';
import type { Analysis } from './analysis.js';
import { pathToUri, toLocation } from './convert.js';
import { pageShift } from './format.js';
import { regionsOf, zonesOf } from './regions.js';

export function simulationResult(a: Analysis, uri: string): SimulationResult {
  const sim = a.sim;
  const versions: Record<string, number> = {};
  for (const [p, v] of a.versions) versions[pathToUri(p)] = v;
  const diagnostics: WireDiagnostic[] = a.findings.slice(0, 2000).map((f) => {
    const d: WireDiagnostic = { severity: f.severity, code: f.code, message: f.message };
    if (f.range) d.location = toLocation(f.range);
    return d;
  });
  const base = {
    uri, board: pathToUri(a.board), versions, arch: a.arch, diagnostics,
    timings: { ...a.timings }, at: a.at.toISOString(),
  };
  if (!sim) {
    return { ...base, modelled: false, profile: { arch: a.arch, kernelVersion: '6.1', pageSize: '0x1000', physAddrBits: a.arch === 'arm' ? 32 : 64, cmaSizeMbytes: 0 }, commandLine: '', ram: [], regions: [], zones: [], pageTables: [], log: [] };
  }
  const shift = pageShift(sim.profile.pageSize);
  const regions: MapRegion[] = regionsOf(sim, a.compile.tree).slice(0, 5000).map((r, i) => {
    const m: MapRegion = {
      id: `r${i}`, kind: r.kind, name: r.name, start: toHex(r.base), end: toHex(r.end), size: toHex(r.end - r.base),
      startPfn: toHex(r.base >> shift), endPfn: toHex((r.end + sim.profile.pageSize - 1n) >> shift),
      zones: zonesOf(sim, r.base, r.end),
      flags: {
        nomap: r.nomap || undefined, reusable: r.reusable || undefined, failed: r.failed || undefined,
        dynamic: r.kind === 'rmem-dynamic' || undefined, cma: r.kind === 'cma' || r.kind === 'cma-default' || (r.reusable && r.kind.startsWith('rmem')) || undefined,
        coherent: (r.nomap && r.kind.startsWith('rmem')) || undefined,
      },
    };
    if (r.status) m.status = r.status;
    if (r.node) {
      m.node = nodePath(r.node);
      if (r.node.range) m.location = toLocation(r.node.range);
    }
    return m;
  });
  return {
    ...base,
    modelled: sim.modelled,
    profile: { arch: sim.profile.arch, kernelVersion: sim.profile.kernelVersion, pageSize: toHex(sim.profile.pageSize), physAddrBits: sim.profile.physAddrBits, cmaSizeMbytes: sim.profile.cmaSizeMbytes },
    commandLine: sim.commandLine,
    ram: regionsOf(sim, a.compile.tree).filter((r) => r.kind === 'ram').map((r) => ({ start: toHex(r.base), end: toHex(r.end) })),
    regions,
    zones: sim.zones.map((z) => ({
      name: z.name, start: toHex(z.startPfn << shift), end: toHex(z.endPfn << shift), startPfn: toHex(z.startPfn), endPfn: toHex(z.endPfn),
      present: toHex(z.present), managed: toHex(z.managed),
    })),
    lowmemLimit: sim.lowmemLimit !== undefined ? toHex(sim.lowmemLimit) : undefined,
    pageTables: sim.pageTables.slice(0, 20000).map((m) => ({
      va: toHex(m.va), pa: toHex(m.pa), size: toHex(m.size), granule: toHex(m.granule),
      leaf: m.granule > sim.profile.pageSize ? 'section/block' : 'pages', attrs: m.attrs, note: m.note,
    })),
    log: sim.log.slice(0, 20000).map((l) => l.text),
  };
}

/** The simulation as a kernel log: a header, the printk lines, then dtmem's findings. */
export function bootLogText(a: Analysis): string {
  const out: string[] = [];
  out.push(`# dtmem simulated boot of ${a.board}`);
  out.push(`# arch ${a.arch}${a.sim ? `, Linux ${a.sim.profile.kernelVersion}, page size ${a.sim.profile.pageSize}` : ''}; analysed ${a.at.toISOString()} in ${a.timings.total.toFixed(0)} ms`);
  if (!a.sim) out.push('# (no simulation: the board has not been analysed fully yet)');
  else {
    if (!a.sim.modelled) out.push(`# the ${a.arch} boot path is not modelled: findings only`);
    out.push(`Kernel command line: ${a.sim.commandLine}`);
    let last = '';
    for (const l of a.sim.log.slice(0, 50000)) {
      if (l.step !== last) out.push(`# -- ${l.step}`);
      last = l.step;
      out.push(l.text);
    }
  }
  if (a.findings.length) {
    out.push('', '# dtmem findings');
    for (const f of a.findings.slice(0, 2000)) {
      const where = f.range ? `${f.range.file}:${f.range.start.line + 1}:${f.range.start.col + 1}: ` : '';
      out.push(`${where}${f.severity}: ${f.message} [${f.code}]`);
    }
  }
  return out.join('\n') + '\n';
}
