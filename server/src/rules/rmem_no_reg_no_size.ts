// rmem-no-reg-no-size: a /reserved-memory child with neither `reg` nor `size`. drivers/of/fdt.c
// __fdt_scan_reserved_mem saves a node only when it has reg (static) or size (dynamic), so the
// kernel reserves nothing for it and of_reserved_mem_lookup() never finds it: a driver with
// `memory-region = <&it>` gets -ENODEV. Only leaf nodes are reported (a node with children is a
// container whose children are scanned on their own).
import { getProp } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, rmemChildren, rmemFormatOk } from './util.js';

export const rmemNoRegNoSize: Rule = {
  code: 'rmem-no-reg-no-size',
  title: 'Reserved-memory node with neither reg nor size is ignored',
  kernel: 'drivers/of/fdt.c:__fdt_scan_reserved_mem',
  run(ctx) {
    if (!rmemFormatOk(ctx.tree)) return [];
    const out: RuleFinding[] = [];
    for (const node of rmemChildren(ctx.tree)) {
      if (node.children.length || getProp(node, 'reg') || getProp(node, 'size')) continue;
      out.push(finding('warning', this.code, node,
        `${node.name} has neither reg nor size: the kernel reserves nothing for it and a driver that refers to it with memory-region finds no region.`));
    }
    return out;
  },
};
