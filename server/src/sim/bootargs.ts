// The kernel command line as parse_early_param sees it (init/main.c, kernel/params.c next_arg)
// and the early parameters that change memory layout: mem=, cma= (kernel/dma/contiguous.c
// early_cma), vmalloc=, movablecore=/kernelcore= (mm/page_alloc.c cmdline_parse_core),
// rodata= (arm64), initrd=, memblock=debug. Numbers go through memparse (lib/cmdline.c).

export interface CoreParam {
  /** Bytes (memparse) or a percentage (`nn%`), or `mirror` for kernelcore=mirror. */
  bytes?: bigint;
  percent?: number;
  mirror?: boolean;
  raw: string;
}

export interface BootArgs {
  raw: string;
  /** Every name[=value] before `--`, in order. */
  params: { name: string; value?: string }[];
  /** Every mem= value in order (the arch decides what several mean). */
  mem: { value: bigint; raw: string; start?: bigint }[];
  /** early_cma: size_cmdline / base_cmdline / limit_cmdline (-1 size = not given). */
  cma?: { size: bigint; base: bigint; limit: bigint; raw: string };
  vmalloc?: bigint;
  movablecore?: CoreParam;
  kernelcore?: CoreParam;
  memblockDebug: boolean;
  /** arm64 rodata=: full (Debian default), on, off. */
  rodata?: string;
  /** initrd=start,size (arm/arm64 early_param). */
  initrd?: { start: bigint; size: bigint };
  /** swiotlb=<slabs>[,<areas>][,force|noforce] (kernel/dma/swiotlb.c setup_io_tlb_npages). */
  swiotlb?: { nslabs?: bigint; nareas?: bigint; force?: boolean; noforce?: boolean };
  /** Problems worth a finding (unparsable values). */
  problems: string[];
}

const U64 = (1n << 64n) - 1n;

/** simple_strtoull(s, &end, 0): returns the value and how many characters were consumed. */
export function strtoull(s: string, pos = 0): { value: bigint; end: number } {
  let i = pos;
  let base = 10n;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    base = 16n;
    i += 2;
  } else if (s[i] === '0') {
    base = 8n;
  }
  let v = 0n;
  const start = i;
  for (; i < s.length && i - start < 64; i++) {
    const c = s[i]!.toLowerCase();
    const d = c >= '0' && c <= '9' ? BigInt(c.charCodeAt(0) - 48) : c >= 'a' && c <= 'f' ? BigInt(c.charCodeAt(0) - 87) : 99n;
    if (d >= base) break;
    v = (v * base + d) & U64;
  }
  return { value: v, end: i };
}

/** memparse: a number with an optional K/M/G/T/P/E suffix. */
export function memparse(s: string, pos = 0): { value: bigint; end: number } {
  const r = strtoull(s, pos);
  let v = r.value;
  let end = r.end;
  const shifts: Record<string, bigint> = { e: 60n, p: 50n, t: 40n, g: 30n, m: 20n, k: 10n };
  const c = (s[end] ?? '').toLowerCase();
  if (c in shifts) {
    v = (v << shifts[c]!) & U64;
    end++;
  }
  return { value: v, end };
}

/** kernel/params.c next_arg: splits on unquoted whitespace; `name="a b"` keeps the spaces. */
export function splitCmdline(cmdline: string): { name: string; value?: string }[] {
  const out: { name: string; value?: string }[] = [];
  let i = 0;
  const n = cmdline.length;
  while (i < n && out.length < 4096) {
    while (i < n && /\s/.test(cmdline[i]!)) i++;
    if (i >= n) break;
    let inQuote = false;
    let j = i;
    let equals = -1;
    for (; j < n; j++) {
      const c = cmdline[j]!;
      if (/\s/.test(c) && !inQuote) break;
      if (equals < 0 && c === '=') equals = j - i;
      if (c === '"') inQuote = !inQuote;
    }
    let tok = cmdline.slice(i, j);
    i = j;
    // next_arg strips a leading quote of the whole token and the closing quote of the value
    if (tok.startsWith('"')) {
      tok = tok.slice(1);
      if (equals > 0) equals--;
    }
    let name = tok;
    let value: string | undefined;
    if (equals >= 0) {
      name = tok.slice(0, equals);
      value = tok.slice(equals + 1);
      if (value.startsWith('"')) value = value.slice(1);
      if (value.endsWith('"')) value = value.slice(0, -1);
    } else if (name.endsWith('"')) {
      name = name.slice(0, -1);
    }
    out.push(value === undefined ? { name } : { name, value });
  }
  return out;
}

