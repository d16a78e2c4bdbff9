// The page-table inspector (webview): the kernel's virtual layout for the profile, the linear
// map as the simulator built it (sections/blocks vs pages, CMA remapped with pages, no-map holes
// and RAM holes absent), and the translation box: a VA or PA walked level by level by
// server/src/sim/pt_walk.ts (index, table address, descriptor, decoded bits), ending in PA, VA,
// PFN, zone and owning node, or in the fault and its reason.
import './panels.css';
import { type HostToWebview, type SimulationResult } from '../../server/src/protocol.js';
import { buildModel, hex, human, regionAt, zoneAt, type MapModel } from '../../server/src/render/model.js';
import { kernelVaLayout } from '../../server/src/render/va_layout.js';
import { descriptorHex, isLinearVa, paToVa, swapperPgDirOf, walk, type WalkArch, type WalkInput, type WalkResult } from '../../server/src/sim/pt_walk.js';
import { arrowNav, el, Host, parseAddr } from './vscode_api.js';

interface State {
  sim?: SimulationResult;
  query: string;
  kind: 'auto' | 'va' | 'pa';
}

const host = new Host<State>({ query: '', kind: 'auto' });
let model: MapModel | undefined;
let input: WalkInput | undefined;
const root = el('div', { id: 'root' });
document.body.append(root);

const VA_COLOURS: Record<string, string> = { linear: '#56B4E9', modules: '#F0E442', vmalloc: '#E69F00', fixmap: '#CC79A7', 'pci-io': '#999999', vmemmap: '#009E73', pkmap: '#D55E00', fdt: '#F0E442', vectors: '#0072B2' };

function walkInput(sim: SimulationResult, m: MapModel): WalkInput {
  const arch = (sim.profile.arch || sim.arch) as WalkArch;
  return { arch, mappings: m.mappings, swapperPgDir: swapperPgDirOf(arch, m.regions.map((r) => ({ name: r.name, start: r.start }))) };
}

// ---------------------------------------------------------------------------------------------
// Virtual layout and linear map

function vaLayout(sim: SimulationResult, m: MapModel): HTMLElement {
  // arm: high_memory = __va(arm_lowmem_limit); vmalloc starts 8 MiB above it
  const arm = sim.profile.arch !== 'arm64';
  const lin = m.mappings.find((x) => x.va >= 0xc0000000n && x.va < 0xf0000000n);
  const high = arm && lin && m.lowmemLimit !== undefined ? m.lowmemLimit - lin.pa + lin.va : undefined;
  const layout = kernelVaLayout(sim.profile.arch, high);
  const bar = el('div', { class: 'va-bar', role: 'img', 'aria-label': 'kernel virtual layout' });
  for (const r of layout) {
    // log-ish widths: a 64 KiB vectors page would vanish on a linear 4 GiB bar
    const w = Math.max(4, Math.log2(Number(r.end - r.start)) - 10);
    const d = el('div', { title: `${r.name}: ${hex(r.start)}–${hex(r.end - 1n)} (${human(r.end - r.start)})` }, r.name);
    d.style.flexGrow = String(w);
    d.style.background = VA_COLOURS[r.region] ?? '#999';
    bar.append(d);
  }
  const rows = layout.map((r) => el('tr', {}, el('td', {}, r.name), el('td', { class: 'num' }, hex(r.start)), el('td', { class: 'num' }, hex(r.end - 1n)), el('td', { class: 'num' }, human(r.end - r.start))));
  return el('details', { open: '' }, el('summary', {}, `Kernel virtual layout (${sim.profile.arch}, Linux ${sim.profile.kernelVersion})`), bar,
    el('table', { class: 'grid', id: 'va-layout' }, el('thead', {}, el('tr', {}, el('th', {}, 'area'), el('th', {}, 'start'), el('th', {}, 'end'), el('th', {}, 'size'))), el('tbody', {}, ...rows)));
}

