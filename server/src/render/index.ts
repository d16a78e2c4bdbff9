// One-call entry of the memory-map renderer for non-webview users (the future `dtmem map`):
// a dtmem/simulation result in, a standalone SVG (light theme, embedded style, legend) out.
import type { SimulationResult } from '../protocol.js';
import { buildModel } from './model.js';
import { renderMemoryMapSvg } from './svg.js';

export { buildModel, regionFacts, human, hex } from './model.js';
export { renderMemoryMapSvg } from './svg.js';
export { rowsOf, sortRows, toCsv, toMarkdown } from './table.js';
export { kernelVaLayout } from './va_layout.js';

export function memoryMapSvg(sim: SimulationResult, opts: { mode?: 'log' | 'linear'; zoom?: number; title?: string } = {}): string {
  const board = sim.board.split('/').pop() ?? sim.board;
  const title = opts.title ?? `${board} · ${sim.profile.arch} · Linux ${sim.profile.kernelVersion}${sim.commandLine ? ` · ${sim.commandLine}` : ''}`;
  return renderMemoryMapSvg(buildModel(sim), { mode: opts.mode ?? 'log', zoom: opts.zoom ?? 1, standalone: true, title }).svg;
}
