// Renders a SimResult as the boot log the simulated kernel prints (no timestamps): the messages
// the simulator recorded (sim.log, already in the kernel's wording and number formatting for the
// profile) and, with memblockDebug, the memblock=debug lines of sim.memblockEvents merged in kernel
// order. The two lists are recorded separately, so the merge places each message by the boot
// phase the kernel prints it in (Linux 6.1 setup_arch/start_kernel order, per arch): e.g. the
// reserved-memory init messages after the FDT scan's reserves and allocations and each failed
// node's memblock_phys_free right after its `compatible matching fail`, arm64's `Zone ranges:`
// block before dma_contiguous_reserve, `Memory:` after the hash-table allocations.
// Lines whose numbers are build constants of the profile (kernel image sizes, percpu unit) are
// flagged `profileDerived`: they are exact only for the profile's kernel build.
import type { DtNode } from '../dts/tree.js';
import type { MemblockEvent } from './memblock.js';
import type { LogLine, SimResult, StepSnapshot } from './types.js';

export interface FormattedLine {
  text: string;
  /** 'message': a printk the simulator recorded; 'memblock': a memblock=debug line;
   * 'memblock-dump': the `MEMBLOCK configuration:` dump memblock=debug prints. */
  kind: 'message' | 'memblock' | 'memblock-dump';
  /** The simulator step (messages) or the event's owner (memblock lines). */
  step?: string;
  node?: DtNode;
  /** Why the line's numbers come from the kernel profile rather than the devicetree. */
  profileDerived?: string;
}

export interface LogFormatOptions {
  /** Include the memblock=debug lines (what `memblock=debug` on the command line prints). */
  memblockDebug?: boolean;
}

/** One printed memblock operation: an allocation request with its memblock_reserve, or one line. */
interface Group {
  fn: string;
  ev: MemblockEvent;
  lines: string[];
  phase: number;
}

const fnOf = (caller: string) => caller.split('+')[0]!;

// Boot phases, in printing order (arch/arm64/kernel/setup.c + arch/arm64/mm/init.c bootmem_init;
// arch/arm/kernel/setup.c + arch/arm/mm/init.c arm_memblock_init / paging_init; init/main.c).
const P = {
  pre: 0, memblockInit: 1, rmemScan: 2, rmemInit: 4, cmaArm: 5, earlyMm: 6, zones: 7, zonesMm: 7.5,
  cmaArm64: 8, late: 9, percpu: 10, zonelists: 11, hash: 12, memInit: 13,
} as const;

function eventPhase(fn: string, owner: string | undefined, arm64: boolean): number | undefined {
  if (owner === 'default CMA' || fn === 'cma_declare_contiguous_nid' || fn === 'dma_contiguous_reserve') return arm64 ? P.cmaArm64 : P.cmaArm;
  switch (fn) {
    case 'arm64_memblock_init': case 'arm_memblock_init': case 'early_mem': case 'arm_add_memory': case 'reserve_initrd_mem':
    case 'early_init_dt_add_memory_arch':
      return P.memblockInit;
    case 'early_init_fdt_scan_reserved_mem': case '__fdt_scan_reserved_mem': case 'early_init_dt_reserve_memory':
      return P.rmemScan;
    case 'early_init_dt_alloc_reserved_memory_arch':
      // fdt_init_reserved_mem allocates each dynamic node right before initialising it.
      return P.rmemInit;
    case 'numa_init': case 'numa_free_distance': case 'sparse_init': case 'sparse_index_alloc': case 'sparse_init_nid':
    case '__earlyonly_bootmem_alloc':
      return P.earlyMm;
    case 'memmap_alloc':
      // arm64 (SPARSEMEM) allocates the memmap in sparse_init before the zones are printed;
      // arm's FLATMEM allocates it in free_area_init after them.
      return arm64 ? P.earlyMm : P.zonesMm;
    case 'fdt_init_reserved_mem':
      return P.rmemInit;
    case 'paging_init': case 'early_pgtable_alloc': case 'iotable_init': case 'early_alloc': case 'vm_reserve_area_early':
      return P.earlyMm;
    case 'early_init_dt_alloc_memory_arch':
      return arm64 ? P.earlyMm : P.late;
    case 'free_area_init': case 'setup_usemap':
      return P.zonesMm;
    case 'setup_arch': case 'start_kernel':
      return P.late;
    case 'pcpu_setup_first_chunk': case 'pcpu_alloc_first_chunk': case 'pcpu_free_alloc_info':
      return P.percpu;
    case 'alloc_large_system_hash':
      return P.hash;
    case 'free_initrd_mem':
      // populate_rootfs (rootfs_initcall), long after mem_init.
      return P.memInit + 1;
    default:
      return undefined;
  }
}

/** Groups the printed events (an alloc and the reserve memblock_alloc_range_nid logs for it are
 * one group) and gives each a phase, never going back (unknown callers keep the current one). */
