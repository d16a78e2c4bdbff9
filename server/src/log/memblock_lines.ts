// Reads memblock=debug lines (mm/memblock.c memblock_dbg, Linux 6.1) and the
// `MEMBLOCK configuration:` dump (__memblock_dump_all) out of a boot log.
//   memblock_reserve: [0x…-0x…] caller+0x…/0x…            (add/remove/reserve/phys_free: %pa-%pa %pS)
//   memblock_alloc_try_nid: N bytes align=0x… nid=N from=0x… max_addr=0x… caller+…
//   memblock_phys_alloc_range: N bytes align=0x… from=0x… max_addr=0x… caller+…
// An allocation's own memblock_reserve (logged from memblock_alloc_range_nid with the requested
// size) is folded into the alloc event as its result; a request not followed by that reserve
// failed.
import type { BootStage, MemblockDumpFact, MemblockEventFact, MemblockRegionFact } from './facts.js';

const RANGE_RE = /^(memblock_[a-z_]+): \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\] (\S+)$/;
const ALLOC_RE = /^(memblock_[a-z_]+): (\d+) bytes align=(0x[0-9a-f]+)(?: nid=(-?\d+))? from=(0x[0-9a-f]+) max_addr=(0x[0-9a-f]+) (\S+)$/;

/** The op of a range line's function name (memblock_add_node prints as memblock_add's op). */
function rangeOp(fn: string): MemblockEventFact['op'] | null {
  switch (fn) {
    case 'memblock_add':
    case 'memblock_add_node':
      return 'add';
    case 'memblock_remove':
      return 'remove';
    case 'memblock_reserve':
      return 'reserve';
    case 'memblock_phys_free':
      return 'phys_free';
    case 'memblock_free':
      return 'free';
    default:
      return null;
  }
}

/** Parses one memblock=debug message; null when it is not one. */
export function parseMemblockLine(text: string, stage: BootStage): MemblockEventFact | null {
  if (!text.startsWith('memblock_')) return null;
  let m = RANGE_RE.exec(text);
  if (m) {
    const op = rangeOp(m[1]!);
    if (!op) return null;
    return { op, range: { start: BigInt(m[2]!), end: BigInt(m[3]!) }, caller: m[4]!, stage };
  }
  m = ALLOC_RE.exec(text);
  if (m) {
    const ev: MemblockEventFact = {
      op: 'alloc', fn: m[1]!, bytes: BigInt(m[2]!), align: BigInt(m[3]!), from: BigInt(m[5]!), maxAddr: BigInt(m[6]!),
      caller: m[7]!, result: null, stage,
    };
    if (m[4] !== undefined) ev.nid = Number(m[4]);
    return ev;
  }
  return null;
}

/** True when `ev` is the reserve memblock_alloc_range_nid logs for the pending `alloc`. */
export function isAllocReserve(alloc: MemblockEventFact, ev: MemblockEventFact): boolean {
  if (ev.op !== 'reserve' || !ev.range || !ev.caller.startsWith('memblock_alloc_range_nid')) return false;
  if (ev.range.end - ev.range.start + 1n !== alloc.bytes) return false;
  // The block lies below the request's limit (max_addr 0 and 1 mean memblock.current_limit);
  // `from` is not checked because memblock_alloc_internal retries from 0 without a new line.
  return alloc.maxAddr === undefined || alloc.maxAddr <= 1n || ev.range.end < alloc.maxAddr;
}

const DUMP_SIZES_RE = /^ memory size = (0x[0-9a-f]+) reserved size = (0x[0-9a-f]+)$/;
const DUMP_CNT_RE = /^ (memory|reserved|physmem)\.cnt\s+= (0x[0-9a-f]+)$/;
const DUMP_REGION_RE = /^ (memory|reserved|physmem)\[(0x[0-9a-f]+)\]\s+\[(0x[0-9a-f]+)-(0x[0-9a-f]+)\], (0x[0-9a-f]+) bytes (?:on node (\d+) )?flags: (0x[0-9a-f]+)$/;

/** Accumulates one `MEMBLOCK configuration:` dump line by line. */
export class MemblockDumpReader {
  readonly dump: MemblockDumpFact;

  constructor(stage: BootStage) {
    this.dump = { stage, memory: [], reserved: [], memorySize: 0n, reservedSize: 0n, memoryCnt: 0, reservedCnt: 0 };
  }

  /** Consumes `text` if it belongs to the dump; false ends the dump. */
  take(text: string): boolean {
    let m = DUMP_SIZES_RE.exec(text);
    if (m) {
      this.dump.memorySize = BigInt(m[1]!);
      this.dump.reservedSize = BigInt(m[2]!);
      return true;
    }
    m = DUMP_CNT_RE.exec(text);
    if (m) {
      if (m[1] === 'memory') this.dump.memoryCnt = Number(BigInt(m[2]!));
      else if (m[1] === 'reserved') this.dump.reservedCnt = Number(BigInt(m[2]!));
      return true;
    }
    m = DUMP_REGION_RE.exec(text);
    if (m) {
      const r: MemblockRegionFact = { range: { start: BigInt(m[3]!), end: BigInt(m[4]!) }, size: BigInt(m[5]!), flags: Number(BigInt(m[7]!)) };
      if (m[6] !== undefined) r.nid = Number(m[6]);
      if (m[1] === 'memory') this.dump.memory.push(r);
      else if (m[1] === 'reserved') this.dump.reserved.push(r);
      return true;
    }
    return false;
  }
}
