// `dtmem/compareLog` (the "Compare with Boot Log…" command): `dtmem compare` inside the language
// server. The board of the document is analysed through the overlay fs (unsaved edits count) with
// the log's own `Kernel command line:` and, unless dtmem.arch names a profile, the log's kernel
// flavour (archOfLog), exactly as the CLI does; the fact table is the CLI's text and the
// disagreements become diagnostics on the /reserved-memory nodes concerned (source `dtmem
// compare`), those about no node on the document asked about. Never throws: errors are answered.
import path from 'node:path';
import { comparisonFindings, compareSimWithLog } from '../log/compare.js';
import { parseBootLog } from '../log/parse.js';
import { archOfLog, formatComparisonText } from '../cli/compare.js';
import type { CompareLogParams, CompareLogResult } from '../protocol.js';
import { analyze } from './analysis.js';
import { pathToUri, toDiagnostic, uriToPath } from './convert.js';
import type { OverlayFs } from './overlay.js';
import type { Settings } from './settings.js';

/** A few MB is a long dmesg; refuse absurd payloads rather than stall the server. */
const MAX_LOG_CHARS = 64 << 20;
const MAX_DIAGNOSTICS = 2000;

export interface CompareLogEnv {
  fs: OverlayFs;
  /** The board (entry) a document is analysed through. */
  contextOf(file: string): string;
  folderOf(board: string): string | undefined;
  settings(board: string, folder: string | undefined): Promise<Settings>;
  /** After the one-off analysis (the server gives back what it left cached: retention.ts). */
  analysed?(board: string): void;
}

const EMPTY_COUNTS = { agree: 0, differ: 0, 'only-in-log': 0, 'only-in-sim': 0 };

function failure(error: string): CompareLogResult {
  return { agree: false, counts: { ...EMPTY_COUNTS }, report: `# dtmem compare: ${error}\n`, diagnostics: {}, error };
}

export async function compareLog(p: CompareLogParams, env: CompareLogEnv): Promise<CompareLogResult> {
  try {
    if (typeof p.logText !== 'string' || typeof p.uri !== 'string') return failure('bad request (uri and logText are required)');
    if (p.logText.length > MAX_LOG_CHARS) return failure(`the log is larger than ${MAX_LOG_CHARS >> 20} M characters`);
    const file = uriToPath(p.uri);
    const board = env.contextOf(file);
    const folder = env.folderOf(board);
    const settings = await env.settings(board, folder);
    const log = parseBootLog(p.logText);
    const notes: string[] = [];
    if (!log.linuxVersion && !log.zones && !log.memoryLine && !log.reservedMem.messages.length) {
      notes.push('the log states no memory facts (is it a Linux boot log? a serial console shows these KERN_INFO lines only with loglevel=7 or more; dmesg has them all)');
    }
    const explicit = settings.arch === 'arm' || settings.arch === 'arm-lpae' || settings.arch === 'arm64';
    const arch = explicit ? undefined : archOfLog(log);
    if (explicit) notes.push(`profile ${settings.arch} (dtmem.arch)`);
    else if (arch) notes.push(`profile ${arch} (from the log's kernel ${log.kernelRelease ?? ''})`.replace(' )', ')'));
    else notes.push('profile detected from the board (the log does not name its kernel flavour; set dtmem.arch)');
    if (log.commandLine !== null) notes.push(`simulated with the log's command line: ${log.commandLine}`);
    else notes.push('the log has no "Kernel command line:"; simulated with the dtmem.bootargs setting or /chosen/bootargs');
    const whatIf = { ...(arch ? { arch } : {}), ...(log.commandLine !== null ? { bootargs: log.commandLine } : {}) };
    const a = analyze({ board, full: true, fs: env.fs, settings, folder, whatIf });
    env.analysed?.(board);
    if (!a.sim) {
      const errors = a.findings.filter((f) => f.severity === 'error').length;
      return failure(errors ? `${path.basename(board)} has ${errors} error(s) the kernel would never see past; fix them first` : `${path.basename(board)}: the ${a.arch} boot is not simulated`);
    }
    if (log.kernelRelease && !log.kernelRelease.startsWith(`${a.sim.profile.kernelVersion}.`)) {
      notes.push(`the log's kernel is ${log.kernelRelease}; the profile models Linux ${a.sim.profile.kernelVersion}: build constants (image sizes, memblock callers) will differ`);
    }
    const c = compareSimWithLog(a.sim, log);
    const head = [`dtmem compare: ${path.basename(board)} vs boot log${log.linuxVersion ? ` (${log.kernelRelease})` : ''}`, ...notes];
    const diagnostics: CompareLogResult['diagnostics'] = {};
    for (const f of comparisonFindings(c).slice(0, MAX_DIAGNOSTICS)) {
      const d = toDiagnostic(f, []);
      const where = f.range ? pathToUri(f.range.file) : p.uri;
      (diagnostics[where] ??= []).push({ range: d.range, severity: d.severity ?? 2, code: f.code, source: 'dtmem compare', message: d.message });
    }
    return { agree: c.agree, counts: { ...c.counts }, report: formatComparisonText(c, head), diagnostics };
  } catch (e) {
    return failure(`internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
