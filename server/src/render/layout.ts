// The memory map's vertical scale: a piecewise-linear d3 scale over every region/zone boundary.
// Each elementary interval between two boundaries gets a height; in `log` mode it grows with
// log2 of its size (so a 4 KiB page next to 4 GiB of RAM is still a readable row), in `linear`
// mode with the size itself; intervals that are neither RAM nor reserved (holes, the space
// between banks) collapse to a fixed-height break. d3-scale's polylinear scale maps addresses to
// y (and back, for hover) within that piecewise layout.
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import type { MapModel, Reg } from './model.js';

export interface LayoutOptions {
  mode: 'log' | 'linear';
  /** Multiplies the total height (1 = fit about `baseHeight` pixels). */
  zoom: number;
  baseHeight?: number;
}

export interface Break { start: bigint; end: bigint; y0: number; y1: number }

export interface Layout {
  scale: ScaleLinear<number, number>;
  y(addr: bigint): number;
  invert(y: number): bigint;
  height: number;
  breaks: Break[];
  /** Boundaries with their y, for axis labels (thinned so labels do not collide). */
  ticks: { addr: bigint; y: number }[];
  start: bigint;
  end: bigint;
}

const MIN_ROW = 14;
const BREAK_ROW = 24;
const MAX_BOUNDS = 4000;

export function computeLayout(m: MapModel, opts: LayoutOptions): Layout {
  const set = new Set<bigint>();
  const add = (v: bigint) => { if (set.size < MAX_BOUNDS) set.add(v); };
  const spans: Reg[] = [...m.ram, ...m.regions];
  for (const r of spans) { add(r.start); add(r.end); }
  for (const z of m.zones) { add(z.start); add(z.end); }
  if (m.lowmemLimit !== undefined && spans.length) add(m.lowmemLimit);
  const bounds = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (bounds.length < 2) bounds.push((bounds[0] ?? 0n) + m.pageSize);
  const covered = (s: bigint, e: bigint) => spans.some((r) => r.start < e && s < r.end);
  const n = bounds.length - 1;
  const isBreak: boolean[] = [];
  const weight: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = bounds[i];
    const e = bounds[i + 1];
    isBreak.push(!covered(s, e));
    const size = Number(e - s);
    weight.push(opts.mode === 'log' ? 1 + Math.log2(Math.max(1, size / Number(m.pageSize))) : size);
  }
  const zoom = Math.max(0.25, Math.min(64, opts.zoom));
  const target = (opts.baseHeight ?? 640) * zoom;
  const nBreaks = isBreak.filter(Boolean).length;
  const rows = n - nBreaks;
  const wsum = weight.reduce((a, w, i) => a + (isBreak[i] ? 0 : w), 0) || 1;
  const avail = Math.max(0, target - nBreaks * BREAK_ROW - rows * MIN_ROW);
  const ys = [0];
  const breaks: Break[] = [];
  for (let i = 0; i < n; i++) {
    const h = isBreak[i] ? BREAK_ROW : opts.mode === 'log' ? MIN_ROW + (avail * weight[i]) / wsum : Math.max(2, (target - nBreaks * BREAK_ROW) * weight[i] / wsum);
    const y0 = ys[ys.length - 1];
    ys.push(y0 + h);
    if (isBreak[i]) breaks.push({ start: bounds[i], end: bounds[i + 1], y0, y1: y0 + h });
  }
  const scale = scaleLinear().domain(bounds.map(Number)).range(ys).clamp(true);
  const ticks: { addr: bigint; y: number }[] = [];
  let last = -Infinity;
  for (let i = 0; i < bounds.length; i++) {
    if (ys[i] - last >= 12 || i === bounds.length - 1) {
      ticks.push({ addr: bounds[i], y: ys[i] });
      last = ys[i];
    }
  }
  return {
    scale,
    y: (a: bigint) => scale(Number(a)),
    invert: (y: number) => BigInt(Math.round(scale.invert(y))),
    height: ys[ys.length - 1],
    breaks, ticks, start: bounds[0], end: bounds[bounds.length - 1],
  };
}

/** Greedy interval partitioning: a lane per set of non-overlapping reservations (max 8). */
export function assignLanes(regs: Reg[]): Map<string, number> {
  const lanes: bigint[] = [];
  const out = new Map<string, number>();
  const sorted = [...regs].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : (b.end - b.start > a.end - a.start ? 1 : -1)));
  for (const r of sorted) {
    let lane = lanes.findIndex((end) => end <= r.start);
    if (lane < 0) {
      lane = lanes.length < 8 ? lanes.length : lanes.length - 1;
      if (lane === lanes.length) lanes.push(0n);
    }
    lanes[lane] = r.end > lanes[lane] ? r.end : lanes[lane];
    out.set(r.id, lane);
  }
  return out;
}
