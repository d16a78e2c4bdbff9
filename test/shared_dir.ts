// Where the read-only shared material lives: `../shared` beside the repository (so on a developer
// machine and in CI's fresh clone alike). DTMEM_SHARED / DTMEM_ORACLE override it.
import path from 'node:path';

export const SHARED = process.env.DTMEM_SHARED ?? path.resolve(__dirname, '../../shared');
export const ORACLE = process.env.DTMEM_ORACLE ?? path.join(SHARED, 'oracle');
export const CORPUS = path.join(SHARED, 'corpus');
