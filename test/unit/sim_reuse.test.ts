// sim/reuse.ts: simInputKey must change whenever the simulation could, and rebaseSim must give
// exactly what a fresh simulate() gives when it does not. Checked by seeded random mutations of
// merged trees (corpus boards and the boot-oracle cases): value/property/node edits anywhere,
// weighted towards what the boot path reads; every mutated tree gets fresh node and range objects
// shifted by one line, as a recompile after an edit above them would give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { compileText } from '../../server/src/dts/frontend.js';
import { dtbSize } from '../../server/src/dts/fdt.js';
import { getProp, readString, walk, type DtNode, type DtProp, type DtTree, type SourceRange } from '../../server/src/dts/tree.js';
import { detectArch } from '../../server/src/analyze.js';
import { assumeRam } from '../../server/src/rules/index.js';
import { simulate, type SimulateOptions } from '../../server/src/sim/simulate.js';
import { simResultToJson } from '../../server/src/sim/json.js';
import { rebaseSim, simInputKey } from '../../server/src/sim/reuse.js';
import type { SimResult } from '../../server/src/sim/types.js';
import { prng } from '../prng.js';
import { compileBoard } from '../corpus/compile-board.js';
import { LINUX } from '../corpus/cpp-helper.js';
import { bigBoards, allBoards } from '../../bench/util.js';
import { buildTree, kernelDtbSize, loadCases, loadOverrides, qemuMemory } from '../golden/oracle_cases.js';

// ---- tree copies and mutations ---------------------------------------------------------------

/** A deep copy with new node, property and range objects (ranges shifted by `shift` lines; a range
 * object shared in the original stays shared in the copy). */
function cloneTree(tree: DtTree, shift: number): DtTree {
  const rs = new Map<SourceRange, SourceRange>();
  const r = (x: SourceRange | undefined): SourceRange | undefined => {
    if (!x) return undefined;
    let y = rs.get(x);
    if (!y) {
      y = { file: x.file, start: { line: x.start.line + shift, col: x.start.col }, end: { line: x.end.line + shift, col: x.end.col } };
      rs.set(x, y);
    }
    return y;
  };
  const node = (n: DtNode, parent: DtNode | null): DtNode => {
    const c: DtNode = { name: n.name, parent, props: [], children: [], labels: [...n.labels] };
    if (n.range) c.range = r(n.range);
    if (n.ranges) c.ranges = n.ranges.map((x) => r(x)!);
    c.props = n.props.map((p): DtProp => ({ name: p.name, value: p.value.slice(), labels: [...p.labels], ...(p.range ? { range: r(p.range) } : {}) }));
    c.children = n.children.map((k) => node(k, c));
    return c;
  };
  return { root: node(tree.root, null), memreserves: tree.memreserves.map((m) => ({ ...m, ...(m.range ? { range: r(m.range) } : {}) })) };
}

/** What the simulator reads, per kind of node (sim/reuse.ts's list, written out independently). */
const READ: Record<string, Set<string> | 'all'> = {
  root: new Set(['#address-cells', '#size-cells', 'compatible']),
  memory: new Set(['device_type', 'status', 'reg', 'linux,usable-memory', 'hotpluggable', 'numa-node-id']),
  chosen: new Set(['bootargs', 'linux,initrd-start', 'linux,initrd-end', 'linux,usable-memory-range', 'linux,elfcorehdr']),
  rmem: 'all',
  cpus: new Set(['#address-cells']),
  cpu: new Set(['device_type', 'status', 'reg']),
};

function kindOf(n: DtNode, root: DtNode): string | undefined {
  if (n === root) return 'root';
  for (let x: DtNode | null = n; x && x.parent; x = x.parent) if (x.parent === root && x.name === 'reserved-memory') return 'rmem';
  if (n.parent === root) {
    if (readString(n, 'device_type') === 'memory') return 'memory';
    if (n.name === 'chosen') return 'chosen';
    if (n.name === 'cpus') return 'cpus';
  }
  if (n.parent?.parent === root && n.parent.name === 'cpus') return 'cpu';
  return undefined;
}

const PROP_NAMES = ['status', 'reg', 'size', 'no-map', 'reusable', 'compatible', 'device_type', 'linux,usable-memory', 'hotpluggable',
  'bootargs', 'linux,initrd-start', 'linux,initrd-end', '#address-cells', '#size-cells', 'dma-ranges', 'alignment', 'alloc-ranges',
  'linux,cma-default', 'numa-node-id', 'ranges', 'pinctrl-0', 'clock-frequency', 'interrupts', 'linux,elfcorehdr', 'linux,usable-memory-range'];

