// chosen-initrd-outside-ram: /chosen linux,initrd-start/end not inside the RAM the memory nodes
// describe. arm64 (arch/arm64/mm/init.c arm64_memblock_init) only checks the linear-map window and
// then memblock_add()s the initrd, so a range past RAM becomes "RAM" and the kernel faults when it
// unpacks it (oracle case initrd-past-ram: synchronous external abort, panic); 32-bit arm
// (arch/arm/mm/init.c arm_memblock_init/reserve_initrd_mem) prints "INITRD: ... is not a memory
// region - disabling initrd". RAM is the simulator's memblock.memory before the initrd is added
// (its first snapshot); the initrd range is a static fact of /chosen.
import { findNode, getProp, readNumber } from '../dts/tree.js';
import type { Rule } from './index.js';
import { coveredBytes, finding, hex, simOk } from './util.js';

export const chosenInitrd: Rule = {
  code: 'chosen-initrd-outside-ram',
  title: 'initrd outside RAM',
  kernel: 'arch/arm64/mm/init.c:arm64_memblock_init, arch/arm/mm/init.c:arm_memblock_init',
  run(ctx) {
    const sim = simOk(ctx);
    const chosen = findNode(ctx.tree, '/chosen');
    if (!sim || !chosen) return [];
    if (ctx.assumedRam) return []; // RAM extent unknown
    const s = getProp(chosen, 'linux,initrd-start');
    const e = getProp(chosen, 'linux,initrd-end');
    if (!s || !e || !s.value.length || !e.value.length || s.value.length % 4 || e.value.length % 4) return [];
    const start = readNumber(s.value, 0, s.value.length / 4);
    const end = readNumber(e.value, 0, e.value.length / 4);
    if (end <= start) return [];
    const snap = sim.steps.find((st) => st.memory.length);
    if (!snap) return [];
    const ram = snap.memory.map((m) => ({ start: m.base, end: m.base + m.size }));
    if (coveredBytes(ram, start, end - start) === end - start) return [];
    const armLine = sim.log.find((l) => l.text.includes('disabling initrd') || l.text.includes('initrd not fully accessible'));
    const range = [hex(start), hex(end - 1n)].join('-');
    if (armLine) {
      return [finding('warning', this.code, chosen, `"${armLine.text}": the initrd [${range}] is not inside RAM, so the kernel ignores it.`, s.range)];
    }
    return [finding('error', this.code, chosen,
      `the initrd [${range}] runs outside RAM: ${sim.arch === 'arm64' ? 'arm64_memblock_init adds it to memblock as RAM, and the kernel faults when it unpacks the part that is not memory (synchronous external abort, panic)' : 'the kernel cannot use it'}.`, s.range)];
  },
};
