// Loads the board a CLI command works on: a .dtb/.dtbo as the boot loader would hand it over
// (its fdt_totalsize is what the kernel reserves), or a .dts compiled with kbuild's include setup.
import { readFileSync } from 'node:fs';
import { includeSetupFor } from '../analyze.js';
import { readDtb } from '../dts/fdt.js';
import { compile } from '../dts/frontend.js';
import { nodeFileSystem } from '../dts/preprocess/index.js';
import type { DtTree, Finding } from '../dts/tree.js';

export function loadBoard(file: string, includeDirs: string[]): { tree?: DtTree; findings: Finding[]; dtbSize?: number } {
  if (/\.dtbo?$/i.test(file)) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      return { findings: [{ severity: 'error', code: 'io', message: `${file}: ${e instanceof Error ? e.message : String(e)}` }] };
    }
    const r = readDtb(bytes, file);
    return r.tree ? { tree: r.tree, findings: r.findings, dtbSize: r.totalSize } : { findings: r.findings };
  }
  if (!nodeFileSystem.readFile(file)) return { findings: [{ severity: 'error', code: 'io', message: `${file}: cannot read` }] };
  const r = compile(file, { ...includeSetupFor(file, includeDirs), fs: nodeFileSystem });
  return { tree: r.tree, findings: r.findings };
}
