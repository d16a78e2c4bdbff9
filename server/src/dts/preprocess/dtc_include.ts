// dtc's own `/include/ "file"`: not a cpp directive. In kbuild cpp passes it through and dtc then
// splices the named file in raw (never preprocessed), searching the directory of the file dtc is
// reading (for text that came out of cpp: the board's directory, where kbuild writes the
// preprocessed temp file) and then its -i dirs; inside a raw-included file, that file's directory
// (dtc srcfile_relative_open). We insert the text here, mapped byte for byte to its file.

import type { Tok } from './tokens.js';
import type { Origin } from './output.js';
import type { Engine } from './engine.js';
import * as _lexer from './lexer.js';
// Module-local copies: cheaper than live-binding getters in CommonJS output (tsx, tests).
const lexFile = _lexer.lexFile;
import { dirname } from './paths.js';

/** dtc's MAX_SRCFILE_DEPTH-like bound on nested /include/. */
const MAX_DEPTH = 100;

export function insertDtcInclude(e: Engine, nameTok: Tok, first: Origin, last: Origin, ws: number): boolean {
  if (nameTok.s[0] !== '"') return false;
  const name = nameTok.s.slice(1, -1);
  let fid = first.fid;
  let start = first.start;
  let end = first.end;
  if (first.copy && last.copy && first.fid === last.fid && last.end >= first.start) end = last.end;
  if (fid < 0) {
    fid = 0;
    start = end = 0;
  }
  const range = e.rangeOf(fid, start, end);
  const found = e.reader.find(name, dirname(e.entryPath), e.opts.dtcSearch);
  if (!found) {
    e.finding('error', 'include-missing', `${name}: No such file or directory (/include/)`, fid, start, end);
    e.includes.push({ range, kind: 'dtc' });
    return true;
  }
  e.includes.push({ range, path: found.path, kind: 'dtc' });
  if (ws === 2 && e.printer.len > 0) e.printer.append('\n');
  else if (ws) e.printer.append(' ');
  insertRaw(e, found.path, found.text, [found.path]);
  e.printer.append('\n');
  return true;
}

/** Finds the next `/include/ "x"` in raw dts text, skipping comments and strings. */
function nextInclude(text: string, from: number): { at: number; end: number; name: string; nameStart: number } | undefined {
  const n = text.length;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */) {
      if (text.startsWith('/*', i)) {
        const j = text.indexOf('*/', i + 2);
        i = j < 0 ? n : j + 2;
        continue;
      }
      if (text.startsWith('//', i)) {
        const j = text.indexOf('\n', i);
        i = j < 0 ? n : j;
        continue;
      }
      if (text.startsWith('/include/', i)) {
        let j = i + 9;
        while (j < n && /\s/.test(text[j])) j++;
        if (text[j] === '"') {
          let k = j + 1;
          while (k < n && text[k] !== '"') k += text[k] === '\\' ? 2 : 1;
          return { at: i, end: Math.min(k + 1, n), name: text.slice(j + 1, k), nameStart: j };
        }
      }
    } else if (c === 34 /* " */) {
      let k = i + 1;
      while (k < n && text[k] !== '"' && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      i = k + 1;
      continue;
    }
    i++;
  }
  return undefined;
}

function insertRaw(e: Engine, path: string, text: string, stack: string[]): void {
  const lf = lexFile(path, text);
  const fid = e.fileId(lf);
  let pos = 0;
  for (;;) {
    const inc = nextInclude(text, pos);
    if (!inc) break;
    e.printer.rawPiece(fid, text, pos, inc.at);
    pos = inc.end;
    const range = e.rangeOf(fid, inc.at, inc.end);
    const found = e.reader.find(inc.name, dirname(path), e.opts.dtcSearch);
    if (!found) {
      e.finding('error', 'include-missing', `${inc.name}: No such file or directory (/include/)`, fid, inc.at, inc.end);
      e.includes.push({ range, kind: 'dtc' });
      continue;
    }
    e.includes.push({ range, path: found.path, kind: 'dtc' });
    if (stack.includes(found.path)) {
      e.finding('error', 'include-cycle', `/include/ cycle: ${[...stack, found.path].join(' -> ')}`, fid, inc.at, inc.end);
      continue;
    }
    if (stack.length >= MAX_DEPTH) {
      e.finding('error', 'include-depth', `/include/ nested deeper than ${MAX_DEPTH}`, fid, inc.at, inc.end);
      continue;
    }
    e.printer.append('\n');
    insertRaw(e, found.path, found.text, [...stack, found.path]);
    e.printer.append('\n');
  }
  e.printer.rawPiece(fid, text, pos, text.length);
}
