// The memory map as an SVG string (no DOM): address axis, zones with the lowmem/highmem
// boundary, RAM banks with breaks for holes, every reservation in lanes (overlaps side by side
// and marked), flags as patterns, diagnostics as markers, a legend. The webview inserts it and
// styles it with VS Code's theme variables through the `mm-*` classes; `standalone` embeds a
// light stylesheet and a background for export (`dtmem map`, the panel's SVG/PNG export).
import { computeLayout, assignLanes, type LayoutOptions, type Layout } from './layout.js';
import { hex, human, regionFacts, type MapModel, type Reg } from './model.js';
import { legendEntries, patternDefs, regionColour, ZONE_COLOUR, OKABE_ITO } from './palette.js';

export interface SvgOptions extends LayoutOptions {
  /** Prefix for pattern ids. */
  idPrefix?: string;
  /** Embed a stylesheet + background (export); otherwise the host page styles `mm-*` classes. */
  standalone?: boolean;
  title?: string;
}

export interface SvgResult {
  svg: string;
  width: number;
  height: number;
  layout: Layout;
  /** Top of the map area (below title and legend). */
  top: number;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const AXIS_W = 118;
const ZONE_X = AXIS_W + 6;
const ZONE_W = 58;
const RAM_X = ZONE_X + ZONE_W + 6;
const RAM_W = 70;
const LANE_X = RAM_X + RAM_W + 10;
const LANE_W = 64;
const LABEL_W = 330;

const STANDALONE_CSS = `.mm-text{fill:#1e1e1e;font:11px sans-serif}.mm-small{font-size:10px}.mm-title{font-weight:bold;font-size:13px}`
  + `.mm-axis{stroke:#888}.mm-ram{fill:#d9d9d9;stroke:#777}.mm-break{stroke:#777;fill:none}.mm-lowmem{stroke:#000;stroke-dasharray:6 3}`
  + `.mm-region rect.mm-box{stroke:#333;stroke-width:.8}`;

export function renderMemoryMapSvg(m: MapModel, opts: SvgOptions): SvgResult {
  const p = opts.idPrefix ?? 'mm';
  const legend = legendEntries();
  const legendCols = 5;
  const legendRows = Math.ceil(legend.length / legendCols);
  const top = (opts.title ? 24 : 6) + legendRows * 18 + 14;
  const layout = computeLayout(m, opts);
  const drawn = m.regions.filter((r) => r.end > r.start);
  const lanes = assignLanes(drawn);
  const nLanes = Math.max(1, ...[...lanes.values()].map((l) => l + 1));
  const labelX = LANE_X + nLanes * (LANE_W + 4) + 8;
  const width = Math.max(labelX + LABEL_W, legendCols * 150 + 20);
  const height = Math.ceil(top + layout.height + 30);
  const Y = (a: bigint) => top + layout.y(a);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="mm-svg" role="img" aria-label="memory map">`);
  if (opts.standalone) out.push(`<style>${STANDALONE_CSS}</style><rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(patternDefs(p));
  if (opts.title) out.push(`<text class="mm-text mm-title" x="8" y="17">${esc(opts.title)}</text>`);
  // legend
  const ly = (opts.title ? 24 : 6);
  legend.forEach((e, i) => {
    const x = 8 + (i % legendCols) * 150;
    const y = ly + Math.floor(i / legendCols) * 18;
    out.push(`<g class="mm-legend"><rect x="${x}" y="${y}" width="14" height="12" fill="${e.fill}" stroke="#555" stroke-width="0.8"${e.dashed ? ' stroke-dasharray="3 2"' : ''}/>`
      + (e.pattern ? `<rect x="${x}" y="${y}" width="14" height="12" fill="url(#${p}-${e.pattern})"/>` : '')
      + `<text class="mm-text mm-small" x="${x + 19}" y="${y + 10}">${esc(e.label)}</text></g>`);
  });
  // axis
  out.push(`<line class="mm-axis" x1="${AXIS_W}" y1="${top}" x2="${AXIS_W}" y2="${top + layout.height}" stroke="#888"/>`);
  for (const t of layout.ticks.slice(0, 2000)) {
    const y = top + t.y;
    out.push(`<line class="mm-axis" x1="${AXIS_W - 4}" y1="${y}" x2="${AXIS_W}" y2="${y}" stroke="#888"/><text class="mm-text mm-small mm-tick" x="${AXIS_W - 6}" y="${y + 3.5}" text-anchor="end">${hex(t.addr, m.physDigits)}</text>`);
  }
  // zones
  for (const z of m.zones) {
    const y0 = Y(z.start);
    const y1 = Y(z.end);
    out.push(`<g class="mm-zone" data-zone="${esc(z.name)}"><title>ZONE_${esc(z.name)} ${hex(z.start)}–${hex(z.end - 1n)} (${human(z.end - z.start)})</title><rect x="${ZONE_X}" y="${y0}" width="${ZONE_W}" height="${Math.max(1, y1 - y0)}" fill="${ZONE_COLOUR[z.name] ?? OKABE_ITO.grey}" fill-opacity="0.35" stroke="${ZONE_COLOUR[z.name] ?? OKABE_ITO.grey}"/>`
      + (y1 - y0 > 12 ? `<text class="mm-text mm-small" x="${ZONE_X + 4}" y="${y0 + 11}">${esc(z.name)}</text>` : '') + `</g>`);
  }
  // RAM banks
  for (const r of m.ram) {
    const y0 = Y(r.start);
    const y1 = Y(r.end);
    out.push(`<g class="mm-region mm-ramg" data-id="${r.id}" tabindex="0" role="button" aria-label="${esc(`System RAM ${hex(r.start)} to ${hex(r.end - 1n)}`)}"><title>${esc(regionFacts(m, r).join('\n'))}</title><rect class="mm-ram mm-box" x="${RAM_X}" y="${y0}" width="${RAM_W}" height="${Math.max(1, y1 - y0)}" fill="#d9d9d9" stroke="#777"/>`
      + (y1 - y0 > 26 ? `<text class="mm-text mm-small" x="${RAM_X + 4}" y="${y0 + 12}">RAM</text><text class="mm-text mm-small" x="${RAM_X + 4}" y="${y0 + 24}">${human(r.end - r.start)}</text>` : '') + `</g>`);
  }
  // breaks (holes and gaps): zigzag across the map
  for (const b of layout.breaks) {
    const y0 = top + b.y0;
    const y1 = top + b.y1;
    const mid = (y0 + y1) / 2;
    let d = `M${AXIS_W + 2},${mid}`;
    for (let x = AXIS_W + 2, k = 0; x < labelX - 10; x += 8, k++) d += ` L${x + 8},${mid + (k % 2 ? -4 : 4)}`;
    out.push(`<g class="mm-breakg"><title>${esc(`not RAM: ${hex(b.start)}–${hex(b.end - 1n)} (${human(b.end - b.start)}), drawn compressed`)}</title><path class="mm-break" d="${d}" stroke="#777" fill="none"/>`
      + `<text class="mm-text mm-small" x="${labelX}" y="${mid + 3.5}">⋯ ${esc(human(b.end - b.start))} not RAM</text></g>`);
  }
  // reservations
  let lastLabelY = -Infinity;
  const sorted = [...drawn].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (const r of sorted) out.push(regionSvg(m, r, lanes.get(r.id) ?? 0, Y, p));
  // overlaps: a hatched band beside the lanes
  for (const o of m.overlaps.slice(0, 500)) {
    const y0 = Y(o.start);
    const y1 = Y(o.end);
    out.push(`<g class="mm-overlap"><title>${esc(`overlap ${hex(o.start)}–${hex(o.end - 1n)}`)}</title><rect x="${LANE_X - 7}" y="${y0}" width="5" height="${Math.max(2, y1 - y0)}" fill="${OKABE_ITO.vermillion}"/><rect x="${LANE_X}" y="${y0}" width="${nLanes * (LANE_W + 4)}" height="${Math.max(2, y1 - y0)}" fill="url(#${p}-overlap)" pointer-events="none"/></g>`);
  }
  // labels (thinned)
  for (const r of sorted) {
    const yc = (Y(r.start) + Y(r.end)) / 2;
    const y = Math.max(yc, lastLabelY + 12);
    if (y > Y(r.end) + 40) continue;
    lastLabelY = y;
    const marks = r.diagnostics.some((d) => d.severity === 'error') || r.flags.failed ? '✕ ' : r.diagnostics.some((d) => d.severity === 'warning') ? '⚠ ' : '';
    out.push(`<text class="mm-text mm-small mm-label${marks ? ' mm-diag' : ''}" data-id="${r.id}" x="${labelX}" y="${y + 3.5}">${marks ? `<tspan fill="${OKABE_ITO.vermillion}">${marks}</tspan>` : ''}${esc(r.name.length > 44 ? r.name.slice(0, 43) + '…' : r.name)} · ${human(r.end - r.start)}</text>`);
  }
  // lowmem/highmem boundary
  if (m.lowmemLimit !== undefined && m.lowmemLimit > layout.start && m.lowmemLimit < layout.end) {
    const y = Y(m.lowmemLimit);
    out.push(`<g class="mm-lowmemg"><title>lowmem/highmem boundary: arm_lowmem_limit ${hex(m.lowmemLimit)}</title><line class="mm-lowmem" x1="${ZONE_X - 4}" y1="${y}" x2="${labelX - 4}" y2="${y}" stroke="#000" stroke-dasharray="6 3" stroke-width="1.5"/>`
      + `<text class="mm-text mm-small" x="${RAM_X + 3}" y="${y - 3}">↑ lowmem</text><text class="mm-text mm-small" x="${RAM_X + 3}" y="${y + 11}">↓ highmem</text></g>`);
  }
  out.push('</svg>');
  return { svg: out.join(''), width, height, layout, top };
}

function regionSvg(m: MapModel, r: Reg, lane: number, Y: (a: bigint) => number, p: string): string {
  const x = LANE_X + lane * (LANE_W + 4);
  const y0 = Y(r.start);
  const h = Math.max(2, Y(r.end) - y0);
  const fill = regionColour(r.kind, r.flags);
  const failed = r.flags.failed || r.diagnostics.some((d) => d.severity === 'error');
  const cls = `mm-region kind-${r.kind}${failed ? ' mm-failed' : ''}${r.flags.nomap ? ' mm-nomap' : ''}`;
  const aria = `${r.name} ${hex(r.start)} to ${hex(r.end - 1n)}, ${human(r.end - r.start)}`;
  let s = `<g class="${cls}" data-id="${r.id}" tabindex="0" role="button" aria-label="${esc(aria)}"><title>${esc(regionFacts(m, r).join('\n'))}</title>`;
  // pointer-events="all": a failed region is drawn unfilled but must still take hover and clicks
  s += `<rect class="mm-box" pointer-events="all" x="${x}" y="${y0}" width="${LANE_W}" height="${h}" fill="${failed ? 'none' : fill}" stroke="${failed ? OKABE_ITO.vermillion : '#333'}" stroke-width="${failed ? 1.5 : 0.8}"${r.flags.dynamic ? ' stroke-dasharray="4 2"' : ''}/>`;
  if (r.flags.nomap) s += `<rect x="${x}" y="${y0}" width="${LANE_W}" height="${h}" fill="url(#${p}-nomap)" pointer-events="none"/>`;
  if (failed) s += `<rect x="${x}" y="${y0}" width="${LANE_W}" height="${h}" fill="url(#${p}-failed)" pointer-events="none"/>`;
  return s + '</g>';
}
