// Helpers shared by the rules: finding /reserved-memory and its children, the root's cell counts
// (a static fact: drivers/of/fdt.c early_init_dt_scan_root reads them, default 1), kernel-style
// number formatting, zone lookup in the simulator's zones, and the text edits of fixes.
import { getProp, nodePath, readNumber, readStrings, type DtNode, type DtProp, type DtTree, type SourceRange } from '../dts/tree.js';
import type { Profile } from '../sim/profile.js';
import { isAvailable, rootCells } from '../sim/fdt_scan.js';
import type { RmemNode, SimResult } from '../sim/types.js';
import type { Fix, RuleContext, RuleFinding } from './index.js';

export const MiB = 1n << 20n;

export function reservedMemory(tree: DtTree): DtNode | undefined {
  return tree.root.children.find((c) => c.name === 'reserved-memory');
}

/** Static fact (__reserved_mem_check_root): /reserved-memory's cells equal the root's and it has
 * `ranges`; otherwise the kernel ignores all of it (reported once by rmem-unsupported-format). */
export function rmemFormatOk(tree: DtTree): boolean {
  const rmn = reservedMemory(tree);
  if (!rmn) return false;
  const root = rootCells(tree);
  const cell = (name: string) => {
    const p = getProp(rmn, name);
    return p && p.value.length >= 4 ? Number(readNumber(p.value, 0, 1)) : undefined;
  };
  return cell('#address-cells') === root.addr && cell('#size-cells') === root.size && !!getProp(rmn, 'ranges');
}

/** Available descendants of /reserved-memory in DT order (what of_scan_flat_dt visits). */
export function rmemChildren(tree: DtTree): DtNode[] {
  const out: DtNode[] = [];
  const visit = (n: DtNode, depth: number) => {
    if (depth > 32) return;
    for (const c of n.children) {
      if (isAvailable(c)) out.push(c);
      visit(c, depth + 1);
    }
  };
  const rmn = reservedMemory(tree);
  if (rmn) visit(rmn, 0);
  return out;
}

// The kernel's own readers (dt_root_*_cells, of_fdt_device_is_available), as the simulator uses them.
export { isAvailable, rootCells };

export function isCompatible(node: DtNode, compat: string): boolean {
  return (readStrings(node, 'compatible') ?? []).includes(compat);
}

export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** Size in the kernel's words: `N MiB` when whole, else KiB or bytes. */
export function sizeStr(v: bigint): string {
  if (v !== 0n && v % MiB === 0n) return `${v / MiB} MiB`;
  if (v > MiB) return `${(Number(v) / 1048576).toFixed(2)} MiB`;
  if (v !== 0n && v % 1024n === 0n) return `${v / 1024n} KiB`;
  return `${hex(v)} bytes`;
}

/** `[base-end]` inclusive, as memblock=debug prints ranges. */
export function rangeStr(base: bigint, size: bigint): string {
  return `[${hex(base)}-${hex(base + size - 1n)}]`;
}

export function roundUp(v: bigint, a: bigint): bigint {
  return a ? ((v + a - 1n) / a) * a : v;
}

export function roundDown(v: bigint, a: bigint): bigint {
  return a ? (v / a) * a : v;
}

/** The simulator's record for a node, if it ran and saw it. */
export function rmemOf(sim: SimResult | undefined, node: DtNode): RmemNode | undefined {
  return sim?.rmem.find((r) => r.node === node);
}

/** Usable simulation: present and the arch path modelled. */
export function simOk(ctx: RuleContext): SimResult | undefined {
  return ctx.sim && ctx.sim.modelled ? ctx.sim : undefined;
}

/** The zone (from the simulator's zone_sizes_init result) holding a physical address. */
export function zoneAt(sim: SimResult, addr: bigint): string | undefined {
  const pfn = addr / sim.profile.pageSize;
  const z = sim.zones.find((zz) => zz.spanned > 0n && pfn >= zz.startPfn && pfn < zz.endPfn);
  return z?.name;
}

/** Zone names covering [base, base+size). */
export function zonesOf(sim: SimResult, base: bigint, size: bigint): string[] {
  const ps = sim.profile.pageSize;
  const first = base / ps;
  const last = (base + size - 1n) / ps;
  return sim.zones.filter((z) => z.spanned > 0n && z.startPfn <= last && z.endPfn > first).map((z) => z.name);
}

