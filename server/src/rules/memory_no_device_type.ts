// memory-no-device-type: a top-level `memory`/`memory@...` node without device_type = "memory".
// drivers/of/fdt.c early_init_dt_scan_memory only takes nodes whose device_type is "memory", so
// its RAM is never added to memblock. Error when no other node describes RAM (the kernel then has
// none from the DT), else a warning. Fix: add `device_type = "memory";`.
import { baseName, getProp, readString } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, fix, insertAfterPropEdit, isAvailable } from './util.js';

export const memoryNoDeviceType: Rule = {
  code: 'memory-no-device-type',
  title: 'Memory node without device_type = "memory" is ignored',
  kernel: 'drivers/of/fdt.c:early_init_dt_scan_memory',
  run(ctx) {
    const top = ctx.tree.root.children;
    const typed = top.filter((n) => readString(n, 'device_type') === 'memory' && isAvailable(n));
    const out: RuleFinding[] = [];
    for (const node of top) {
      if (baseName(node) !== 'memory' || getProp(node, 'device_type') || !isAvailable(node)) continue;
      const f = finding(typed.length ? 'warning' : 'error', this.code, node,
        `${node.name} has no device_type = "memory": the kernel skips it when it scans memory, so its RAM is not used${typed.length ? '' : ' and no other node describes RAM'}.`);
      const anchor = getProp(node, 'reg') ?? node.props[0];
      const fx = anchor ? fix('Add device_type = "memory"', [insertAfterPropEdit(ctx, anchor, 'device_type = "memory";')]) : undefined;
      if (fx) f.fixes = fx;
      out.push(f);
    }
    return out;
  },
};
