// `dtmem compare BOARD.dts BOOT.LOG [--arch arm|arm-lpae|arm64] [--bootargs "..."]
// [--format text|json] [--no-memblock] [-I dir]...`: reads a real boot log (dmesg or serial),
// simulates the board with the log's own `Kernel command line:` (unless --bootargs is given) and
// prints, fact by fact, where the simulated kernel and the real one agree. Exit 0 when every fact
// agrees, 1 when any differs or is on one side only, 2 on usage or I/O errors.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { nodePath } from '../dts/tree.js';
import { compareSimWithLog, type Comparison, type FactRow } from '../log/compare.js';
import type { BootLogFacts } from '../log/facts.js';
import { parseBootLog } from '../log/parse.js';
import type { Arch } from '../sim/profile.js';
import { simulate } from '../sim/simulate.js';
import { formatFinding } from './flatten.js';
import { loadBoard } from './load_board.js';
import { Argv, UsageError } from './args.js';

const usage = 'usage: dtmem compare BOARD.dts|BOARD.dtb BOOT.LOG [--arch arm|arm-lpae|arm64] [--bootargs "..."] [--format text|json] [--no-memblock] [-I dir]...\n';
const ARCHES: Arch[] = ['arm', 'arm-lpae', 'arm64'];
/** Boot logs are a few MB at most; refuse anything absurd rather than hang. */
const MAX_LOG_BYTES = 256 << 20;

/** The kernel profile the log's kernel belongs to (Debian flavours: arm64, armmp, armmp-lpae). */
export function archOfLog(log: BootLogFacts): Arch | undefined {
  const rel = log.kernelRelease ?? '';
  if (/arm64|aarch64/.test(rel)) return 'arm64';
  if (/lpae/.test(rel)) return 'arm-lpae';
  if (/armmp|armv7|arm/.test(rel)) return 'arm';
  if (log.zones?.has('DMA32')) return 'arm64';
  return undefined;
}

const LABEL: Record<FactRow['verdict'], string> = { agree: 'agree', differ: 'DIFFER', 'only-in-log': 'LOG ONLY', 'only-in-sim': 'SIM ONLY' };

export function formatComparisonText(c: Comparison, head: string[]): string {
  const out = [...head.map((h) => `# ${h}`)];
  const w = Math.min(40, Math.max(4, ...c.rows.map((r) => r.fact.length)));
  out.push(`${'FACT'.padEnd(w)}  ${'RESULT'.padEnd(8)}  SIMULATION${' '.repeat(32)}LOG`);
  for (const r of c.rows) {
    const mark = r.profileDerived ? ' (profile)' : '';
    if (r.verdict === 'agree') out.push(`${r.fact.padEnd(w)}  ${'agree'.padEnd(8)}  ${r.expected}${mark}`);
    else out.push(`${r.fact.padEnd(w)}  ${LABEL[r.verdict].padEnd(8)}  ${(r.expected ?? '-').padEnd(41)} ${r.seen ?? '-'}${mark}`);
  }
  const k = c.counts;
  out.push(`# ${c.rows.length} facts: ${k.agree} agree, ${k.differ} differ, ${k['only-in-log']} only in log, ${k['only-in-sim']} only in simulation`);
  return out.join('\n') + '\n';
}

export function comparisonJson(c: Comparison, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    ...extra,
    agree: c.agree,
    counts: c.counts,
    rows: c.rows.map((r) => {
      const o: Record<string, unknown> = { fact: r.fact, verdict: r.verdict };
      if (r.expected !== undefined) o.expected = r.expected;
      if (r.seen !== undefined) o.seen = r.seen;
      if (r.node) o.node = nodePath(r.node);
      if (r.profileDerived) o.profile_derived = true;
      return o;
    }),
  };
}

