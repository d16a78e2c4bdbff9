// Early flattened-DT scanning (drivers/of/fdt.c, Linux 6.1): the root's cell sizes
// (early_init_dt_scan_root), memory nodes (early_init_dt_scan_memory +
// early_init_dt_add_memory_arch) and /chosen (early_init_dt_scan_chosen: bootargs, initrd).
import { getProp, readNumber, readString, type DtNode, type DtTree, type Finding } from '../dts/tree.js';
import type { BootContext } from './types.js';

const U64 = (1n << 64n) - 1n;

/** dt_root_addr_cells / dt_root_size_cells (OF_ROOT_NODE_*_CELLS_DEFAULT = 1 when absent). */
export function rootCells(tree: DtTree): { addr: number; size: number } {
  const cell = (name: string) => {
    const p = getProp(tree.root, name);
    return p && p.value.length >= 4 ? Number(readNumber(p.value, 0, 1)) : 1;
  };
  return { addr: cell('#address-cells'), size: cell('#size-cells') };
}

/** of_fdt_device_is_available: no status, or "okay"/"ok". */
export function isAvailable(node: DtNode): boolean {
  const p = getProp(node, 'status');
  if (!p) return true;
  const s = readString(node, 'status') ?? '';
  return s === 'okay' || s === 'ok';
}

/** dt_mem_next_cell: `cells` cells as one u64 (higher cells fall off the top). */
export function memCell(value: Uint8Array, offset: number, cells: number): bigint {
  return readNumber(value, offset, cells) & U64;
}

/** Finds the source range of a node (for findings). */
export function nodeRange(node: DtNode) {
  return node.range;
}

function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** early_init_dt_scan_memory: memblock_add every usable memory bank (before memblock=debug is
 * parsed, so the adds print nothing). */
export function scanMemory(ctx: BootContext): boolean {
  const { tree, profile: p, memblock: mb } = ctx;
  const cells = rootCells(tree);
  let found = false;
  const page = p.pageSize;
  const override = ctx.state.memoryOverride as { base: bigint; size: bigint }[] | undefined;
  for (const node of override ? [] : tree.root.children) {
    const type = readString(node, 'device_type');
    if (type !== 'memory') continue;
    if (!isAvailable(node)) continue;
    const prop = getProp(node, 'linux,usable-memory') ?? getProp(node, 'reg');
    if (!prop) continue;
    const entry = (cells.addr + cells.size) * 4;
    if (entry === 0) continue;
    const hotplug = !!getProp(node, 'hotpluggable');
    for (let off = 0; off + entry <= prop.value.length; off += entry) {
      let base = memCell(prop.value, off, cells.addr);
      let size = memCell(prop.value, off + cells.addr * 4, cells.size);
      if (size === 0n) continue;
      // early_init_dt_add_memory_arch
      const misalign = base & (page - 1n);
      if (size < page - misalign) {
        log(ctx, `OF: fdt: Ignoring memory block ${hex(base)} - ${hex((base + size) & U64)}`, node);
        continue;
      }
      if (misalign) {
        size -= page - misalign;
        base = (base + page - 1n) & ~(page - 1n);
      }
      size &= ~(page - 1n);
      const max = p.maxMemblockAddr;
      const min = p.minMemblockAddr;
      if (base > max) {
        log(ctx, `OF: fdt: Ignoring memory block ${hex(base)} - ${hex((base + size) & U64)}`, node);
        continue;
      }
      if (((base + size - 1n) & U64) > max) {
        log(ctx, `OF: fdt: Ignoring memory range ${hex(max + 1n)} - ${hex((base + size) & U64)}`, node);
        size = max - base + 1n;
      }
      if (base + size < min) {
        log(ctx, `OF: fdt: Ignoring memory block ${hex(base)} - ${hex(base + size)}`, node);
        continue;
      }
      if (base < min) {
        log(ctx, `OF: fdt: Ignoring memory range ${hex(base)} - ${hex(min)}`, node);
        size -= min - base;
        base = min;
      }
      mb.addSilent(base, size);
      found = true;
      if (hotplug) mb.markHotplug(base, size);
    }
  }
  if (override) {
    for (const r of override) {
      if (!r.size) continue;
      mb.addSilent(r.base, r.size);
      found = true;
    }
    ctx.log.push({ step: 'early_init_dt_scan_memory', text: `dtmem: memory from the boot loader: ${override.map((r) => `0x${r.base.toString(16)}+0x${r.size.toString(16)}`).join(', ')}` });
  }
  checkUsableMemRange(ctx);
  if (!found) {
    ctx.findings.push({
      severity: 'error', code: 'sim-no-memory', range: tree.root.range,
      message: 'No usable memory node (device_type = "memory" with a non-zero reg) under /: the kernel has no RAM to boot with. If the boot loader fills /memory in, give the RAM banks to the simulator (dtmem simulate --mem BASE:SIZE).',
    } as Finding);
  }
  return found;
}

