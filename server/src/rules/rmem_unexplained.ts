// rmem-init-failed: the catch-all for a reserved-memory outcome the kernel reports as a failure
// ("compatible matching fail", "failed to reserve/allocate", an invalid property, a dropped node,
// a CMA area that cannot be activated) when no specific rule explained it. It quotes the
// simulator's kernel lines so no failure the simulator predicts goes unreported.
import type { RmemResultKind } from '../sim/types.js';
import type { RuleContext, RuleFinding } from './index.js';
import { finding, simOk } from './util.js';

const FAILURES: RmemResultKind[] = ['compatible-matching-fail', 'reserve-failed', 'alloc-failed', 'invalid-property', 'cma-activation-failed', 'dropped'];

export const unexplainedCode = 'rmem-init-failed';

export function unexplainedFailures(ctx: RuleContext, found: RuleFinding[]): RuleFinding[] {
  const sim = simOk(ctx);
  if (!sim) return [];
  // any rule that spoke about the node (even as information) explains its outcome; placement does not
  const explained = new Set(found.filter((f) => f.node && f.code !== 'rmem-placement').map((f) => f.node));
  const out: RuleFinding[] = [];
  for (const rm of sim.rmem) {
    if (explained.has(rm.node)) continue;
    const bad = rm.results.filter((r) => FAILURES.includes(r.kind));
    if (!bad.length) continue;
    const lines = rm.messages.length ? rm.messages.map((m) => `"${m.replace('\n', ' ')}"`).join(', ') : bad.map((r) => r.kind + (r.cause ? ` (${r.cause})` : '')).join(', ');
    out.push(finding('error', unexplainedCode, rm.node, `${lines}: the kernel does not set up ${rm.name} as described.`));
  }
  return out;
}
