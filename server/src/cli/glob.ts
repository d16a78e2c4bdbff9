// Board globs for `dtmem check 'arch/arm64/boot/dts/**/*.dts'`: shells without globstar (sh, cmd,
// CI YAML quoting) pass the pattern through, so the CLI expands it. Supports `*`, `?`, `[...]`,
// `{a,b}` and `**` (any depth). Node 20 has no fs.glob. Bounded: depth and match count.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const MAX_DEPTH = 64;
const MAX_MATCHES = 200_000;

export function isGlob(s: string): boolean {
  return /[*?[{]/.test(s);
}

function braceExpand(p: string, depth = 0): string[] {
  const m = /\{([^{}]*)\}/.exec(p);
  if (!m || depth > 8) return [p];
  const out: string[] = [];
  for (const alt of m[1]!.split(',')) out.push(...braceExpand(p.slice(0, m.index) + alt + p.slice(m.index + m[0].length), depth + 1));
  return out.slice(0, 1024);
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const j = seg.indexOf(']', i + 1);
      if (j < 0) re += '\\[';
      else {
        re += '[' + seg.slice(i + 1, j).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = j;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, segs: string[], out: string[], depth: number): void {
  if (out.length >= MAX_MATCHES || depth > MAX_DEPTH) return;
  if (!segs.length) {
    out.push(dir);
    return;
  }
  const [seg, ...rest] = segs as [string, ...string[]];
  if (seg === '**') {
    walk(dir, rest, out, depth + 1); // zero directories
    for (const e of entries(dir)) if (e.dir && !e.name.startsWith('.')) walk(path.join(dir, e.name), segs, out, depth + 1);
    return;
  }
  if (!isGlob(seg)) {
    const p = path.join(dir, seg);
    if (rest.length === 0 ? exists(p) : isDir(p)) walk(p, rest, out, depth + 1);
    return;
  }
  const re = segmentRegex(seg);
  for (const e of entries(dir)) {
    if (!re.test(e.name) || (e.name.startsWith('.') && !seg.startsWith('.'))) continue;
    if (rest.length === 0 ? !e.dir : e.dir) walk(path.join(dir, e.name), rest, out, depth + 1);
  }
}

function entries(dir: string): { name: string; dir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((d) => ({ name: d.name, dir: d.isDirectory() || (d.isSymbolicLink() && isDir(path.join(dir, d.name))) }));
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Absolute, sorted, de-duplicated files matching `pattern` (relative patterns against cwd). */
export function expandGlob(pattern: string, cwd = process.cwd()): string[] {
  const out: string[] = [];
  for (const p of braceExpand(pattern.replace(/\\/g, '/'))) {
    const abs = path.isAbsolute(p) ? p : path.join(cwd, p);
    const { root } = path.parse(abs);
    walk(root, abs.slice(root.length).split(/[\\/]/).filter(Boolean), out, 0);
  }
  return [...new Set(out)].sort();
}
