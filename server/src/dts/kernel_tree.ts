// Finds the Linux source tree a board file lives in and reproduces kbuild's include setup for it
// (scripts/Makefile.lib, cmd_dtc): cpp gets `-I scripts/dtc/include-prefixes` and dtc gets
// `-i $(dirname board) -i scripts/dtc/include-prefixes`. That folder is a set of symlinks
// (`arm64` -> arch/arm64/boot/dts, `dt-bindings` -> include/dt-bindings, ...); trees copied
// without symlinks (like the shared corpus) lack it, so the mapping is derived from the tree's
// own layout and handed to the preprocessor as a virtual directory (prefixMap at prefixDir).

import { readdirSync, statSync } from 'node:fs';
import { dirname, joinPath } from './preprocess/paths.js';

export interface KbuildIncludeSetup {
  /** The tree root (has arch/<arch>/boot/dts and include/dt-bindings). */
  root: string;
  /** cpp -I dirs: just the include-prefixes dir, as kbuild. */
  includeDirs: string[];
  /** The (possibly virtual) include-prefixes dir. */
  prefixDir: string;
  /** prefix -> real directory. */
  prefixMap: Record<string, string>;
  /** dtc -i dirs: the board's directory, then the include-prefixes dir. */
  dtcIncludeDirs: string[];
}

export interface DirProbe {
  isDir(path: string): boolean;
  list(path: string): string[];
}

export const nodeDirProbe: DirProbe = {
  isDir(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  list(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
};

/** The archs of a tree that have devicetrees (arch/<a>/boot/dts). */
function dtsArchs(root: string, probe: DirProbe): string[] {
  return probe.list(joinPath(root, 'arch')).filter((a) => probe.isDir(joinPath(root, `arch/${a}/boot/dts`))).sort();
}

/** Walks up from `path` to the first folder that looks like a Linux tree. */
export function findKernelTree(path: string, probe: DirProbe = nodeDirProbe): string | undefined {
  let dir = dirname(joinPath('/', path));
  for (let i = 0; i < 64; i++) {
    if (probe.isDir(joinPath(dir, 'include/dt-bindings')) && probe.isDir(joinPath(dir, 'arch')) && dtsArchs(dir, probe).length > 0) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** kbuild's cpp and dtc include options for a board (or any .dts/.dtsi) inside a Linux tree. */
export function kbuildIncludeSetup(boardPath: string, probe: DirProbe = nodeDirProbe): KbuildIncludeSetup | undefined {
  const board = joinPath('/', boardPath);
  const root = findKernelTree(board, probe);
  if (!root) return undefined;
  const prefixDir = joinPath(root, 'scripts/dtc/include-prefixes');
  const prefixMap: Record<string, string> = {};
  for (const a of dtsArchs(root, probe)) prefixMap[a] = joinPath(root, `arch/${a}/boot/dts`);
  prefixMap['dt-bindings'] = joinPath(root, 'include/dt-bindings');
  return { root, includeDirs: [prefixDir], prefixDir, prefixMap, dtcIncludeDirs: [dirname(board), prefixDir] };
}
