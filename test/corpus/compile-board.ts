// Test helper: compiles one corpus board with dtmem's own preprocessor and the kbuild include
// setup derived from the tree (kernel_tree.ts), as the editor and CLI do.
import path from 'node:path';
import { LINUX } from './cpp-helper.js';
import { compile, type CompileResult } from '../../server/src/dts/frontend.js';
import { kbuildIncludeSetup } from '../../server/src/dts/kernel_tree.js';
import { nodeFileSystem } from '../../server/src/dts/preprocess/index.js';

export async function compileBoard(board: string, parser?: 'native' | 'tree-sitter'): Promise<CompileResult> {
  const abs = path.join(LINUX, board);
  const setup = kbuildIncludeSetup(abs);
  if (!setup) throw new Error(`${abs}: not in a kernel tree`);
  return compile(abs, { ...setup, fs: nodeFileSystem, parser });
}
