// Completion for reserved-memory: property names for /reserved-memory and its children (with
// snippets and what the kernel does with each), `compatible` values the 6.1 kernel has handlers
// for, `memory-region = <&...>` labels of reserved-memory nodes, memory node properties.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from 'vscode-languageserver/node.js';
import { nodePath, walk } from '../dts/tree.js';
import type { Analysis } from './analysis.js';
import { blockAt, blockPath, offsetOf, type Outline } from './outline.js';

interface PropSpec { name: string; snippet: string; doc: string }

const RMEM_CHILD: PropSpec[] = [
  { name: 'compatible', snippet: 'compatible = "${1|shared-dma-pool,restricted-dma-pool|}";', doc: '`shared-dma-pool`: CMA (with `reusable`) or a DMA coherent pool (with `no-map`); handled by rmem_cma_setup / rmem_dma_setup.' },
  { name: 'reg', snippet: 'reg = <${1:0x0 0x80000000} ${2:0x0 0x4000000}>;', doc: 'Static region: address and size in the root node\'s #address-cells/#size-cells. Reserved by __reserved_mem_reserve_reg.' },
  { name: 'size', snippet: 'size = <${1:0x0 0x4000000}>;', doc: 'Dynamic region: allocated at boot by __reserved_mem_alloc_size (memblock, top-down).' },
  { name: 'alignment', snippet: 'alignment = <${1:0x0 0x400000}>;', doc: 'Alignment of a dynamic region (CMA raises it to CMA_MIN_ALIGNMENT_BYTES).' },
  { name: 'alloc-ranges', snippet: 'alloc-ranges = <${1:0x0 0x0} ${2:0x0 0x80000000}>;', doc: 'Where a dynamic region may be placed (address/size pairs), tried in order.' },
  { name: 'no-map', snippet: 'no-map;', doc: 'Removed from the linear map (memblock_mark_nomap). Not allowed with `reusable`; CMA rejects it.' },
  { name: 'reusable', snippet: 'reusable;', doc: 'The kernel may use the pages until a driver claims them (required for CMA).' },
  { name: 'linux,cma-default', snippet: 'linux,cma-default;', doc: 'Makes this CMA pool the default area (dma_contiguous_default_area); replaces cma=/CONFIG_CMA_SIZE_MBYTES.' },
  { name: 'linux,dma-default', snippet: 'linux,dma-default;', doc: 'Makes this coherent pool the default DMA pool (dma_coherent_default_memory).' },
  { name: 'status', snippet: 'status = "${1|okay,disabled|}";', doc: 'A disabled node is skipped by __fdt_scan_reserved_mem.' },
];

const RMEM_PARENT: PropSpec[] = [
  { name: '#address-cells', snippet: '#address-cells = <${1:2}>;', doc: 'Must equal the root\'s, or the kernel ignores /reserved-memory (__reserved_mem_check_root).' },
  { name: '#size-cells', snippet: '#size-cells = <${1:2}>;', doc: 'Must equal the root\'s, or the kernel ignores /reserved-memory.' },
  { name: 'ranges', snippet: 'ranges;', doc: 'Must be present and empty (identity mapping).' },
];

const MEMORY_NODE: PropSpec[] = [
  { name: 'device_type', snippet: 'device_type = "memory";', doc: 'Marks a RAM bank for early_init_dt_scan_memory.' },
  { name: 'reg', snippet: 'reg = <${1:0x0 0x80000000} ${2:0x0 0x40000000}>;', doc: 'RAM banks (address, size), added with memblock_add.' },
];

const DEVICE: PropSpec[] = [
  { name: 'memory-region', snippet: 'memory-region = <&${1:label}>;', doc: 'Reserved-memory regions this device uses (of_reserved_mem_device_init).' },
  { name: 'memory-region-names', snippet: 'memory-region-names = "${1:name}";', doc: 'Names for the memory-region entries.' },
];