function parseCore(v: string): CoreParam {
  if (v === 'mirror') return { mirror: true, raw: v };
  if (v.endsWith('%')) {
    const r = strtoull(v);
    return { percent: Number(r.value), raw: v };
  }
  return { bytes: memparse(v).value, raw: v };
}

export function parseBootArgs(cmdline: string): BootArgs {
  const args: BootArgs = { raw: cmdline, params: [], mem: [], memblockDebug: false, problems: [] };
  for (const p of splitCmdline(cmdline)) {
    if (p.name === '--' && p.value === undefined) break; // the rest goes to init
    args.params.push(p);
    const v = p.value;
    switch (p.name) {
      case 'mem': {
        if (v === undefined || v === '') { args.problems.push('mem= without a value'); break; }
        const r = memparse(v);
        let start: bigint | undefined;
        if (v[r.end] === '@') start = memparse(v, r.end + 1).value;
        args.mem.push(start === undefined ? { value: r.value, raw: v } : { value: r.value, raw: v, start });
        break;
      }
      case 'cma': {
        if (v === undefined) { args.problems.push('cma: Config string not provided'); break; }
        // early_cma: size[@base[-limit]]; limit defaults to base + size when a base is given
        const s = memparse(v);
        let base = 0n;
        let limit = 0n;
        if (v[s.end] === '@') {
          const b = memparse(v, s.end + 1);
          base = b.value;
          if (v[b.end] === '-') limit = memparse(v, b.end + 1).value;
          else limit = (base + s.value) & U64;
        }
        args.cma = { size: s.value, base, limit, raw: v };
        break;
      }
      case 'vmalloc':
        if (v !== undefined) args.vmalloc = memparse(v).value;
        break;
      case 'movablecore':
        if (v !== undefined) args.movablecore = parseCore(v);
        break;
      case 'kernelcore':
        if (v !== undefined) args.kernelcore = parseCore(v);
        break;
      case 'memblock':
        if (v === 'debug') args.memblockDebug = true;
        break;
      case 'rodata':
        if (v !== undefined) args.rodata = v;
        break;
      case 'swiotlb': {
        if (v === undefined) break;
        const sw: NonNullable<BootArgs['swiotlb']> = {};
        let pos = 0;
        if (/[0-9]/.test(v[pos] ?? '')) {
          const r = strtoull(v, pos);
          sw.nslabs = ((r.value + 127n) / 128n) * 128n; // ALIGN(.., IO_TLB_SEGSIZE)
          pos = r.end;
        }
        if (v[pos] === ',') pos++;
        if (/[0-9]/.test(v[pos] ?? '')) {
          const r = strtoull(v, pos);
          sw.nareas = r.value;
          pos = r.end;
        }
        if (v[pos] === ',') pos++;
        const rest = v.slice(pos);
        if (rest === 'force') sw.force = true;
        else if (rest === 'noforce') sw.noforce = true;
        args.swiotlb = sw;
        break;
      }
      case 'initrd': {
        // early_initrd: "start,size" (memparse both)
        if (v === undefined) break;
        const s = memparse(v);
        if (v[s.end] === ',') args.initrd = { start: s.value, size: memparse(v, s.end + 1).value };
        break;
      }
    }
  }
  return args;
}
