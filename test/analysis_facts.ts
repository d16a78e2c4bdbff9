// What an analysis says, as one comparable string: the flattened tree, every finding with its
// ranges, the simulation's facts and the profile. Tests compare an incremental re-analysis
// (analyzeBoard's `previous`) with a fresh one through it.
import type { Analysis } from '../server/src/analyze.js';
import { canonicalDump } from '../server/src/dts/frontend.js';
import { simResultToJson } from '../server/src/sim/json.js';

const json = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));

export function analysisFacts(a: Analysis): string {
  return json({
    tree: canonicalDump(a.compile.tree),
    findings: a.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, range: f.range, related: f.related })),
    sim: a.sim ? simResultToJson(a.sim) : null,
    arch: a.arch,
  });
}
