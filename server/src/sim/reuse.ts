// Reusing a boot simulation across edits (issue #8). simulate() reads only a few parts of the tree
// (the root's cells and compatible, the memory nodes, /chosen, /reserved-memory, /cpus,
// /distance-map, /memreserve/) plus whole-tree quantities that any edit may change: the DTB size
// the kernel memblock_reserve()s (fdt_totalsize), the size unflatten_device_tree allocates, and
// per arch of_alias_scan's allocations (arm) and of_dma_get_max_cpu_address (arm64): the census
// (census.ts), which the caller computes once for the key and the simulation. simInputKey
// strings all of that together with the options; rebaseSim points an old result's nodes and
// finding ranges at the new tree, so an unrelated one-line edit costs a key, not a boot.
import { childByName, getProp, readString, type DtNode, type DtProp, type DtTree, type Finding, type SourceRange } from '../dts/tree.js';
import { resolveProfile } from './profile.js';
import { treeCensus } from './census.js';
import type { SimulateOptions } from './simulate.js';
import type { CmaArea, LogLine, RmemNode, SimResult } from './types.js';

/** Bumped whenever the simulator starts reading something new from the tree. */
const KEY_VERSION = 2;
/** Deeper than of_scan_flat_dt's walk of /reserved-memory (depth 64) and fdt.ts's MAX_DEPTH. */
const MAX_DEPTH = 260;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(v: Uint8Array): string {
  let s = '';
  for (let i = 0; i < v.length; i++) s += HEX[v[i]!];
  return s;
}

/** Length-prefixed, so names holding separators cannot make two inputs collide. */
function str(s: string): string {
  return `${s.length}:${s}`;
}

/** A property as the simulator sees it through getProp: absent ('-') or its bytes. */
function pv(node: DtNode, name: string): string {
  const p = getProp(node, name);
  return p ? `=${hex(p.value)}` : '-';
}

/** Every name and value of a subtree (/reserved-memory: the static pass and
 * fdt_init_reserved_mem read most of what its children hold). */
function subtree(node: DtNode, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) {
    out.push('!deep');
    return;
  }
  out.push(`{${str(node.name)}`);
  for (const p of node.props) out.push(`${str(p.name)}=${hex(p.value)}`);
  for (const c of node.children) subtree(c, out, depth + 1);
  out.push('}');
}

const isMemoryNode = (n: DtNode): boolean => !!getProp(n, 'device_type') && readString(n, 'device_type') === 'memory';

/** The root's children the simulator looks up by name (first match, as their `find`s do). */
function rootChildren(tree: DtTree): { memory: DtNode[]; chosen?: DtNode; rmem?: DtNode; cpus?: DtNode; distanceMap?: DtNode } {
  const memory: DtNode[] = [];
  let chosen: DtNode | undefined;
  let chosen0: DtNode | undefined;
  let rmem: DtNode | undefined;
  let cpus: DtNode | undefined;
  let distanceMap: DtNode | undefined;
  for (const c of tree.root.children) {
    if (isMemoryNode(c)) memory.push(c);
    if (c.name === 'chosen') chosen ??= c;
    else if (c.name === 'chosen@0') chosen0 ??= c;
    else if (c.name === 'reserved-memory') rmem ??= c;
    else if (c.name === 'cpus') cpus ??= c;
    else if (c.name === 'distance-map' || c.name.startsWith('distance-map@')) distanceMap ??= c;
  }
  return { memory, chosen: chosen ?? chosen0, rmem, cpus, distanceMap };
}

