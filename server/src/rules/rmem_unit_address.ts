// rmem-unit-address: a static reserved-memory node whose unit address differs from its first `reg`
// base. The kernel only uses `reg` (drivers/of/fdt.c __reserved_mem_reserve_reg), but the name is
// what people read in the source and in the boot log ("OVERLAP DETECTED! name (...)"), and dtc
// warns the same way (unit_address_vs_reg). Fix: rename the node to the reg base.
import { baseName, getProp, readRegs } from '../dts/tree.js';
import type { Rule, RuleFinding } from './index.js';
import { finding, fix, hex, rmemChildren, rmemFormatOk, rootCells } from './util.js';

/** Parses `8b200000`, `0,8b200000` or `0x8b200000` (hex, cells joined by commas). */
export function parseUnitAddress(unit: string): bigint | undefined {
  const parts = unit.split(',');
  let v = 0n;
  for (const p of parts) {
    const s = p.replace(/^0x/i, '');
    if (!/^[0-9a-f]+$/i.test(s) || s.length > 16) return undefined;
    v = (v << 32n) | BigInt('0x' + s);
  }
  return v;
}

export const rmemUnitAddress: Rule = {
  code: 'rmem-unit-address',
  title: 'Unit address does not match reg',
  kernel: 'drivers/of/fdt.c:__reserved_mem_reserve_reg (uses reg only)',
  run(ctx) {
    if (!rmemFormatOk(ctx.tree)) return [];
    const { addr, size } = rootCells(ctx.tree);
    const out: RuleFinding[] = [];
    for (const node of rmemChildren(ctx.tree)) {
      const at = node.name.indexOf('@');
      const reg = getProp(node, 'reg');
      if (at < 0 || !reg) continue;
      const first = readRegs(reg.value, addr, size)[0];
      const unit = parseUnitAddress(node.name.slice(at + 1));
      if (!first || unit === undefined || unit === first.base) continue;
      const want = `${baseName(node)}@${first.base.toString(16)}`;
      const f = finding('warning', this.code, node,
        `${node.name}: unit address ${hex(unit)} but reg starts at ${hex(first.base)}; the kernel reserves ${hex(first.base)} (it only reads reg), while the name and boot messages say ${hex(unit)}.`);
      const fx = node.range ? fix(`Rename to ${want}`, [{ range: node.range, newText: want }]) : undefined;
      if (fx) f.fixes = fx;
      out.push(f);
    }
    return out;
  },
};
