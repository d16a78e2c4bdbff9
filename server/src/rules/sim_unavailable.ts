// rules-no-simulation: the board could not be simulated (no profile for its arch, e.g. riscv, or
// the simulator was not run), so only the static checks ran. One information finding says so.
import type { Rule } from './index.js';

export const simUnavailable: Rule = {
  code: 'rules-no-simulation',
  title: 'No boot simulation: static checks only',
  kernel: '-',
  run(ctx) {
    if (ctx.sim?.modelled) return [];
    const why = ctx.sim ? `the ${ctx.sim.arch} boot path is not modelled` : 'no simulation was run';
    return [{ severity: 'info', code: this.code, message: `Only static checks ran (${why}): outcomes that the kernel computes (CMA, overlaps, placement, zones) are not predicted.` }];
  },
};