function groups(events: MemblockEvent[], arm64: boolean): Group[] {
  const out: Group[] = [];
  let phase: number = P.pre;
  for (let i = 0; i < events.length && out.length < 1_000_000; i++) {
    const ev = events[i]!;
    if (!ev.lines.length) continue;
    const fn = fnOf(ev.caller);
    const lines = [...ev.lines];
    if (ev.op === 'alloc' && ev.result) {
      const next = events[i + 1];
      if (next && next.op === 'reserve' && next.base === ev.result && fnOf(next.caller) === 'memblock_alloc_range_nid') {
        lines.push(...next.lines);
        i++;
      }
    }
    // start_kernel allocates before setup_per_cpu_areas (saved_command_line) and after the
    // `Kernel command line:` print (unknown parameters for init).
    const own = fn === 'start_kernel' && phase >= P.percpu ? P.hash : eventPhase(fn, ev.owner, arm64);
    if (own !== undefined && own > phase) phase = own;
    out.push({ fn, ev, lines, phase });
  }
  return out;
}

/** How a message is placed among the memblock groups. */
interface Placement {
  phase: number;
  /** Groups of the same phase go first (the message reports what they did). */
  eventsFirst: boolean;
}

function placement(l: LogLine, arm64: boolean): Placement {
  const t = l.text;
  if (l.step === 'memblock_dump_all') return { phase: arm64 ? P.cmaArm64 : P.cmaArm, eventsFirst: true };
  if (/^OF: fdt: Ignoring memory|^Memory limited to|^Machine model|^OF: fdt: Machine model/.test(t)) return { phase: P.pre, eventsFirst: false };
  // fdt_reserved_mem_save_node runs in the scan, right after the node's reserve.
  if (t.startsWith('OF: fdt: Reserved memory: ') || t === 'OF: reserved mem: not enough space for all defined regions.' || /^OF: fdt: Reserving .* for elfcorehdr/.test(t)) return { phase: P.rmemScan, eventsFirst: true };
  if (/^OF: reserved mem: failed to allocate memory/.test(t)) return { phase: P.rmemInit, eventsFirst: false };
  if (t.startsWith('NUMA: ')) return { phase: P.earlyMm, eventsFirst: false };
  if (/^OF: reserved mem: |^Reserved memory: |^\S+ \(0x[0-9a-f]+--0x[0-9a-f]+\) overlaps with /.test(t)) return { phase: P.rmemInit, eventsFirst: false };
  if (t.startsWith('cma: CMA area ')) return { phase: P.memInit, eventsFirst: true };
  if (t.startsWith('cma: ') && (/reserved_mem/.test(l.step) || t.startsWith('cma: Not enough slots'))) return { phase: P.rmemInit, eventsFirst: false };
  if (t.startsWith('cma: ')) return { phase: arm64 ? P.cmaArm64 : P.cmaArm, eventsFirst: true };
  // memmap_init reports holes after free_area_init_node's memmap and usemap allocations.
  if (/^On node \d+, zone/.test(t)) return { phase: P.zonesMm, eventsFirst: true };
  if (/^Zone ranges:|^ {2}\S+\s+(\[mem|empty)|^Movable zone start|^ {2}Node \d|^Early memory node ranges|^ {2}node\s+\d|^Initmem setup/.test(t)) {
    return { phase: P.zones, eventsFirst: false };
  }
  if (t.startsWith('percpu: ')) return { phase: P.percpu, eventsFirst: false };
  if (/^Built \d+ zonelists|^Policy zone|^Kernel command line/.test(t)) return { phase: P.zonelists, eventsFirst: true };
  if (/hash table entries/.test(t)) return { phase: P.hash, eventsFirst: false };
  if (t.startsWith('Memory: ')) return { phase: P.memInit, eventsFirst: false };
  return { phase: P.late, eventsFirst: true };
}

function derived(l: LogLine): string | undefined {
  if (l.text.startsWith('Memory: ')) return 'kernel code/rwdata/rodata/init/bss sizes are the profile\'s build constants';
  if (l.text.startsWith('percpu: ')) return 'percpu unit sizes are the profile\'s build constants';
  return undefined;
}

function memblockLine(g: Group, text: string): FormattedLine {
  const out: FormattedLine = { text, kind: 'memblock', step: g.ev.owner };
  if (/^(kernel image|swapper_pg_dir|percpu)/.test(g.ev.owner ?? '') || /memblock_init$/.test(g.fn)) {
    out.profileDerived = 'the kernel image layout is the profile\'s';
  }
  return out;
}

/** The simulated boot's log lines, in kernel order. */
export function formatSimLog(sim: SimResult, opts: LogFormatOptions = {}): FormattedLine[] {
  const arm64 = sim.arch === 'arm64';
  const msg = (l: LogLine): FormattedLine => {
    const o: FormattedLine = { text: l.text, kind: l.step === 'memblock_dump_all' ? 'memblock-dump' : 'message', step: l.step };
    if (l.node) o.node = l.node;
    const d = derived(l);
    if (d) o.profileDerived = d;
    return o;
  };
  // A printk with embedded newlines (`OVERLAP DETECTED!\n%s … overlaps with …`) is several lines.
  const log: LogLine[] = sim.log.flatMap((l) => (l.text.includes('\n') ? l.text.split('\n').filter((t) => t).map((text) => ({ ...l, text })) : [l]));
  if (!opts.memblockDebug) return log.map(msg);
  insertDump(sim, log, arm64);
  const gs = groups(sim.memblockEvents, arm64);
  const out: FormattedLine[] = [];
  let cur = 0;
  let numaLines = 0;
  let numaEmitted = 0;
  let hashLines = 0;
  let hashEmitted = 0;
  const emit = (g: Group) => {
    if (g.fn === 'alloc_large_system_hash') hashEmitted++;
    if (g.fn === 'numa_init') numaEmitted++;
    for (const t of g.lines) out.push(memblockLine(g, t));
  };
  for (const l of log) {
    const p = placement(l, arm64);
    if (/hash table entries/.test(l.text)) {
      // alloc_large_system_hash prints its line right after its own allocation.
      hashLines++;
      while (cur < gs.length && gs[cur]!.phase <= P.hash && hashEmitted < hashLines) emit(gs[cur++]!);
      out.push(msg(l));
      continue;
    }
    if (p.phase === P.rmemScan && l.node) {
      // __fdt_scan_reserved_mem goes through the nodes in DT order: a node's message follows
      // its own reserve and precedes the next nodes' (the /memreserve/ entries come first).
      const order = new Map(sim.rmem.map((r, i) => [r.node, i]));
      const me = order.get(l.node) ?? Infinity;
      const rank = (g: Group) => {
        const rm = sim.rmem.find((r) => (g.ev.owner ?? '').split('/').pop() === r.name && (g.ev.owner ?? '').startsWith('/reserved-memory'));
        return rm ? order.get(rm.node)! : /memreserve/.test(g.ev.owner ?? '') ? -1 : Infinity;
      };
      while (cur < gs.length && gs[cur]!.phase <= P.rmemScan && (gs[cur]!.phase < P.rmemScan || rank(gs[cur]!) <= me)) emit(gs[cur++]!);
      out.push(msg(l));
      continue;
    }
    if (p.phase === P.rmemInit) {
      // A node's messages follow its own allocation requests (each alloc-ranges entry is tried
      // in turn; a failure is reported after the last).
      const named = /node '([^']*)'|node (\S+),|node (\S+) compatible/.exec(l.text);
      const name = named ? named[1] ?? named[2] ?? named[3] : sim.rmem.find((r) => l.node && r.node === l.node)?.name;
      let last = -1;
      for (let i = cur; name && i < gs.length && gs[i]!.phase <= P.rmemInit; i++) {
        const g = gs[i]!;
        if (g.fn === 'early_init_dt_alloc_reserved_memory_arch' && (g.ev.owner ?? '').split('/').pop() === name) last = i;
      }
      if (last < 0 && name && sim.rmem.find((r) => r.name === name)?.kind === 'static' && !/OVERLAP|overlaps with/.test(l.text)) {
        // A static node: every dynamic node (reserved_mem[] sorts them first, base 0) is done.
        for (let i = cur; i < gs.length && gs[i]!.phase <= P.rmemInit; i++) if (gs[i]!.fn === 'early_init_dt_alloc_reserved_memory_arch') last = i;
      }
      while (cur <= last) emit(gs[cur++]!);
    }
    if (l.text.startsWith('Unknown kernel command line parameters')) {
      // start_kernel allocates the message's buffer, prints it, then frees the buffer.
      while (cur < gs.length && gs[cur]!.fn === 'start_kernel' && gs[cur]!.ev.op === 'alloc') emit(gs[cur++]!);
      out.push(msg(l));
      continue;
    }
    // After the last group of the function that prints the line.
    const after = /^software IO TLB: mapped/.test(l.text) ? 'swiotlb_init_remap' : /^INITRD: /.test(l.text) ? 'arm_memblock_init' : '';
    if (after) {
      let last = -1;
      for (let i = cur; i < gs.length; i++) {
        if (gs[i]!.fn === after) {
          last = i;
          if (after === 'arm_memblock_init') break;
        }
      }
      while (cur <= last) emit(gs[cur++]!);
      out.push(msg(l));
      continue;
    }
    const numa = /^NUMA: (No NUMA|Faking a node)|^NUMA: NODE_DATA \[mem (0x[0-9a-f]+)-/.exec(l.text);
    if (numa) {
      // numa_init prints after its distance-table allocation; NODE_DATA after its reserve.
      if (numa[2]) {
        const at = BigInt(numa[2]);
        const i = gs.findIndex((g, k) => k >= cur && g.ev.base === at);
        while (i >= 0 && cur <= i) emit(gs[cur++]!);
      } else {
        numaLines++;
        while (cur < gs.length && gs[cur]!.phase <= P.earlyMm && numaEmitted < numaLines) emit(gs[cur++]!);
      }
      out.push(msg(l));
      continue;
    }
    while (cur < gs.length && (gs[cur]!.phase < p.phase || (p.eventsFirst && gs[cur]!.phase === p.phase))) emit(gs[cur++]!);
    out.push(msg(l));
    // __reserved_mem_init_node's failure path frees a CMA/DMA region right after the message.
    const fail = /^OF: reserved mem: node (\S+) compatible matching fail$/.exec(l.text);
    if (fail && cur < gs.length) {
      const g = gs[cur]!;
      const rm = sim.rmem.find((r) => r.name === fail[1]);
      if (g.phase === P.rmemInit && g.ev.op === 'phys_free' && rm && g.ev.base === rm.base) emit(gs[cur++]!);
    }
  }
  while (cur < gs.length) emit(gs[cur++]!);
  return out;
}

