// Shared by the front-end unit tests: compile DTS text and dump it as fdt-canon v1.
import { compileText, canonicalDump, type CompileTextOptions, type TextCompileResult } from '../../server/src/dts/frontend.js';

export function compile(src: string, opts: CompileTextOptions = {}): TextCompileResult {
  return compileText(src, { file: 'test.dts', ...opts });
}

export function dump(src: string, opts: CompileTextOptions = {}): string {
  return canonicalDump(compile(src, opts).tree);
}

export function errors(src: string, opts: CompileTextOptions = {}): string[] {
  return compile(src, opts).findings.filter((f) => f.severity === 'error').map((f) => {
    const r = f.range!;
    return `${r.start.line + 1}.${r.start.col + 1}-${r.end.line + 1}.${r.end.col + 1} ${f.code}: ${f.message}`;
  });
}