export async function run(args: string[]): Promise<number> {
  const files: string[] = [];
  let arch: Arch | undefined;
  let bootargs: string | undefined;
  let format = 'text';
  let memblock = true;
  const dirs: string[] = [];
  const argv = new Argv(args);
  try {
    while (argv.next()) {
      const a = argv.arg;
      let v: string | undefined;
      if ((v = argv.value('--arch')) !== undefined) arch = v as Arch;
      else if ((v = argv.value('--bootargs')) !== undefined) bootargs = v;
      else if ((v = argv.value('--format')) !== undefined) format = v;
      else if (a === '--json') format = 'json';
      else if (a === '--no-memblock') memblock = false;
      else if ((v = argv.includeDir()) !== undefined) dirs.push(v);
      else if (a === '-h' || a === '--help') { process.stdout.write(usage); return 0; }
      else if (a.startsWith('-') || files.length === 2) throw new UsageError(`unexpected argument '${a}'`);
      else files.push(path.resolve(a));
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`dtmem compare: ${e.message}\n${usage}`);
    return 2;
  }
  if (files.length !== 2 || (format !== 'text' && format !== 'json')) { process.stderr.write(usage); return 2; }
  const [board, logFile] = files as [string, string];
  let logText: string;
  try {
    const buf = readFileSync(logFile);
    if (buf.length > MAX_LOG_BYTES) throw new Error(`larger than ${MAX_LOG_BYTES >> 20} MiB`);
    logText = buf.toString('utf8');
  } catch (e) {
    process.stderr.write(`dtmem compare: ${logFile}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const log = parseBootLog(logText);
  const notes: string[] = [];
  if (!log.linuxVersion && !log.zones && !log.memoryLine && !log.reservedMem.messages.length) {
    notes.push('the log states no memory facts (is it a Linux boot log? a serial console shows these KERN_INFO lines only with loglevel=7 or more; dmesg has them all)');
  }
  if (!arch) {
    arch = archOfLog(log) ?? (/arm64|aarch64/.test(board) ? 'arm64' : 'arm');
    notes.push(`profile ${arch} (${log.kernelRelease ? `from the log's kernel ${log.kernelRelease}` : 'guessed; pass --arch'})`);
  }
  if (!ARCHES.includes(arch)) { process.stderr.write(`dtmem compare: unknown arch '${arch}'\n${usage}`); return 2; }
  const cmdline = bootargs ?? log.commandLine ?? undefined;
  if (bootargs !== undefined) notes.push(`simulated with --bootargs: ${bootargs}`);
  else if (log.commandLine !== null) notes.push(`simulated with the log's command line: ${log.commandLine}`);
  else notes.push('the log has no "Kernel command line:"; simulated with /chosen/bootargs');
  const loaded = loadBoard(board, dirs);
  for (const f of loaded.findings) process.stderr.write(formatFinding(f) + '\n');
  if (!loaded.tree) return 2;
  // trace: record the memblock=debug lines even when --bootargs drops memblock=debug, so a log that
  // has them can still be compared event by event.
  const sim = simulate(loaded.tree, { arch, trace: true, ...(cmdline !== undefined ? { bootargs: cmdline } : {}), ...(loaded.dtbSize !== undefined ? { dtbSize: loaded.dtbSize } : {}) });
  for (const f of sim.findings.filter((x) => x.severity === 'error')) process.stderr.write(formatFinding(f) + '\n');
  if (log.kernelRelease && !log.kernelRelease.startsWith(`${sim.profile.kernelVersion}.`)) {
    notes.push(`the log's kernel is ${log.kernelRelease}; the profile models Linux ${sim.profile.kernelVersion}: build constants (image sizes, memblock callers) will differ`);
  }
  const c = compareSimWithLog(sim, log, { memblock });
  if (format === 'json') {
    const info = { linux_version: log.linuxVersion, panic: log.panic, warnings: log.warnings };
    process.stdout.write(JSON.stringify(comparisonJson(c, { board, log: logFile, arch, command_line: cmdline ?? null, notes, log_info: info }), null, 1) + '\n');
  } else {
    const head = [`dtmem compare: ${path.basename(board)} vs ${path.basename(logFile)}${log.linuxVersion ? ` (${log.kernelRelease})` : ''}`, ...notes];
    process.stdout.write(formatComparisonText(c, head));
  }
  return c.agree ? 0 : 1;
}
