// `dtmem simulate BOARD.dts|BOARD.dtb --arch arm|arm-lpae|arm64 [--bootargs "..."] [--json]
// [--trace] [-I dir]`: simulates the boot of a Debian 6.1 kernel up to mem_init with the board's
// devicetree and prints what the kernel would log about memory (reserved-memory, CMA, zones, the
// Memory: line), the memblock=debug trace with --trace, or the whole SimResult with --json.

import path from 'node:path';

import { simResultToJson } from '../sim/json.js';
import type { Arch } from '../sim/profile.js';
import { simulate } from '../sim/simulate.js';
import { memparse } from '../sim/bootargs.js';
import type { SimResult } from '../sim/types.js';
import { formatFinding } from './flatten.js';
import { loadBoard } from './load_board.js';
import { detectArch } from '../analyze.js';
import { formatSimLogText } from '../sim/log_format.js';
import { Argv, UsageError } from './args.js';

const usage = 'usage: dtmem simulate BOARD.dts|BOARD.dtb --arch arm|arm-lpae|arm64 [--bootargs "..."] [--mem BASE:SIZE]... [--json|--format text|json|log] [--memblock-debug] [--trace] [-I dir]...\n';
const ARCHES: Arch[] = ['arm', 'arm-lpae', 'arm64'];

export function formatText(r: SimResult, trace: boolean): string {
  const out: string[] = [];
  out.push(`# dtmem simulate: ${r.arch}, Linux ${r.profile.kernelVersion} (Debian) profile`);
  out.push(`Kernel command line: ${r.commandLine}`);
  if (trace) for (const e of r.memblockEvents) out.push(...e.lines);
  for (const l of r.log) out.push(...l.text.split('\n'));
  const dump = r.steps.find((s) => s.step === 'bootmem_init' || s.step === 'arm_memblock_init') ?? r.steps[r.steps.length - 1];
  if (dump) {
    out.push(`MEMBLOCK configuration (after ${dump.step}):`);
    const pa = (v: bigint) => '0x' + v.toString(16).padStart(r.profile.physAddrBits === 32 ? 8 : 16, '0');
    dump.memory.forEach((m, i) => out.push(` memory[${i}]\t[${pa(m.base)}-${pa(m.base + m.size - 1n)}], ${pa(m.size)} bytes flags: 0x${m.flags.toString(16)}`));
    dump.reserved.forEach((m, i) => out.push(` reserved[${i}]\t[${pa(m.base)}-${pa(m.base + m.size - 1n)}], ${pa(m.size)} bytes flags: 0x${m.flags.toString(16)}${m.owners.length ? `  (${m.owners.join(', ')})` : ''}`));
  }
  return out.join('\n') + '\n';
}

export async function run(args: string[]): Promise<number> {
  let board: string | undefined;
  let arch: Arch | undefined;
  let bootargs: string | undefined;
  let json = false;
  let trace = false;
  let log = false;
  let memblockDebug = false;
  const dirs: string[] = [];
  const memory: { base: bigint; size: bigint }[] = [];
  const parseMem = (v: string): boolean => {
    const m = /^(0x[0-9a-f]+|\d+):(\S+)$/i.exec(v);
    if (!m) return false;
    const size = memparse(m[2]!);
    if (size.end !== m[2]!.length) return false;
    memory.push({ base: BigInt(m[1]!), size: size.value });
    return true;
  };
  const argv = new Argv(args);
  try {
    while (argv.next()) {
      const a = argv.arg;
      let v: string | undefined;
      if ((v = argv.value('--arch')) !== undefined) arch = v as Arch;
      else if ((v = argv.value('--bootargs')) !== undefined) bootargs = v;
      else if ((v = argv.value('--mem')) !== undefined) {
        if (!parseMem(v)) throw new UsageError('--mem wants BASE:SIZE (e.g. 0x80000000:2G)');
      } else if (a === '--json') json = true;
      else if ((v = argv.value('--format')) !== undefined) {
        if (v !== 'text' && v !== 'json' && v !== 'log') throw new UsageError('--format wants text, json or log');
        json = v === 'json';
        log = v === 'log';
      } else if (a === '--memblock-debug') { trace = true; memblockDebug = true; }
      else if (a === '--trace') trace = true;
      else if ((v = argv.includeDir()) !== undefined) dirs.push(v);
      else if (a === '-h' || a === '--help') { process.stdout.write(usage); return 0; }
      else if (a.startsWith('-') || board) throw new UsageError(`unexpected argument '${a}'`);
      else board = path.resolve(a);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`dtmem simulate: ${e.message}\n${usage}`);
    return 2;
  }
  if (!board) { process.stderr.write(usage); return 2; }
  if (arch && !ARCHES.includes(arch)) { process.stderr.write(`dtmem simulate: unknown arch '${arch}'\n${usage}`); return 2; }
  const loaded = loadBoard(board, dirs);
  for (const f of loaded.findings) process.stderr.write(formatFinding(f) + '\n');
  if (!loaded.tree) return 2;
  arch ??= detectArch(board, loaded.tree);
  if (!arch) { process.stderr.write(`dtmem simulate: no kernel profile for this board (riscv is not modelled); pass --arch\n`); return 2; }
  const r = simulate(loaded.tree, { arch, trace, ...(memory.length ? { memory } : {}), ...(bootargs !== undefined ? { bootargs } : {}), ...(loaded.dtbSize !== undefined ? { dtbSize: loaded.dtbSize } : {}) });
  for (const f of r.findings) process.stderr.write(formatFinding(f) + '\n');
  if (log) process.stdout.write(formatSimLogText(r, { memblockDebug }));
  else process.stdout.write(json ? JSON.stringify(simResultToJson(r), null, 1) + '\n' : formatText(r, trace));
  return [...loaded.findings, ...r.findings].some((f) => f.severity === 'error') ? 1 : 0;
}