function items(specs: PropSpec[]): CompletionItem[] {
  return specs.map((s, i) => ({
    label: s.name, kind: CompletionItemKind.Property, insertText: s.snippet, insertTextFormat: InsertTextFormat.Snippet,
    documentation: { kind: MarkupKind.Markdown, value: s.doc }, sortText: String(i).padStart(3, '0'),
  }));
}

/** The node path the cursor's block chain designates (`&label` resolved through the analysis). */
function contextPath(o: Outline, a: Analysis | undefined, offset: number): string | undefined {
  const b = blockAt(o, offset);
  if (!b) return undefined;
  const parts = blockPath(b);
  let base = '';
  let i = 0;
  if (parts[0] === '/') i = 1;
  else if (parts[0].startsWith('&')) {
    const ref = parts[0].slice(1);
    const n = ref.startsWith('{') ? undefined : a?.compile.labels.get(ref);
    base = n ? nodePath(n) : ref.startsWith('{') ? ref.slice(1, -1) : `?${ref}`;
    if (base === '/') base = '';
    i = 1;
  }
  for (; i < parts.length; i++) base += '/' + parts[i];
  return base || '/';
}

export function completion(o: Outline, text: string, a: Analysis | undefined, line: number, col: number, handlers?: string[]): CompletionItem[] {
  const offset = offsetOf(o, line, col);
  const lineStart = o.lineStarts[line] ?? 0;
  const prefix = text.slice(lineStart, offset);
  const path = contextPath(o, a, offset) ?? '';
  const parts = path.split('/').filter(Boolean);
  const inRmemChild = parts.length === 2 && parts[0] === 'reserved-memory';
  const inRmem = parts.length === 1 && parts[0] === 'reserved-memory';
  const inMemory = parts.length === 1 && /^memory(@|$)/.test(parts[0]);

  if (/memory-region\s*=\s*<[^>]*&[\w]*$/.test(prefix)) {
    const out: CompletionItem[] = [];
    if (a) {
      for (const n of walk(a.compile.tree.root)) {
        if (n.parent?.name !== 'reserved-memory' || n.parent.parent?.parent !== null) continue;
        for (const l of n.labels) out.push({ label: l, kind: CompletionItemKind.Reference, detail: nodePath(n) });
      }
    }
    return out;
  }
  const str = /([\w,#-]+)\s*=\s*"[^"]*$/.exec(prefix);
  if (str) {
    if (str[1] === 'compatible' && inRmemChild) {
      const list = handlers?.length ? [...new Set(handlers)] : ['shared-dma-pool', 'restricted-dma-pool'];
      return list.map((c) => ({ label: c, kind: CompletionItemKind.Value, detail: 'reserved-memory handler in the kernel' }));
    }
    if (str[1] === 'status') return ['okay', 'disabled', 'reserved', 'fail'].map((s) => ({ label: s, kind: CompletionItemKind.Value }));
    if (str[1] === 'device_type') return [{ label: 'memory', kind: CompletionItemKind.Value }];
    return [];
  }
  if (!/^\s*[\w,#-]*$/.test(prefix)) return [];
  if (inRmemChild) return items(RMEM_CHILD);
  if (inRmem) {
    return [
      ...items(RMEM_PARENT),
      { label: 'linux,cma', kind: CompletionItemKind.Snippet, insertTextFormat: InsertTextFormat.Snippet, detail: 'default CMA pool node',
        insertText: 'linux,cma {\n\tcompatible = "shared-dma-pool";\n\treusable;\n\tsize = <${1:0x0 0x4000000}>;\n\tlinux,cma-default;\n};' },
    ];
  }
  if (inMemory) return items(MEMORY_NODE);
  if (parts.length === 0 && path === '/') return [...items(DEVICE), { label: 'reserved-memory', kind: CompletionItemKind.Snippet, insertTextFormat: InsertTextFormat.Snippet, insertText: 'reserved-memory {\n\t#address-cells = <${1:2}>;\n\t#size-cells = <${2:2}>;\n\tranges;\n\t$0\n};' }];
  return items(DEVICE);
}
