// Where two versions of a text differ (the editor's re-analyses compare each new text with the
// last one: the preprocessor's entry file, the parser's expanded text, tree-sitter's edit). Long
// equal runs are compared as whole slices (a memcmp each) before the character loop.

const STEPS = [65536, 4096, 256];

/** Length of the common prefix of a and b, when the first `known` characters are already known
 * to be equal. */
export function commonPrefix(a: string, b: string, known = 0): number {
  if (a === b) return a.length;
  const n = Math.min(a.length, b.length);
  let i = Math.min(known, n);
  for (const step of STEPS) {
    while (i + step <= n && a.slice(i, i + step) === b.slice(i, i + step)) i += step;
  }
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix of a and b, at most `limit` characters (so that it does not
 * overlap a common prefix of that many fewer). */
export function commonSuffix(a: string, b: string, limit = Math.min(a.length, b.length)): number {
  let n = 0;
  for (const step of STEPS) {
    while (n + step <= limit && a.slice(a.length - n - step, a.length - n) === b.slice(b.length - n - step, b.length - n)) n += step;
  }
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}
