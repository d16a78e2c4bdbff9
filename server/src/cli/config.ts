// `--config FILE.json` for the CLI: a project's dtmem settings in one file checked into the repo,
// so CI and developers run the same `dtmem check`. The file's values become command-line flags
// placed *before* the user's own, so explicit flags win (each parser keeps the last value) and
// relative paths (include, boards) are resolved against the config file's folder.
//
//   { "arch": "arm64", "bootargs": "cma=64M", "include": ["include"], "format": "sarif",
//     "jobs": 2, "info": false, "boards": ["arch/arm64/boot/dts/vendor/*.dts"] }
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DtmemConfig {
  arch?: 'auto' | 'arm' | 'arm-lpae' | 'arm64';
  bootargs?: string;
  /** Extra include directories (-I), relative to the config file. */
  include?: string[];
  /** check: output format. */
  format?: 'text' | 'json' | 'sarif';
  /** check: parallel workers. */
  jobs?: number;
  /** check: also print info/hint findings. */
  info?: boolean;
  /** check: boards or globs (relative to the config file) used when none is given. */
  boards?: string[];
}

export class ConfigError extends Error {}

const ARCHES = ['auto', 'arm', 'arm-lpae', 'arm64'];
const FORMATS = ['text', 'json', 'sarif'];
// Which keys each command understands; a key another command uses is ignored, an unknown key
// is an error (a typo in CI should fail loudly, not silently check with defaults).
const KEYS: Record<string, (keyof DtmemConfig)[]> = {
  check: ['arch', 'bootargs', 'include', 'format', 'jobs', 'info', 'boards'],
  simulate: ['arch', 'bootargs', 'include'],
  map: ['arch', 'bootargs', 'include'],
  flatten: ['include'],
  compare: ['arch', 'bootargs', 'include'],
};
const ALL_KEYS = new Set(Object.values(KEYS).flat());

/** Reads and validates a config file. Throws ConfigError with a message naming the file. */
export function loadConfig(file: string): DtmemConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${file}: expected a JSON object`);
  const c = raw as Record<string, unknown>;
  const bad = (k: string, want: string) => new ConfigError(`${file}: "${k}" must be ${want}`);
  for (const k of Object.keys(c)) if (!ALL_KEYS.has(k as keyof DtmemConfig) && k !== '$schema') throw new ConfigError(`${file}: unknown key "${k}"`);
  if (c.arch !== undefined && !ARCHES.includes(c.arch as string)) throw bad('arch', ARCHES.join('|'));
  if (c.bootargs !== undefined && typeof c.bootargs !== 'string') throw bad('bootargs', 'a string');
  if (c.format !== undefined && !FORMATS.includes(c.format as string)) throw bad('format', FORMATS.join('|'));
  if (c.jobs !== undefined && !(Number.isInteger(c.jobs) && (c.jobs as number) >= 1 && (c.jobs as number) <= 256)) throw bad('jobs', 'an integer from 1 to 256');
  if (c.info !== undefined && typeof c.info !== 'boolean') throw bad('info', 'true or false');
  for (const k of ['include', 'boards'] as const) {
    const v = c[k];
    if (v !== undefined && !(Array.isArray(v) && v.length <= 10_000 && v.every((x) => typeof x === 'string'))) throw bad(k, 'an array of strings');
  }
  return c as DtmemConfig;
}

/** The flags a config stands for, for one command (paths made absolute). */
export function configArgs(command: string, config: DtmemConfig, configFile: string): string[] {
  const dir = path.dirname(path.resolve(configFile));
  const keys = new Set(KEYS[command] ?? []);
  const out: string[] = [];
  // simulate and compare take no 'auto' (they pick the arch from the path themselves).
  const takesAuto = command === 'check' || command === 'map';
  if (keys.has('arch') && config.arch !== undefined && (takesAuto || config.arch !== 'auto')) out.push('--arch', config.arch);
  if (keys.has('bootargs') && config.bootargs !== undefined) out.push('--bootargs', config.bootargs);
  if (keys.has('include')) for (const d of config.include ?? []) out.push('-I', path.resolve(dir, d));
  if (keys.has('format') && config.format) out.push('--format', config.format);
  if (keys.has('jobs') && config.jobs) out.push('--jobs', String(config.jobs));
  if (keys.has('info') && config.info) out.push('--info');
  return out;
}

/** Config boards/globs for `check`, absolute (resolved against the config file's folder). */
export function configBoards(config: DtmemConfig, configFile: string): string[] {
  const dir = path.dirname(path.resolve(configFile));
  return (config.boards ?? []).map((b) => path.resolve(dir, b));
}

/**
 * Replaces `--config FILE` (or `--config=FILE`) in a command's arguments by the flags the file
 * stands for, placed first so the user's explicit flags override them. Also returns the config's
 * boards (check uses them when the command line names none). Throws ConfigError.
 */
export function expandConfig(command: string, args: string[]): { args: string[]; boards: string[] } {
  const rest: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--config') {
      file = args[++i];
      if (file === undefined) throw new ConfigError('--config needs a file');
    } else if (a.startsWith('--config=')) file = a.slice('--config='.length);
    else rest.push(a);
  }
  if (file === undefined) return { args: rest, boards: [] };
  const config = loadConfig(file);
  return { args: [...configArgs(command, config, file), ...rest], boards: command === 'check' ? configBoards(config, file) : [] };
}
