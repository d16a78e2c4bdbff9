// The "fdt-canon v1" text dump of a merged tree (shared/corpus/canon/SPEC.md §2-3): memreserve
// lines, then every node in DTB (pre-order) order with its properties as raw lowercase hex.
// The nophandle variant leaves out `phandle` and `linux,phandle` lines and nothing else.
import type { DtNode, DtTree } from './tree.js';

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

function hex(v: Uint8Array): string {
  let s = '';
  for (let i = 0; i < v.length; i++) s += HEX[v[i]];
  return s;
}

export function canonicalDump(tree: DtTree, opts: { phandles: boolean } = { phandles: true }): string {
  const out: string[] = [];
  for (const r of tree.memreserves) out.push(`memreserve 0x${r.address.toString(16)} 0x${r.size.toString(16)}\n`);
  const visit = (node: DtNode, path: string): void => {
    out.push(`node ${path}\n`);
    for (const p of node.props) {
      if (!opts.phandles && (p.name === 'phandle' || p.name === 'linux,phandle')) continue;
      out.push(p.value.length ? `prop ${p.name} ${hex(p.value)}\n` : `prop ${p.name}\n`);
    }
    for (const c of node.children) visit(c, path === '/' ? `/${c.name}` : `${path}/${c.name}`);
  };
  visit(tree.root, '/');
  return out.join('');
}
