// Include-file lookup as cpp and dtc do it in kbuild. cpp: `"x"` searches the including file's
// directory, then the -I dirs; `<x>` only the -I dirs (-nostdinc: no system dirs). dtc's
// `/include/ "x"` searches the directory of the file dtc is reading, then its -i dirs. kbuild's
// -I/-i dir is scripts/dtc/include-prefixes, a folder of symlinks (`dt-bindings` ->
// include/dt-bindings, `arm64` -> arch/arm64/boot/dts, ...); when it is absent (the corpus ships
// without it) `prefixMap` stands in for it at the position of `prefixDir` in the search list.

import { dirname, joinPath } from './paths.js';

export interface FileSystem {
  /** Absolute path -> content; undefined when missing (or a directory). */
  readFile(path: string): string | undefined;
  /** Optional: a token that changes whenever the file's content (or existence) does, e.g. its
   * mtime and size. A resumed preprocessor run then checks the files read before its checkpoint
   * by token instead of reading them again. */
  version?(path: string): string;
}

export interface SearchPath {
  dirs: string[];
  prefixMap?: Record<string, string>;
  /** The virtual directory that `prefixMap` implements (kbuild's include-prefixes dir). */
  prefixDir?: string;
}

/** Candidate paths for `name` in one search dir, the prefix map first when it is that dir. */
function candidates(dir: string, name: string, sp: SearchPath): string[] {
  const out: string[] = [];
  if (sp.prefixMap && dir === sp.prefixDir) {
    const slash = name.indexOf('/');
    const head = slash < 0 ? name : name.slice(0, slash);
    const target = sp.prefixMap[head];
    if (target !== undefined) out.push(slash < 0 ? target : joinPath(target, name.slice(slash + 1)));
  }
  out.push(joinPath(dir, name));
  return out;
}

/** Files larger than this are read as empty and reported (preprocess's `file-too-large`): the
 * largest .dts/.dtsi/.h of Linux 6.12 is 248 KB (tegra124-nyan-big-emc.dtsi), and lexing and
 * parsing a multi-megabyte file would stall the editor for seconds and hold ~27 bytes of tokens
 * per source char. */
export const MAX_FILE_CHARS = 2 * 1024 * 1024;

export class FileReader {
  private cache = new Map<string, string | undefined>();
  /** Files read as empty because they exceed MAX_FILE_CHARS, with their real size. */
  readonly tooLarge = new Map<string, number>();
  constructor(private fs: FileSystem) {}

  /** Every path read from the file system, in order, with what it held (undefined: missing):
   * a resumed run (resume.ts) re-checks those read before its checkpoint. A file over the size
   * limit is not kept (`big`): it never compares equal, so no run resumes past it. */
  readonly log: { path: string; raw: string | undefined; big?: boolean; ver?: string }[] = [];

  read(path: string): string | undefined {
    if (this.cache.has(path)) return this.cache.get(path);
    // The token is taken before the read: a change in between shows as a new token next time.
    const ver = fileVersion(this.fs, path);
    return this.seed(path, readRaw(this.fs, path), ver);
  }

  /** Takes `raw` as the content of `path` (read and checked by the caller), as read() would. */
  seed(path: string, raw: string | undefined, ver?: string): string | undefined {
    let text = raw;
    if (text !== undefined && text.length > MAX_FILE_CHARS) {
      this.log.push({ path, raw: undefined, big: true });
      this.tooLarge.set(path, text.length);
      text = '';
    } else this.log.push(ver === undefined ? { path, raw } : { path, raw, ver });
    this.cache.set(path, text);
    return text;
  }

  private found = new WeakMap<SearchPath, Map<string, { path: string; text: string } | undefined>>();

  /** Searches `name` in `firstDir` (when given) and then in the search path. */
  find(name: string, firstDir: string | undefined, sp: SearchPath): { path: string; text: string } | undefined {
    let memo = this.found.get(sp);
    if (!memo) this.found.set(sp, (memo = new Map()));
    const key = `${firstDir ?? ''}\0${name}`;
    if (memo.has(key)) return memo.get(key);
    const r = this.search(name, firstDir, sp);
    memo.set(key, r);
    return r;
  }

  private search(name: string, firstDir: string | undefined, sp: SearchPath): { path: string; text: string } | undefined {
    if (name.startsWith('/')) {
      const p = joinPath('/', name);
      const t = this.read(p);
      return t === undefined ? undefined : { path: p, text: t };
    }
    const dirs = firstDir !== undefined ? [firstDir, ...sp.dirs] : sp.dirs;
    for (const d of dirs) {
      for (const p of candidates(d, name, sp)) {
        const t = this.read(p);
        if (t !== undefined) return { path: p, text: t };
      }
    }
    if (sp.prefixMap && (sp.prefixDir === undefined || !sp.dirs.includes(sp.prefixDir))) {
      for (const p of candidates(sp.prefixDir ?? '', name, { ...sp, prefixDir: sp.prefixDir ?? '' }).slice(0, 1)) {
        const t = this.read(p);
        if (t !== undefined) return { path: p, text: t };
      }
    }
    return undefined;
  }
}

/** fs.version(path), undefined when the file system has none (or it throws). */
export function fileVersion(fs: FileSystem, path: string): string | undefined {
  try {
    return fs.version?.(path);
  } catch {
    return undefined;
  }
}

/** One read through `fs`; a throwing file system reads as a missing file. */
export function readRaw(fs: FileSystem, path: string): string | undefined {
  try {
    return fs.readFile(path);
  } catch {
    return undefined;
  }
}

export { dirname };