const MOVED = ['status', 'reg', 'device_type', 'no-map', 'reusable', 'hotpluggable', 'dma-ranges', '#address-cells', '#size-cells',
  'linux,usable-memory', 'compatible', 'size', 'alignment', 'numa-node-id', 'ranges', 'linux,cma-default'];

const enc = new TextEncoder();

function cells(rnd: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    // addresses and sizes the boot path reacts to: 0, small, 1 MiB-aligned in the first 4 GiB
    const pick = rnd();
    const v = pick < 0.2 ? 0 : pick < 0.4 ? Math.floor(rnd() * 16) : (Math.floor(rnd() * 4096) << 20) >>> 0;
    out[i * 4] = v >>> 24; out[i * 4 + 1] = (v >>> 16) & 255; out[i * 4 + 2] = (v >>> 8) & 255; out[i * 4 + 3] = v & 255;
  }
  return out;
}

function valueFor(rnd: () => number, name: string): Uint8Array {
  if (name === 'status') return enc.encode(['okay', 'disabled', 'fail', 'ok'][Math.floor(rnd() * 4)] + '\0');
  if (name === 'device_type') return enc.encode(['memory', 'cpu', 'pci'][Math.floor(rnd() * 3)] + '\0');
  if (name === 'compatible') return enc.encode(['shared-dma-pool\0', 'restricted-dma-pool\0', 'vendor,thing\0'][Math.floor(rnd() * 3)]!);
  if (name === 'bootargs') return enc.encode(['console=ttyS0', 'cma=32M', 'mem=256M memblock=debug', ''][Math.floor(rnd() * 4)] + '\0');
  if (['no-map', 'reusable', 'hotpluggable', 'linux,cma-default', 'ranges'].includes(name) && rnd() < 0.7) return new Uint8Array(0);
  return cells(rnd, [1, 2, 4][Math.floor(rnd() * 3)]!);
}

/** Same-length change: the DTB and unflatten sizes stay, so only what the boot path reads can
 * change the key. */
function sameLength(rnd: () => number, p: DtProp): Uint8Array {
  // status: the same-length values that flip of_fdt_device_is_available / the cpu count
  const swaps: Record<string, string> = { 'okay\0': 'fail\0', 'fail\0': 'okay\0', 'disabled\0': 'fail-sss\0', 'ok\0': 'no\0' };
  const text = new TextDecoder().decode(p.value);
  if (swaps[text] && rnd() < 0.7) return enc.encode(swaps[text]);
  const v = p.value.slice();
  if (!v.length) return v;
  const i = Math.floor(rnd() * v.length);
  v[i] = (v[i]! + 1 + Math.floor(rnd() * 255)) & 255;
  return v;
}

/** relevant: the edit changed something READ lists on `node` (which must still be in the
 * simulated tree: assumeRam drops memory nodes that give no RAM). */
interface Mutation { desc: string; relevant: boolean; node?: DtNode }

function pickNode(rnd: () => number, tree: DtTree): DtNode {
  const root = tree.root;
  const kids = root.children;
  const byName = (f: (n: DtNode) => boolean) => kids.filter(f);
  const groups: DtNode[][] = [
    [root],
    byName((n) => readString(n, 'device_type') === 'memory'),
    byName((n) => n.name === 'reserved-memory').flatMap((n) => [...walk(n)]),
    byName((n) => n.name === 'chosen' || n.name === 'aliases'),
    byName((n) => n.name === 'cpus').flatMap((n) => [n, ...n.children]),
    [...walk(root)].filter((n) => getProp(n, 'dma-ranges')).slice(0, 50),
  ].filter((g) => g.length);
  if (rnd() < 0.55 && groups.length) {
    const g = groups[Math.floor(rnd() * groups.length)]!;
    return g[Math.floor(rnd() * g.length)]!;
  }
  const all = [...walk(root)];
  return all[Math.floor(rnd() * all.length)]!;
}

