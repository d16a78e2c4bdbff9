// The memory-map panel (webview): the simulated physical memory drawn by server/src/render
// (to scale with a log/linear piecewise zoom), hover facts, click to reveal the node, the editor
// cursor highlighting its region, a sortable table copyable as Markdown/CSV, diagnostics, the
// "what if" bar (arch, mem=/cma=/vmalloc=, RAM size) and SVG/PNG export. State (zoom, mode,
// view, sort, what-if inputs, last result) persists through setState.
import './panels.css';
import type { HostToWebview, SimulationResult, WhatIf } from '../../server/src/protocol.js';
import { toHex } from '../../server/src/protocol.js';
import { buildModel, regionFacts, type MapModel, type Reg } from '../../server/src/render/model.js';
import { renderMemoryMapSvg } from '../../server/src/render/svg.js';
import { COLUMNS, rowsOf, sortRows, toCsv, toMarkdown, type Column } from '../../server/src/render/table.js';
import { arrowNav, el, Host, parseSize } from './vscode_api.js';

interface State {
  sim?: SimulationResult;
  zoom: number;
  mode: 'log' | 'linear';
  view: 'map' | 'table';
  sort: { col: Column; dir: 1 | -1 };
  selected?: string;
  what: { arch: string; mem: string; cma: string; vmalloc: string; extra: string; ram: string };
}

const host = new Host<State>({ zoom: 1, mode: 'log', view: 'map', sort: { col: 'start', dir: 1 }, what: { arch: '', mem: '', cma: '', vmalloc: '', extra: '', ram: '' } });
let model: MapModel | undefined;
const root = el('div', { id: 'root' });
const tooltip = el('div', { class: 'tooltip', id: 'tooltip', role: 'tooltip' });
tooltip.hidden = true;
document.body.append(root, tooltip);

function regionById(id: string): Reg | undefined {
  return model ? [...model.ram, ...model.regions].find((r) => r.id === id) : undefined;
}

// ---------------------------------------------------------------------------------------------
// What-if bar

/** The command line with mem=/cma=/vmalloc= replaced by the bar's values (empty = keep). */
function composeBootargs(base: string, w: State['what']): string {
  const drop = new Set(['mem', 'cma', 'vmalloc'].filter((k) => w[k as 'mem' | 'cma' | 'vmalloc'].trim()));
  const kept = base.split(/\s+/).filter((t) => t && !drop.has(t.split('=')[0]));
  for (const k of ['mem', 'cma', 'vmalloc'] as const) if (w[k].trim()) kept.push(`${k}=${w[k].trim()}`);
  if (w.extra.trim()) kept.push(w.extra.trim());
  return kept.join(' ');
}

function whatIfBar(sim: SimulationResult): HTMLElement {
  const w = host.state.what;
  const arch = el('select', { id: 'wi-arch', 'aria-label': 'architecture' });
  for (const a of ['', 'arm', 'arm-lpae', 'arm64']) {
    const o = el('option', { value: a }, a || `arch (${sim.arch})`);
    if (a === w.arch) o.selected = true;
    arch.append(o);
  }
  const input = (id: string, label: string, value: string, cls: string, ph: string) => {
    const i = el('input', { id, class: cls, value, placeholder: ph, 'aria-label': label });
    return el('label', {}, label, i);
  };
  const apply = el('button', { id: 'wi-apply', title: 'Re-simulate with these inputs (not published as diagnostics)' }, 'What if');
  const reset = el('button', { id: 'wi-reset', class: 'secondary' }, 'Reset');
  const bar = el('div', { class: 'bar', id: 'whatif', role: 'group', 'aria-label': 'what if' }, arch,
    input('wi-mem', 'mem=', w.mem, 'narrow', '512M'), input('wi-cma', 'cma=', w.cma, 'narrow', '64M'),
    input('wi-vmalloc', 'vmalloc=', w.vmalloc, 'narrow', '512M'), input('wi-ram', 'RAM', w.ram, 'narrow', '2G'),
    input('wi-extra', 'bootargs +', w.extra, 'wide', 'movablecore=256M'), apply, reset);
  const read = (): State['what'] => ({
    arch: arch.value, mem: (bar.querySelector('#wi-mem') as HTMLInputElement).value, cma: (bar.querySelector('#wi-cma') as HTMLInputElement).value,
    vmalloc: (bar.querySelector('#wi-vmalloc') as HTMLInputElement).value, ram: (bar.querySelector('#wi-ram') as HTMLInputElement).value,
    extra: (bar.querySelector('#wi-extra') as HTMLInputElement).value,
  });
  const send = () => {
    const v = read();
    host.save({ what: v });
    const whatIf: WhatIf = {};
    if (v.arch) whatIf.arch = v.arch as WhatIf['arch'];
    if (v.mem.trim() || v.cma.trim() || v.vmalloc.trim() || v.extra.trim()) whatIf.bootargs = composeBootargs(sim.commandLine, v);
    const ram = parseSize(v.ram);
    if (ram && sim.ram.length) whatIf.ram = [{ base: sim.ram[0].start, size: toHex(ram) }];
    setStatus('simulating…');
    host.post({ type: 'whatIf', whatIf });
  };
  apply.addEventListener('click', send);
  // typed but not applied values survive a redraw (zoom, view switch)
  bar.addEventListener('input', () => host.save({ what: read() }));
  arch.addEventListener('change', () => host.save({ what: read() }));
  bar.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') send(); });
  reset.addEventListener('click', () => {
    host.save({ what: { arch: '', mem: '', cma: '', vmalloc: '', extra: '', ram: '' } });
    setStatus('simulating…');
    host.post({ type: 'whatIf', whatIf: {} });
  });
  return bar;
}

