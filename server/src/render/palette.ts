// Colours of the memory map: the Okabe-Ito palette (distinguishable with the common colour-vision
// deficiencies), one colour per region kind and per zone, plus the patterns that carry the
// flags (no-map hatching, dynamic placement dashes, failure) so that colour is never the only
// cue. Shared by the SVG renderer (webview and `dtmem map`) and the legend.
import type { RegionKind } from '../protocol.js';

export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#999999',
} as const;

export const KIND_COLOUR: Record<RegionKind, string> = {
  ram: '#d9d9d9',
  hole: 'none',
  memreserve: '#5a5a5a',
  kernel: OKABE_ITO.blue,
  initrd: OKABE_ITO.skyBlue,
  dtb: OKABE_ITO.yellow,
  'page-tables': OKABE_ITO.purple,
  'memblock-reserved': OKABE_ITO.grey,
  'rmem-static': OKABE_ITO.orange,
  'rmem-dynamic': OKABE_ITO.orange,
  'cma-default': OKABE_ITO.green,
  cma: OKABE_ITO.green,
};

export const KIND_LABEL: Record<RegionKind, string> = {
  ram: 'System RAM',
  hole: 'hole (not RAM)',
  memreserve: '/memreserve/',
  kernel: 'kernel image',
  initrd: 'initrd',
  dtb: 'DTB',
  'page-tables': 'page tables',
  'memblock-reserved': 'other memblock reservations',
  'rmem-static': 'reserved-memory (static reg)',
  'rmem-dynamic': 'reserved-memory (dynamic, placed by the kernel)',
  'cma-default': 'default CMA',
  cma: 'CMA',
};

export const ZONE_COLOUR: Record<string, string> = {
  DMA: OKABE_ITO.skyBlue,
  DMA32: OKABE_ITO.green,
  Normal: OKABE_ITO.orange,
  HighMem: OKABE_ITO.purple,
  Movable: OKABE_ITO.yellow,
};

/** Colour of a region: reserved-memory pools by what they became (CMA green, coherent pool
 * yellow-orange), else by kind. */
export function regionColour(kind: RegionKind, flags: { cma?: boolean; coherent?: boolean }): string {
  if (kind.startsWith('rmem') && flags.cma) return OKABE_ITO.green;
  return KIND_COLOUR[kind];
}

/** SVG <defs>: the flag patterns (ids prefixed so two maps on a page do not clash). */
export function patternDefs(prefix: string): string {
  return `<defs>`
    + `<pattern id="${prefix}-nomap" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-opacity="0.55" stroke-width="2"/></pattern>`
    + `<pattern id="${prefix}-failed" width="8" height="8" patternUnits="userSpaceOnUse"><path d="M0,0 L8,8 M8,0 L0,8" stroke="${OKABE_ITO.vermillion}" stroke-width="1.5"/></pattern>`
    + `<pattern id="${prefix}-overlap" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="5" stroke="${OKABE_ITO.vermillion}" stroke-width="2.5"/></pattern>`
    + `</defs>`;
}

export interface LegendEntry {
  label: string;
  fill: string;
  /** Pattern overlay id suffix (`nomap`, `failed`, `overlap`). */
  pattern?: string;
  dashed?: boolean;
}

export function legendEntries(): LegendEntry[] {
  return [
    { label: 'System RAM', fill: KIND_COLOUR.ram },
    { label: 'kernel image', fill: KIND_COLOUR.kernel },
    { label: 'initrd', fill: KIND_COLOUR.initrd },
    { label: 'DTB', fill: KIND_COLOUR.dtb },
    { label: 'page tables', fill: KIND_COLOUR['page-tables'] },
    { label: '/memreserve/', fill: KIND_COLOUR.memreserve },
    { label: 'other memblock', fill: KIND_COLOUR['memblock-reserved'] },
    { label: 'reserved-memory', fill: OKABE_ITO.orange },
    { label: 'dynamic (placed)', fill: OKABE_ITO.orange, dashed: true },
    { label: 'CMA', fill: OKABE_ITO.green },
    { label: 'no-map', fill: OKABE_ITO.orange, pattern: 'nomap' },
    { label: 'failed', fill: 'none', pattern: 'failed' },
    { label: 'overlap', fill: 'none', pattern: 'overlap' },
  ];
}