function mutate(rnd: () => number, tree: DtTree): Mutation {
  const node = pickNode(rnd, tree);
  const kind = kindOf(node, tree.root);
  const reads = (name: string) => !!kind && (READ[kind] === 'all' || (READ[kind] as Set<string>).has(name));
  const where = `${node.name || '/'}`;
  const op = rnd();
  if (op < 0.45 && node.props.length) {
    const p = node.props[Math.floor(rnd() * node.props.length)]!;
    const before = p.value;
    p.value = rnd() < 0.75 ? sameLength(rnd, p) : valueFor(rnd, p.name);
    const changed = before.length !== p.value.length || before.some((b, i) => b !== p.value[i]);
    return { desc: `change ${where}:${p.name}`, relevant: changed && reads(p.name), node };
  }
  if (op < 0.52) {
    // move a property to another node: the DTB's string table and the property count stay
    // (half the time a property the boot path reads somewhere, when some node has one)
    const wanted = rnd() < 0.5 ? MOVED[Math.floor(rnd() * MOVED.length)] : undefined;
    let from = [...walk(tree.root)].filter((n) => n.props.length && n !== node);
    if (wanted && from.some((n) => getProp(n, wanted))) from = from.filter((n) => getProp(n, wanted));
    const src = from[Math.floor(rnd() * from.length)];
    if (src) {
      const p = (wanted && getProp(src, wanted)) || src.props[Math.floor(rnd() * src.props.length)]!;
      const had = getProp(node, p.name);
      src.props = src.props.filter((x) => x !== p);
      node.props = [...node.props.filter((x) => x !== had), p];
      const srcKind = kindOf(src, tree.root);
      const srcReads = !!srcKind && (READ[srcKind] === 'all' || (READ[srcKind] as Set<string>).has(p.name));
      return { desc: `move ${src.name}:${p.name} -> ${where}`, relevant: reads(p.name) || srcReads, node };
    }
  }
  if (op < 0.6) {
    const name = PROP_NAMES[Math.floor(rnd() * PROP_NAMES.length)]!;
    const had = getProp(node, name);
    if (had) node.props = node.props.filter((p) => p !== had);
    const value = valueFor(rnd, name);
    node.props.push({ name, value, labels: [] });
    const changed = !had || had.value.length !== value.length || had.value.some((b, i) => b !== value[i]);
    return { desc: `set ${where}:${name}`, relevant: changed && reads(name), node };
  }
  if (op < 0.72 && node.props.length) {
    const p = node.props[Math.floor(rnd() * node.props.length)]!;
    node.props = node.props.filter((x) => x !== p);
    return { desc: `delete ${where}:${p.name}`, relevant: reads(p.name), node };
  }
  if (op < 0.88 && node.parent) {
    // same-length rename (the sizes stay): one character of the name
    const old = node.name;
    const i = Math.floor(rnd() * old.length);
    const ch = 'abcdefxyz0123'[Math.floor(rnd() * 13)]!;
    node.name = old.slice(0, i) + ch + old.slice(i + 1);
    const renamedRelevant = kind === 'memory' || kind === 'rmem' || kind === 'cpu' || kind === 'chosen' || kind === 'cpus';
    return { desc: `rename ${old} -> ${node.name}`, relevant: node.name !== old && renamedRelevant, node };
  }
  if (op < 0.95) {
    const child: DtNode = { name: `x${Math.floor(rnd() * 100)}@${Math.floor(rnd() * 0x1000).toString(16)}`, parent: node, props: [], children: [], labels: [] };
    if (rnd() < 0.6) child.props.push({ name: 'reg', value: cells(rnd, 4), labels: [] });
    if (rnd() < 0.4) child.props.push({ name: 'size', value: cells(rnd, 2), labels: [] });
    node.children.push(child);
    return { desc: `add node ${where}/${child.name}`, relevant: kind === 'rmem', node };
  }
  const base = BigInt(Math.floor(rnd() * 4096)) << 20n;
  tree.memreserves.push({ address: base, size: 1n << 20n });
  return { desc: 'add /memreserve/', relevant: true };
}

// ---- comparison ----------------------------------------------------------------------------------

function observable(r: SimResult): unknown {
  return simResultToJson(r);
}

/** Every node and range object the rebased result holds belongs to the new tree. */
function holdsOnly(r: SimResult, tree: DtTree): string | undefined {
  const nodes = new Set<DtNode>(walk(tree.root));
  for (const c of tree.root.children) for (const n of walk(c)) nodes.add(n);
  const ranges = new Set<SourceRange>();
  for (const n of nodes) {
    if (n.range) ranges.add(n.range);
    for (const p of n.props) if (p.range) ranges.add(p.range);
  }
  for (const l of r.log) if (l.node && !nodes.has(l.node)) return `log node ${l.node.name}`;
  for (const x of r.rmem) if (!nodes.has(x.node)) return `rmem node ${x.name}`;
  for (const a of r.cmaAreas) if (a.node && !nodes.has(a.node)) return `cma node ${a.name}`;
  for (const f of r.findings) if (f.range && !ranges.has(f.range)) return `finding ${f.code} range`;
  return undefined;
}

