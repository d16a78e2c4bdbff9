// A level-by-level MMU walk of the kernel's page tables as the simulator built them, for the
// page-table inspector's translation box. The simulator records the linear map as ranges
// (PageTableMapping: VA, PA, leaf granule, attributes); this module turns a VA into the walk the
// hardware would do for the profile's format:
//   - arm (short descriptors, TTBCR.N=0): L1 = swapper_pg_dir (4096 x 4 B, VA[31:20]), 1 MiB
//     sections or a page table; L2 = 256 x 4 B (VA[19:12]) at offset 2048/3072 of the Linux PTE
//     page (arch/arm/include/asm/pgtable-2level.h keeps the Linux PTEs in the first half);
//   - arm-lpae (long descriptors): TTBR1 covers >= 0xc0000000 with T1SZ=2, so the walk starts at
//     level 2 in the PMD table that follows swapper_pg_dir (pgd page + 4 PMD pages, head.S;
//     TTBR1 = swapper_pg_dir + 0x4000 in the oracle); 2 MiB blocks or level-3 pages;
//   - arm64 (4K granule, 48-bit VA, T1SZ=16): L0..L3 from swapper_pg_dir, 1 GiB/2 MiB blocks or
//     4 KiB pages, table descriptors with PXNTable/UXNTable (map_mem's NO_EXEC_MAPPINGS).
// Descriptor bits (pt_desc.ts) are those Linux 6.1 writes (PAGE_KERNEL[_RO], mem_types[]), checked against
// the real kernels' tables in the boot oracle (results-userspace/*/pagetables.ranges[].attrs).
// Table pages allocated at boot by early_(pgtable_)alloc are not individually placed by the
// simulator: their address is reported as modelled and the address bits of a descriptor that
// points to one are unknown (`known` mask). Pure: no DOM, no vscode; bounded work per call.
import type { Arch } from './profile.js';
import type { PageTableMapping } from './types.js';
import { bit, bitsOf, decodeLong, decodeShort, isLinearVa, isVmemmap, longLeaf, parsePerms, shortSection, shortSmallPage } from './pt_desc.js';

export { isLinearVa, parsePerms, type Perms } from './pt_desc.js';

export type WalkArch = Arch;

/** The simulator's mappings are what the walk translates through. */
export type WalkMapping = PageTableMapping;

export interface WalkInput {
  arch: WalkArch;
  mappings: WalkMapping[];
  /** PA of swapper_pg_dir when known (arm: the `swapper_pg_dir` memblock reserve; arm64: in the image). */
  swapperPgDir?: bigint;
}

export interface DescField {
  name: string;
  /** Bit position(s), `54` or `4:2`. */
  bits: string;
  value: string;
  meaning: string;
}

export interface WalkStep {
  /** `L1 (PGD)`, `L2 (PMD)`, ... */
  level: string;
  /** The VA bits that index this table, `47:39`. */
  vaBits: string;
  index: number;
  /** PA of the table; undefined when the simulator does not place it (modelled). */
  table?: bigint;
  tableNote: string;
  /** PA of the entry (table + index * size) when the table is known. */
  entryAddr?: bigint;
  descSize: 4 | 8;
  kind: 'table' | 'block' | 'section' | 'page' | 'invalid';
  /** Descriptor value; bits outside `known` are unknown (the next table's modelled address). */
  descriptor: bigint;
  known: bigint;
  fields: DescField[];
}

export interface WalkResult {
  va: bigint;
  steps: WalkStep[];
  pa?: bigint;
  /** Leaf size: 4 KiB page, 1 MiB section, 2 MiB / 1 GiB block. */
  leafSize?: bigint;
  mapping?: WalkMapping;
  fault?: { level: string; reason: string };
}

const SZ_4K = 1n << 12n;
const SZ_1M = 1n << 20n;
const SZ_2M = 1n << 21n;
const SZ_1G = 1n << 30n;
const MASK64 = (1n << 64n) - 1n;


/** Finds the mapping holding `va` (mappings may be unsorted; at most 100k are scanned). */
export function findMapping(maps: WalkMapping[], va: bigint): WalkMapping | undefined {
  const n = Math.min(maps.length, 100000);
  for (let i = 0; i < n; i++) {
    const m = maps[i];
    if (va >= m.va && va < m.va + m.size) return m;
  }
  return undefined;
}