function setStatus(s: string): void {
  const st = document.getElementById('status');
  if (st) st.textContent = s;
}

// ---------------------------------------------------------------------------------------------
// Map

function toolbar(): HTMLElement {
  const s = host.state;
  const b = (id: string, text: string, title: string, f: () => void, cls = 'secondary') => {
    const x = el('button', { id, title, class: cls }, text);
    x.addEventListener('click', f);
    return x;
  };
  return el('div', { class: 'bar', role: 'toolbar' },
    b('zoom-in', '+', 'Zoom in (+)', () => setZoom(s.zoom * 1.5)),
    b('zoom-out', '−', 'Zoom out (-)', () => setZoom(s.zoom / 1.5)),
    b('zoom-reset', '1:1', 'Reset zoom (0)', () => setZoom(1)),
    b('mode', s.mode === 'log' ? 'log scale' : 'linear scale', 'Toggle log / linear scale (L)', () => { host.save({ mode: host.state.mode === 'log' ? 'linear' : 'log' }); render(); }),
    b('view', s.view === 'map' ? 'table view' : 'map view', 'Toggle table view (T)', () => { host.save({ view: host.state.view === 'map' ? 'table' : 'map' }); render(); }),
    b('export-svg', 'Export SVG', 'Save the map as SVG', () => exportSvg()),
    b('export-png', 'Export PNG', 'Save the map as PNG', () => void exportPng()),
    el('span', { class: 'status', id: 'status' }, ''));
}

function setZoom(z: number): void {
  host.save({ zoom: Math.max(0.25, Math.min(64, z)) });
  render();
}

function title(sim: SimulationResult): string {
  const board = sim.board.split('/').pop() ?? sim.board;
  return `${board} · ${sim.profile.arch} · Linux ${sim.profile.kernelVersion}${sim.commandLine ? ` · ${sim.commandLine}` : ''}`;
}

function mapView(m: MapModel): HTMLElement {
  const s = host.state;
  const r = renderMemoryMapSvg(m, { mode: s.mode, zoom: s.zoom, idPrefix: 'mmw' });
  const box = el('div', { class: 'map', id: 'map', tabindex: '-1' });
  box.innerHTML = r.svg;
  // the webview shows its own tooltip; native <title>s would double it (aria-label stays)
  for (const t of Array.from(box.querySelectorAll('title'))) t.remove();
  box.addEventListener('mouseover', (e) => {
    const g = (e.target as Element).closest('.mm-region') as SVGGElement | null;
    if (g) showTip(g, e as MouseEvent);
  });
  box.addEventListener('mousemove', (e) => {
    if (!tooltip.hidden) placeTip((e as MouseEvent).clientX, (e as MouseEvent).clientY);
  });
  box.addEventListener('mouseout', (e) => {
    if (!(e.relatedTarget as Element | null)?.closest?.('.mm-region')) tooltip.hidden = true;
  });
  box.addEventListener('click', (e) => {
    const g = (e.target as Element).closest('.mm-region') as SVGGElement | null;
    if (g) activate(g.dataset.id ?? '');
  });
  box.addEventListener('focusin', (e) => {
    const g = (e.target as Element).closest('.mm-region') as SVGGElement | null;
    if (g) {
      const b = g.getBoundingClientRect();
      showTip(g, { clientX: b.right, clientY: b.top } as MouseEvent);
    }
  });
  box.addEventListener('focusout', () => { tooltip.hidden = true; });
  box.addEventListener('wheel', (e) => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    setZoom(host.state.zoom * (e.deltaY < 0 ? 1.25 : 0.8));
  }, { passive: false });
  return box;
}