/** memblock.memory as the kernel saw it at the end of the simulated boot (after mem=, NOMAP
 * regions included: they are still RAM), adjacent regions merged. End exclusive. */
export function ramRanges(sim: SimResult): { start: bigint; end: bigint }[] {
  const snap = [...sim.steps].reverse().find((s) => s.memory.length);
  const out: { start: bigint; end: bigint }[] = [];
  for (const m of [...(snap?.memory ?? [])].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0))) {
    const last = out[out.length - 1];
    if (last && last.end >= m.base) {
      if (m.base + m.size > last.end) last.end = m.base + m.size;
    } else out.push({ start: m.base, end: m.base + m.size });
  }
  return out;
}

/** Bytes of [base, base+size) covered by the ranges. */
export function coveredBytes(ranges: { start: bigint; end: bigint }[], base: bigint, size: bigint): bigint {
  let n = 0n;
  const end = base + size;
  for (const r of ranges) {
    const s = r.start > base ? r.start : base;
    const e = r.end < end ? r.end : end;
    if (e > s) n += e - s;
  }
  return n;
}

export function finding(
  severity: RuleFinding['severity'], code: string, node: DtNode | undefined, message: string, range?: SourceRange,
): RuleFinding {
  const f: RuleFinding = { severity, code, message: node ? message : message };
  const r = range ?? node?.range;
  if (r) f.range = r;
  if (node) f.node = node;
  return f;
}

export function pathOf(node: DtNode): string {
  return nodePath(node);
}

/** The best range for a property of a node (the property statement, else the node name). */
export function propRange(node: DtNode, name: string): SourceRange | undefined {
  return getProp(node, name)?.range ?? node.range;
}

// ---- fix edits ---------------------------------------------------------------------------

function lineText(ctx: RuleContext, file: string, line: number): string | undefined {
  const text = ctx.readFile?.(file);
  if (text === undefined) return undefined;
  let start = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  return (nl < 0 ? text.slice(start) : text.slice(start, nl)).replace(/\r$/, '');
}

/** Edit that deletes a property statement: the whole line when the statement is alone on it
 * (leading indentation, trailing spaces/comment-free), else exactly its range. */
export function removePropEdit(ctx: RuleContext, prop: DtProp): { range: SourceRange; newText: string } | undefined {
  const r = prop.range;
  if (!r) return undefined;
  if (r.start.line === r.end.line) {
    const text = lineText(ctx, r.file, r.start.line);
    if (text !== undefined && text.slice(0, r.start.col).trim() === '' && text.slice(r.end.col).trim() === '') {
      return { range: { file: r.file, start: { line: r.start.line, col: 0 }, end: { line: r.start.line + 1, col: 0 } }, newText: '' };
    }
  }
  return { range: r, newText: '' };
}

/** Edit that adds `statement` (e.g. `reusable;`) on a new line after property `after`, with the
 * same indentation. */
export function insertAfterPropEdit(ctx: RuleContext, after: DtProp, statement: string): { range: SourceRange; newText: string } | undefined {
  const r = after.range;
  if (!r) return undefined;
  const text = lineText(ctx, r.file, r.start.line);
  const indent = text !== undefined && text.slice(0, r.start.col).trim() === '' ? text.slice(0, r.start.col) : '\t\t';
  return { range: { file: r.file, start: r.end, end: r.end }, newText: `\n${indent}${statement}` };
}

/** Replace a property statement by another (`no-map;` -> `reusable;`). */
export function replacePropEdit(prop: DtProp, statement: string): { range: SourceRange; newText: string } | undefined {
  return prop.range ? { range: prop.range, newText: statement } : undefined;
}

export function fix(title: string, edits: ({ range: SourceRange; newText: string } | undefined)[]): Fix[] | undefined {
  const ok = edits.filter((e): e is { range: SourceRange; newText: string } => !!e);
  return ok.length === edits.length && ok.length ? [{ title, edits: ok }] : undefined;
}

/** Related-information entry pointing at a node. */
export function relatedNode(node: DtNode, message: string): { range: SourceRange; message: string }[] {
  return node.range ? [{ range: node.range, message }] : [];
}

export function profileArch(p: Profile): string {
  return p.arch;
}
