// lib/sort.c (Linux 6.1): the kernel's in-place bottom-up heapsort. It is not stable, and the
// order it leaves equal elements in is visible at boot: fdt_init_reserved_mem sorts
// reserved_mem[] with it, so several dynamic regions (base 0, size 0) are allocated in the
// order this sort leaves them, not in devicetree order.

/** Sorts `a` in place exactly as the kernel's sort() would with cmp. */
export function kernelSort<T>(a: T[], cmp: (x: T, y: T) => number): T[] {
  const num = a.length;
  let n = num;
  let i = Math.floor(num / 2);
  if (!i) return a;
  const swap = (x: number, y: number) => {
    const t = a[x]!;
    a[x] = a[y]!;
    a[y] = t;
  };
  const parent = (k: number) => Math.floor((k - 1) / 2);
  for (let guard = 0; guard < 4 * num + 8; guard++) {
    if (i) i--;
    else if (--n) swap(0, n);
    else break;
    // sift element i down: find the leaf path (one compare per level)
    let b = i;
    let c: number;
    let d: number;
    for (;;) {
      c = 2 * b + 1;
      d = c + 1;
      if (d >= n) break;
      b = cmp(a[c]!, a[d]!) >= 0 ? c : d;
    }
    if (d === n) b = c;
    // backtrack to where a[i] belongs
    while (b !== i && cmp(a[i]!, a[b]!) >= 0) b = parent(b);
    const target = b;
    while (b !== i) {
      b = parent(b);
      swap(b, target);
    }
  }
  return a;
}
