// memblock's region arrays (mm/memblock.c, Linux 6.1) as pure functions on sorted arrays: the
// region type and flags, memblock_add_range's insertion and counting pass, memblock_merge_regions,
// memblock_isolate_range, the free-range walks (for_each_free_mem_range[_reverse]) and the
// kernel's mask-based round_up/round_down. sim/memblock.ts builds the allocator on them.

export const MEMBLOCK_NONE = 0;
export const MEMBLOCK_HOTPLUG = 1;
export const MEMBLOCK_MIRROR = 2;
export const MEMBLOCK_NOMAP = 4;

export interface Region {
  base: bigint;
  size: bigint;
  flags: number;
  nid: number;
}

export interface FreeRange {
  start: bigint;
  end: bigint;
}

/** Index of the first region whose base is >= v (regions sorted by base). */
export function lowerBound(type: Region[], v: bigint): number {
  let lo = 0;
  let hi = type.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (type[mid]!.base < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of regions memblock_add_range would insert for [base, end) (its counting pass). */
export function countNew(type: Region[], base: bigint, end: bigint): number {
  let n = 0;
  let b = base;
  for (const r of type) {
    const rend = r.base + r.size;
    if (r.base >= end) break;
    if (rend <= b) continue;
    if (r.base > b) n++;
    b = rend < end ? rend : end;
  }
  if (b < end) n++;
  return n;
}

/** memblock_add_range's insertion: the parts of [base, end) no region covers get `flags`;
 * then neighbours merge. */
export function insertRange(type: Region[], base: bigint, end: bigint, nid: number, flags: number): void {
  // fast path: no overlap with any region -> insert at its sorted place, merge neighbours
  const i = lowerBound(type, base);
  const prev = type[i - 1];
  const next = type[i];
  if ((!prev || prev.base + prev.size <= base) && (!next || next.base >= end)) {
    type.splice(i, 0, { base, size: end - base, flags, nid });
    mergeAround(type, i);
    return;
  }
  let b = base;
  const out: Region[] = [];
  for (const r of type) {
    const rend = r.base + r.size;
    if (r.base >= end || rend <= b) {
      out.push(r);
      continue;
    }
    if (r.base > b) out.push({ base: b, size: r.base - b, flags, nid });
    out.push(r);
    if (rend > b) b = rend < end ? rend : end;
  }
  if (b < end) out.push({ base: b, size: end - b, flags, nid });
  out.sort((x, y) => (x.base < y.base ? -1 : x.base > y.base ? 1 : 0));
  type.splice(0, type.length, ...out);
  mergeRegions(type);
}

const mergeable = (a: Region, b: Region) => a.base + a.size === b.base && a.flags === b.flags && a.nid === b.nid;

/** memblock_merge_regions restricted to the neighbours of index i (the array was merged). */
export function mergeAround(type: Region[], i: number): void {
  const next = type[i + 1];
  if (next && mergeable(type[i]!, next)) {
    type[i]!.size += next.size;
    type.splice(i + 1, 1);
  }
  const prev = type[i - 1];
  if (prev && mergeable(prev, type[i]!)) {
    prev.size += type[i]!.size;
    type.splice(i, 1);
  }
}

/** memblock_merge_regions: join neighbours that touch and have the same flags and nid. */
export function mergeRegions(type: Region[]): void {
  let i = 0;
  while (i < type.length - 1) {
    if (!mergeable(type[i]!, type[i + 1]!)) {
      i++;
      continue;
    }
    type[i]!.size += type[i + 1]!.size;
    type.splice(i + 1, 1);
  }
}

/** memblock_isolate_range: split regions at base and end; [start, stop) indexes inside. */
export function isolateRange(type: Region[], base: bigint, end: bigint): [number, number] {
  let start = -1;
  let stop = -1;
  for (let i = 0; i < type.length; i++) {
    const r = type[i]!;
    const rbase = r.base;
    const rend = r.base + r.size;
    if (rbase >= end) break;
    if (rend <= base) continue;
    if (rbase < base) {
      // split off the part below base; retry this index
      type.splice(i, 1, { ...r, size: base - rbase }, { ...r, base, size: rend - base });
      continue;
    }
    if (rend > end) {
      type.splice(i, 1, { ...r, size: end - rbase }, { ...r, base: end, size: rend - end });
    }
    if (start < 0) start = i;
    stop = i + 1;
  }
  return start < 0 ? [0, 0] : [start, stop];
}

/** for_each_free_mem_range (ascending): memory minus reserved, per memory region; NOMAP memory
 * is skipped unless includeNomap. */
export function freeRanges(memory: Region[], reserved: Region[], includeNomap = false): FreeRange[] {
  const out: FreeRange[] = [];
  for (const m of memory) {
    if (!includeNomap && m.flags & MEMBLOCK_NOMAP) continue;
    const mEnd = m.base + m.size;
    let cursor = m.base;
    for (let j = Math.max(0, lowerBound(reserved, m.base) - 1); j < reserved.length; j++) {
      const r = reserved[j]!;
      const rEnd = r.base + r.size;
      if (rEnd <= cursor) continue;
      if (r.base >= mEnd) break;
      if (r.base > cursor) out.push({ start: cursor, end: r.base });
      cursor = rEnd;
      if (cursor >= mEnd) break;
    }
    if (cursor < mEnd) out.push({ start: cursor, end: mEnd });
  }
  return out;
}

/** for_each_free_mem_range_reverse, lazily from the top (NOMAP memory skipped). */
export function* freeRangesReverse(memory: Region[], reserved: Region[]): Generator<FreeRange> {
  for (let mi = memory.length - 1; mi >= 0; mi--) {
    const m = memory[mi]!;
    if (m.flags & MEMBLOCK_NOMAP) continue;
    const mStart = m.base;
    let cursor = m.base + m.size;
    // last reserved region starting below the end of m
    for (let j = lowerBound(reserved, cursor) - 1; j >= 0 && cursor > mStart; j--) {
      const r = reserved[j]!;
      const rEnd = r.base + r.size;
      if (rEnd <= mStart) break;
      if (rEnd < cursor) yield { start: rEnd, end: cursor };
      if (r.base < cursor) cursor = r.base;
    }
    if (cursor > mStart) yield { start: mStart, end: cursor };
  }
}

/** The kernel's round_up/round_down are bit-mask macros (include/linux/math.h): with a
 * non-power-of-two alignment they round to the mask, not to a multiple. */
export function roundUp(v: bigint, a: bigint): bigint {
  return a ? ((v - 1n) | (a - 1n)) + 1n : v;
}

export function roundDown(v: bigint, a: bigint): bigint {
  return a ? v & ~(a - 1n) : v;
}
