// rmem-cma-misaligned: a CMA pool whose base or size is not a multiple of CMA_MIN_ALIGNMENT_BYTES
// (the pageblock in 6.1: 2 MiB arm64/arm-lpae, 8 MiB arm). kernel/dma/contiguous.c rmem_cma_setup
// prints "Reserved memory: incorrect alignment of CMA region", the node gets "compatible matching
// fail" and its memory returns to RAM. The message gives the aligned values (base rounded up,
// size rounded up, or the aligned range inside the region).
import type { Rule, RuleFinding } from './index.js';
import { finding, hex, roundDown, roundUp, simOk, sizeStr } from './util.js';

export const cmaMisaligned: Rule = {
  code: 'rmem-cma-misaligned',
  title: 'CMA region not aligned to CMA_MIN_ALIGNMENT_BYTES',
  kernel: 'kernel/dma/contiguous.c:rmem_cma_setup',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const a = sim.profile.cmaMinAlignment;
    const out: RuleFinding[] = [];
    for (const rm of sim.rmem) {
      const res = rm.results.find((r) => r.kind === 'compatible-matching-fail' && r.cause?.includes('incorrect alignment'));
      if (!res) continue;
      const end = rm.base + rm.size;
      const inBase = roundUp(rm.base, a);
      const inEnd = roundDown(end, a);
      const inside = inEnd > inBase ? ` (the largest aligned part inside it is base ${hex(inBase)} size ${hex(inEnd - inBase)})` : '';
      out.push(finding('error', this.code, rm.node,
        `"Reserved memory: incorrect alignment of CMA region": ${rm.name} has base ${hex(rm.base)} size ${hex(rm.size)} but ${sim.arch} needs both aligned to ${sizeStr(a)} (CMA_MIN_ALIGNMENT_BYTES); no CMA pool is created ("compatible matching fail") and the memory returns to RAM. Use base ${hex(roundDown(rm.base, a))} or ${hex(inBase)}, size ${hex(roundUp(rm.size, a))}${inside}.`));
    }
    return out;
  },
};
