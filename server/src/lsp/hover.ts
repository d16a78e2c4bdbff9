// Hover: memory facts on `reg` / `size` / `alloc-ranges` values, memory nodes and reserved-memory
// nodes (addresses, PFNs, zones, lowmem/highmem, linear-map mapping, the kernel's outcome,
// overlapping neighbours), where a dynamic region was placed and why, a macro's definition and
// expansion at that use, a label's definition.
import { getProp, nodePath, readRegs, readU32, type DtNode, type DtProp } from '../dts/tree.js';
import type { SimResult, RmemNode } from '../sim/types.js';
import type { Analysis } from './analysis.js';
import { hitAt, wordAt } from './locate.js';
import { hex, human } from './format.js';
import { isMemoryNode, rangeFacts } from './regions.js';

const MEM_PROPS = new Set(['reg', 'size', 'alloc-ranges', 'alignment']);

function cells(node: DtNode | null, name: '#address-cells' | '#size-cells'): number {
  const v = node ? readU32(node, name) : undefined;
  return v ?? (name === '#address-cells' ? 2 : 1);
}

function isRmemChild(node: DtNode): boolean {
  return node.parent?.name === 'reserved-memory' && node.parent.parent?.parent === null;
}

export function rmemOf(sim: SimResult | undefined, node: DtNode): RmemNode | undefined {
  if (!sim) return undefined;
  const p = nodePath(node);
  return sim.rmem.find((r) => r.node === node || nodePath(r.node) === p);
}

