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
