// of_alias_scan (drivers/of/base.c, Linux 6.1), right after unflatten_device_tree on arm: one
// struct alias_prop per usable /aliases entry (the unflatten size itself is sim/census.ts's).
// Struct sizes come from the profile.
import type { DtTree } from '../../dts/tree.js';
import { findNode, utf8Length } from '../../dts/tree.js';

/** of_alias_scan: the dt_alloc sizes (sizeof(struct alias_prop) + strlen(stem) + 1) for every
 * /aliases property that names an existing node and ends in a number. */
export function aliasAllocSizes(tree: DtTree, aliasPropSize: number): number[] {
  const aliases = findNode(tree, '/aliases');
  if (!aliases) return [];
  const out: number[] = [];
  for (const p of aliases.props) {
    if (p.name === 'name' || p.name === 'phandle' || p.name === 'linux,phandle') continue;
    const text = new TextDecoder().decode(p.value).replace(/\0.*$/s, '');
    if (!text.startsWith('/')) continue;
    if (!findNode(tree, text)) continue;
    const m = /^(.*?)(\d+)$/.exec(p.name);
    if (!m) continue;
    out.push(aliasPropSize + utf8Length(m[1]!) + 1);
    if (out.length > 4096) break;
  }
  return out;
}