function showTip(g: Element, e: MouseEvent): void {
  const r = regionById((g as SVGGElement).dataset.id ?? '');
  if (!r || !model) return;
  const facts = regionFacts(model, r);
  tooltip.replaceChildren(el('div', { class: 't-title' }, facts[0]), ...facts.slice(1).map((f) => el('div', {}, f)));
  tooltip.hidden = false;
  placeTip(e.clientX, e.clientY);
}

function placeTip(x: number, y: number): void {
  const w = tooltip.offsetWidth;
  tooltip.style.left = `${Math.min(x + 14, window.innerWidth - w - 8)}px`;
  tooltip.style.top = `${Math.min(y + 14, window.innerHeight - tooltip.offsetHeight - 8)}px`;
}

/** Click / Enter on a region: select it and ask the host to reveal its node. */
function activate(id: string): void {
  const r = regionById(id);
  if (!r) return;
  select(id, false);
  if (r.wire?.location) host.post({ type: 'reveal', location: r.wire.location });
}

function select(id: string | undefined, scroll: boolean): void {
  host.save({ selected: id });
  for (const g of Array.from(document.querySelectorAll('.mm-selected, tr.sel'))) g.classList.remove('mm-selected', 'sel');
  if (!id) return;
  const g = document.querySelector(`.mm-region[data-id="${id}"]`);
  g?.classList.add('mm-selected');
  const tr = document.querySelector(`tr[data-id="${id}"]`);
  tr?.classList.add('sel');
  if (scroll) (g ?? tr)?.scrollIntoView({ block: 'center' });
}

// ---------------------------------------------------------------------------------------------
// Table

function tableView(m: MapModel): HTMLElement {
  const s = host.state;
  const rows = sortRows(rowsOf(m), s.sort.col, s.sort.dir);
  const copy = (fmt: 'md' | 'csv') => {
    const text = fmt === 'md' ? toMarkdown(rows) : toCsv(rows);
    host.post({ type: 'copy', text });
    setStatus(`copied ${rows.length} rows as ${fmt === 'md' ? 'Markdown' : 'CSV'}`);
  };
  const bMd = el('button', { id: 'copy-md', class: 'secondary' }, 'Copy as Markdown');
  const bCsv = el('button', { id: 'copy-csv', class: 'secondary' }, 'Copy as CSV');
  bMd.addEventListener('click', () => copy('md'));
  bCsv.addEventListener('click', () => copy('csv'));
  const thead = el('tr', {}, ...COLUMNS.map((c) => {
    const th = el('th', { 'data-col': c, tabindex: '0', 'aria-sort': s.sort.col === c ? (s.sort.dir === 1 ? 'ascending' : 'descending') : 'none' }, c + (s.sort.col === c ? (s.sort.dir === 1 ? ' ▲' : ' ▼') : ''));
    const sort = () => { host.save({ sort: { col: c, dir: s.sort.col === c ? (s.sort.dir === 1 ? -1 : 1) : 1 } }); render(); };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    return th;
  }));
  const body = rows.map((r) => {
    const tr = el('tr', { 'data-id': r.id, tabindex: '0' }, ...COLUMNS.map((c) => el('td', { class: ['start', 'end', 'size', 'pfns'].includes(c) ? 'num' : '' }, r.cells[c])));
    tr.addEventListener('click', () => activate(r.id));
    return tr;
  });
  const table = el('table', { class: 'grid', id: 'regions-table' }, el('thead', {}, thead), el('tbody', {}, ...body));
  table.addEventListener('keydown', (e) => {
    const trs = Array.from(table.querySelectorAll('tbody tr')) as HTMLElement[];
    if (arrowNav(e, trs)) return;
    if (e.key === 'Enter' && (e.target as HTMLElement).dataset.id) activate((e.target as HTMLElement).dataset.id!);
  });
  return el('div', {}, el('div', { class: 'bar' }, bMd, bCsv), table);
}

function diagnostics(m: MapModel): HTMLElement {
  const all = [...m.regions.flatMap((r) => r.diagnostics.map((d) => ({ d, r }))), ...m.loose.map((d) => ({ d, r: undefined as Reg | undefined }))];
  const ul = el('ul', { class: 'diags', id: 'diagnostics' });
  for (const { d, r } of all.slice(0, 200)) {
    const li = el('li', { class: `diag-${d.severity}` }, `${d.severity}: ${d.message} [${d.code}]`);
    if (r) {
      li.append(' ');
      const a = el('a', { href: '#', 'data-id': r.id }, `(${r.name})`);
      a.addEventListener('click', (e) => { e.preventDefault(); select(r.id, true); });
      li.append(a);
    }
    ul.append(li);
  }
  return el('details', { open: '' }, el('summary', {}, `Diagnostics (${all.length})`), ul);
}

