// rmem-unsupported-format: /reserved-memory whose #address-cells/#size-cells differ from the
// root's, or without `ranges`. drivers/of/fdt.c __reserved_mem_check_root fails and
// early_init_fdt_scan_reserved_mem prints "Reserved memory: unsupported node format, ignoring":
// EVERY child is ignored (no carve-out, no CMA). Cell counts and the presence of `ranges` are
// static facts read from the tree. Fix: write the root's cell counts / add `ranges;`.
import { getProp, readNumber } from '../dts/tree.js';
import type { Rule } from './index.js';
import { finding, fix, insertAfterPropEdit, replacePropEdit, reservedMemory, rootCells } from './util.js';

export const rmemUnsupportedFormat: Rule = {
  code: 'rmem-unsupported-format',
  title: '/reserved-memory ignored (cells differ from the root, or no ranges)',
  kernel: 'drivers/of/fdt.c:__reserved_mem_check_root, drivers/of/fdt.c:early_init_fdt_scan_reserved_mem',
  run(ctx) {
    const rmn = reservedMemory(ctx.tree);
    if (!rmn) return [];
    const root = rootCells(ctx.tree);
    const problems: string[] = [];
    const edits: Parameters<typeof fix>[1] = [];
    for (const [name, want] of [['#address-cells', root.addr], ['#size-cells', root.size]] as const) {
      const p = getProp(rmn, name);
      const have = p && p.value.length >= 4 ? Number(readNumber(p.value, 0, 1)) : undefined;
      if (have === want) continue;
      problems.push(`${name} is ${have ?? 'missing'} but the root's is ${want}`);
      edits.push(p ? replacePropEdit(p, `${name} = <${want}>;`) : undefined);
    }
    if (!getProp(rmn, 'ranges')) {
      problems.push('there is no ranges property');
      const anchor = getProp(rmn, '#size-cells') ?? getProp(rmn, '#address-cells');
      edits.push(anchor ? insertAfterPropEdit(ctx, anchor, 'ranges;') : undefined);
    }
    if (!problems.length) return [];
    const f = finding('error', this.code, rmn,
      `"OF: fdt: Reserved memory: unsupported node format, ignoring": ${problems.join(', and ')}, so the kernel ignores /reserved-memory and all ${rmn.children.length} of its regions (nothing is reserved, no pool is created).`);
    const fx = fix('Make /reserved-memory match the root (cells, ranges)', edits);
    if (fx) f.fixes = fx;
    return [f];
  },
};
