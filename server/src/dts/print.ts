// Readable DTS of a merged tree (what `dtc -O dts` shows, without dtc's type markers): values are
// guessed from their bytes — a list of printable NUL-terminated strings, else 32-bit cells when the
// length allows, else a byte string. Node labels are kept; phandles print as numbers.
import type { DtNode, DtTree } from './tree.js';

function isStringList(v: Uint8Array): boolean {
  if (v.length === 0 || v[v.length - 1] !== 0) return false;
  let prevNul = true;
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (b === 0) {
      if (prevNul) return false; // empty string inside: not a readable list
      prevNul = true;
      continue;
    }
    prevNul = false;
    if (b < 0x20 || b > 0x7e) {
      if (b !== 9 && b !== 10) return false;
    }
  }
  return true;
}

function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t') + '"';
}

export function formatValue(v: Uint8Array): string {
  if (v.length === 0) return '';
  if (isStringList(v)) {
    const parts = new TextDecoder().decode(v.subarray(0, v.length - 1)).split('\0');
    return parts.map(quote).join(', ');
  }
  if (v.length % 4 === 0) {
    const cells: string[] = [];
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    for (let i = 0; i < v.length; i += 4) cells.push('0x' + dv.getUint32(i).toString(16));
    return `<${cells.join(' ')}>`;
  }
  return `[${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
}

export function printDts(tree: DtTree): string {
  const out: string[] = ['/dts-v1/;\n'];
  if (tree.memreserves.length) {
    out.push('\n');
    for (const r of tree.memreserves) out.push(`/memreserve/ 0x${r.address.toString(16)} 0x${r.size.toString(16)};\n`);
  }
  out.push('\n');
  const visit = (n: DtNode, depth: number): void => {
    const ind = '\t'.repeat(depth);
    const labels = n.labels.map((l) => `${l}: `).join('');
    out.push(`${ind}${labels}${n.parent ? n.name : '/'} {\n`);
    for (const p of n.props) {
      const v = formatValue(p.value);
      out.push(v ? `${ind}\t${p.name} = ${v};\n` : `${ind}\t${p.name};\n`);
    }
    for (const c of n.children) {
      out.push('\n');
      visit(c, depth + 1);
    }
    out.push(`${ind}};\n`);
  };
  visit(tree.root, 0);
  return out.join('');
}
