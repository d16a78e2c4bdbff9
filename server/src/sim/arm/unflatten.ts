// unflatten_device_tree (drivers/of/fdt.c, Linux 6.1) as far as memblock sees it: the dry run of
// unflatten_dt_nodes sizes one allocation (struct device_node + the node's name, one struct
// property per property, and a synthesized "name" property for nodes without one; property
// values stay in the FDT), then of_alias_scan allocates one struct alias_prop per usable
// /aliases entry. Struct sizes come from the profile (fitted to the oracle's unflatten sizes).
import type { DtNode, DtTree } from '../../dts/tree.js';
import { findNode, utf8Length } from '../../dts/tree.js';

const a4 = (v: number) => (v + 3) & ~3;

/** The size passed to dt_alloc: ALIGN(dry-run size, 4) + 4 (the end-of-tree magic). */
export function unflattenSize(tree: DtTree, deviceNodeSize: number, propertySize: number): number {
  let size = 0;
  let count = 0;
  const visit = (n: DtNode, depth: number): void => {
    if (depth > 64 || count++ > 200000) return;
    // populate_node: the node plus its name (fdt_get_name: the unit name, root "")
    size = a4(size) + deviceNodeSize + utf8Length(n.name) + 1;
    let hasName = false;
    for (const p of n.props) {
      if (p.name === 'name') hasName = true;
      size = a4(size) + propertySize;
    }
    if (!hasName) {
      // the unit name without "@unit" (up to the last '@'), plus NUL
      const at = n.name.lastIndexOf('@');
      const base = at < 0 ? n.name : n.name.slice(0, at);
      size = a4(size) + propertySize + utf8Length(base) + 1;
    }
    for (const c of n.children) visit(c, depth + 1);
  };
  visit(tree.root, 0);
  return a4(size) + 4;
}

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
