// The page-table descriptors Linux 6.1 writes for the simulated linear map, and what their bits
// mean: long descriptors (arm64, arm LPAE: block/page leaves with AttrIndx, AP, SH, AF, nG, PXN,
// UXN) and ARM short descriptors (1 MiB sections and small pages with TEX/C/B, AP/APX, domain),
// from a mapping's attribute text (mem_types[] / PAGE_KERNEL words). Used by pt_walk.ts.
import type { DescField, WalkArch, WalkMapping, WalkStep } from './pt_walk.js';

export const bit = (n: number): bigint => 1n << BigInt(n);
export const bitsOf = (v: bigint, hi: number, lo: number): bigint => (v >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
export const hx = (v: bigint): string => '0x' + v.toString(16);

/** Whether `va` is in the linear map: arm64 [PAGE_OFFSET, PAGE_END) with 48-bit VA; 32-bit arm
 * lowmem from PAGE_OFFSET (0xc0000000, VMSPLIT_3G) below the vmalloc/fixmap/vector area. */
export function isLinearVa(arch: WalkArch | string, va: bigint): boolean {
  if (arch === 'arm64') return va >= 0xffff000000000000n && va < 0xffff800000000000n;
  return va >= 0xc0000000n && va < 0xff000000n;
}

/** What the attribute text of a simulated mapping says (ptdump-like or PAGE_KERNEL words). */
export interface Perms {
  ro: boolean;
  xn: boolean;
  user: boolean;
  /** Memory type: normal WBWA, write-combine (bufferable) or device. */
  mem: 'wbwa' | 'wc' | 'device';
  /** arm64: MT_NORMAL_TAGGED (map_mem's pgprot_tagged) rather than MT_NORMAL. */
  tagged: boolean;
}

export function parsePerms(arch: WalkArch, m: Pick<WalkMapping, 'attrs' | 'note'> & { va?: bigint }): Perms {
  const a = m.attrs;
  const words = a.split(/[\s,()]+/);
  const ro = words.includes('ro') || /read-only/i.test(a);
  const xn = words.includes('NX') || words.includes('XN') || /\bXN\b/.test(a);
  const user = words.includes('USR');
  const mem = /DEV\//.test(a) ? 'device' : /BUFFERABLE|WC\b/.test(a) ? 'wc' : 'wbwa';
  // map_mem: every bank with pgprot_tagged(PAGE_KERNEL), the [_stext, __init_begin) alias with
  // plain PAGE_KERNEL (oracle: attrindx 1 vs 0)
  const tagged = arch === 'arm64' && !/alias/i.test(m.note ?? '') && mem === 'wbwa' && (m.va === undefined || isLinearVa(arch, m.va));
  return { ro, xn: xn || !words.includes('x'), user, mem, tagged };
}

// ---------------------------------------------------------------------------------------------
// Descriptor encoders (what Linux 6.1 writes) and decoders (what the bits mean).

/** arm64 vmemmap: vmemmap_populate's 2 MiB blocks are PROT_SECT_NORMAL (no PTE_WRITE/PTE_DIRTY;
 * oracle: sw 0, dbm false, attrindx 0) under UXNTable-only tables. */
export const isVmemmap = (va: bigint) => va >= 0xfffffc0000000000n && va < 0xfffffe0000000000n;

/** arm64 / LPAE long-descriptor leaf (block at L1/L2, page at L3). */
export function longLeaf(arch: WalkArch, p: Perms, pa: bigint, page: boolean, sectNormal = false): bigint {
  if (sectNormal) return bit(0) | pa | (3n << 8n) | bit(10) | bit(53) | bit(54);
  let d = bit(0) | (page ? bit(1) : 0n);
  d |= pa;
  if (arch === 'arm64') {
    // PROT_NORMAL = PTE_TYPE_PAGE|PTE_AF|PTE_SHARED|PTE_PXN|PTE_UXN|PTE_DIRTY|PTE_WRITE|AttrIndx
    const idx = p.mem === 'device' ? 4n : p.mem === 'wc' ? 2n : p.tagged ? 1n : 0n;
    d |= idx << 2n;
    d |= 3n << 8n; // SH inner shareable
    d |= bit(10); // AF
    d |= bit(55); // PTE_DIRTY (sw)
    if (p.ro) d |= bit(7); // PTE_RDONLY, PTE_WRITE (DBM) cleared
    else d |= bit(51); // PTE_WRITE = DBM
    if (p.xn) d |= bit(53) | bit(54); // PXN | UXN
    else d |= bit(54);
    if (p.user) d |= bit(6);
  } else {
    // LPAE: L_PTE_MT_* AttrIndx (7 = WBWA, 1 = bufferable, 4 = device), SH, AF; the Linux
    // software bits: L_PTE_DIRTY (55) on PTEs, L_PTE_RDONLY / L_PMD_SECT_RDONLY (58)
    const idx = p.mem === 'device' ? 4n : p.mem === 'wc' ? 1n : 7n;
    d |= idx << 2n;
    d |= 3n << 8n;
    d |= bit(10);
    if (page) d |= bit(55);
    if (p.ro) d |= bit(7) | bit(58);
    if (p.xn) d |= bit(54);
    if (p.user) d |= bit(6);
  }
  return d;
}

export function decodeLong(arch: WalkArch, d: bigint, kind: WalkStep['kind'], level: number): DescField[] {
  const f: DescField[] = [];
  const b = (n: number) => (d >> BigInt(n)) & 1n;
  f.push({ name: 'type', bits: '1:0', value: hx(bitsOf(d, 1, 0)), meaning: kind === 'invalid' ? 'invalid (faults)' : kind === 'table' ? 'table descriptor' : kind === 'page' ? 'page descriptor' : `block descriptor (level ${level})` });
  if (kind === 'invalid') return f;
  if (kind === 'table') {
    f.push({ name: 'next table', bits: '47:12', value: '', meaning: 'PA of the next-level table' });
    if (arch === 'arm64') {
      f.push({ name: 'PXNTable', bits: '59', value: String(b(59)), meaning: b(59) ? 'no privileged execution below' : 'no restriction' });
      f.push({ name: 'UXNTable', bits: '60', value: String(b(60)), meaning: b(60) ? 'no user execution below' : 'no restriction' });
    }
    return f;
  }
  const idx = bitsOf(d, 4, 2);
  const mt = arch === 'arm64'
    ? ['MT_NORMAL', 'MT_NORMAL_TAGGED', 'MT_NORMAL_NC', 'MT_DEVICE_nGnRnE', 'MT_DEVICE_nGnRE'][Number(idx)] ?? 'unused'
    : (['strongly ordered', 'bufferable (WC)', 'writethrough', 'writeback', 'device', '', '', 'writealloc (WBWA)'][Number(idx)] || 'unused');
  f.push({ name: 'output address', bits: kind === 'page' ? '47:12' : level === 1 ? '47:30' : '47:21', value: '', meaning: 'PA of the ' + (kind === 'page' ? 'page' : 'block') });
  f.push({ name: 'AttrIndx', bits: '4:2', value: String(idx), meaning: `${arch === 'arm64' ? 'MAIR_EL1' : 'MAIR0/1'} slot ${idx}: ${mt}` });
  f.push({ name: 'AP[1] (user)', bits: '6', value: String(b(6)), meaning: b(6) ? 'EL0 access' : 'kernel only' });
  f.push({ name: 'AP[2] (RO)', bits: '7', value: String(b(7)), meaning: b(7) ? 'read-only' : 'read/write' });
  f.push({ name: 'SH', bits: '9:8', value: String(bitsOf(d, 9, 8)), meaning: ['non-shareable', 'reserved', 'outer shareable', 'inner shareable'][Number(bitsOf(d, 9, 8))] });
  f.push({ name: 'AF', bits: '10', value: String(b(10)), meaning: b(10) ? 'accessed' : 'access flag fault on first use' });
  f.push({ name: 'nG', bits: '11', value: String(b(11)), meaning: b(11) ? 'not global (ASID tagged)' : 'global' });
  if (arch === 'arm64') f.push({ name: 'DBM (PTE_WRITE)', bits: '51', value: String(b(51)), meaning: b(51) ? 'writable (dirty bit modifier)' : 'not writable' });
  f.push({ name: 'Contiguous', bits: '52', value: String(b(52)), meaning: b(52) ? 'part of a contiguous run' : 'no' });
  f.push({ name: 'PXN', bits: '53', value: String(b(53)), meaning: b(53) ? 'no privileged execution' : 'privileged execute allowed' });
  f.push({ name: arch === 'arm64' ? 'UXN' : 'XN', bits: '54', value: String(b(54)), meaning: b(54) ? 'execute never' : 'executable' });
  f.push({ name: 'software', bits: '58:55', value: hx(bitsOf(d, 58, 55)), meaning: arch === 'arm64' ? (b(55) ? 'PTE_DIRTY' : '-') : [b(55) ? 'L_PTE_DIRTY' : '', b(58) ? 'L_PTE_RDONLY' : ''].filter(Boolean).join(' ') || '-' });
  return f;
}

/** Short-descriptor L1 section (1 MiB) with TEX remap: TEX[0]:C:B = 0b111 (WBWA), S, domain 0. */
export function shortSection(p: Perms, pa: bigint): bigint {
  let d = 0b10n | pa;
  d |= remapBits(p.mem, 2, 3, 12);
  if (p.xn) d |= bit(4);
  d |= 1n << 10n; // AP[0] (PMD_SECT_AP_WRITE): priv RW
  if (p.user) d |= 1n << 11n;
  if (p.ro) d |= bit(15); // APX
  d |= bit(16); // S
  return d;
}

/** TEX[0]:C:B for the Linux memory types (oracle: WBWA index 7, WC 1, device 4). */
function remapBits(mem: Perms['mem'], bPos: number, cPos: number, texPos: number): bigint {
  const idx = mem === 'device' ? 4 : mem === 'wc' ? 1 : 7;
  return (idx & 1 ? bit(bPos) : 0n) | (idx & 2 ? bit(cPos) : 0n) | (idx & 4 ? bit(texPos) : 0n);
}

export function shortSmallPage(p: Perms, pa: bigint): bigint {
  let d = 0b10n | pa;
  if (p.xn) d |= bit(0);
  d |= remapBits(p.mem, 2, 3, 6);
  d |= 1n << 4n; // AP[0]
  if (p.user) d |= 1n << 5n;
  if (p.ro) d |= bit(9);
  d |= bit(10); // S
  return d;
}

export function decodeShort(d: bigint, kind: WalkStep['kind'], level: 1 | 2, domain: number): DescField[] {
  const b = (n: number) => (d >> BigInt(n)) & 1n;
  const f: DescField[] = [];
  f.push({ name: 'type', bits: level === 1 ? '1:0' : '1', value: hx(level === 1 ? bitsOf(d, 1, 0) : b(1)), meaning: kind === 'invalid' ? 'fault entry' : kind === 'table' ? 'page table' : kind === 'section' ? 'section (1 MiB)' : 'small page (4 KiB)' });
  if (kind === 'invalid') return f;
  if (kind === 'table') {
    f.push({ name: 'page table address', bits: '31:10', value: '', meaning: 'PA of the 1 KiB hardware L2 table' });
    f.push({ name: 'Domain', bits: '8:5', value: String(bitsOf(d, 8, 5)), meaning: `domain ${bitsOf(d, 8, 5)} (${domainName(Number(bitsOf(d, 8, 5)))})` });
    return f;
  }
  const tex = level === 1 ? bitsOf(d, 14, 12) : bitsOf(d, 8, 6);
  const ap = level === 1 ? bitsOf(d, 11, 10) : bitsOf(d, 5, 4);
  const apx = level === 1 ? b(15) : b(9);
  const idx = ((tex & 1n) << 2n) | (b(3) << 1n) | b(2);
  f.push({ name: 'base address', bits: level === 1 ? '31:20' : '31:12', value: '', meaning: 'PA of the ' + (level === 1 ? 'section' : 'page') });
  f.push({ name: 'B', bits: '2', value: String(b(2)), meaning: 'TEX remap index bit 0' });
  f.push({ name: 'C', bits: '3', value: String(b(3)), meaning: 'TEX remap index bit 1' });
  f.push({ name: 'XN', bits: level === 1 ? '4' : '0', value: String(level === 1 ? b(4) : b(0)), meaning: (level === 1 ? b(4) : b(0)) ? 'execute never' : 'executable' });
  if (level === 1) f.push({ name: 'Domain', bits: '8:5', value: String(bitsOf(d, 8, 5)), meaning: `domain ${domain} (${domainName(domain)})` });
  f.push({ name: 'AP[1:0]', bits: level === 1 ? '11:10' : '5:4', value: String(ap), meaning: ap & 2n ? 'user access' : 'kernel only' });
  f.push({ name: 'TEX', bits: level === 1 ? '14:12' : '8:6', value: String(tex), meaning: `TEX[0]:C:B = ${idx} (${['strongly ordered', 'bufferable (WC)', 'writethrough', 'writeback', 'device', '', '', 'writealloc (WBWA)'][Number(idx)] || 'unused'}; PRRR/NMRR remap)` });
  f.push({ name: 'APX', bits: level === 1 ? '15' : '9', value: String(apx), meaning: apx ? 'read-only' : 'read/write' });
  f.push({ name: 'S', bits: level === 1 ? '16' : '10', value: String(level === 1 ? b(16) : b(10)), meaning: 'shareable' });
  f.push({ name: 'nG', bits: level === 1 ? '17' : '11', value: String(level === 1 ? b(17) : b(11)), meaning: (level === 1 ? b(17) : b(11)) ? 'not global' : 'global' });
  return f;
}

function domainName(d: number): string {
  return ['kernel', 'user', 'io', 'vectors'][d] ?? 'unused';
}
