// rmem-prop-length: a reserved-memory property whose length does not match the cells the kernel
// reads. drivers/of/fdt.c __reserved_mem_reserve_reg: `reg` must be a multiple of (root
// #address-cells + #size-cells) cells ("invalid reg property in '%s', skipping node");
// drivers/of/of_reserved_mem.c __reserved_mem_alloc_size: `size` exactly #size-cells ("invalid
// size property"), `alignment` exactly the ROOT's #address-cells although the binding says
// size-cells ("invalid alignment property"), `alloc-ranges` a multiple of the entry size
// ("invalid alloc-ranges property"). Any of these drops the node. Lengths and cell counts are
// static facts of the tree.
import { getProp, readNumber, type DtNode } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, fix, hex, replacePropEdit, rmemChildren, rmemFormatOk, rootCells } from './util.js';


export const rmemPropLength: Rule = {
  code: 'rmem-prop-length',
  title: 'reg/size/alignment/alloc-ranges length does not match the cells the kernel reads',
  kernel: 'drivers/of/fdt.c:__reserved_mem_reserve_reg, drivers/of/of_reserved_mem.c:__reserved_mem_alloc_size',
  run(ctx) {
    if (!rmemFormatOk(ctx.tree)) return [];
    const { addr: ac, size: sc } = rootCells(ctx.tree);
    const t = (ac + sc) * 4;
    const nodes = rmemChildren(ctx.tree);
    const out: RuleFinding[] = [];
    const bad = (node: DtNode, prop: string, msg: string) => {
      const f = finding('error', this.code, node, msg, getProp(node, prop)?.range);
      out.push(f);
      return f;
    };
    for (const node of nodes) {
      const reg = getProp(node, 'reg');
      if (reg) {
        if (reg.value.length && t && reg.value.length % t !== 0) {
          bad(node, 'reg', `"Reserved memory: invalid reg property in '${node.name}', skipping node": reg is ${reg.value.length / 4} cells, not a multiple of ${ac}+${sc} (the root's #address-cells + #size-cells); the kernel ignores this region.`);
        }
        continue; // the kernel never looks at size/alignment/alloc-ranges of a node with reg
      }
      const size = getProp(node, 'size');
      if (!size) continue;
      if (size.value.length !== sc * 4) {
        bad(node, 'size', `"OF: reserved mem: invalid size property in '${node.name}' node.": size is ${size.value.length / 4} cells but the root's #size-cells is ${sc}; the region is not allocated.`);
      }
      const align = getProp(node, 'alignment');
      if (align && align.value.length !== ac * 4) {
        const f = bad(node, 'alignment', `"OF: reserved mem: invalid alignment property in '${node.name}' node.": alignment is ${align.value.length / 4} cells but the kernel reads it with the root's #address-cells (${ac})${align.value.length === sc * 4 ? ', not #size-cells as the binding suggests' : ''}; the region is not allocated.`);
        if (align.value.length % 4 === 0 && align.value.length > 0 && align.value.length <= 8 && ac <= 2) {
          const v = readNumber(align.value, 0, align.value.length / 4);
          if (ac === 1 ? v <= 0xffffffffn : true) {
            const cells = ac === 2 ? `${hex(v >> 32n)} ${hex(v & 0xffffffffn)}` : hex(v);
            const fx = fix(`Write alignment with ${ac} cell(s)`, [replacePropEdit(align, `alignment = <${cells}>;`)]);
            if (fx) f.fixes = fx;
          }
        }
      }
      const ranges = getProp(node, 'alloc-ranges');
      if (ranges && (t === 0 || ranges.value.length % t !== 0)) {
        bad(node, 'alloc-ranges', `"OF: reserved mem: invalid alloc-ranges property in '${node.name}', skipping node.": alloc-ranges is ${ranges.value.length / 4} cells, not a multiple of ${ac}+${sc}; the region is not allocated.`);
      }
    }
    return out;
  },
};