interface Stats { trials: number; equal: number; rebased: number; relevant: number; differing: number }

/** Runs `n` mutations of `base` (each on a fresh copy) and checks the key/rebase contract. */
function fuzz(label: string, base: DtTree, optsOf: (t: DtTree) => SimulateOptions, seed: number, n: number, st: Stats): void {
  const rnd = prng(seed);
  const prevTree = assumeRam(base).tree;
  const prevOpts = optsOf(prevTree);
  const prev = simulate(prevTree, prevOpts);
  const prevKey = simInputKey(prevTree, prevOpts);
  const prevJson = observable(prev);
  // the same tree recompiled: always reusable
  const same = assumeRam(cloneTree(base, 1)).tree;
  assert.equal(simInputKey(same, optsOf(same)), prevKey, `${label}: a copy changes the key`);
  for (let i = 0; i < n; i++) {
    const mutated = cloneTree(base, 1);
    const steps = 1 + Math.floor(rnd() * 2);
    const muts: Mutation[] = [];
    for (let s = 0; s < steps; s++) muts.push(mutate(rnd, mutated));
    const tree = assumeRam(mutated).tree;
    const opts = optsOf(tree);
    const key = simInputKey(tree, opts);
    const what = `${label} #${i}: ${muts.map((m) => m.desc).join('; ')}`;
    st.trials++;
    const inTree = new Set<DtNode>(walk(tree.root));
    inTree.add(mutated.root);
    if (muts.some((m) => m.relevant && (!m.node || inTree.has(m.node)))) {
      st.relevant++;
      assert.notEqual(key, prevKey, `${what}: memory-relevant edit kept the key`);
    }
    if (key !== prevKey) {
      // (every third one: a fresh boot is the costly part) does the key change track real changes?
      if (i % 3 === 0 && JSON.stringify(observable(simulate(tree, opts))) !== JSON.stringify(prevJson)) st.differing++;
      continue;
    }
    st.equal++;
    const rebased = rebaseSim(prev, prevTree, tree);
    assert.ok(rebased, `${what}: equal keys but rebaseSim gave up`);
    st.rebased++;
    assert.deepEqual(observable(rebased), observable(simulate(tree, opts)), `${what}: rebased result differs from a fresh simulation`);
    assert.equal(holdsOnly(rebased, tree), undefined, `${what}: rebased result holds an old object`);
    assert.deepEqual(observable(prev), prevJson, `${what}: rebaseSim changed prev`);
  }
}


test('soundness on corpus boards: equal keys give the fresh simulation; relevant edits change the key', async () => {
  const rnd = prng(8);
  const all = allBoards().filter((b) => b.startsWith('arch/arm'));
  const sample = [...bigBoards().map((b) => b.board)];
  while (sample.length < 14) {
    const b = all[Math.floor(rnd() * all.length)]!;
    if (!sample.includes(b)) sample.push(b);
  }
  const st: Stats = { trials: 0, equal: 0, rebased: 0, relevant: 0, differing: 0 };
  let boards = 0;
  for (const [bi, board] of sample.entries()) {
    const r = await compileBoard(board);
    if (r.findings.some((f) => f.severity === 'error')) continue;
    const arch = detectArch(path.join(LINUX, board), r.tree);
    if (!arch) continue;
    boards++;
    // odd boards: a command line of their own and memblock=debug lines
    // every third: the DTB size given (as a boot loader reports it), so value edits of any length
    // keep the whole-tree parts of the key and only what the boot path reads can change it
    const opts: SimulateOptions = [{ arch }, { arch, bootargs: 'console=ttyS0 cma=16M memblock=debug', trace: true }, { arch, dtbSize: dtbSize(r.tree) }][bi % 3]!;
    fuzz(board, r.tree, () => opts, 1000 + bi, 50, st);
  }
  console.log(`corpus: ${boards} boards, ${JSON.stringify(st)}`);
  assert.ok(boards >= 10, `only ${boards} boards compiled`);
  // the test must exercise both sides of the key
  assert.ok(st.equal >= 50 && st.equal >= st.trials * 0.1, `too few equal keys: ${JSON.stringify(st)}`);
  assert.ok(st.differing >= 30, `too few mutations that change the simulation: ${JSON.stringify(st)}`);
});