function linearMap(m: MapModel): HTMLElement {
  // the linear map by PA (gaps = no-map regions and holes), then the other boot mappings (DTB, vectors)
  const special = (x: { va: bigint }) => !isLinearVa(m.arch, x.va);
  const byPa = (a: { pa: bigint }, b: { pa: bigint }) => (a.pa < b.pa ? -1 : a.pa > b.pa ? 1 : 0);
  const maps = [...m.mappings.filter((x) => !special(x)).sort(byPa), ...m.mappings.filter(special)];
  const rows: HTMLElement[] = [];
  let lastEnd: bigint | undefined;
  for (const x of maps.slice(0, 5000)) {
    if (lastEnd !== undefined && x.pa > lastEnd) {
      // a PA gap inside RAM: a no-map region or a hole
      const who = m.regions.find((r) => r.flags.nomap && r.start < x.pa && lastEnd! < r.end);
      const inRam = m.ram.some((r) => r.start < x.pa && lastEnd! < r.end);
      if (inRam || who) rows.push(el('tr', { class: 'gap', tabindex: '0' }, el('td', {}, '—'), el('td', { class: 'num' }, `${hex(lastEnd)}–${hex(x.pa - 1n)}`), el('td', { class: 'num' }, human(x.pa - lastEnd)), el('td', {}, 'not mapped'), el('td', {}, who ? `no-map: ${who.name}` : 'RAM hole / not in the linear map'), el('td', {}, '')));
    }
    const leaf = x.granule > m.pageSize ? `${human(x.granule)} ${m.arch === 'arm' ? 'sections' : 'blocks'}` : `${human(x.granule)} pages`;
    rows.push(el('tr', { tabindex: '0', 'data-va': hex(x.va) }, el('td', { class: 'num' }, `${hex(x.va)}–${hex(x.va + x.size - 1n)}`), el('td', { class: 'num' }, `${hex(x.pa)}–${hex(x.pa + x.size - 1n)}`),
      el('td', { class: 'num' }, human(x.size)), el('td', {}, leaf), el('td', {}, x.attrs), el('td', {}, x.note ?? '')));
    lastEnd = special(x) ? undefined : x.pa + x.size > (lastEnd ?? 0n) ? x.pa + x.size : lastEnd;
    if (lastEnd !== undefined && m.lowmemLimit !== undefined && lastEnd === m.lowmemLimit && m.ram.some((r) => r.end > m.lowmemLimit!)) {
      const top = m.ram.reduce((a, r) => (r.end > a ? r.end : a), 0n);
      rows.push(el('tr', { class: 'gap', tabindex: '0' }, el('td', {}, '—'), el('td', { class: 'num' }, `${hex(m.lowmemLimit)}–${hex(top - 1n)}`), el('td', { class: 'num' }, human(top - m.lowmemLimit)), el('td', {}, 'not mapped'), el('td', {}, 'highmem: reached through kmap/pkmap only'), el('td', {}, '')));
    }
  }
  const table = el('table', { class: 'grid', id: 'linear-map' }, el('thead', {}, el('tr', {}, ...['VA', 'PA', 'size', 'leaf', 'attributes', 'note'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows));
  table.addEventListener('keydown', (e) => {
    const trs = Array.from(table.querySelectorAll('tbody tr')) as HTMLElement[];
    if (arrowNav(e, trs)) return;
    const va = (e.target as HTMLElement).dataset.va;
    if (e.key === 'Enter' && va) translate(va, 'va');
  });
  table.addEventListener('dblclick', (e) => {
    const va = ((e.target as HTMLElement).closest('tr') as HTMLElement | null)?.dataset.va;
    if (va) translate(va, 'va');
  });
  return el('details', { open: '' }, el('summary', {}, `Linear map and other boot mappings as simulated (${m.mappings.length} ranges; double-click or Enter walks a range)`), table);
}

// ---------------------------------------------------------------------------------------------
// Translation box

function translationBox(): HTMLElement {
  const q = el('input', { id: 'tx-addr', class: 'wide mono', placeholder: 'VA or PA, e.g. 0xffff000018000000 or 0x58000000', 'aria-label': 'address to translate', value: host.state.query });
  const kind = el('select', { id: 'tx-kind', 'aria-label': 'address kind' });
  for (const [v, t] of [['auto', 'auto'], ['va', 'virtual'], ['pa', 'physical']]) {
    const o = el('option', { value: v }, t);
    if (v === host.state.kind) o.selected = true;
    kind.append(o);
  }
  const go = el('button', { id: 'tx-go' }, 'Translate');
  const run = () => translate(q.value, kind.value as State['kind']);
  go.addEventListener('click', run);
  q.addEventListener('keydown', (e) => { if (e.key === 'Enter') run(); });
  return el('div', {}, el('div', { class: 'header' }, 'Translation'), el('div', { class: 'bar' }, q, kind, go), el('div', { id: 'tx-out', 'aria-live': 'polite' }));
}

function isVa(arch: string, a: bigint): boolean {
  return arch === 'arm64' ? a >= 0xffff000000000000n : a >= 0xbf000000n;
}

function translate(text: string, kind: State['kind']): void {
  host.save({ query: text, kind });
  const q = document.getElementById('tx-addr') as HTMLInputElement | null;
  if (q && q.value !== text) q.value = text;
  const out = document.getElementById('tx-out');
  if (!out || !input || !model) return;
  const a = parseAddr(text);
  if (a === undefined) {
    out.replaceChildren(el('p', { class: 'fault' }, `Not an address: ${text}`));
    return;
  }
  const asVa = kind === 'va' || (kind === 'auto' && isVa(input.arch, a));
  let va = a;
  let viaPa: bigint | undefined;
  if (!asVa) {
    viaPa = a;
    const p = paToVa(input, a);
    if (p.va === undefined) {
      out.replaceChildren(answer(a, undefined, undefined, p.reason));
      return;
    }
    va = p.va;
  }
  const w = walk(input, va);
  out.replaceChildren(...(viaPa !== undefined ? [el('p', { class: 'muted' }, `PA ${hex(viaPa)} is at VA ${hex(va)} in the linear map.`)] : []), stepsTable(w), answer(w.pa ?? viaPa, va, w));
}

function stepsTable(w: WalkResult): HTMLElement {
  const rows: HTMLElement[] = [];
  for (const s of w.steps) {
    const fields = el('table', { class: 'grid' }, el('tbody', {}, ...s.fields.map((f) => el('tr', {}, el('td', {}, f.name), el('td', { class: 'num' }, f.bits), el('td', { class: 'num' }, f.value), el('td', {}, f.meaning)))));
    rows.push(el('tr', { tabindex: '0', class: 'step' },
      el('td', {}, s.level), el('td', { class: 'num' }, `VA[${s.vaBits}]`), el('td', { class: 'num' }, String(s.index)),
      el('td', { class: 'num' }, s.table !== undefined ? hex(s.table) : 'modelled'), el('td', { class: 'num' }, s.entryAddr !== undefined ? hex(s.entryAddr) : '—'),
      el('td', { class: 'num' }, descriptorHex(s)), el('td', {}, s.kind),
      el('td', {}, el('details', s === w.steps[w.steps.length - 1] ? { open: '' } : {}, el('summary', {}, `${s.fields.length} fields`), el('div', { class: 'muted' }, s.tableNote), fields))));
  }
  const t = el('table', { class: 'grid', id: 'tx-steps' }, el('thead', {}, el('tr', {}, ...['level', 'index bits', 'index', 'table', 'entry at', 'descriptor', 'kind', 'decoded'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows));
  t.addEventListener('keydown', (e) => { arrowNav(e, Array.from(t.querySelectorAll('tbody tr.step')) as HTMLElement[]); });
  return t;
}

function answer(pa: bigint | undefined, va: bigint | undefined, w?: WalkResult, reason?: string): HTMLElement {
  const box = el('div', { class: 'answer', id: 'tx-answer' });
  if (w?.fault || reason) {
    box.append(el('div', { class: 'fault' }, w?.fault ? `Fault at ${w.fault.level}: ${w.fault.reason}` : `Not in the linear map: ${reason}`));
  }
  if (pa !== undefined && model) {
    const shift = BigInt(model.pageSize.toString(2).length - 1);
    const reg = regionAt(model, pa);
    const zone = zoneAt(model, pa);
    const lines: [string, string][] = [];
    if (va !== undefined && !w?.fault) lines.push(['VA', hex(va)]);
    lines.push(['PA', hex(pa)], ['PFN', hex(pa >> shift)], ['zone', zone ?? 'none']);
    if (model.lowmemLimit !== undefined) lines.push(['', pa < model.lowmemLimit ? 'lowmem' : 'highmem']);
    if (w?.leafSize) lines.push(['leaf', `${human(w.leafSize)} ${w.steps[w.steps.length - 1].kind}${w.mapping ? ` · ${w.mapping.attrs}${w.mapping.note ? ` · ${w.mapping.note}` : ''}` : ''}`]);
    for (const [k, v] of lines) box.append(el('div', {}, el('span', { class: 'chip' }, k || '·'), el('span', { class: 'mono', 'data-k': k }, v)));
    if (reg) {
      const own = el('div', {}, el('span', { class: 'chip' }, 'owner'), `${reg.name}${reg.node && reg.node !== reg.name ? ` (${reg.node})` : ''}${reg.status ? ` — ${reg.status}` : ''}`);
      if (reg.wire?.location) {
        const a = el('a', { href: '#', id: 'tx-reveal' }, ' reveal');
        a.addEventListener('click', (e) => { e.preventDefault(); host.post({ type: 'reveal', location: reg.wire!.location! }); });
        own.append(a);
      }
      box.append(own);
    }
  }
  return box;
}

// ---------------------------------------------------------------------------------------------

function render(): void {
  const sim = host.state.sim;
  if (!sim) {
    root.replaceChildren(el('p', { class: 'muted' }, 'Waiting for the simulation (open and save a devicetree)…'));
    return;
  }
  model = buildModel(sim);
  input = walkInput(sim, model);
  const board = sim.board.split('/').pop() ?? sim.board;
  const swapper = input.swapperPgDir !== undefined ? `swapper_pg_dir ${hex(input.swapperPgDir)}` : 'swapper_pg_dir unknown';
  root.replaceChildren(el('div', { class: 'header', id: 'title' }, `${board} · ${sim.profile.arch} page tables · ${swapper}`), translationBox(), vaLayout(sim, model), linearMap(model));
  if (host.state.query) translate(host.state.query, host.state.kind);
}

host.onMessage((m: HostToWebview) => {
  if (m.type === 'simulation') {
    host.save({ sim: m.data });
    render();
  } else if (m.type === 'cursorAt' || m.type === 'cursor') {
    // the inspector follows the cursor only through the translation box (no highlight here)
  }
});

document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (t.tagName === 'INPUT' || t.tagName === 'SELECT') return;
  if (e.key === '/' || e.key === 'g') {
    e.preventDefault();
    (document.getElementById('tx-addr') as HTMLInputElement | null)?.focus();
  }
});

render();
host.post({ type: 'ready' });
