// Reads the reserved-memory messages of a boot log (Linux 6.1: drivers/of/fdt.c
// __reserved_mem_reserve_reg / __fdt_scan_reserved_mem ("OF: fdt: "), drivers/of/of_reserved_mem.c
// ("OF: reserved mem: "), kernel/dma/contiguous.c rmem_cma_setup and kernel/dma/coherent.c
// rmem_dma_setup ("Reserved memory: ", no node name), mm/cma.c cma_init_reserved_areas) into
// per-node results. The setup functions name no node: their message belongs to the next
// `initialized node` / `compatible matching fail` line, which __reserved_mem_init_node prints right
// after calling them.
import type { OverlapFact, RmemNodeFact, RmemPoolFact, RmemResultFact } from './facts.js';

const MiB = 1n << 20n;
const HEX = '(0x[0-9a-f]+)';

export class RmemReader {
  readonly messages: string[] = [];
  readonly nodes = new Map<string, RmemNodeFact>();
  readonly overlaps: OverlapFact[] = [];
  readonly pools: RmemPoolFact[] = [];
  /** A `created … pool` line waiting for its `initialized node` line. */
  private pendingPool: RmemPoolFact | null = null;
  /** An unnamed failure reason waiting for its `compatible matching fail` line. */
  private pendingCause: string | null = null;
  /** `OVERLAP DETECTED!` seen: the next line is `a (…--…) overlaps with b (…--…)`. */
  private overlapNext = false;

  private node(name: string): RmemNodeFact {
    let n = this.nodes.get(name);
    if (!n) {
      n = { name, results: [], messages: [] };
      this.nodes.set(name, n);
    }
    return n;
  }

  private add(name: string, text: string, result: RmemResultFact): void {
    const n = this.node(name);
    n.results.push(result);
    n.messages.push(text);
  }

  /** Consumes `text` when it is a reserved-memory message; returns whether it did. */
  take(text: string): boolean {
    if (this.overlapNext) {
      const m = new RegExp(`^(\\S+) \\(${HEX}--${HEX}\\) overlaps with (\\S+) \\(${HEX}--${HEX}\\)$`).exec(text);
      if (m) {
        this.overlapNext = false;
        this.messages.push(text);
        this.overlaps.push({ a: m[1]!, aStart: BigInt(m[2]!), aEndExcl: BigInt(m[3]!), b: m[4]!, bStart: BigInt(m[5]!), bEndExcl: BigInt(m[6]!) });
        // Both regions of the pair are in conflict (__rmem_check_for_overlap names both).
        this.add(m[1]!, text, { kind: 'overlap', with: m[4]! });
        this.add(m[4]!, text, { kind: 'overlap', with: m[1]! });
        return true;
      }
    }
    let m: RegExpExecArray | null;
    if (/^(?:OF: reserved mem: |OF: fdt: Reserved memory: |Reserved memory: )/.test(text)) this.overlapNext = false;
    if (text.startsWith('OF: reserved mem: ')) {
      const s = text.slice('OF: reserved mem: '.length);
      if (s === 'OVERLAP DETECTED!') {
        this.overlapNext = true;
        this.messages.push(text);
        return true;
      }
      if ((m = /^initialized node (\S+), compatible id (\S+)$/.exec(s))) {
        const pool = this.pendingPool;
        this.pendingPool = null;
        this.pendingCause = null;
        const res: RmemResultFact = { kind: 'initialized', compatible: m[2]!, type: pool?.type ?? 'dma-coherent' };
        if (pool) {
          res.base = pool.base;
          res.sizeMib = pool.sizeMib;
          pool.node = m[1]!;
          this.pools.push(pool);
        }
        this.messages.push(text);
        this.add(m[1]!, text, res);
        return true;
      }
      if ((m = /^node (\S+) compatible matching fail$/.exec(s))) {
        const res: RmemResultFact = { kind: 'compatible-matching-fail' };
        if (this.pendingCause) res.cause = this.pendingCause;
        this.pendingCause = null;
        this.pendingPool = null;
        this.messages.push(text);
        this.add(m[1]!, text, res);
        return true;
      }
      if ((m = /^failed to allocate memory for node '([^']*)': size (\d+) MiB$/.exec(s))) {
        this.messages.push(text);
        this.add(m[1]!, text, { kind: 'alloc-failed', sizeMib: Number(m[2]!) });
        return true;
      }
      if ((m = /^invalid (\S+) property in '([^']*)'(?: node\.|, skipping node\.)$/.exec(s))) {
        this.messages.push(text);
        this.add(m[2]!, text, { kind: 'invalid-property', property: m[1]! });
        return true;
      }
      this.messages.push(text);
      return true;
    }
    if (text.startsWith('OF: fdt: Reserved memory: ')) {
      const s = text.slice('OF: fdt: Reserved memory: '.length);
      this.messages.push(text);
      if ((m = new RegExp(`^failed to reserve memory for node '([^']*)': base ${HEX}, size (\\d+) MiB$`).exec(s))) {
        this.add(m[1]!, text, { kind: 'reserve-failed', base: BigInt(m[2]!), sizeMib: Number(m[3]!) });
      } else if ((m = /^invalid (\S+) property in '([^']*)', skipping node\.$/.exec(s))) {
        this.add(m[2]!, text, { kind: 'invalid-property', property: m[1]! });
      }
      return true;
    }
    if (text.startsWith('Reserved memory: ')) {
      const s = text.slice('Reserved memory: '.length);
      this.messages.push(text);
      if ((m = new RegExp(`^created (CMA|DMA) memory pool at ${HEX}, size (\\d+) MiB$`).exec(s))) {
        this.pendingPool = { type: m[1] === 'CMA' ? 'cma' : 'dma-coherent', base: BigInt(m[2]!), sizeMib: Number(m[3]!) };
      } else if ((m = /^bypass (\S+) node, using cmdline CMA params instead$/.exec(s))) {
        this.add(m[1]!, text, { kind: 'bypassed-by-cmdline-cma' });
      } else {
        this.pendingCause = s;
      }
      return true;
    }
    return false;
  }

  /** `cma: CMA area NAME could not be activated` (cma_activate_area's failure path). */
  activationFailed(name: string, text: string): void {
    this.add(name, text, { kind: 'cma-activation-failed' });
  }
}

/** MiB of a byte count, as the kernel's `size >> 20` prints it. */
export function toMib(bytes: bigint): number {
  return Number(bytes / MiB);
}
