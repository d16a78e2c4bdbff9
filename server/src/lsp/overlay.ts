// The file system the analyses read through: open documents' current text (unsaved edits
// included) in front of the disk. Each analysis opens a session that records which open
// documents it read and at which version, for the stale-result check.
import { nodeFileSystem, type FileSystem } from '../dts/preprocess/index.js';

export interface OpenDoc { text: string; version: number }

export interface OverlaySession extends FileSystem {
  versions: Map<string, number>;
}

export class OverlayFs {
  constructor(private readonly open: (path: string) => OpenDoc | undefined, private readonly disk: FileSystem = nodeFileSystem) {}

  session(): OverlaySession {
    const versions = new Map<string, number>();
    return {
      versions,
      readFile: (p: string) => {
        const d = this.open(p);
        if (d) {
          versions.set(p, d.version);
          return d.text;
        }
        return this.disk.readFile(p);
      },
      // The disk's token (inode, size, mtime) or an open document's version: a resumed
      // analysis need not read those files again (and still records the versions it used).
      ...(this.disk.version ? {
        version: (p: string) => {
          const d = this.open(p);
          if (!d) return this.disk.version!(p);
          versions.set(p, d.version);
          return `doc:${d.version}`;
        },
      } : {}),
    };
  }
}
