// The FileSystem the CLI and the language server use: plain synchronous reads from disk.

import { readFileSync } from 'node:fs';
import type { FileSystem } from './include.js';

export const nodeFileSystem: FileSystem = {
  readFile(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined; // missing, a directory, unreadable
    }
  },
};