/** The PA -> VA of the linear map: the mapping holding `pa` (lowest VA first). */
export function paToVa(input: WalkInput, pa: bigint): { va?: bigint; mapping?: WalkMapping; reason?: string } {
  const n = Math.min(input.mappings.length, 100000);
  let best: WalkMapping | undefined;
  for (let i = 0; i < n; i++) {
    const m = input.mappings[i];
    // the linear alias first (vmemmap / image mappings also cover some PAs)
    if (pa >= m.pa && pa < m.pa + m.size && (!best || (isLinearVa(input.arch, m.va) && !isLinearVa(input.arch, best.va)) || (isLinearVa(input.arch, m.va) === isLinearVa(input.arch, best.va) && m.va < best.va))) best = m;
  }
  if (best) return { va: best.va + (pa - best.pa), mapping: best };
  return { reason: 'no linear-map entry maps this physical address (no-map region, RAM hole, highmem or outside RAM)' };
}

// ---------------------------------------------------------------------------------------------
// The walks.

const MODELLED = 'allocated at boot by early_alloc / early_pgtable_alloc (a page-tables memblock reservation); its exact page is not modelled';

/** How the leaf for `va` in `m` is mapped: the largest aligned block the simulated granule
 * allows that lies wholly inside the mapping (VA and PA aligned alike), else a 4 KiB page. */
function leafSize(m: WalkMapping, va: bigint, sizes: bigint[]): bigint {
  for (const s of sizes) {
    if (m.granule < s) continue;
    const vs = va - (va % s);
    const ps = m.pa + (vs - m.va);
    if (vs >= m.va && vs + s <= m.va + m.size && ps % s === 0n) return s;
  }
  return SZ_4K;
}

export function walk(input: WalkInput, vaIn: bigint): WalkResult {
  const va = vaIn & MASK64;
  if (input.arch === 'arm64') return walkArm64(input, va);
  if (input.arch === 'arm-lpae') return walkLpae(input, va);
  return walkShort(input, va);
}

function invalidStep(level: string, vaBits: string, index: number, size: 4 | 8, table: bigint | undefined, tableNote: string, decode: (d: bigint) => DescField[]): WalkStep {
  return { level, vaBits, index, table, tableNote, entryAddr: table !== undefined ? table + BigInt(index * size) : undefined, descSize: size, kind: 'invalid', descriptor: 0n, known: size === 8 ? MASK64 : 0xffffffffn, fields: decode(0n) };
}

function walkArm64(input: WalkInput, va: bigint): WalkResult {
  const steps: WalkStep[] = [];
  if (va >> 48n !== 0xffffn) {
    return { va, steps, fault: { level: 'TTBR', reason: va >> 48n === 0n ? 'a user (TTBR0) address: the kernel walk covers only the TTBR1 half (bits 63:48 all ones, T1SZ=16)' : 'bits 63:48 are neither all zeros nor all ones: translation fault (address size)' } };
  }
  const m = findMapping(input.mappings, va);
  const leaf = m ? leafSize(m, va, [SZ_1G, SZ_2M]) : undefined;
  const lv = [
    { name: 'L0 (PGD)', shift: 39, hi: 47 },
    { name: 'L1 (PUD)', shift: 30, hi: 38 },
    { name: 'L2 (PMD)', shift: 21, hi: 29 },
    { name: 'L3 (PTE)', shift: 12, hi: 20 },
  ];
  let table: bigint | undefined = input.swapperPgDir;
  let tableNote = input.swapperPgDir !== undefined ? 'swapper_pg_dir (TTBR1_EL1)' : 'swapper_pg_dir (TTBR1_EL1), in the kernel image; address not known for this profile';
  // map_mem's tables: PXNTable | UXNTable (NO_EXEC_MAPPINGS); vmemmap's come from
  // p?d_populate(&init_mm, ...), which sets only UXNTable for kernel tables
  const tblAttr = isVmemmap(va) ? bit(60) : bit(59) | bit(60);
  for (let i = 0; i < 4; i++) {
    const index = Number(bitsOf(va, lv[i].hi, lv[i].shift));
    const vaBits = `${lv[i].hi}:${lv[i].shift}`;
    const entryAddr = table !== undefined ? table + BigInt(index * 8) : undefined;
    const size = 1n << BigInt(lv[i].shift);
    if (!m || leaf === undefined) {
      steps.push(invalidStep(lv[i].name, vaBits, index, 8, table, tableNote, (d) => decodeLong('arm64', d, 'invalid', i)));
      return { va, steps, fault: { level: lv[i].name, reason: i === 0 ? 'nothing is mapped in this 512 GiB slot' : 'descriptor is invalid: no simulated mapping covers this address (not RAM, a no-map region or a hole)' } };
    }
    if (leaf === size) {
      const pa = m.pa + (va - m.va);
      const out = pa - (pa % size);
      const d = longLeaf('arm64', parsePerms('arm64', m), out, i === 3, isVmemmap(va) && i < 3);
      steps.push({ level: lv[i].name, vaBits, index, table, tableNote, entryAddr, descSize: 8, kind: i === 3 ? 'page' : 'block', descriptor: d, known: MASK64, fields: decodeLong('arm64', d, i === 3 ? 'page' : 'block', i) });
      return { va, steps, pa, leafSize: size, mapping: m };
    }
    const d = 0b11n | tblAttr;
    steps.push({ level: lv[i].name, vaBits, index, table, tableNote, entryAddr, descSize: 8, kind: 'table', descriptor: d, known: MASK64 & ~(((1n << 36n) - 1n) << 12n), fields: decodeLong('arm64', d, 'table', i) });
    table = undefined;
    tableNote = MODELLED;
  }
  return { va, steps, fault: { level: 'L3 (PTE)', reason: 'walk did not end' } };
}