// ---------------------------------------------------------------------------------------------

function render(): void {
  const sim = host.state.sim;
  if (!sim) {
    root.replaceChildren(el('p', { class: 'muted' }, 'Waiting for the simulation (open and save a devicetree)…'));
    return;
  }
  model = buildModel(sim);
  // keep keyboard focus on the same region / row across the redraw
  const active = document.activeElement as HTMLElement | null;
  const focusId = active?.closest?.('[data-id]')?.getAttribute('data-id') ?? undefined;
  const focusTag = active?.closest?.('tr') ? 'tr' : '.mm-region';
  const head = el('div', { class: 'header', id: 'title' }, title(sim));
  const note = sim.modelled ? '' : `The ${sim.arch} boot path is not modelled: only findings.`;
  root.replaceChildren(head, whatIfBar(sim), toolbar(), ...(note ? [el('p', { class: 'muted' }, note)] : []),
    host.state.view === 'map' ? mapView(model) : tableView(model), diagnostics(model));
  if (host.state.selected) select(host.state.selected, false);
  if (focusId) (document.querySelector(`${focusTag}[data-id="${focusId}"]`) as HTMLElement | null)?.focus();
}

function exportSvg(): void {
  if (!model || !host.state.sim) return;
  const svg = renderMemoryMapSvg(model, { mode: host.state.mode, zoom: host.state.zoom, standalone: true, title: title(host.state.sim) }).svg;
  host.post({ type: 'export', format: 'svg', data: svg });
}

async function exportPng(): Promise<void> {
  if (!model || !host.state.sim) return;
  const r = renderMemoryMapSvg(model, { mode: host.state.mode, zoom: host.state.zoom, standalone: true, title: title(host.state.sim) });
  const img = new Image();
  const url = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(r.svg)));
  await new Promise<void>((ok, fail) => { img.onload = () => ok(); img.onerror = () => fail(new Error('svg image')); img.src = url; });
  const scale = 2;
  const c = document.createElement('canvas');
  c.width = Math.ceil(r.width * scale);
  c.height = Math.ceil(r.height * scale);
  const g = c.getContext('2d');
  if (!g) return;
  g.scale(scale, scale);
  g.drawImage(img, 0, 0);
  host.post({ type: 'export', format: 'png', data: c.toDataURL('image/png').replace(/^data:image\/png;base64,/, '') });
}

/** The region whose node is written on or just above `line` of `uri`. */
function regionAtLine(uri: string, line: number): Reg | undefined {
  let best: Reg | undefined;
  for (const r of model?.regions ?? []) {
    const loc = r.wire?.location;
    if (!loc || loc.uri !== uri || loc.range.start.line > line) continue;
    if (!best || loc.range.start.line > best.wire!.location!.range.start.line) best = r;
  }
  return best;
}

host.onMessage((m: HostToWebview) => {
  if (m.type === 'simulation') {
    host.save({ sim: m.data });
    render();
    setStatus(`simulated ${new Date(m.data.at).toLocaleTimeString()}`);
  } else if (m.type === 'cursor') {
    const r = model?.regions.find((x) => x.node === m.node);
    select(r?.id, true);
  } else if (m.type === 'cursorAt') {
    select(regionAtLine(m.uri, m.line)?.id, true);
  }
});

document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (t.tagName === 'INPUT' || t.tagName === 'SELECT') return;
  const regions = (Array.from(document.querySelectorAll('#map .mm-region')) as HTMLElement[])
    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top || a.getBoundingClientRect().left - b.getBoundingClientRect().left);
  if (t.closest?.('#map') && arrowNav(e, regions)) return;
  if (e.key === 'Enter' && t.closest?.('.mm-region')) activate((t.closest('.mm-region') as HTMLElement).dataset.id ?? '');
  else if (e.key === '+' || e.key === '=') setZoom(host.state.zoom * 1.5);
  else if (e.key === '-') setZoom(host.state.zoom / 1.5);
  else if (e.key === '0') setZoom(1);
  else if (e.key === 'l' || e.key === 'L') { host.save({ mode: host.state.mode === 'log' ? 'linear' : 'log' }); render(); }
  else if (e.key === 't' || e.key === 'T') { host.save({ view: host.state.view === 'map' ? 'table' : 'map' }); render(); }
  else if (e.key === 'm' || e.key === 'M') (document.querySelector('#map .mm-region') as HTMLElement | null)?.focus();
});

render();
host.post({ type: 'ready' });
