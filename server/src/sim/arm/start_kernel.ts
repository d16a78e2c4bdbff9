// The parts of start_kernel (init/main.c, Linux 6.1) between setup_arch and mm_init that take
// memblock memory on 32-bit arm and depend on the command line: print_unknown_bootoptions' buffer
// and setup_log_buf for log_buf_len=. (setup_command_line, percpu, the hash tables and mem_init
// are in setup_arch.ts, percpu.ts and mem_init.ts.)
import { ALLOC_ACCESSIBLE, NUMA_NO_NODE } from '../memblock.js';
import { memparse } from '../bootargs.js';
import type { BootContext } from '../types.js';
import type { ArmConsts } from './consts.js';

function log(ctx: BootContext, step: string, text: string): void {
  ctx.log.push({ step, text });
}

/** parse_args(unknown_bootoption) + print_unknown_bootoptions (init/main.c 6.1): parameters that
 * are neither __setup/early params nor module params (`.`) go to init (argv without `=`, envp
 * with); the list is printed from a memblock buffer of 1 + Σ(1 + strlen) bytes, freed at once.
 * Arguments after `--` are added to argv_init only afterwards, so they are not in it (boot-oracle
 * `foo bar=1 -- initarg`: 11 bytes, "foo bar=1"). */
export function unknownBootOptions(ctx: BootContext, c: ArmConsts): void {
  const known = new Set(ctx.profile.knownParams ?? []);
  const unknown = ctx.args.params.filter((x) => !known.has(x.name) && !x.name.includes('.'));
  const argv = unknown.filter((x) => x.value === undefined).map((x) => x.name);
  // envp_init: a repeated name replaces its earlier value in place; HOME and TERM replace the
  // defaults in envp_init[0..1], which are not printed
  const envp: { name: string; text: string }[] = [];
  for (const x of unknown) {
    if (x.value === undefined || x.name === 'HOME' || x.name === 'TERM') continue;
    const i = envp.findIndex((e) => e.name === x.name);
    if (i >= 0) envp[i] = { name: x.name, text: `${x.name}=${x.value}` };
    else envp.push({ name: x.name, text: `${x.name}=${x.value}` });
  }
  const all = [...argv, ...envp.map((e) => e.text)];
  if (!all.length) return;
  const len = BigInt(1 + all.reduce((a, u) => a + 1 + new TextEncoder().encode(u).length, 0));
  const buf = ctx.memblock.allocTryNid(len, 64n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, c.callers.unknownAlloc!, 'unknown boot options');
  log(ctx, 'start_kernel', `Unknown kernel command line parameters "${all.join(' ')}", will be passed to user space.`);
  if (buf) ctx.memblock.physFree(buf, len, c.callers.unknownFree!);
}

/** setup_log_buf(0) (kernel/printk/printk.c 6.1) for `log_buf_len=`: rounded up to a power of two,
 * used when above the static 128K buffer (CONFIG_LOG_BUF_SHIFT 17); text, descriptor (12 bytes)
 * and info (88 bytes) arrays for len >> PRB_AVGBITS (5) records, align 4 (boot-oracle logbuf:
 * log_buf_len=1M -> 1048576 + 393216 + 2883584 bytes). */
export function setupLogBuf(ctx: BootContext, c: ArmConsts): void {
  const v = ctx.args.params.filter((x) => x.name === 'log_buf_len' && x.value).pop()?.value;
  if (!v) return;
  let size = memparse(v).value;
  if (size > 1n << 31n) {
    size = 1n << 31n;
    log(ctx, 'setup_log_buf', 'printk: log_buf over 2G is not supported.');
  }
  if (size) {
    let p2 = 1n;
    while (p2 < size) p2 <<= 1n;
    size = p2;
  }
  if (size <= 1n << 17n) return;
  const count = size >> 5n;
  const alloc = (n: bigint, caller: string, what: string) => ctx.memblock.allocTryNid(n, 4n, 0n, ALLOC_ACCESSIBLE, NUMA_NO_NODE, caller, what);
  const buf = alloc(size, c.callers.logBuf0!, 'log_buf');
  if (!buf) {
    log(ctx, 'setup_log_buf', `printk: log_buf_len: ${size} text bytes not available`);
    return;
  }
  const descs = alloc(count * 12n, c.callers.logBuf1!, 'log_buf descriptors');
  if (!descs) {
    log(ctx, 'setup_log_buf', `printk: log_buf_len: ${count * 12n} desc bytes not available`);
    ctx.memblock.physFree(buf, size, 'setup_log_buf');
    return;
  }
  const infos = alloc(count * 88n, c.callers.logBuf2!, 'log_buf infos');
  if (!infos) {
    log(ctx, 'setup_log_buf', `printk: log_buf_len: ${count * 88n} info bytes not available`);
    ctx.memblock.physFree(descs, count * 12n, 'setup_log_buf');
    ctx.memblock.physFree(buf, size, 'setup_log_buf');
    return;
  }
  log(ctx, 'setup_log_buf', `printk: log_buf_len: ${size} bytes`);
}
