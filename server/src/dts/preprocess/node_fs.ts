// The FileSystem the CLI and the language server use: plain synchronous reads from disk.

import { readFileSync, statSync } from 'node:fs';
import type { FileSystem } from './include.js';

export const nodeFileSystem: FileSystem = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined; // missing, a directory, unreadable
    }
  },
  /** Inode, size and mtime in nanoseconds (what make and ninja trust), without reading. */
  version(path: string): string {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.isFile() ? 'f' : 'd'}` : '-';
  },
};
