// Shared helpers for the preprocessor unit tests: an in-memory FileSystem and a word splitter
// (comparing white-space-separated words checks every token and where tokens touch, which is
// what dtc sees).
import { preprocess, type PreprocessOptions, type PreprocessResult } from '../../server/src/dts/preprocess/index.js';

export function memFs(files: Record<string, string>): PreprocessOptions['fs'] {
  return { readFile: (p: string) => files[p] };
}

/** Preprocesses `/t/main.dts` (or `entry`) over the given files. */
export function pp(files: Record<string, string>, opts: Partial<PreprocessOptions> & { entry?: string } = {}): PreprocessResult {
  const { entry, ...rest } = opts;
  return preprocess(entry ?? '/t/main.dts', { includeDirs: [], fs: memFs(files), ...rest });
}

export function words(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(' ');
}

/** Output words of a single-file snippet. */
export function out(src: string): string {
  return words(pp({ '/t/main.dts': src }).text);
}