test('soundness on the boot-oracle cases (their options: dtbSize, overrides, QEMU memory)', () => {
  const cases = loadCases();
  assert.ok(cases.length > 0, 'no oracle cases');
  const rnd = prng(88);
  const picked = cases.filter(() => rnd() < 0.1);
  const st: Stats = { trials: 0, equal: 0, rebased: 0, relevant: 0, differing: 0 };
  let used = 0;
  for (const [ci, c] of picked.entries()) {
    const { tree, errors } = buildTree(c);
    if (errors.length) continue;
    used++;
    const memory = qemuMemory(c);
    // odd cases: the size of the unmutated DTB whatever the edit (the kernel was given that blob)
    const fixed = kernelDtbSize(c, dtbSize(tree));
    const optsOf = (t: DtTree): SimulateOptions => ({ arch: c.arch, dtbSize: ci % 2 ? fixed : kernelDtbSize(c, dtbSize(t)), overrides: loadOverrides(c), ...(memory ? { memory } : {}) });
    fuzz(`${c.arch} ${c.name}`, tree, optsOf, 5000 + ci, 15, st);
  }
  console.log(`oracle: ${used} cases, ${JSON.stringify(st)}`);
  assert.ok(used >= 15, `only ${used} oracle cases`);
  assert.ok(st.equal >= 50 && st.equal >= st.trials * 0.1, `too few equal keys: ${JSON.stringify(st)}`);
  assert.ok(st.differing >= 30, `too few mutations that change the simulation: ${JSON.stringify(st)}`);
});

// ---- a one-line edit in the same file ----------------------------------------------------------------

const BOARD = `/dts-v1/;
/ {
\t#address-cells = <2>;
\t#size-cells = <2>;
\tcompatible = "linux,dummy-virt";
\tchosen { bootargs = "console=ttyAMA0"; };
\tmemory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; };
\tuart@9000000 { compatible = "arm,pl011"; reg = <0x0 0x09000000 0x0 0x1000>; pinctrl-0 = <1>; };
\treserved-memory {
\t\t#address-cells = <2>;
\t\t#size-cells = <2>;
\t\tranges;
\t\tfw@40200000 { reg = <0x0 0x40200000 0x0 0x100000>; no-map; };
\t\tpool {
\t\t\tcompatible = "shared-dma-pool";
\t\t\treusable;
\t\t\tsize = <0x0 0x2000000>;
\t\t\talloc-ranges = <0x1 0x00000000 0x0 0x10000000>;
\t\t};
\t\tcoherent@50000000 { compatible = "shared-dma-pool"; reg = <0x0 0x50000000 0x0 0x100000>; };
\t};
};
`;

test('a line added above /reserved-memory: the rebased result holds the new nodes and ranges', () => {
  // `pinctrl-0 = <1>;` -> `pinctrl-0 = <2>;\n` + a blank line: same DTB, every node below moves down
  const edited = BOARD.replace('pinctrl-0 = <1>; };', 'pinctrl-0 = <2>;\n\t};');
  assert.notEqual(edited, BOARD);
  const a = compileText(BOARD, { file: 'board.dts' });
  const b = compileText(edited, { file: 'board.dts' });
  assert.deepEqual([...a.findings, ...b.findings].filter((f) => f.severity === 'error'), []);
  const opts: SimulateOptions = { arch: 'arm64' };
  const prev = simulate(a.tree, opts);
  assert.equal(simInputKey(b.tree, opts), simInputKey(a.tree, opts));
  const rebased = rebaseSim(prev, a.tree, b.tree);
  assert.ok(rebased);
  const fresh = simulate(b.tree, opts);
  assert.deepEqual(observable(rebased), observable(fresh));
  // the finding the static region over the kernel Image gives (sim-kernel-placement: fw@40200000
  // covers RAM start + 2 MiB, where dtmem assumes the Image) and the failed CMA pool (alloc-ranges
  // outside RAM) point at the nodes' new lines
  const fw = b.tree.root.children.find((n) => n.name === 'reserved-memory')!.children.find((n) => n.name === 'fw@40200000')!;
  const oldFw = a.tree.root.children.find((n) => n.name === 'reserved-memory')!.children.find((n) => n.name === 'fw@40200000')!;
  assert.equal(fw.range!.start.line, oldFw.range!.start.line + 1);
  const placement = rebased.findings.find((f) => f.code === 'sim-kernel-placement');
  assert.ok(placement, `findings: ${prev.findings.map((f) => f.code).join(', ')}`);
  assert.equal(placement.range, fw.range);
  assert.equal(prev.findings.find((f) => f.code === 'sim-kernel-placement')!.range, oldFw.range, 'prev was changed');
  for (const rm of rebased.rmem) {
    const fresh1 = fresh.rmem.find((x) => x.name === rm.name)!;
    assert.equal(rm.node, fresh1.node, `${rm.name}: not the new tree's node`);
  }
  for (const l of rebased.log) if (l.node) assert.ok([...walk(b.tree.root)].includes(l.node), `log line ${l.text}: old node`);
  assert.ok(rebased.rmem.length >= 3);
});

