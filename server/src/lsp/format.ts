// Number formatting for hovers, lenses and the boot log: hex as the kernel prints physical
// addresses (%pa: 0x + zero-padded to the width of phys_addr_t) and sizes in binary units.

export function hex(v: bigint, digits = 0): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

/** `64 MiB`, `1.5 GiB`, `4 KiB`, `17 bytes`: exact when the unit divides, else 2 decimals. */
export function human(v: bigint): string {
  const units: [bigint, string][] = [[1n << 40n, 'TiB'], [1n << 30n, 'GiB'], [1n << 20n, 'MiB'], [1n << 10n, 'KiB']];
  for (const [u, name] of units) {
    if (v >= u) {
      if (v % u === 0n) return `${v / u} ${name}`;
      const x = Number((v * 100n) / u) / 100;
      return `${x.toFixed(2)} ${name}`;
    }
  }
  return `${v} bytes`;
}

export function pageShift(pageSize: bigint): bigint {
  let s = 0n;
  while ((1n << s) < pageSize && s < 64n) s++;
  return s;
}
