// arm64, from the end of setup_arch to mem_init (Linux 6.1): request_standard_resources,
// setup_command_line, setup_per_cpu_areas, build_all_zonelists (`Total pages`), the dentry and
// inode hash tables (alloc_large_system_hash), swiotlb when RAM reaches above the DMA zone, then
// memblock_free_all and the `Memory:` line.
import { readString } from '../../dts/tree.js';
import { memblockFreeAll, memoryLine } from '../mem_init.js';
import type { FreeAreaResult } from '../free_area.js';
import type { BootContext } from '../types.js';

/** Possible CPUs (of_parse_and_init_cpus / for_each_of_cpu_node): /cpus children named `cpu`
 * or with device_type = "cpu", except status "fail…"; at least the boot CPU, at most NR_CPUS. */
export function possibleCpus(ctx: BootContext): number {
  const cpus = ctx.tree.root.children.find((c) => c.name === 'cpus');
  const n = cpus
    ? cpus.children.filter((c) => (c.name === 'cpu' || c.name.startsWith('cpu@') || readString(c, 'device_type') === 'cpu') && !(readString(c, 'status') ?? '').startsWith('fail')).length
    : 0;
  return Math.max(1, Math.min(n, 256));
}

function roundupPow2(v: bigint): bigint {
  let r = 1n;
  while (r < v) r <<= 1n;
  return r;
}

/** alloc_large_system_hash(name, bucketsize, 0, scale, HASH_EARLY | HASH_ZERO, …, 0, 0). */
function systemHash(ctx: BootContext, fa: FreeAreaResult, name: string, bucket: bigint, scale: number): void {
  const p = ctx.profile;
  const pageShift = BigInt(p.pageSize.toString(2).length - 1);
  let n = fa.nrKernelPages;
  const perMb = (1n << 20n) / p.pageSize;
  n = ((n + perMb - 1n) / perMb) * perMb;
  let sc = BigInt(scale);
  for (let adapt = (64n << 30n) >> pageShift; adapt < n; adapt <<= 2n) sc++;
  n = sc > pageShift ? n >> (sc - pageShift) : n << (pageShift - sc);
  if (n * bucket < p.pageSize) n = p.pageSize / bucket;
  n = roundupPow2(n);
  let max = ((fa.nrAllPages << pageShift) >> 4n) / bucket;
  if (max > 0x80000000n) max = 0x80000000n;
  if (n > max) n = max;
  let log2 = BigInt(n.toString(2).length - 1);
  for (let guard = 0; guard < 64; guard++) {
    const size = bucket << log2;
    const got = ctx.memblock.allocTryNid(size, p.smpCacheBytes, 0n, 0n, -1, 'alloc_large_system_hash+0x198/0x300', `${name} hash table`);
    if (got) {
      const order = Math.max(0, (size / p.pageSize).toString(2).length - 1);
      ctx.log.push({ step: 'vfs_caches_init_early', text: `${name} hash table entries: ${1n << log2} (order: ${order}, ${size} bytes, linear)` });
      return;
    }
    if (!(size > p.pageSize && --log2 > 0n)) break;
  }
}

/** start_kernel -> parse_args(unknown_bootoption) -> print_unknown_bootoptions: parameters the
 * kernel does not know (and that have no `.`) are collected in a memblock buffer of
 * 1 + Σ(1 + strlen) bytes that is printed and freed at once: argv_init's (no `=`) first, then
 * envp_init's (a repeated name replaces its earlier value). The arguments after `--` are added to
 * argv_init only after the print (init/main.c 6.1; boot-oracle `foo bar=1 -- initarg`). */
export function unknownBootOptions(ctx: BootContext): void {
  const p = ctx.profile;
  const known = new Set(p.knownParams);
  const argv: string[] = [];
  const envp: { name: string; text: string }[] = [];
  for (const prm of ctx.args.params) {
    if (known.has(prm.name) || prm.name.includes('.')) continue;
    if (prm.value === undefined) argv.push(prm.name);
    else if (prm.name !== 'HOME' && prm.name !== 'TERM') {
      // envp_init starts with HOME=/ and TERM=linux and is printed from [2]: those replace
      // the defaults silently
      const text = `${prm.name}=${prm.value}`;
      const i = envp.findIndex((e) => e.name === prm.name);
      if (i >= 0) envp[i] = { name: prm.name, text };
      else envp.push({ name: prm.name, text });
    }
  }
  const unknown = [...argv, ...envp.map((e) => e.text)];
  if (!unknown.length) return;
  const len = BigInt(1 + unknown.reduce((a, u) => a + 1 + new TextEncoder().encode(u).length, 0));
  const buf = ctx.memblock.allocTryNid(len, p.smpCacheBytes, 0n, 0n, -1, 'start_kernel+0x344/0x790', 'unknown boot options');
  ctx.log.push({ step: 'start_kernel', text: `Unknown kernel command line parameters "${unknown.join(' ')}", will be passed to user space.` });
  ctx.findings.push({ severity: 'info', code: 'sim-unknown-params', message: `Parameters the ${p.arch} kernel does not know: ${unknown.join(' ')} (passed to init).` });
  if (buf) ctx.memblock.physFree(buf, len, 'start_kernel+0x3e4/0x790');
}