test('an edit of a reserved-memory value or a memory node changes the key; a pinctrl edit does not', () => {
  const opts: SimulateOptions = { arch: 'arm64' };
  const key = (text: string) => simInputKey(compileText(text, { file: 'board.dts' }).tree, opts);
  const k0 = key(BOARD);
  assert.equal(key(BOARD.replace('pinctrl-0 = <1>', 'pinctrl-0 = <7>')), k0);
  assert.notEqual(key(BOARD.replace('size = <0x0 0x2000000>', 'size = <0x0 0x4000000>')), k0);
  assert.notEqual(key(BOARD.replace('0x0 0x40000000 0x0 0x40000000>', '0x0 0x40000000 0x0 0x20000000>')), k0);
  assert.notEqual(key(BOARD.replace('console=ttyAMA0', 'console=ttyAMA1')), k0);
  // a longer unrelated value: the DTB the kernel reserves grows
  assert.notEqual(key(BOARD.replace('pinctrl-0 = <1>', 'pinctrl-0 = <1 2>')), k0);
  assert.notEqual(simInputKey(compileText(BOARD).tree, { arch: 'arm64', bootargs: 'cma=0' }), simInputKey(compileText(BOARD).tree, opts));
});

test('rebaseSim gives up when a node the result holds is gone', () => {
  const a = compileText(BOARD, { file: 'board.dts' });
  const b = compileText(BOARD.replace('fw@40200000', 'fw@40300000'), { file: 'board.dts' });
  const prev = simulate(a.tree, { arch: 'arm64' });
  assert.equal(rebaseSim(prev, a.tree, b.tree), undefined);
});

// ---- every input the key lists matters ------------------------------------------------------------

const INPUTS = `/dts-v1/;
/memreserve/ 0x48000000 0x100000;
/ {
\t#address-cells = <2>;
\t#size-cells = <2>;
\tcompatible = "linux,dummy-virt";
\taliases { serial0 = "/soc/uart@9000000"; };
\tchosen {
\t\tbootargs = "console=ttyAMA0";
\t\tlinux,initrd-start = <0x0 0x48400000>;
\t\tlinux,initrd-end = <0x0 0x48500000>;
\t\tlinux,elfcorehdr = <0x0 0x4a000000 0x0 0x10000>;
\t\tlinux,usable-memory-range = <0x0 0x40000000 0x0 0x80000000>;
\t};
\tcpus {
\t\t#address-cells = <1>;
\t\t#size-cells = <0>;
\t\tcpu@0 { device_type = "cpu"; reg = <0>; status = "okay"; };
\t\tcpu@1 { device_type = "cpu"; reg = <1>; status = "okay"; };
\t};
\tmemory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x40000000>; status = "okay"; };
\tmemory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x40000000>; };
\tsoc {
\t\tcompatible = "simple-bus";
\t\t#address-cells = <2>;
\t\t#size-cells = <2>;
\t\tranges;
\t\tdma-ranges = <0x0 0x0 0x0 0x0 0x1 0x0>;
\t\tuart@9000000 { compatible = "arm,pl011"; reg = <0x0 0x09000000 0x0 0x1000>; hotpluggable; };
\t};
\treserved-memory {
\t\t#address-cells = <2>;
\t\t#size-cells = <2>;
\t\tranges;
\t\tfw@60000000 { reg = <0x0 0x60000000 0x0 0x100000>; no-map; };
\t\tpool { compatible = "shared-dma-pool"; reusable; size = <0x0 0x2000000>; };
\t};
};
`;

