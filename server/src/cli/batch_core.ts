// One board of a batch check, as plain data that crosses a worker boundary: the dtc-style text,
// the JSON entry and the SARIF log check.ts formats, plus the counts the progress bar shows.
// A board that cannot be read or that crashes the engine becomes an `error` outcome, never a throw.
import { nodeFileSystem } from '../dts/preprocess/index.js';
import { checkBoard, formatText, toJson, toSarif, type CheckOptions } from './check.js';

export interface BoardJob {
  index: number;
  board: string;
}

export interface BoardOutcome {
  index: number;
  board: string;
  /** dtc-style lines (check.ts formatText). */
  text: string;
  /** This board's entry of `--format json`. */
  json: unknown;
  /** A SARIF 2.1.0 log for this board alone (merged by batch.ts). */
  sarif: unknown;
  errors: number;
  warnings: number;
  /** The board could not be read or checked (I/O, engine failure): exit 2. */
  failure?: string;
}

export function checkOne(board: string, opts: CheckOptions, withInfo: boolean, index: number): BoardOutcome {
  const empty = { index, board, text: '', json: null, sarif: null, errors: 0, warnings: 0 };
  if (nodeFileSystem.readFile(board) === undefined) return { ...empty, failure: `${board}: cannot read` };
  try {
    const rep = checkBoard(board, opts);
    return {
      index, board,
      text: formatText(rep, withInfo),
      json: (toJson([rep]) as unknown[])[0],
      sarif: toSarif([rep]),
      errors: rep.findings.filter((f) => f.severity === 'error').length,
      warnings: rep.findings.filter((f) => f.severity === 'warning').length,
    };
  } catch (e) {
    return { ...empty, failure: `${board}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
