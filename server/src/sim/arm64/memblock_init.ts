// arm64 early memory setup (Linux 6.1): setup_machine_fdt (DTB reserve, memory and /chosen scan,
// all before memblock=debug is parsed), early_mem (mem=), and arch/arm64/mm/init.c
// arm64_memblock_init: PA-size and linear-map clipping, mem= via memblock_mem_limit_remove_map
// with the kernel re-added, initrd, kernel image reserve, then the /reserved-memory scan.
import { earlyInitFdtScanReservedMem } from '../of_reserved_mem.js';
import { scanMemory } from '../fdt_scan.js';
import type { BootContext } from '../types.js';

const U64 = (1n << 64n) - 1n;

/** Physical addresses of the kernel image symbols (_text, _stext, __init_begin, _end). */
export function kernelImage(ctx: BootContext, ramStart: bigint) {
  const p = ctx.profile;
  const a = p.arm64!;
  const text = p.kernelLoadAddr ?? ((ramStart + 0x1fffffn) & ~0x1fffffn) + p.kernelLoadOffset;
  return { text, stext: text + a.stextOffset, initBegin: text + a.initBeginOffset, end: text + a.imageSize };
}

export function setupMachineFdt(ctx: BootContext): boolean {
  const p = ctx.profile;
  const found = scanMemory(ctx);
  const ramStart = ctx.memblock.startOfDram();
  ctx.dtbAddr = p.dtbLoadAddr ?? ramStart + p.dtbLoadOffset;
  // setup_machine_fdt: memblock_reserve(dt_phys, fdt_totalsize) — before memblock=debug
  if (ctx.dtbSize > 0n) ctx.memblock.reserve(ctx.dtbAddr, ctx.dtbSize, 'setup_machine_fdt', 'DTB', true);
  return found;
}

/** early_mem (arch/arm64/mm/init.c): the last mem= wins, page aligned down. */
export function memoryLimit(ctx: BootContext): bigint | undefined {
  const m = ctx.args.mem[ctx.args.mem.length - 1];
  if (!m) return undefined;
  const limit = m.value & ~(ctx.profile.pageSize - 1n);
  ctx.log.push({ step: 'parse_early_param', text: `Memory limited to ${limit >> 20n}MB` });
  return limit;
}

export function arm64MemblockInit(ctx: BootContext): { memstart: bigint; image: ReturnType<typeof kernelImage> } {
  const p = ctx.profile;
  const a = p.arm64!;
  const mb = ctx.memblock;
  const image = kernelImage(ctx, mb.startOfDram());
  const linear = a.linearRegionSize;
  mb.remove(1n << BigInt(a.physMaskShift), U64, 'arm64_memblock_init+0x38/0x260');
  let memstart = mb.startOfDram() & ~(a.memstartAlign - 1n);
  if (mb.endOfDram() - memstart > linear) ctx.log.push({ step: 'arm64_memblock_init', text: "Memory doesn't fit in the linear mapping, VA_BITS too small" });
  const clip = memstart + linear > image.end ? memstart + linear : image.end;
  mb.remove(clip, U64, 'arm64_memblock_init+0x9c/0x260');
  if (memstart + linear < mb.endOfDram()) {
    memstart = (mb.endOfDram() - linear + a.memstartAlign - 1n) & ~(a.memstartAlign - 1n);
    mb.remove(0n, memstart, 'arm64_memblock_init+0xc8/0x260');
  }
  const limit = ctx.result.memoryLimit;
  if (limit !== undefined) {
    mb.memLimitRemoveMap(limit);
    mb.add(image.text, image.end - image.text, 'arm64_memblock_init+0xf8/0x260');
  }
  if (ctx.initrd && ctx.initrd.size) {
    const ps = p.pageSize;
    const base = ctx.initrd.start & ~(ps - 1n);
    const size = ((ctx.initrd.start + ctx.initrd.size + ps - 1n) & ~(ps - 1n)) - base;
    if (base < mb.startOfDram() || base + size > mb.startOfDram() + linear) {
      ctx.log.push({ step: 'arm64_memblock_init', text: 'initrd not fully accessible via the linear mapping -- please check your bootloader ...' });
      ctx.findings.push({ severity: 'warning', code: 'sim-initrd-outside', message: 'The initrd is not inside the linear map: the kernel ignores it.' });
      ctx.initrd = undefined;
    } else {
      mb.add(base, size, 'arm64_memblock_init+0x14c/0x260');
      mb.clearNomap(base, size);
      mb.reserve(base, size, 'arm64_memblock_init+0x164/0x260', 'initrd');
    }
  }
  kernelOutsideRam(ctx, image);
  mb.reserve(image.stext, image.end - image.stext, 'arm64_memblock_init+0x1f0/0x260', 'kernel image');
  earlyInitFdtScanReservedMem(ctx);
  // the image position is the boot loader's choice; say so when the devicetree reserves it
  const clash = ctx.rmem.filter((r) => r.kind === 'static' && r.regs.some((g) => g.base < image.end && image.text < g.base + g.size));
  if (clash.length && p.kernelLoadAddr === undefined) {
    ctx.findings.push({
      severity: 'info', code: 'sim-kernel-placement', range: clash[0]!.node.range,
      message: `dtmem assumed the boot loader put the kernel Image at 0x${image.text.toString(16)} (QEMU virt: RAM start + 2 MiB), which ${clash.map((r) => r.name).join(', ')} reserve${clash.length > 1 ? '' : 's'}; set the kernel load address (dtmem.kernel kernelLoadAddr) to your boot loader's.`,
    });
  }
  return { memstart, image };
}

/** The Image must lie in memblock.memory: map_mem builds the linear map from memblock.memory only,
 * and apply_alternatives_all (then other lm_alias users) writes kernel text through its linear
 * alias, so an Image the devicetree's memory does not cover oopses in alt_cb_patch_nops ("Unable
 * to handle kernel paging request", oracle a64-mem-high-only: Image at 0x40200000, memory from
 * 0x50000000) and the boot never finishes. */
function kernelOutsideRam(ctx: BootContext, image: ReturnType<typeof kernelImage>): void {
  let cur = image.text;
  for (const r of [...ctx.memblock.memory].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0))) {
    if (r.base <= cur && r.base + r.size > cur) cur = r.base + r.size;
  }
  if (cur >= image.end) return;
  const assumed = ctx.profile.kernelLoadAddr === undefined ? ' (dtmem assumed the QEMU virt placement, RAM start + 2 MiB; set kernelLoadAddr to your boot loader\'s)' : '';
  ctx.findings.push({
    severity: 'error', code: 'sim-arm64-crash',
    message: `The kernel Image [0x${image.text.toString(16)}-0x${(image.end - 1n).toString(16)}]${assumed} is not wholly inside the memory the devicetree declares: the linear map does not cover it, and patching alternatives through its linear alias oopses (alt_cb_patch_nops, "Unable to handle kernel paging request"), so the boot stops. Put the Image in RAM or add its memory to /memory.`,
  });
}