/** Edits of one input each, keeping every node's property count and name length (the unflatten
 * size); the DTB size is given, so value lengths may change. */
const INPUT_EDITS: { name: string; arch: SimulateOptions['arch']; from: string; to: string; then?: [string, string] }[] = [
  { name: 'memory status (of_fdt_device_is_available)', arch: 'arm64', from: '0x40000000>; status = "okay"', to: '0x40000000>; status = "fail"' },
  { name: 'memory reg', arch: 'arm64', from: 'reg = <0x0 0x80000000 0x0 0x40000000>', to: 'reg = <0x0 0x80000000 0x0 0x20000000>' },
  // moved from the uart to the second bank
  { name: 'memory hotpluggable', arch: 'arm64', from: '0x1000>; hotpluggable;', to: '0x1000>;', then: ['0x80000000 0x0 0x40000000>;', '0x80000000 0x0 0x40000000>; hotpluggable;'] },
  { name: 'device_type = "memory"', arch: 'arm64', from: 'memory@80000000 { device_type = "memory"', to: 'memory@80000000 { device_type = "memorx"' },
  { name: '/memreserve/', arch: 'arm64', from: '/memreserve/ 0x48000000', to: '/memreserve/ 0x49000000' },
  { name: 'chosen bootargs', arch: 'arm64', from: 'console=ttyAMA0', to: 'console=ttyAMA1 memblock=debug' },
  { name: 'chosen initrd', arch: 'arm64', from: 'initrd-end = <0x0 0x48500000>', to: 'initrd-end = <0x0 0x48600000>' },
  { name: 'chosen elfcorehdr', arch: 'arm64', from: '0x4a000000 0x0 0x10000', to: '0x4a000000 0x0 0x20000' },
  { name: 'chosen usable-memory-range', arch: 'arm64', from: '0x40000000 0x0 0x80000000>;', to: '0x40000000 0x0 0x60000000>;' },
  { name: 'cpu status (arm64 possible CPUs)', arch: 'arm64', from: 'reg = <1>; status = "okay"', to: 'reg = <1>; status = "fail"' },
  { name: 'cpu reg (arm MPIDR duplicate)', arch: 'arm-lpae', from: 'reg = <1>; status', to: 'reg = <0>; status' },
  { name: 'dma-ranges (arm64 ZONE_DMA)', arch: 'arm64', from: '0x0 0x0 0x0 0x0 0x1 0x0>', to: '0x0 0x0 0x0 0x0 0x0 0x80000000>' },
  { name: 'alias target (arm of_alias_scan)', arch: 'arm-lpae', from: 'serial0 = "/soc/uart@9000000"', to: 'serial0 = "/soc/uart@9000001"' },
  { name: 'root compatible (arm setup_dma_zone)', arch: 'arm-lpae', from: 'compatible = "linux,dummy-virt"', to: 'compatible = "brcm,bcm2711"' },
  { name: 'reserved-memory child reg', arch: 'arm64', from: 'reg = <0x0 0x60000000 0x0 0x100000>', to: 'reg = <0x0 0x60000000 0x0 0x200000>' },
  { name: 'reserved-memory child no-map', arch: 'arm64', from: '0x100000>; no-map;', to: '0x100000>; reusable;' },
];

for (const e of INPUT_EDITS) {
  test(`key input: ${e.name}`, () => {
    assert.ok(INPUTS.includes(e.from), e.from);
    const a = compileText(INPUTS, { file: 'in.dts' });
    let text = INPUTS.replace(e.from, e.to);
    if (e.then) {
      assert.ok(text.includes(e.then[0]), e.then[0]);
      text = text.replace(e.then[0], e.then[1]);
    }
    const b = compileText(text, { file: 'in.dts' });
    assert.deepEqual([...a.findings, ...b.findings].filter((f) => f.severity === 'error'), []);
    const opts: SimulateOptions = { arch: e.arch, dtbSize: 0x2000 };
    const sa = simulate(a.tree, opts);
    const sb = simulate(b.tree, opts);
    assert.ok(sa.modelled && sb.modelled);
    // the edit matters to the boot...
    assert.notDeepEqual(observable(sb), observable(sa));
    // ...and so to the key
    assert.notEqual(simInputKey(b.tree, opts), simInputKey(a.tree, opts));
  });
}
