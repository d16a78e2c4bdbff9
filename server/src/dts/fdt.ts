// Flattened devicetree (DTB) reader and writer: DtTree <-> bytes with dtc's layout (version 17,
// header, 8-aligned /memreserve/ block, structure block, strings block, no padding), so the
// size of a tree flattened here equals `dtc -O dtb`'s — the kernel reserves fdt_totalsize.
// dtc's string table (flattree.c stringtable_insert) reuses an existing string when the new
// name equals the tail of one already stored (e.g. "cells" inside "#address-cells").
import type { DtNode, DtTree, Finding, MemReserve } from './tree.js';
import { utf8Length } from './tree.js';

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const HEADER_SIZE = 40;
const MAX_DEPTH = 256;

const enc = new TextEncoder();
const dec = new TextDecoder();

const align4 = (n: number) => (n + 3) & ~3;

const SUFFIX_MAX = 64;

/** dtc's string table: returns the offset of `s`, appending it unless it already occurs as
 * a NUL-terminated tail of the table. */
class StringTable {
  private text = '';
  // Suffixes (up to SUFFIX_MAX chars) of every stored string -> first offset: a match of
  // s + NUL ends at a NUL, so it is a suffix of one stored string and the earliest wins; the map
  // gives indexOf's answer without rescanning the table per property (60k names: 15 s).
  private suffixes = new Map<string, number>();
  offsetOf(s: string): number {
    if (s.length <= SUFFIX_MAX) {
      const hit = this.suffixes.get(s);
      if (hit !== undefined) return hit;
    } else {
      const i = this.text.indexOf(s + '\0');
      if (i >= 0) return i;
    }
    const off = this.text.length;
    this.text += s + '\0';
    for (let j = Math.max(0, s.length - SUFFIX_MAX); j <= s.length; j++) {
      const suf = s.slice(j);
      if (!this.suffixes.has(suf)) this.suffixes.set(suf, off + j);
    }
    return off;
  }
  bytes(): Uint8Array {
    return enc.encode(this.text);
  }
  get length(): number {
    return utf8Length(this.text);
  }
}

// The strings block's size for the last few name sequences: re-analyses after an edit nearly
// always use the same names in the same order, and building dtc's table (suffix sharing) is most
// of dtbSize's cost.
const stringsSizes: { key: string; size: number }[] = [];

function stringsSize(names: Set<string>): number {
  const key = [...names].join('\0');
  const hit = stringsSizes.find((e) => e.key === key);
  if (hit) return hit.size;
  const table = new StringTable();
  for (const name of names) table.offsetOf(name);
  const size = table.length;
  stringsSizes.unshift({ key, size });
  if (stringsSizes.length > 4) stringsSizes.pop();
  return size;
}

/** fdt_totalsize accumulated over a walk of the tree: node() for every node down to
 * FdtSizer.MAX_DEPTH and prop() for each of its properties, in dtc's order (the strings block
 * keeps first use). Another whole-tree walk (the boot simulator's census) sizes the DTB on its
 * way. */
export class FdtSizer {
  /** The structure block so far, FDT_END included. */
  private struct = 4;
  /** Property names in first-use order (the strings block). */
  private readonly names = new Set<string>();
  static readonly MAX_DEPTH = MAX_DEPTH;
  /** FDT_BEGIN_NODE + the NUL-terminated name + FDT_END_NODE. */
  node(name: string): void {
    this.struct += 8 + align4(utf8Length(name) + 1);
  }
  /** FDT_PROP, len, nameoff + the value. */
  prop(name: string, len: number): void {
    this.names.add(name);
    this.struct += 12 + align4(len);
  }
  total(memreserves: number): number {
    return HEADER_SIZE + (memreserves + 1) * 16 + this.struct + stringsSize(this.names);
  }
}

function sizeNode(node: DtNode, s: FdtSizer, depth: number): void {
  if (depth > MAX_DEPTH) return;
  s.node(node.name);
  for (const p of node.props) s.prop(p.name, p.value.length);
  for (const c of node.children) sizeNode(c, s, depth + 1);
}

/** fdt_totalsize of the tree as dtc would write it (no -p/-S padding). */
export function dtbSize(tree: DtTree): number {
  const s = new FdtSizer();
  sizeNode(tree.root, s, 0);
  return s.total(tree.memreserves.length);
}