/**
 * memblock=debug also makes memblock_dump_all print `MEMBLOCK configuration:` (mm/memblock.c
 * __memblock_dump_all): at the end of arm_memblock_init on arm, after dma_contiguous_reserve in
 * arm64's bootmem_init. The simulator's snapshot of that step is the dump.
 */
export function memblockDumpLines(sim: SimResult, snap: StepSnapshot): string[] {
  const digits = sim.profile.physAddrBits === 32 ? 8 : 16;
  const pa = (v: bigint) => '0x' + v.toString(16).padStart(digits, '0');
  // CONFIG_NUMA (arm64) prints the node of memory regions; reserved ones have none.
  const node = sim.arch === 'arm64' ? ' on node 0' : '';
  const sum = (rs: { size: bigint }[]) => rs.reduce((a, r) => a + r.size, 0n);
  const out = ['MEMBLOCK configuration:', ` memory size = ${pa(sum(snap.memory))} reserved size = ${pa(sum(snap.reserved))}`];
  out.push(` memory.cnt  = 0x${Math.max(1, snap.memory.length).toString(16)}`);
  snap.memory.forEach((r, i) => out.push(` memory[0x${i.toString(16)}]\t[${pa(r.base)}-${pa(r.base + r.size - 1n)}], ${pa(r.size)} bytes${node} flags: 0x${r.flags.toString(16)}`));
  out.push(` reserved.cnt  = 0x${Math.max(1, snap.reserved.length).toString(16)}`);
  snap.reserved.forEach((r, i) => out.push(` reserved[0x${i.toString(16)}]\t[${pa(r.base)}-${pa(r.base + r.size - 1n)}], ${pa(r.size)} bytes flags: 0x${r.flags.toString(16)}`));
  return out;
}