function rootOf(node: DtNode): DtNode {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** The full hover for a node (memory node, reserved-memory child or /reserved-memory). */
function nodeHover(a: Analysis, node: DtNode, focus?: DtProp): string[] {
  const out: string[] = [`**${nodePath(node)}**${node.labels.length ? ` (${node.labels.map((l) => l + ':').join(' ')})` : ''}`];
  const sim = a.sim;
  const tree = a.compile.tree;
  const root = rootOf(node);
  if (isMemoryNode(node)) {
    const reg = getProp(node, 'reg');
    const regs = reg ? readRegs(reg.value, cells(node.parent, '#address-cells'), cells(node.parent, '#size-cells')) : [];
    regs.slice(0, 16).forEach((r, i) => {
      out.push('', `RAM bank ${i}:`, ...rangeFacts(sim, tree, r.base, r.base + r.size, node, false, true));
    });
    return out;
  }
  if (node.name === 'reserved-memory' && node.parent === root) {
    out.push('', ...reservedMemorySummary(a));
    return out;
  }
  if (!isRmemChild(node)) return out;
  const rm = rmemOf(sim, node);
  const ac = cells(root, '#address-cells');
  const sc = cells(root, '#size-cells');
  if (focus?.name === 'size' || focus?.name === 'alignment') {
    const v = readRegs(focus.value, 0, sc)[0]?.size;
    if (v !== undefined) out.push('', `\`${focus.name}\` = \`${hex(v)}\` (${human(v)})`);
  }
  if (focus?.name === 'alloc-ranges') {
    for (const r of readRegs(focus.value, ac, sc).slice(0, 16)) out.push('', 'Allowed range:', ...rangeFacts(sim, tree, r.base, r.base + r.size, node));
  }
  if (rm?.kind === 'static') {
    rm.regs.slice(0, 16).forEach((r, i) => out.push('', rm.regs.length > 1 ? `Region ${i}:` : 'Static region:', ...rangeFacts(sim, tree, r.base, r.base + r.size, node, rm.nomap)));
  } else if (rm?.kind === 'dynamic') {
    out.push('', ...dynamicPlacement(a, rm));
  } else if (!sim) {
    const reg = getProp(node, 'reg');
    if (reg) for (const r of readRegs(reg.value, ac, sc).slice(0, 16)) out.push('', ...rangeFacts(undefined, tree, r.base, r.base + r.size, node));
  }
  if (rm) {
    const flags = [rm.nomap && '`no-map`', rm.reusable && '`reusable`', rm.compatible.length && rm.compatible.map((c) => `\`${c}\``).join(', ')].filter(Boolean);
    if (flags.length) out.push('', `Flags: ${flags.join(' · ')}`);
    out.push('', `Kernel: ${outcome(rm)}`);
    for (const m of rm.messages.slice(0, 6)) out.push(`    ${m}`);
  }
  return out;
}

function outcome(rm: RmemNode): string {
  if (!rm.results.length) return rm.saved ? 'reserved' : 'reserved (not saved in reserved_mem[])';
  return rm.results.map((r) => {
    switch (r.kind) {
      case 'initialized': return r.type === 'cma' ? '**initialized as a CMA area** (rmem_cma_setup)' : r.type === 'dma-coherent' ? '**initialized as a DMA coherent pool** (rmem_dma_setup)' : 'initialized';
      case 'overlap': return `**overlaps** ${r.other ?? 'another region'} (fdt_init_reserved_mem)`;
      case 'compatible-matching-fail': return `**no handler accepted it**${r.cause ? `: ${r.cause}` : ''}`;
      default: return `**${r.kind.replace(/-/g, ' ')}**${r.cause ? `: ${r.cause}` : ''}`;
    }
  }).join('; ');
}

/** Where a dynamic region went and why: the memblock allocation that placed it. */
function dynamicPlacement(a: Analysis, rm: RmemNode): string[] {
  const sim = a.sim!;
  const init = rm.results.find((r) => r.base !== undefined && r.size);
  const base = init?.base ?? rm.base;
  const size = init?.size ?? rm.size;
  const out = size ? ['Dynamic region placed at:', ...rangeFacts(sim, a.compile.tree, base, base + size, rm.node, rm.nomap)] : ['Dynamic region: **not placed**'];
  // The allocation attempts made for this node (__reserved_mem_alloc_in_range tries each
  // alloc-ranges entry in order; memblock searches top-down, its default direction).
  const owner = nodePath(rm.node);
  const tries = sim.memblockEvents.filter((e) => e.op === 'alloc' && e.owner === owner).slice(0, 8);
  if (tries.length) {
    out.push('', 'Why:');
    for (const e of tries) {
      const range = `[\`${hex(e.from ?? 0n)}\`, \`${e.maxAddr !== undefined ? hex(e.maxAddr) : 'end'}\`)`;
      const got = e.result ? `→ \`${hex(e.result)}\`` : '→ no room';
      out.push(`- ${e.fn ?? 'memblock alloc'} ${human(e.size)}, align \`${hex(e.align ?? 0n)}\`, in ${range}, top-down ${got}`);
    }
  }
  return out;
}

function reservedMemorySummary(a: Analysis): string[] {
  const sim = a.sim;
  if (!sim) return ['_No simulation yet: it runs on open and save, once the tree compiles without errors._'];
  const out: string[] = [];
  for (const rm of sim.rmem.slice(0, 40)) {
    const r = rm.results.find((x) => x.base !== undefined && x.size);
    const base = r?.base ?? rm.base;
    const size = r?.size ?? rm.size;
    out.push(`- \`${rm.name}\` ${rm.kind}${size ? ` \`${hex(base)}\`–\`${hex(base + size - 1n)}\` (${human(size)})` : ''}: ${outcome(rm)}`);
  }
  const d = sim.defaultCma;
  if (d && 'base' in d) out.push(`- default CMA \`${hex(d.base)}\`–\`${hex(d.base + d.size - 1n)}\` (${human(d.size)})`);
  else if (d && 'error' in d) out.push(`- default CMA: ${d.error.join(' ')}`);
  return out;
}

/** The expansion of the macro invocation that starts at (file, line, col): the expanded text
 * the source map attributes to it. */
function expansionAt(a: Analysis, file: string, line: number, col: number): string | undefined {
  const map = a.pre.map as { toOffset(f: string, l: number, c: number): number | undefined; segmentAt?: (o: number) => number };
  const o = map.toOffset(file, line, col);
  if (o === undefined || !map.segmentAt) return undefined;
  const seg = map.segmentAt(o);
  let e = o;
  while (e < a.pre.text.length && e - o < 2000 && map.segmentAt(e) === seg) e++;
  const text = a.pre.text.slice(o, e).trim();
  return text || undefined;
}

export function hover(a: Analysis, file: string, text: string | undefined, line: number, col: number): string | undefined {
  const hit = hitAt(a, file, line, col);
  const w = text !== undefined ? wordAt(text, line, col) : undefined;
  // A macro or label name under the cursor wins over the property around it.
  if (w && hit?.kind !== 'reference' && hit?.kind !== 'include') {
    const m = a.pre.macros.get(w.word);
    if (m) {
      const def = `#define ${m.name}${m.params ? `(${m.params.join(', ')})` : ''} ${m.body}`;
      const exp = expansionAt(a, file, line, w.start);
      const where = m.range ? `\n\nDefined in ${m.range.file.split('/').pop()}:${m.range.start.line + 1}` : '';
      return ['```c', def, '```', exp && exp !== m.body ? `Expands here to: \`${exp.length > 300 ? exp.slice(0, 300) + '…' : exp}\`` : '', where].filter(Boolean).join('\n');
    }
    const n = a.compile.labels.get(w.word);
    if (n) {
      const where = n.range ? ` defined at ${n.range.file.split('/').pop()}:${n.range.start.line + 1}` : '';
      return [`Label \`${w.word}\` → \`${nodePath(n)}\`${where}`, '', ...nodeHover(a, n).slice(1)].join('\n');
    }
  }
  if (hit?.kind === 'reference') {
    const t = hit.ref.target;
    if (!t) return `\`&${hit.ref.name}\`: **not found**`;
    const where = t.range ? `defined at ${t.range.file.split('/').pop()}:${t.range.start.line + 1}` : '';
    return [`\`&${hit.ref.name}\` → \`${nodePath(t)}\` ${where}`, '', ...nodeHover(a, t).slice(1)].join('\n');
  }
  if (hit?.kind === 'include') return `Include: \`${hit.path ?? 'not found'}\``;
  if (hit?.kind === 'node') return nodeHover(a, hit.node).join('\n');
  if (hit?.kind === 'prop') {
    const { node, prop } = hit;
    if (MEM_PROPS.has(prop.name) && (isMemoryNode(node) || isRmemChild(node))) return nodeHover(a, node, prop).join('\n');
    if (prop.name === 'memory-region') {
      const refs = a.compile.references.filter((r) => r.prop === prop && r.target);
      if (refs.length) return refs.map((r) => nodeHover(a, r.target!).join('\n')).join('\n\n---\n\n');
    }
  }
  if (hit?.kind === 'prop') return `\`${hit.prop.name}\` of \`${nodePath(hit.node)}\`: ${hit.prop.value.length} bytes`;
  return undefined;
}
