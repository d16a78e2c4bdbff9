// Zero-configuration include setup for a Linux kernel tree. kbuild compiles a board with
//   cpp -nostdinc -I scripts/dtc/include-prefixes -undef -D__DTS__ -x assembler-with-cpp
//   dtc -i $(dirname board) -i scripts/dtc/include-prefixes
// (scripts/Makefile.lib, dtc_cpp_flags / DTC_FLAGS). A tree is recognised by its arch/*/boot/dts
// and include/dt-bindings folders; when scripts/dtc/include-prefixes is missing (trimmed trees,
// the shared corpus) the same prefix -> folder mapping is derived from arch/*/boot/dts.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface KernelTree {
  root: string;
  /** `dt-bindings` -> include/dt-bindings, `arm64` -> arch/arm64/boot/dts, ... */
  prefixMap: Record<string, string>;
  /** The include-prefixes folder when it exists (then cpp uses it directly). */
  prefixDir: string;
}

const cache = new Map<string, KernelTree | null>();

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function probe(dir: string): KernelTree | null {
  if (!isDir(path.join(dir, 'include', 'dt-bindings')) || !isDir(path.join(dir, 'arch'))) return null;
  const prefixMap: Record<string, string> = { 'dt-bindings': path.join(dir, 'include', 'dt-bindings') };
  let archs: string[];
  try {
    archs = readdirSync(path.join(dir, 'arch'));
  } catch {
    return null;
  }
  for (const a of archs.slice(0, 64)) {
    const dts = path.join(dir, 'arch', a, 'boot', 'dts');
    if (isDir(dts)) prefixMap[a] = dts;
  }
  if (Object.keys(prefixMap).length < 2) return null;
  return { root: dir, prefixMap, prefixDir: path.join(dir, 'scripts', 'dtc', 'include-prefixes') };
}

/** The kernel tree containing `file`, searching at most 12 parent folders. */
export function findKernelTree(file: string): KernelTree | undefined {
  let dir = path.dirname(file);
  const seen: string[] = [];
  for (let i = 0; i < 12; i++) {
    const hit = cache.get(dir);
    if (hit !== undefined) {
      for (const s of seen) cache.set(s, hit);
      return hit ?? undefined;
    }
    seen.push(dir);
    const t = probe(dir);
    if (t) {
      for (const s of seen) cache.set(s, t);
      return t;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const s of seen) cache.set(s, null);
  return undefined;
}

export interface IncludeSetup {
  includeDirs: string[];
  dtcIncludeDirs: string[];
  prefixMap?: Record<string, string>;
  prefixDir?: string;
  kernel?: KernelTree;
}

/** cpp/dtc search paths for a board: kbuild's when it is inside a kernel tree, then the user's
 * `dtmem.includePaths` (relative ones against the workspace folder). */
export function includeSetup(board: string, extra: string[], folder: string | undefined): IncludeSetup {
  const user = extra.map((p) => (path.isAbsolute(p) ? p : path.resolve(folder ?? path.dirname(board), p)));
  const kernel = findKernelTree(board);
  if (!kernel) return { includeDirs: [...user], dtcIncludeDirs: [path.dirname(board), ...user] };
  const real = existsSync(kernel.prefixDir);
  return {
    includeDirs: [kernel.prefixDir, ...user],
    dtcIncludeDirs: [path.dirname(board), kernel.prefixDir, ...user],
    ...(real ? {} : { prefixMap: kernel.prefixMap, prefixDir: kernel.prefixDir }),
    kernel,
  };
}

/** Arch from the path (arch/arm64/..., arch/arm/...); undefined when the path says nothing. */
export function archFromPath(file: string): 'arm' | 'arm64' | undefined {
  const m = /\/arch\/(arm64|arm)\//.exec(file);
  return m ? (m[1] as 'arm' | 'arm64') : undefined;
}
