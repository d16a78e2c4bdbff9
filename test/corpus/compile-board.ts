// Test helper: compiles one corpus board to a DtTree. Uses the real cpp (cpp-helper.ts) in front
// of compileText until dtmem's own preprocessor is wired in.
import path from 'node:path';
import { cppBoard, LINUX } from './cpp-helper.js';
import { compileText, type TextCompileResult } from '../../server/src/dts/frontend.js';

export async function compileBoard(board: string): Promise<TextCompileResult> {
  const abs = path.join(LINUX, board);
  return compileText(cppBoard(abs), { file: abs });
}