/** Flattens the tree (dtc -O dtb layout, version 17). */
export function writeDtb(tree: DtTree, bootCpuid = 0): Uint8Array {
  const strings = new StringTable();
  const structParts: number[] = [];
  const u32 = (v: number) => structParts.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  const bytes = (b: Uint8Array) => {
    for (const x of b) structParts.push(x);
    while (structParts.length % 4) structParts.push(0);
  };
  const emit = (node: DtNode, depth: number) => {
    if (depth > MAX_DEPTH) return;
    u32(FDT_BEGIN_NODE);
    const nm = enc.encode(node.name);
    const withNul = new Uint8Array(nm.length + 1);
    withNul.set(nm);
    bytes(withNul);
    for (const p of node.props) {
      u32(FDT_PROP);
      u32(p.value.length);
      u32(strings.offsetOf(p.name));
      bytes(p.value);
    }
    for (const c of node.children) emit(c, depth + 1);
    u32(FDT_END_NODE);
  };
  emit(tree.root, 0);
  u32(FDT_END);
  const strBytes = strings.bytes();
  const rsvSize = (tree.memreserves.length + 1) * 16;
  const offRsv = HEADER_SIZE;
  const offStruct = offRsv + rsvSize;
  const offStrings = offStruct + structParts.length;
  const total = offStrings + strBytes.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, FDT_MAGIC);
  dv.setUint32(4, total);
  dv.setUint32(8, offStruct);
  dv.setUint32(12, offStrings);
  dv.setUint32(16, offRsv);
  dv.setUint32(20, 17);
  dv.setUint32(24, 16);
  dv.setUint32(28, bootCpuid);
  dv.setUint32(32, strBytes.length);
  dv.setUint32(36, structParts.length);
  tree.memreserves.forEach((r, i) => {
    dv.setBigUint64(offRsv + i * 16, r.address & 0xffffffffffffffffn);
    dv.setBigUint64(offRsv + i * 16 + 8, r.size & 0xffffffffffffffffn);
  });
  out.set(structParts, offStruct);
  out.set(strBytes, offStrings);
  return out;
}

export interface DtbReadResult {
  tree?: DtTree;
  totalSize: number;
  findings: Finding[];
}

/** Parses a DTB. Never throws: malformed input gives findings (and no tree when unusable). */
export function readDtb(data: Uint8Array, file = '<dtb>'): DtbReadResult {
  const findings: Finding[] = [];
  const bad = (message: string): DtbReadResult => {
    findings.push({ severity: 'error', code: 'dtb-malformed', message, range: { file, start: { line: 0, col: 0 }, end: { line: 0, col: 0 } } });
    return { totalSize: data.length, findings };
  };
  if (data.length < HEADER_SIZE) return bad('file too short for an FDT header');
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (dv.getUint32(0) !== FDT_MAGIC) return bad('bad FDT magic (not a DTB)');
  const total = dv.getUint32(4);
  const offStruct = dv.getUint32(8);
  const offStrings = dv.getUint32(12);
  const offRsv = dv.getUint32(16);
  const version = dv.getUint32(20);
  if (total > data.length) return bad(`totalsize ${total} exceeds the file size ${data.length}`);
  if (version < 16) return bad(`unsupported FDT version ${version}`);
  const sizeStrings = version >= 3 ? dv.getUint32(32) : total - offStrings;
  const sizeStruct = version >= 17 ? dv.getUint32(36) : total - offStruct;
  if (offStruct + sizeStruct > total || offStrings + sizeStrings > total || offRsv > total) return bad('block offsets outside the blob');
  const memreserves: MemReserve[] = [];
  for (let off = offRsv; off + 16 <= total && memreserves.length < 4096; off += 16) {
    const address = dv.getBigUint64(off);
    const size = dv.getBigUint64(off + 8);
    if (!address && !size) break;
    memreserves.push({ address, size });
  }
  const strAt = (off: number): string | undefined => {
    if (off >= sizeStrings) return undefined;
    const start = offStrings + off;
    let end = start;
    while (end < offStrings + sizeStrings && data[end] !== 0) end++;
    return dec.decode(data.subarray(start, end));
  };
  let pos = offStruct;
  const end = offStruct + sizeStruct;
  let root: DtNode | undefined;
  const stack: DtNode[] = [];
  while (pos + 4 <= end) {
    const tag = dv.getUint32(pos);
    pos += 4;
    if (tag === FDT_BEGIN_NODE) {
      let e = pos;
      while (e < end && data[e] !== 0) e++;
      const name = dec.decode(data.subarray(pos, e));
      pos = offStruct + align4(e + 1 - offStruct);
      const parent = stack[stack.length - 1] ?? null;
      if (!parent && root) return bad('more than one root node');
      if (stack.length >= MAX_DEPTH) return bad('nodes nested too deeply');
      const node: DtNode = { name: parent ? name : '', parent, props: [], children: [], labels: [] };
      if (parent) parent.children.push(node);
      else root = node;
      stack.push(node);
    } else if (tag === FDT_END_NODE) {
      if (!stack.pop()) return bad('unbalanced FDT_END_NODE');
    } else if (tag === FDT_PROP) {
      if (pos + 8 > end) return bad('truncated property');
      const len = dv.getUint32(pos);
      const nameoff = dv.getUint32(pos + 4);
      pos += 8;
      if (pos + len > end) return bad('property value runs past the structure block');
      const node = stack[stack.length - 1];
      if (!node) return bad('property outside any node');
      const name = strAt(nameoff);
      if (name === undefined) return bad('property name offset outside the strings block');
      node.props.push({ name, value: data.slice(pos, pos + len), labels: [] });
      pos = offStruct + align4(pos + len - offStruct);
    } else if (tag === FDT_NOP) {
      continue;
    } else if (tag === FDT_END) {
      break;
    } else {
      return bad(`unknown structure tag ${tag} at offset ${pos - 4}`);
    }
  }
  if (!root) return bad('no root node');
  if (stack.length) return bad('structure block ends inside a node');
  return { tree: { root, memreserves }, totalSize: total, findings };
}
