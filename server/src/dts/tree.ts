// The merged devicetree as dtc would flatten it: the contract between the front end (which builds
// it), the boot simulator and the rules (which read it). Property values are the raw big-endian
// bytes the DTB would hold; locations point back into the user's own files.

/** A position in a user's source file: 0-based line and UTF-16 column, as LSP counts them. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** A range in one user file (end exclusive). */
export interface SourceRange {
  file: string;
  start: { line: number; col: number };
  end: { line: number; col: number };
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A structured finding: front-end errors, simulator outcomes and rule diagnostics all use it. */
export interface Finding {
  severity: Severity;
  /** Stable code, e.g. `syntax`, `include-missing`, `rmem-cma-no-map`. */
  code: string;
  message: string;
  range?: SourceRange;
  related?: { range: SourceRange; message: string }[];
}

export interface DtProp {
  name: string;
  /** Raw value bytes as stored in the DTB (cells big-endian, strings NUL-terminated). */
  value: Uint8Array;
  labels: string[];
  /** Where the value that won the merge was written. */
  range?: SourceRange;
}

export interface DtNode {
  /** Full node name with unit address, e.g. `memory@40000000`; the root is ''. */
  name: string;
  parent: DtNode | null;
  props: DtProp[];
  children: DtNode[];
  labels: string[];
  /** Where the node was first defined (its name token). */
  range?: SourceRange;
  /** Every place the node was defined or extended (`&label { }`), in merge order. */
  ranges?: SourceRange[];
}

export interface MemReserve {
  address: bigint;
  size: bigint;
  range?: SourceRange;
}

export interface DtTree {
  root: DtNode;
  memreserves: MemReserve[];
}

export function nodePath(node: DtNode): string {
  if (!node.parent) return '/';
  const parent = nodePath(node.parent);
  return parent === '/' ? `/${node.name}` : `${parent}/${node.name}`;
}

/** Node name without the unit address (`memory@0` -> `memory`). */
export function baseName(node: DtNode): string {
  const at = node.name.indexOf('@');
  return at < 0 ? node.name : node.name.slice(0, at);
}

export function getProp(node: DtNode, name: string): DtProp | undefined {
  const ps = node.props;
  for (let i = 0; i < ps.length; i++) if (ps[i]!.name === name) return ps[i];
  return undefined;
}

export function hasProp(node: DtNode, name: string): boolean {
  return node.props.some((p) => p.name === name);
}

export function childByName(node: DtNode, name: string): DtNode | undefined {
  return node.children.find((c) => c.name === name);
}

/** Looks a node up by absolute path; a path component without `@` also matches `name@unit`
 * when exactly that base name is unique, as the kernel's of_find_node_by_path does. */
export function findNode(tree: DtTree, path: string): DtNode | undefined {
  let node: DtNode | undefined = tree.root;
  for (const part of path.split('/').filter(Boolean)) {
    const cur: DtNode = node!;
    node = childByName(cur, part) ?? (part.includes('@') ? undefined : cur.children.find((c) => baseName(c) === part));
    if (!node) return undefined;
  }
  return node;
}

/** Reads the value as big-endian numbers of `cells` 32-bit cells each; trailing bytes that do
 * not fill an entry are ignored (callers check `value.length` when that matters). */
export function readCells(value: Uint8Array, cells: number): bigint[] {
  const out: bigint[] = [];
  if (cells <= 0) return out;
  const entry = cells * 4;
  for (let off = 0; off + entry <= value.length; off += entry) out.push(readNumber(value, off, cells));
  return out;
}

export function readNumber(value: Uint8Array, offset: number, cells: number): bigint {
  let v = 0n;
  for (let i = 0; i < cells * 4; i++) v = (v << 8n) | BigInt(value[offset + i] ?? 0);
  return v;
}

/** A u32 property (`#address-cells`, `phandle`, ...), or undefined when absent or not 4 bytes. */
export function readU32(node: DtNode, name: string): number | undefined {
  const p = getProp(node, name);
  if (!p || p.value.length !== 4) return undefined;
  return Number(readNumber(p.value, 0, 1));
}

/** Decodes a string or string list (NUL-separated); undefined when absent. */
/** One decoder for every string property (a TextDecoder per call cost more than the decode:
 * status, compatible and device_type are read for most nodes on each analysis). */
const utf8 = new TextDecoder();

export function readStrings(node: DtNode, name: string): string[] | undefined {
  const p = getProp(node, name);
  if (!p) return undefined;
  const text = utf8.decode(p.value);
  const parts = text.split('\0');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

export function readString(node: DtNode, name: string): string | undefined {
  return readStrings(node, name)?.[0];
}

/** A (base, size) list decoded with the given cell counts. */
export function readRegs(value: Uint8Array, addressCells: number, sizeCells: number): { base: bigint; size: bigint }[] {
  const entry = (addressCells + sizeCells) * 4;
  const out: { base: bigint; size: bigint }[] = [];
  if (entry === 0) return out;
  for (let off = 0; off + entry <= value.length; off += entry) {
    out.push({ base: readNumber(value, off, addressCells), size: readNumber(value, off + addressCells * 4, sizeCells) });
  }
  return out;
}

export function* walk(node: DtNode): Generator<DtNode> {
  yield node;
  for (const c of node.children) yield* walk(c);
}

/** UTF-8 byte length of `s` as TextEncoder would encode it (lone surrogates as U+FFFD, 3 bytes),
 * without allocating: sizing node and property names this way avoids a TextEncoder call per name. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
