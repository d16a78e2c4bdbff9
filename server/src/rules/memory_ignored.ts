// memory-ignored: part of a memory bank the kernel drops. drivers/of/fdt.c
// early_init_dt_add_memory_arch ignores what lies below MIN_MEMBLOCK_ADDR or above
// MAX_MEMBLOCK_ADDR ("OF: fdt: Ignoring memory range 0x... - 0x..." / "Ignoring memory block"):
// non-LPAE 32-bit arm cannot address RAM at or above 4 GiB (oracle base-4G on arm). The lines are
// the simulator's, on the memory node that caused them.
import { readString } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, simOk } from './util.js';

export const memoryIgnored: Rule = {
  code: 'memory-ignored',
  title: 'Memory the kernel cannot use is ignored',
  kernel: 'drivers/of/fdt.c:early_init_dt_add_memory_arch',
  run(ctx) {
    const sim = simOk(ctx);
    if (!sim) return [];
    const out: RuleFinding[] = [];
    for (const l of sim.log) {
      if (!/OF: fdt: Ignoring memory (range|block)/.test(l.text)) continue;
      // a bank assumed by assumeRam() is not the user's node
      const node = l.node && readString(l.node, 'device_type') === 'memory' && l.node.range ? l.node : undefined;
      out.push(finding('warning', this.code, node,
        `"${l.text}": ${sim.arch === 'arm' ? 'a non-LPAE 32-bit kernel cannot address RAM at or above 4 GiB' : 'this range is outside what the kernel can address'}, so that memory is not used${sim.arch === 'arm' ? ' (an LPAE kernel would use it)' : ''}.`));
    }
    return out;
  },
};