function walkLpae(input: WalkInput, va: bigint): WalkResult {
  const steps: WalkStep[] = [];
  if (va > 0xffffffffn) return { va, steps, fault: { level: 'TTBR', reason: 'a 32-bit kernel has 32-bit virtual addresses' } };
  const m = findMapping(input.mappings, va);
  const leaf = m ? leafSize(m, va, [SZ_2M]) : undefined;
  const sw = input.swapperPgDir;
  const l1 = Number(va >> 30n);
  let table: bigint | undefined;
  let tableNote: string;
  if (va >= 0xc0000000n) {
    // TTBR1 (T1SZ=2): the walk starts at level 2 in the PMD page for the 4th GiB
    table = sw !== undefined ? sw + 0x1000n * BigInt(1 + l1) : undefined;
    tableNote = 'TTBR1 (T1SZ=2, the walk starts at level 2): the PMD table after swapper_pg_dir, swapper_pg_dir + 0x4000';
  } else {
    const idx = l1;
    const t = sw;
    const next = sw !== undefined ? sw + 0x1000n * BigInt(1 + l1) : undefined;
    const d = 0b11n | (next ?? 0n);
    steps.push({ level: 'L1 (PGD)', vaBits: '31:30', index: idx, table: t, tableNote: 'TTBR0: the current pgd, whose kernel entries are copies of swapper_pg_dir\'s', entryAddr: t !== undefined ? t + BigInt(idx * 8) : undefined, descSize: 8, kind: 'table', descriptor: d, known: next !== undefined ? MASK64 : MASK64 & ~(((1n << 28n) - 1n) << 12n), fields: decodeLong('arm-lpae', d, 'table', 1) });
    table = next;
    tableNote = 'PMD table: swapper_pg_dir + 0x1000 * (1 + PGD index) (head.S allocates the 4 PMD pages after the pgd)';
  }
  const i2 = Number(bitsOf(va, 29, 21));
  if (!m || leaf === undefined) {
    steps.push(invalidStep('L2 (PMD)', '29:21', i2, 8, table, tableNote, (d) => decodeLong('arm-lpae', d, 'invalid', 2)));
    return { va, steps, fault: { level: 'L2 (PMD)', reason: 'descriptor is invalid: no simulated mapping covers this address (not lowmem, a no-map region or a hole)' } };
  }
  const pa = m.pa + (va - m.va);
  const p = parsePerms('arm-lpae', m);
  if (leaf === SZ_2M) {
    const d = longLeaf('arm-lpae', p, pa - (pa % SZ_2M), false);
    steps.push({ level: 'L2 (PMD)', vaBits: '29:21', index: i2, table, tableNote, entryAddr: table !== undefined ? table + BigInt(i2 * 8) : undefined, descSize: 8, kind: 'block', descriptor: d, known: MASK64, fields: decodeLong('arm-lpae', d, 'block', 2) });
    return { va, steps, pa, leafSize: SZ_2M, mapping: m };
  }
  const dt = 0b11n;
  steps.push({ level: 'L2 (PMD)', vaBits: '29:21', index: i2, table, tableNote, entryAddr: table !== undefined ? table + BigInt(i2 * 8) : undefined, descSize: 8, kind: 'table', descriptor: dt, known: MASK64 & ~(((1n << 28n) - 1n) << 12n), fields: decodeLong('arm-lpae', dt, 'table', 2) });
  const i3 = Number(bitsOf(va, 20, 12));
  const d = longLeaf('arm-lpae', p, pa - (pa % SZ_4K), true);
  steps.push({ level: 'L3 (PTE)', vaBits: '20:12', index: i3, tableNote: MODELLED, descSize: 8, kind: 'page', descriptor: d, known: MASK64, fields: decodeLong('arm-lpae', d, 'page', 3) });
  return { va, steps, pa, leafSize: SZ_4K, mapping: m };
}

