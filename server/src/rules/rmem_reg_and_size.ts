// rmem-reg-and-size: a reserved-memory node with both `reg` and `size`. drivers/of/fdt.c
// __fdt_scan_reserved_mem only treats a node as dynamic when __reserved_mem_reserve_reg finds no
// `reg`, so `size` (and `alignment`/`alloc-ranges`) are ignored and the node is static. Fix:
// remove `size`, which changes nothing the kernel does.
import { getProp } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, fix, removePropEdit, rmemChildren, rmemFormatOk } from './util.js';

export const rmemRegAndSize: Rule = {
  code: 'rmem-reg-and-size',
  title: 'Both reg and size: size is ignored',
  kernel: 'drivers/of/fdt.c:__fdt_scan_reserved_mem',
  run(ctx) {
    if (!rmemFormatOk(ctx.tree)) return [];
    const out: RuleFinding[] = [];
    for (const node of rmemChildren(ctx.tree)) {
      const size = getProp(node, 'size');
      if (!getProp(node, 'reg') || !size) continue;
      const extra = ['alignment', 'alloc-ranges'].filter((n) => getProp(node, n));
      const f = finding('warning', this.code, node,
        `${node.name} has both reg and size: the kernel uses reg (a static region) and ignores size${extra.length ? ` and ${extra.join('/')}` : ''}.`, size.range);
      const fx = fix('Remove size (the kernel ignores it)', [removePropEdit(ctx, size)]);
      if (fx) f.fixes = fx;
      out.push(f);
    }
    return out;
  },
};
