// dtmem/translate: an address through the simulated linear map. PA -> VA / VA -> PA from the
// simulator's PageTableMapping list, then PFN, zone and owning region; the table indices of the
// walk follow the architecture's translation format for the profile: arm64 4K pages with 48-bit
// VAs (Debian's CONFIG_ARM64_VA_BITS_48: 4 levels of 9 bits above the 12-bit page offset), LPAE
// (2+9+9 bits, 3 levels) and the short-descriptor format (12-bit L1 index of 1 MiB sections,
// 8-bit L2 index of 4 KiB pages).
import { nodePath } from '../dts/tree.js';
import { fromHex, toHex, type TranslateLevel, type TranslateParams, type TranslateResult, type WireMapping } from '../protocol.js';
import type { PageTableMapping, SimResult } from '../sim/types.js';
import type { Analysis } from './analysis.js';
import { pageShift } from './format.js';
import { regionsOf, zonesOf } from './regions.js';

function wire(sim: SimResult, m: PageTableMapping): WireMapping {
  return {
    va: toHex(m.va), pa: toHex(m.pa), size: toHex(m.size), granule: toHex(m.granule),
    leaf: m.granule > sim.profile.pageSize ? 'section/block' : 'pages', attrs: m.attrs, note: m.note,
  };
}

/** Walk indices for `va` ending at the level whose span equals the mapping's granule. */
export function walkLevels(arch: string, va: bigint, granule: bigint): TranslateLevel[] {
  const spec: [string, bigint, bigint][] =
    arch === 'arm64' ? [['PGD', 39n, 511n], ['PUD', 30n, 511n], ['PMD', 21n, 511n], ['PTE', 12n, 511n]]
      : arch === 'arm-lpae' ? [['L1', 30n, 3n], ['L2', 21n, 511n], ['L3', 12n, 511n]]
        : [['L1', 20n, 4095n], ['L2', 12n, 255n]];
  const out: TranslateLevel[] = [];
  for (const [level, shift, mask] of spec) {
    const leaf = (1n << shift) <= granule;
    out.push({ level, index: Number((va >> shift) & mask), leaf });
    if (leaf) break;
  }
  return out;
}

export function translate(a: Analysis, p: TranslateParams): TranslateResult {
  const sim = a.sim;
  if (!sim?.modelled) return { ok: false, levels: [], fault: 'no simulation of this board (not analysed yet, or the arch is not modelled)' };
  let addr: bigint;
  try {
    addr = fromHex(p.address);
  } catch {
    return { ok: false, levels: [], fault: `not an address: ${p.address}` };
  }
  const m = p.space === 'pa'
    ? sim.pageTables.find((x) => x.pa <= addr && addr < x.pa + x.size)
    : sim.pageTables.find((x) => x.va <= addr && addr < x.va + x.size);
  const pa = m ? (p.space === 'pa' ? addr : m.pa + (addr - m.va)) : p.space === 'pa' ? addr : undefined;
  const out: TranslateResult = { ok: !!m, levels: [] };
  if (pa !== undefined) {
    out.pa = toHex(pa);
    out.pfn = toHex(pa >> pageShift(sim.profile.pageSize));
    out.zone = zonesOf(sim, pa, pa + 1n)[0];
    const owners = regionsOf(sim, a.compile.tree).filter((r) => r.kind !== 'ram' && r.base <= pa && pa < r.end);
    const owner = owners.find((r) => r.node) ?? owners[0];
    if (owner) {
      out.region = owner.node ? nodePath(owner.node) : owner.name;
      if (owner.node) out.node = nodePath(owner.node);
    }
  }
  if (m) {
    const va = p.space === 'va' ? addr : m.va + (addr - m.pa);
    out.va = toHex(va);
    out.mapping = wire(sim, m);
    out.levels = walkLevels(sim.arch, va, m.granule);
    return out;
  }
  if (p.space === 'va') {
    out.fault = 'no linear-map mapping covers this virtual address';
    return out;
  }
  const regions = regionsOf(sim, a.compile.tree);
  const nomap = regions.find((r) => r.nomap && r.base <= addr && addr < r.end);
  if (nomap) out.fault = `not mapped: ${nomap.node ? nodePath(nomap.node) : nomap.name} is no-map (memblock_mark_nomap), a hole in the linear map`;
  else if (!regions.some((r) => r.kind === 'ram' && r.base <= addr && addr < r.end)) out.fault = 'not mapped: outside RAM (no memblock.memory region)';
  else if (sim.lowmemLimit !== undefined && addr >= sim.lowmemLimit) out.fault = `not in the linear map: highmem (at or above arm_lowmem_limit ${toHex(sim.lowmemLimit)}), mapped on demand with kmap`;
  else out.fault = 'not mapped in the linear map';
  return out;
}
