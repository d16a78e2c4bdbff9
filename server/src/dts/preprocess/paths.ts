// Minimal POSIX path helpers (the dts core also runs where Node's `path` is unavailable).

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

/** Joins and normalises `.` / `..` lexically; an absolute `name` is returned normalised. */
export function joinPath(dir: string, name: string): string {
  const full = name.startsWith('/') ? name : dir === '' ? name : `${dir}/${name}`;
  const abs = full.startsWith('/');
  const out: string[] = [];
  for (const part of full.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(part);
  }
  return (abs ? '/' : '') + out.join('/');
}
