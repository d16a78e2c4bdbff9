// The memory map as a table: one row per region (start, end, size, PFNs, zone, flags, owner),
// sortable by any column, copyable as Markdown or CSV. Pure (webview and CLI).
import { hex, human, type MapModel, type Reg } from './model.js';

export const COLUMNS = ['name', 'kind', 'start', 'end', 'size', 'pfns', 'zone', 'flags', 'owner', 'status'] as const;
export type Column = (typeof COLUMNS)[number];

export interface Row {
  id: string;
  cells: Record<Column, string>;
  /** Sort keys: numbers as bigint, text as string. */
  keys: Record<Column, bigint | string>;
}

export function rowsOf(m: MapModel): Row[] {
  const shift = BigInt(m.pageSize.toString(2).length - 1);
  const rows: Row[] = [];
  for (const r of [...m.ram, ...m.holes, ...m.regions] as Reg[]) {
    const size = r.end - r.start;
    const pfnS = r.start >> shift;
    const pfnE = ((r.end + m.pageSize - 1n) >> shift) - 1n;
    const flags = Object.entries(r.flags).filter(([, v]) => v).map(([k]) => (k === 'nomap' ? 'no-map' : k)).join(' ');
    const cells: Record<Column, string> = {
      name: r.name, kind: r.kind, start: hex(r.start, m.physDigits), end: hex(r.end - 1n, m.physDigits), size: `${hex(size)} (${human(size)})`,
      pfns: `${hex(pfnS)}–${hex(pfnE)}`, zone: r.zones.join(' '), flags, owner: r.node ?? '', status: r.status ?? '',
    };
    rows.push({ id: r.id, cells, keys: { ...cells, start: r.start, end: r.end, size, pfns: pfnS } });
  }
  return rows;
}

export function sortRows(rows: Row[], col: Column, dir: 1 | -1): Row[] {
  return [...rows].sort((a, b) => {
    const x = a.keys[col];
    const y = b.keys[col];
    const c = typeof x === 'bigint' && typeof y === 'bigint' ? (x < y ? -1 : x > y ? 1 : 0) : String(x).localeCompare(String(y));
    return c * dir || (a.keys.start < b.keys.start ? -1 : 1);
  });
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(rows: Row[]): string {
  const head = `| ${COLUMNS.join(' | ')} |\n|${COLUMNS.map(() => ' --- ').join('|')}|\n`;
  return head + rows.map((r) => `| ${COLUMNS.map((c) => mdCell(r.cells[c])).join(' | ')} |`).join('\n') + '\n';
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function toCsv(rows: Row[]): string {
  return COLUMNS.join(',') + '\n' + rows.map((r) => COLUMNS.map((c) => csvCell(r.cells[c])).join(',')).join('\n') + '\n';
}
