// setup_per_cpu_areas -> pcpu_embed_first_chunk (mm/percpu.c, Linux 6.1) for 32-bit arm: the
// memblock allocations of the first chunk as functions of the number of possible CPUs and the
// build's static per-cpu size. Unit size = PFN_ALIGN(static + reserved + dynamic reserve) (at
// least 32K), one group, one unit per CPU (atom = PAGE_SIZE).
import type { Memblock } from '../memblock.js';
import { ALLOC_ACCESSIBLE, NUMA_NO_NODE, roundUp } from '../memblock.js';
import type { ArmConsts } from './consts.js';

const PAGE = 4096n;

export interface PercpuResult {
  unitSize: bigint;
  dynSize: bigint;
  pagesPerCpu: bigint;
  /** "percpu: Embedded N pages/cpu sS rR dD uU". */
  message: string;
  base: bigint;
}

function fls(v: bigint): number {
  let n = 0;
  while (v > 0n) {
    v >>= 1n;
    n++;
  }
  return n;
}

/** pcpu_alloc_first_chunk: chunk struct, alloc_map, bound_map, md_blocks. */
function firstChunkAllocs(tmpAddrOffset: bigint, mapSize: bigint): bigint[] {
  const startOffset = tmpAddrOffset % PAGE;
  const regionSize = roundUp(startOffset + mapSize, PAGE);
  const regionPages = regionSize / PAGE;
  const regionBits = regionSize / 4n; // PCPU_MIN_ALLOC_SIZE
  const longs = (bits: bigint) => (bits + 31n) / 32n;
  // struct pcpu_chunk is 92 bytes on 32-bit (log: 96 with one populated-bitmap long)
  return [92n + longs(regionPages) * 4n, longs(regionBits) * 4n, longs(regionBits + 1n) * 4n, regionPages * 32n];
}

export function setupPerCpuAreas(mb: Memblock, c: ArmConsts, physOffset: bigint, nrCpus: number, maxDmaVirt = 0xffffffffn): PercpuResult {
  const cl = c.callers;
  const n = BigInt(Math.max(1, Math.min(nrCpus, c.nrCpus)));
  const alloc = (size: bigint, align: bigint, caller: string, what: string, from = 0n) =>
    mb.allocTryNid(size, align, from, ALLOC_ACCESSIBLE, NUMA_NO_NODE, caller, what);
  // pcpu_build_alloc_info
  const sizeSum = roundUp(c.percpuStatic + c.percpuReserved + c.percpuDynamicReserve, PAGE);
  const dynSize = sizeSum - c.percpuStatic - c.percpuReserved;
  const unitSize = sizeSum > 32768n ? sizeSum : 32768n;
  const aiSize = roundUp(64n + n * 4n, PAGE); // struct pcpu_alloc_info + one group + cpu_map[]
  const ai = alloc(aiSize, PAGE, cl.pcpuAi!, 'percpu alloc info');
  const areas = alloc(PAGE, 64n, cl.pcpuAreas!, 'percpu areas');
  // pcpu_fc_alloc: memblock_alloc_from(size, atom, __pa(MAX_DMA_ADDRESS)); the lower bound is
  // above lowmem, so memblock_alloc_internal retries from 0.
  const maxDmaPa = maxDmaVirt - c.pageOffset + physOffset; // __pa(MAX_DMA_ADDRESS)
  const base = alloc(n * unitSize, PAGE, cl.pcpuUnits!, 'percpu first chunk', maxDmaPa);
  for (let i = 0n; i < n; i++) mb.physFree(base + i * unitSize + sizeSum, unitSize - sizeSum, cl.pcpuFreeTail!);
  const pagesPerCpu = unitSize / PAGE;
  const message = `percpu: Embedded ${pagesPerCpu} pages/cpu s${c.percpuStatic} r${c.percpuReserved} d${dynSize} u${unitSize}`;
  // pcpu_setup_first_chunk: group_offsets, group_sizes, unit_map, unit_off, chunk lists
  alloc(4n, 64n, cl.pcpuSetup0!, 'percpu group_offsets');
  alloc(4n, 64n, cl.pcpuSetup1!, 'percpu group_sizes');
  alloc(4n * n, 64n, cl.pcpuSetup2!, 'percpu unit_map');
  alloc(4n * n, 64n, cl.pcpuSetup3!, 'percpu unit_off');
  const nrSlots = BigInt(Math.max(fls(unitSize) - 5 + 2, 1)) + 4n; // __pcpu_size_to_slot + 4 (sidelined, free, to-depopulate slots)
  alloc(nrSlots * 8n, 64n, cl.pcpuSetup4!, 'percpu chunk lists');
  const chunkCallers = [cl.pcpuChunk0!, cl.pcpuChunk1!, cl.pcpuChunk2!, cl.pcpuChunk3!];
  firstChunkAllocs(c.percpuStatic, c.percpuReserved).forEach((s, i) => alloc(s, 64n, chunkCallers[i]!, 'percpu reserved chunk'));
  firstChunkAllocs(c.percpuStatic + c.percpuReserved, dynSize).forEach((s, i) => alloc(s, 64n, chunkCallers[i]!, 'percpu first chunk'));
  mb.physFree(ai, aiSize, cl.pcpuFreeAi!);
  mb.physFree(areas, PAGE, cl.pcpuFreeAreas!);
  return { unitSize, dynSize, pagesPerCpu, message, base };
}