function walkShort(input: WalkInput, va: bigint): WalkResult {
  const steps: WalkStep[] = [];
  if (va > 0xffffffffn) return { va, steps, fault: { level: 'TTBR', reason: 'a 32-bit kernel has 32-bit virtual addresses' } };
  const m = findMapping(input.mappings, va);
  const leaf = m ? leafSize(m, va, [SZ_1M]) : undefined;
  const sw = input.swapperPgDir;
  const i1 = Number(va >> 20n);
  const note1 = 'swapper_pg_dir (TTBCR.N=0: TTBR0 holds the current pgd; its kernel entries are copies of swapper_pg_dir)';
  const entry1 = sw !== undefined ? sw + BigInt(i1 * 4) : undefined;
  // DOMAIN_VECTORS (3) for the vectors/stubs pages (devicemaps_init's MT_*_VECTORS), else DOMAIN_KERNEL
  const domain = m && (m.note === 'vectors' || /USR ro x/.test(m.attrs)) ? 3 : 0;
  if (!m || leaf === undefined) {
    steps.push(invalidStep('L1 (PGD)', '31:20', i1, 4, sw, note1, (d) => decodeShort(d, 'invalid', 1, 0)));
    return { va, steps, fault: { level: 'L1 (PGD)', reason: 'section/page-table entry is a fault entry: no simulated mapping covers this address (not lowmem, a no-map region or a hole)' } };
  }
  const pa = m.pa + (va - m.va);
  const p = parsePerms('arm', m);
  if (leaf === SZ_1M) {
    const d = shortSection(p, pa - (pa % SZ_1M)) | (BigInt(domain) << 5n);
    steps.push({ level: 'L1 (PGD)', vaBits: '31:20', index: i1, table: sw, tableNote: note1, entryAddr: entry1, descSize: 4, kind: 'section', descriptor: d, known: 0xffffffffn, fields: decodeShort(d, 'section', 1, domain) });
    return { va, steps, pa, leafSize: SZ_1M, mapping: m };
  }
  // page table: bits 31:10 = Linux PTE page + 2048 (+1024 for the odd MiB)
  const d1 = 0b01n | (BigInt(domain) << 5n);
  const hwOff = 2048 + (i1 & 1) * 1024;
  steps.push({ level: 'L1 (PGD)', vaBits: '31:20', index: i1, table: sw, tableNote: note1, entryAddr: entry1, descSize: 4, kind: 'table', descriptor: d1, known: 0x3ffn, fields: decodeShort(d1, 'table', 1, domain) });
  const i2 = Number(bitsOf(va, 19, 12));
  const d2 = shortSmallPage(p, pa - (pa % SZ_4K));
  steps.push({ level: 'L2 (PTE)', vaBits: '19:12', index: i2, tableNote: `hardware table at offset ${hwOff} of a PTE page ${MODELLED.replace('allocated', 'that was allocated')} (Linux's own PTE copies sit in the first 2 KiB)`, descSize: 4, kind: 'page', descriptor: d2, known: 0xffffffffn, fields: decodeShort(d2, 'page', 2, domain) });
  return { va, steps, pa, leafSize: SZ_4K, mapping: m };
}

/** _stext -> swapper_pg_dir in Debian's 6.1.0-50 arm64 Image: the oracle's TTBR1_EL1 0x41853000
 * with _stext at 0x40210000 (results-userspace/arm64/*.json, registers + symbols_pa). */
const ARM64_SWAPPER_FROM_STEXT = 0x1643000n;

/** swapper_pg_dir from the memory map's regions: arm's own memblock reserve (`swapper_pg_dir`,
 * arm_memblock_init), arm64's from the kernel image reserve (which starts at _stext). */
export function swapperPgDirOf(arch: WalkArch, regions: { name: string; start: bigint }[]): bigint | undefined {
  if (arch === 'arm64') {
    const k = regions.find((r) => /kernel image/i.test(r.name));
    return k ? k.start + ARM64_SWAPPER_FROM_STEXT : undefined;
  }
  return regions.find((r) => /swapper_pg_dir/.test(r.name))?.start;
}

/** The descriptor as hex with unknown nibbles as `?` (8 or 16 digits). */
export function descriptorHex(s: Pick<WalkStep, 'descriptor' | 'known' | 'descSize'>): string {
  const digits = s.descSize * 2;
  let out = '';
  for (let i = digits - 1; i >= 0; i--) {
    const sh = BigInt(i * 4);
    const mask = (s.known >> sh) & 0xfn;
    out += mask === 0xfn ? ((s.descriptor >> sh) & 0xfn).toString(16) : '?';
  }
  return '0x' + out;
}