export function arm64MmInit(ctx: BootContext, fa: FreeAreaResult, dmaLimit: bigint, maxPfn: bigint): void {
  const p = ctx.profile;
  const a = p.arm64!;
  const mb = ctx.memblock;
  const ncpus = BigInt(possibleCpus(ctx));
  // request_standard_resources: one struct resource per memblock.memory region
  mb.allocTryNid(BigInt(mb.memory.length) * a.resourceSize, p.smpCacheBytes, 0n, 0n, -1, 'setup_arch+0x31c/0x5e4', 'standard resources');
  // setup_command_line: saved_command_line and static_command_line
  const len = BigInt(new TextEncoder().encode(ctx.args.raw).length + 1);
  mb.allocTryNid(len, p.smpCacheBytes, 0n, 0n, -1, 'start_kernel+0x1b4/0x790', 'saved_command_line');
  mb.allocTryNid(len, p.smpCacheBytes, 0n, 0n, -1, 'start_kernel+0x1e0/0x790', 'static_command_line');
  // setup_per_cpu_areas
  const got: { base: bigint; size: bigint }[] = [];
  for (const op of a.percpu) {
    if (op.op === 'alloc') {
      const size = op.perCpu ? op.size * ncpus : op.size;
      const from = op.fromDma ? (ctx.state.memstart as bigint) : 0n;
      const base = mb.allocTryNid(size, op.align, from, 0n, op.nid ?? -1, op.caller, 'percpu');
      got.push({ base, size });
    } else {
      const ref = got[op.of];
      got.push({ base: 0n, size: 0n });
      if (!ref || !ref.base) continue;
      if (op.op === 'free') mb.physFree(ref.base, ref.size, op.caller);
      else {
        // each unit's unused tail (unit_size - size_sum, 0 here), unit by unit
        const unit = ref.size / ncpus;
        for (let i = 1n; i <= ncpus; i++) mb.physFree(ref.base + i * unit, 0n, op.caller);
      }
    }
  }
  // build_all_zonelists
  const pageblockPages = 1n << BigInt(p.pageblockOrder);
  // build_all_zonelists: grouping by mobility is off below pageblock_nr_pages * MIGRATE_TYPES,
  // and MIGRATE_TYPES is 6 with CONFIG_CMA + CONFIG_MEMORY_ISOLATION (Debian's config)
  const grouping = fa.totalPages >= pageblockPages * 6n ? 'on' : 'off';
  ctx.result.totalPages = fa.totalPages;
  ctx.log.push({ step: 'build_all_zonelists', text: `Built 1 zonelists, mobility grouping ${grouping}.  Total pages: ${fa.totalPages}` });
  ctx.log.push({ step: 'start_kernel', text: `Kernel command line: ${ctx.args.raw}` });
  unknownBootOptions(ctx);
  systemHash(ctx, fa, 'Dentry cache', 8n, 13);
  systemHash(ctx, fa, 'Inode-cache', 8n, 14);
  // mem_init: swiotlb_init when max_pfn is above the DMA zone (or swiotlb=force)
  const sw = ctx.args.swiotlb;
  if ((maxPfn > dmaLimit / p.pageSize || sw?.force) && !sw?.noforce) {
    // default_nslabs = 64 MiB / IO_TLB_SIZE (2 KiB); one 24-byte io_tlb_slot per slab
    // swiotlb_adjust_nareas also rounds default_nslabs up to a power of two
    const nslabs = roundupPow2(sw?.nslabs ?? a.swiotlbSize >> 11n);
    const nareas = roundupPow2(sw?.nareas ?? ncpus);
    const tlb = mb.allocTryNid(nslabs << 11n, p.pageSize, 0n, dmaLimit - 1n, -1, 'swiotlb_init_remap+0xcc/0x270', 'swiotlb buffer');
    if (tlb) {
      const slots = ((nslabs * (a.swiotlbSlotsSize / (a.swiotlbSize >> 11n))) + p.pageSize - 1n) & ~(p.pageSize - 1n);
      mb.allocTryNid(slots, p.pageSize, 0n, 0n, -1, 'swiotlb_init_remap+0x18c/0x270', 'swiotlb slots');
      // one struct io_tlb_area per area; swiotlb_adjust_nareas rounds the count up to 2^n
      mb.allocTryNid(a.swiotlbAreasSize * nareas, p.smpCacheBytes, 0n, 0n, -1, 'swiotlb_init_remap+0x1dc/0x270', 'swiotlb areas');
      ctx.log.push({ step: 'mem_init', text: `software IO TLB: area num ${nareas}.` });
      ctx.log.push({ step: 'mem_init', text: `software IO TLB: mapped [mem ${'0x' + tlb.toString(16).padStart(16, '0')}-${'0x' + (tlb + (nslabs << 11n)).toString(16).padStart(16, '0')}] (${(nslabs << 11n) >> 20n}MB)` });
    } else {
      ctx.log.push({ step: 'mem_init', text: 'software IO TLB: swiotlb_init_remap: Failed to allocate memory' });
    }
  }
  const free = memblockFreeAll(ctx, maxPfn, fa.firstDeferredPfn);
  if (fa.firstDeferredPfn !== undefined) ctx.result.firstDeferredPfn = fa.firstDeferredPfn;
  ctx.result.memoryLine = memoryLine(ctx, { freePages: free.freed, physPages: fa.presentPages, totalram: free.totalram });
  // later, populate_rootfs -> free_initrd_mem gives the initrd pages back
  if (ctx.initrd) {
    const ps = p.pageSize;
    const s = ctx.initrd.start & ~(ps - 1n);
    const e = (ctx.initrd.start + ctx.initrd.size + ps - 1n) & ~(ps - 1n);
    mb.physFree(s, e - s, 'free_initrd_mem+0x34/0x5c');
  }
}