/** early_init_dt_check_for_usable_mem_range (6.1, called right after the memory scan): the
 * first /chosen/linux,usable-memory-range entry caps memblock.memory (memblock_cap_memory_range),
 * a second one is memblock_add()ed back (MAX_USABLE_RANGES = 2). */
export function checkUsableMemRange(ctx: BootContext): void {
  const chosen = findChosen(ctx.tree);
  const prop = chosen && getProp(chosen, 'linux,usable-memory-range');
  if (!prop) return;
  const cells = rootCells(ctx.tree);
  // the kernel checks len (bytes) % (addr + size cells), as written
  if (prop.value.length % (cells.addr + cells.size) !== 0) return;
  const entry = (cells.addr + cells.size) * 4;
  const rgn: { base: bigint; size: bigint }[] = [];
  for (let off = 0; entry && off < prop.value.length && rgn.length < 2; off += entry) {
    rgn.push({ base: memCell(prop.value, off, cells.addr), size: memCell(prop.value, off + cells.addr * 4, cells.size) });
  }
  if (!rgn.length) return;
  ctx.memblock.capMemoryRange(rgn[0]!.base, rgn[0]!.size);
  for (let i = 1; i < rgn.length && rgn[i]!.size; i++) ctx.memblock.addSilent(rgn[i]!.base, rgn[i]!.size);
}

/** early_init_dt_check_for_elfcorehdr: /chosen/linux,elfcorehdr = <addr size>. */
export function elfcorehdr(tree: DtTree): { base: bigint; size: bigint } | undefined {
  const chosen = findChosen(tree);
  const prop = chosen && getProp(chosen, 'linux,elfcorehdr');
  const cells = rootCells(tree);
  if (!prop || prop.value.length < cells.addr + cells.size) return undefined;
  if (prop.value.length < (cells.addr + cells.size) * 4) return undefined;
  const size = memCell(prop.value, cells.addr * 4, cells.size);
  return size ? { base: memCell(prop.value, 0, cells.addr), size } : undefined;
}

function findChosen(tree: DtTree): DtNode | undefined {
  return tree.root.children.find((c) => c.name === 'chosen') ?? tree.root.children.find((c) => c.name === 'chosen@0');
}

/** early_init_dt_scan_chosen: bootargs (truncated to COMMAND_LINE_SIZE - 1) and
 * linux,initrd-start/end (any number of cells, read as one number). */
export function scanChosen(tree: DtTree, commandLineSize: number): { bootargs?: string; initrd?: { start: bigint; size: bigint }; node?: DtNode } {
  const chosen = tree.root.children.find((c) => c.name === 'chosen') ?? tree.root.children.find((c) => c.name === 'chosen@0');
  if (!chosen) return {};
  const out: { bootargs?: string; initrd?: { start: bigint; size: bigint }; node?: DtNode } = { node: chosen };
  const s = getProp(chosen, 'linux,initrd-start');
  const e = getProp(chosen, 'linux,initrd-end');
  if (s && e) {
    const start = readNumber(s.value, 0, Math.floor(s.value.length / 4)) & U64;
    const end = readNumber(e.value, 0, Math.floor(e.value.length / 4)) & U64;
    if (start <= end) out.initrd = { start, size: end - start };
  }
  const b = getProp(chosen, 'bootargs');
  if (b && b.value.length > 0) {
    let bytes = b.value.slice(0, Math.min(b.value.length, commandLineSize) - 1 + 1);
    const nul = bytes.indexOf(0);
    if (nul >= 0) bytes = bytes.slice(0, nul);
    if (bytes.length > commandLineSize - 1) bytes = bytes.slice(0, commandLineSize - 1);
    out.bootargs = new TextDecoder().decode(bytes);
  }
  return out;
}

function log(ctx: BootContext, text: string, node?: DtNode): void {
  ctx.log.push({ step: 'early_init_dt_scan_memory', text, node });
}
