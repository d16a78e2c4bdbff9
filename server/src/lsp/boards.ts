// Which board to analyse a .dtsi through: the .dts files that include it, directly or through
// other .dtsi files, found by scanning the include lines of the workspace's devicetree files
// (in a kernel tree: the arch/*/boot/dts folders). The scan is bounded (file count, depth) and
// cached per file; saving or changing a file rescans only that file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { KbuildIncludeSetup as KernelTree } from '../dts/kernel_tree.js';

const MAX_FILES = 30000;
const MAX_DEPTH = 6;
const INCLUDE_RE = /^[ \t]*(?:#[ \t]*include|\/include\/)[ \t]*["<]([^">\n]+)[">]/gm;

interface Entry { mtime: number; includes: string[] }

export class BoardIndex {
  private files = new Map<string, Entry>();
  private roots = new Map<string, string[]>();

  /** Lists devicetree files under `root` (cached; skips dot folders and node_modules). */
  private list(root: string): string[] {
    let out = this.roots.get(root);
    if (out) return out;
    out = [];
    const stack = [root];
    while (stack.length && out.length < MAX_FILES) {
      const dir = stack.pop()!;
      let names: import('node:fs').Dirent[];
      try {
        names = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const d of names) {
        if (d.name.startsWith('.') || d.name === 'node_modules') continue;
        const p = path.join(dir, d.name);
        if (d.isDirectory()) stack.push(p);
        else if (/\.dtsi?$/.test(d.name)) out.push(p);
      }
    }
    out.sort();
    this.roots.set(root, out);
    return out;
  }

  private includesOf(file: string, live?: (p: string) => string | undefined): string[] {
    const text = live?.(file);
    if (text !== undefined) return parseIncludes(text);
    let mtime: number;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      return [];
    }
    const hit = this.files.get(file);
    if (hit && hit.mtime === mtime) return hit.includes;
    let includes: string[];
    try {
      includes = parseIncludes(readFileSync(file, 'utf8'));
    } catch {
      includes = [];
    }
    this.files.set(file, { mtime, includes });
    return includes;
  }

  /** A file appeared or disappeared: forget folder listings. */
  invalidateListings(): void {
    this.roots.clear();
  }

  /** Boards (.dts) that include `dtsi`, nearest first. `live` serves open documents' text. */
  boardsFor(dtsi: string, scopes: string[], kernel: KernelTree | undefined, live?: (p: string) => string | undefined): string[] {
    const all: string[] = [];
    for (const s of scopes) for (const f of this.list(s)) all.push(f);
    const resolves = (includer: string, inc: string, target: string): boolean => {
      if (path.resolve(path.dirname(includer), inc) === target) return true;
      if (kernel) {
        const slash = inc.indexOf('/');
        const head = slash < 0 ? inc : inc.slice(0, slash);
        const base = kernel.prefixMap[head];
        if (base && path.join(base, inc.slice(slash + 1)) === target) return true;
        return false;
      }
      return path.basename(inc) === path.basename(target);
    };
    const boards: string[] = [];
    const seen = new Set<string>([dtsi]);
    let frontier = [dtsi];
    for (let depth = 0; depth < MAX_DEPTH && frontier.length && boards.length < 200; depth++) {
      const next: string[] = [];
      const names = new Set(frontier.map((f) => path.basename(f)));
      for (const f of all) {
        if (seen.has(f)) continue;
        const incs = this.includesOf(f, live);
        const hit = incs.some((inc) => names.has(path.basename(inc)) && frontier.some((t) => resolves(f, inc, t)));
        if (!hit) continue;
        seen.add(f);
        if (f.endsWith('.dts')) boards.push(f);
        else next.push(f);
      }
      frontier = next;
    }
    return boards;
  }
}

export function parseIncludes(text: string): string[] {
  const out: string[] = [];
  INCLUDE_RE.lastIndex = 0;
  for (let m = INCLUDE_RE.exec(text); m && out.length < 256; m = INCLUDE_RE.exec(text)) out.push(m[1].trim());
  return out;
}

/** Where to look for boards including `file`: a kernel tree's arch dts folders (the file's own
 * arch first; arm64 boards include arm/ .dtsi files), else the workspace folders, else the
 * file's folder. */
export function scopesFor(file: string, kernel: KernelTree | undefined, folders: string[]): string[] {
  if (kernel) {
    const own = Object.entries(kernel.prefixMap).filter(([k, v]) => k !== 'dt-bindings' && file.startsWith(v + '/'));
    const arches = own.map(([k]) => k);
    const scopes = own.map(([, v]) => v);
    if (arches.includes('arm') && kernel.prefixMap.arm64) scopes.push(kernel.prefixMap.arm64);
    if (scopes.length) return scopes;
  }
  const inFolder = folders.filter((f) => file.startsWith(f.endsWith('/') ? f : f + '/'));
  return inFolder.length ? inFolder : [path.dirname(file)];
}
