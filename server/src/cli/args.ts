// Command-line pieces every dtmem command shares.
import path from 'node:path';

/** cpp's include option at args[i], as `-I dir` or `-Idir`: the resolved folder (undefined when
 * `-I` ends the command line) and the index of the last argument it used. undefined when args[i]
 * is not an include option. */
export function includeDirArg(args: string[], i: number): { dir?: string; last: number } | undefined {
  const a = args[i];
  if (a === '-I') return { dir: args[i + 1] ? path.resolve(args[i + 1]!) : undefined, last: i + 1 };
  if (a?.startsWith('-I') && a.length > 2) return { dir: path.resolve(a.slice(2)), last: i };
  return undefined;
}

/** A bad command line: the command prints `dtmem <command>: <message>` and its usage (exit 2). */
export class UsageError extends Error {}

/** Walks one command's arguments: options take their value as `--opt v` or `--opt=v`, cpp's
 * include option as `-I dir` or `-Idir`. A missing value is a UsageError. */
export class Argv {
  private i = -1;
  /** The current argument (after next()). */
  arg = '';
  constructor(private readonly args: readonly string[]) {}

  /** Moves to the next argument; false at the end. */
  next(): boolean {
    if (++this.i >= this.args.length) return false;
    this.arg = this.args[this.i]!;
    return true;
  }

  /** The value when the current argument is option `name`, else undefined. */
  value(name: string): string | undefined {
    if (this.arg === name) {
      const v = this.args[++this.i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    }
    return this.arg.startsWith(`${name}=`) ? this.arg.slice(name.length + 1) : undefined;
  }

  /** The resolved folder when the current argument is cpp's -I, else undefined. */
  includeDir(): string | undefined {
    const inc = includeDirArg(this.args as string[], this.i);
    if (!inc) return undefined;
    if (!inc.dir) throw new UsageError('-I needs a folder');
    this.i = inc.last;
    return inc.dir;
  }
}

/** The `--arch` values of the commands that also take `auto` (check, map). */
export function archOrAuto(v: string): 'auto' | 'arm' | 'arm-lpae' | 'arm64' {
  if (v !== 'auto' && v !== 'arm' && v !== 'arm-lpae' && v !== 'arm64') throw new UsageError(`unknown arch '${v}'`);
  return v;
}