function jsonish(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}n` : x)) ?? 'undefined';
}

let nonce = 0;

/** Everything simulate(tree, opts) reads, as one string: equal keys give equal results (the
 * simulator is deterministic). Source ranges are left out: rebaseSim maps them. */
export function simInputKey(tree: DtTree, opts: SimulateOptions): string {
  const out: string[] = [`dtmem-sim-key ${KEY_VERSION}`];
  let options: string;
  try {
    options = jsonish([opts.arch, opts.bootargs ?? null, opts.overrides ?? null, opts.memory ?? null, !!opts.trace]);
  } catch {
    // overrides that do not serialise (a cycle): a key nothing else equals
    options = `unserialisable ${++nonce} ${Math.random()}`;
  }
  out.push(options);

  // whole-tree quantities (the census the simulation uses)
  const c = opts.census ?? treeCensus(tree, resolveProfile(opts.arch, opts.overrides), opts.dtbSize);
  out.push(`dtb ${c.dtbSize}`, `unflatten ${c.unflattenSize}`, `dma ${c.dmaMaxCpuAddress?.toString(16) ?? '-'}`, `aliases ${c.aliasAllocSizes?.join(',') ?? '-'}`);

  // early_init_dt_scan_root + setup_dma_zone (root compatible); sim-no-memory's range is the root's
  const root = tree.root;
  out.push(`root ${pv(root, '#address-cells')} ${pv(root, '#size-cells')} ${pv(root, 'compatible')}`);
  out.push(`memreserve ${tree.memreserves.map((r) => `${r.address.toString(16)}+${r.size.toString(16)}`).join(',')}`);
  const rc = rootChildren(tree);
  // early_init_dt_scan_memory (+ arm's dtRamStart, arm64's numa-node-id note), in tree order
  for (const m of rc.memory) {
    out.push(`memory ${str(m.name)} ${pv(m, 'status')} ${pv(m, 'reg')} ${pv(m, 'linux,usable-memory')} ${pv(m, 'hotpluggable')} ${pv(m, 'numa-node-id')}`);
  }
  // early_init_dt_scan_chosen, usable-memory-range, elfcorehdr
  const ch = rc.chosen;
  out.push(ch
    ? `chosen ${str(ch.name)} ${pv(ch, 'bootargs')} ${pv(ch, 'linux,initrd-start')} ${pv(ch, 'linux,initrd-end')} ${pv(ch, 'linux,usable-memory-range')} ${pv(ch, 'linux,elfcorehdr')}`
    : 'chosen -');
  // /reserved-memory: the whole subtree (cells, ranges, every child's reg/size/alignment/
  // alloc-ranges/no-map/reusable/compatible/linux,cma-default/status and the names)
  if (rc.rmem) subtree(rc.rmem, out, 0);
  else out.push('rmem -');
  // possible CPUs: arm_dt_init_cpu_maps (device_type, reg, #address-cells), arm64's (status)
  if (rc.cpus) {
    out.push(`cpus ${pv(rc.cpus, '#address-cells')}`);
    for (const c of rc.cpus.children) out.push(`cpu ${str(c.name)} ${pv(c, 'device_type')} ${pv(c, 'status')} ${pv(c, 'reg')}`);
  } else out.push('cpus -');
  out.push(`distance-map ${rc.distanceMap ? str(rc.distanceMap.name) : '-'}`);
  return out.join('\n');
}

// ---- rebasing ---------------------------------------------------------------------------------

const CONFLICT = Symbol('conflict');
type RangeTarget = SourceRange | undefined | typeof CONFLICT;

class Rebaser {
  private nodes = new Map<DtNode, DtNode | null>();
  private ranges = new Map<SourceRange, RangeTarget>();
  private paired = new Set<DtNode>();
  failed = false;

  constructor(private prevTree: DtTree, private tree: DtTree) {}

  /** The new tree's node at the old node's path; null when there is none or the old node is not
   * the one its path names in prevTree (duplicate names). */
  node(old: DtNode): DtNode | null {
    const hit = this.nodes.get(old);
    if (hit !== undefined) return hit;
    let found: DtNode | null;
    if (old === this.prevTree.root || !old.parent) found = this.tree.root;
    else {
      const names: string[] = [];
      let n: DtNode | null = old;
      for (let guard = 0; n && n.parent && guard <= MAX_DEPTH; guard++, n = n.parent) names.push(n.name);
      if (!n || n.parent) names.length = 0;
      let o: DtNode | undefined = names.length ? this.prevTree.root : undefined;
      let x: DtNode | undefined = this.tree.root;
      for (let i = names.length - 1; i >= 0 && o && x; i--) {
        o = childByName(o, names[i]!);
        x = childByName(x, names[i]!);
      }
      found = o === old && x ? x : null;
    }
    this.nodes.set(old, found);
    return found;
  }

  /** Must map: a missing node fails the rebase. */
  must(old: DtNode): DtNode {
    const n = this.node(old);
    if (!n) {
      this.failed = true;
      return old;
    }
    return n;
  }

  private addRange(from: SourceRange | undefined, to: SourceRange | undefined | typeof CONFLICT): void {
    if (!from) return;
    const cur = this.ranges.get(from);
    if (cur === undefined && !this.ranges.has(from)) this.ranges.set(from, to);
    else if (cur !== to) this.ranges.set(from, CONFLICT);
  }

  /** Records the ranges of an old node and its properties against the new node's. */
  pair(old: DtNode): void {
    if (this.paired.has(old)) return;
    this.paired.add(old);
    const n = this.node(old);
    if (!n) {
      this.addRange(old.range, CONFLICT);
      for (const r of old.ranges ?? []) this.addRange(r, CONFLICT);
      for (const p of old.props) this.addRange(p.range, CONFLICT);
      return;
    }
    this.addRange(old.range, n.range);
    const sameLen = (old.ranges?.length ?? 0) === (n.ranges?.length ?? 0);
    (old.ranges ?? []).forEach((r, i) => this.addRange(r, sameLen ? n.ranges![i] : CONFLICT));
    old.props.forEach((p: DtProp, i) => {
      const q = n.props[i]?.name === p.name ? n.props[i] : getProp(n, p.name);
      this.addRange(p.range, q ? q.range : CONFLICT);
    });
  }

  pairSubtree(old: DtNode, depth: number): void {
    if (depth > MAX_DEPTH) return;
    this.pair(old);
    for (const c of old.children) this.pairSubtree(c, depth + 1);
  }

  range(r: SourceRange | undefined): SourceRange | undefined {
    if (!r) return undefined;
    const t = this.ranges.get(r);
    if (t === CONFLICT || (t === undefined && !this.ranges.has(r))) {
      this.failed = true;
      return r;
    }
    return t;
  }
}

function withRange<T extends { range?: SourceRange }>(x: T, range: SourceRange | undefined): T {
  const y = { ...x };
  if (range) y.range = range;
  else delete y.range;
  return y;
}

/** `prev` (simulated on prevTree) with every DtNode and finding range moved onto `tree`'s nodes
 * at the same paths; undefined when something cannot be mapped with certainty. Meant for trees
 * with equal simInputKey. prev is not modified; its node-free parts (memblock steps and events,
 * zones, page tables, profile) are shared, not copied. */
export function rebaseSim(prev: SimResult, prevTree: DtTree, tree: DtTree): SimResult | undefined {
  const rb = new Rebaser(prevTree, tree);
  // every node a finding's range may come from: the root, /chosen, the memory nodes,
  // /reserved-memory and its subtree, /cpus, /distance-map, and the nodes the result holds
  rb.pair(prevTree.root);
  const rc = rootChildren(prevTree);
  for (const m of rc.memory) rb.pair(m);
  for (const n of [rc.chosen, rc.cpus, rc.distanceMap]) if (n) rb.pair(n);
  if (rc.rmem) rb.pairSubtree(rc.rmem, 0);

  const log: LogLine[] = prev.log.map((l) => (l.node ? { ...l, node: rb.must(l.node) } : { ...l }));
  const rmem = prev.rmem.map((r): RmemNode => {
    rb.pair(r.node);
    return { ...r, node: rb.must(r.node), regs: r.regs.map((g) => ({ ...g })), results: r.results.map((g) => ({ ...g })), messages: [...r.messages] };
  });
  const cmaAreas = prev.cmaAreas.map((a): CmaArea => {
    if (!a.node) return { ...a };
    rb.pair(a.node);
    return { ...a, node: rb.must(a.node) };
  });
  const findings = prev.findings.map((f): Finding => {
    const g = withRange(f, rb.range(f.range));
    if (f.related) {
      g.related = f.related.map((r) => {
        const to = rb.range(r.range);
        if (!to) rb.failed = true;
        return { ...r, range: to ?? r.range };
      });
    }
    return g;
  });
  if (rb.failed) return undefined;
  return { ...prev, log, rmem, cmaAreas, findings };
}
