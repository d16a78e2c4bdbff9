// reserve_crashkernel for 32-bit arm (arch/arm/kernel/setup.c, Linux 6.1, CONFIG_KEXEC=y in
// Debian's armmp kernels) with kernel/crash_core.c's parse_crashkernel: `crashkernel=size[@base]`
// or `crashkernel=start-[end]:size[,...][@base]` chosen against "System RAM" = the lowmem size
// (max_low_pfn - min_low_pfn). Without a base the region is allocated top-down, 128 MiB aligned,
// in [128 MiB, end of lowmem); with one, exactly there (section aligned). Checked against
// boot-oracle runs with crashkernel=64M, =32M@0x60000000 and =512M-1G:32M,1G-:64M.
import type { Memblock } from '../memblock.js';
import { memparse } from '../bootargs.js';

const MiB = 1n << 20n;
const CRASH_ALIGN = 128n * MiB;

/** parse_crashkernel (no suffix): the last plain `crashkernel=` value, size and base. */
export function parseCrashkernel(params: { name: string; value?: string }[], systemRam: bigint): { size: bigint; base: bigint } | undefined {
  const vals = params.filter((p) => p.name === 'crashkernel' && p.value !== undefined && !/,(high|low)$/.test(p.value)).map((p) => p.value!);
  const v = vals[vals.length - 1];
  if (!v) return undefined;
  if (v.includes(':')) {
    // parse_crashkernel_mem: start-[end]:size pairs separated by ','
    let i = 0;
    let size = 0n;
    let guard = 0;
    while (i < v.length && guard++ < 64) {
      const s = memparse(v, i);
      if (s.end === i || v[s.end] !== '-') return undefined;
      i = s.end + 1;
      let end = (1n << 64n) - 1n;
      if (v[i] !== ':') {
        const e = memparse(v, i);
        if (e.end === i) return undefined;
        end = e.value;
        i = e.end;
        if (end <= s.value) return undefined;
      }
      if (v[i] !== ':') return undefined;
      i++;
      const z = memparse(v, i);
      if (z.end === i) return undefined;
      i = z.end;
      if (systemRam >= s.value && systemRam < end) {
        size = z.value;
        break;
      }
      if (v[i] !== ',') break;
      i++;
    }
    let base = 0n;
    const at = v.indexOf('@', i);
    if (size && at >= 0) base = memparse(v, at + 1).value;
    return { size, base };
  }
  const s = memparse(v, 0);
  if (s.end === 0) return undefined;
  let base = 0n;
  if (v[s.end] === '@') base = memparse(v, s.end + 1).value;
  return { size: s.value, base };
}

/** reserve_crashkernel: returns the kernel's message (or nothing without crashkernel=). */
export function reserveCrashkernel(mb: Memblock, params: { name: string; value?: string }[], minLowPfn: bigint, maxLowPfn: bigint, lowmemLimit: bigint, sectionSize: bigint, callers: { auto: string; fixed: string }): string | undefined {
  const totalMem = (maxLowPfn - minLowPfn) << 12n;
  const ck = parseCrashkernel(params, totalMem);
  if (!ck || !ck.size) return undefined;
  let base = ck.base;
  if (!base) {
    const max = lowmemLimit < 0xffffffffn ? lowmemLimit : 0xffffffffn;
    base = mb.physAllocRange(ck.size, CRASH_ALIGN, CRASH_ALIGN, max, callers.auto, 'crashkernel');
    if (!base) return 'crashkernel reservation failed - No suitable area found.';
  } else {
    const start = mb.physAllocRange(ck.size, sectionSize, base, base + ck.size, callers.fixed, 'crashkernel');
    if (!start) return 'crashkernel reservation failed - memory is in use.';
  }
  return `Reserving ${ck.size / MiB}MB of memory at ${base / MiB}MB for crashkernel (System RAM: ${totalMem / MiB}MB)`;
}