/** Puts the memblock dump among the messages, after the last one printed before it. */
function insertDump(sim: SimResult, log: LogLine[], arm64: boolean): void {
  const snap = sim.steps.find((s) => s.step === (arm64 ? 'bootmem_init' : 'arm_memblock_init'));
  // Printed only under memblock=debug, like the event lines.
  if (!snap || !sim.memblockEvents.some((e) => e.lines.length)) return;
  const phase = arm64 ? P.cmaArm64 : P.cmaArm;
  let at = 0;
  log.forEach((l, i) => {
    if (placement(l, arm64).phase <= phase) at = i + 1;
  });
  log.splice(at, 0, ...memblockDumpLines(sim, snap).map((text) => ({ step: 'memblock_dump_all', text })));
}

/** The log as text, one line each, as `dtmem simulate --format log` prints it. */
export function formatSimLogText(sim: SimResult, opts: LogFormatOptions = {}): string {
  const lines = formatSimLog(sim, opts);
  return lines.length ? lines.map((l) => l.text).join('\n') + '\n' : '';
}

/** The log for `--format log --json`: every line with its kind and, where the numbers are the
 * profile's build constants rather than the devicetree's consequence, why. */
export function formatSimLogJson(sim: SimResult, opts: LogFormatOptions = {}): { arch: string; lines: { text: string; kind: string; step?: string; profileDerived?: string }[] } {
  return {
    arch: sim.arch,
    lines: formatSimLog(sim, opts).map((l) => {
      const o: { text: string; kind: string; step?: string; profileDerived?: string } = { text: l.text, kind: l.kind };
      if (l.step) o.step = l.step;
      if (l.profileDerived) o.profileDerived = l.profileDerived;
      return o;
    }),
  };
}
