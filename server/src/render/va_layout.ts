// The kernel's virtual memory layout for a profile, as the page-table inspector draws it: the
// ptdump markers of Linux 6.1 that the boot oracle recorded on the Debian kernels
// (results-userspace/<arch>/*.json, pagetables.markers). 32-bit arm: vmalloc starts 8 MiB above
// high_memory (VMALLOC_OFFSET), so it follows arm_lowmem_limit.
export interface VaRegion {
  name: string;
  start: bigint;
  /** Exclusive. */
  end: bigint;
  region: string;
}

export function kernelVaLayout(arch: string, highMemoryVa?: bigint): VaRegion[] {
  if (arch === 'arm64') {
    return [
      { name: 'linear map', start: 0xffff000000000000n, end: 0xffff800000000000n, region: 'linear' },
      { name: 'modules', start: 0xffff800000000000n, end: 0xffff800008000000n, region: 'modules' },
      { name: 'vmalloc', start: 0xffff800008000000n, end: 0xfffffbfff0000000n, region: 'vmalloc' },
      { name: 'fixmap', start: 0xfffffbfff0000000n, end: 0xfffffbfffe000000n, region: 'fixmap' },
      { name: 'PCI I/O', start: 0xfffffbfffe800000n, end: 0xfffffbffff800000n, region: 'pci-io' },
      { name: 'vmemmap', start: 0xfffffc0000000000n, end: 0xfffffe0000000000n, region: 'vmemmap' },
    ];
  }
  const high = highMemoryVa ?? 0xf0000000n;
  const vmallocStart = (high + 0x800000n) & ~0x7fffffn;
  return [
    { name: 'modules', start: 0xbf000000n, end: 0xbfe00000n, region: 'modules' },
    { name: 'pkmap', start: 0xbfe00000n, end: 0xc0000000n, region: 'pkmap' },
    { name: 'linear map (lowmem)', start: 0xc0000000n, end: high, region: 'linear' },
    { name: 'vmalloc', start: vmallocStart, end: 0xff800000n, region: 'vmalloc' },
    { name: 'PCI I/O', start: 0xfee00000n, end: 0xff000000n, region: 'pci-io' },
    { name: 'DTB (FDT_FIXED_BASE)', start: 0xff800000n, end: 0xffc00000n, region: 'fdt' },
    { name: 'fixmap', start: 0xffc00000n, end: 0xfff00000n, region: 'fixmap' },
    { name: 'vectors', start: 0xffff0000n, end: 0xffff2000n, region: 'vectors' },
  ];
}
