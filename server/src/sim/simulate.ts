// Entry point of the boot simulator: builds a BootContext from a merged devicetree and a kernel
// profile, then runs the arch's boot path (setup_arch .. mem_init). arm64 is sim/arm64; the
// 32-bit arm paths are sim/arm (the arm32 engineer's armSetupArch).
import type { DtTree, Finding } from '../dts/tree.js';
import { treeCensus, type TreeCensus } from './census.js';
import { parseBootArgs } from './bootargs.js';
import { scanChosen } from './fdt_scan.js';
import { Memblock } from './memblock.js';
import { callerOf, physAddrMax, resolveProfile, type Arch, type Profile, type ProfileOverrides } from './profile.js';
import type { BootContext, SimResult } from './types.js';
import { arm64SetupArch } from './arm64/setup_arch.js';
import { armSetupArch } from './arm/setup_arch.js';

export interface SimulateOptions {
  arch: Arch;
  /** The kernel command line; replaces /chosen/bootargs when given. */
  bootargs?: string;
  overrides?: ProfileOverrides | Record<string, unknown>;
  /** RAM banks the boot loader writes into /memory before booting (U-Boot's fdt fixup):
   * replaces every memory node's reg, for boards whose DTS leaves the size to the boot loader. */
  memory?: { base: bigint; size: bigint }[];
  /** Record memblock=debug lines even without memblock=debug on the command line. */
  trace?: boolean;
  /** fdt_totalsize of the DTB the boot loader passes (default: the size of the tree flattened
   * as dtc would). */
  dtbSize?: number;
  /** treeCensus(tree, profile, dtbSize) when the caller already has it (analyzeBoard computes it
   * once for the reuse key and the simulation). */
  census?: TreeCensus;
}

export type ArchPath = (ctx: BootContext) => void;

const archPaths: Partial<Record<Arch, ArchPath>> = { arm64: arm64SetupArch, arm: armSetupArch, 'arm-lpae': armSetupArch };

/** Lets an arch module plug its boot path in (sim/arm registers 'arm' and 'arm-lpae'). */
export function registerArchPath(arch: Arch, path: ArchPath): void {
  archPaths[arch] = path;
}

function emptyResult(profile: Profile, cmdline: string): SimResult {
  return {
    arch: profile.arch, profile, modelled: false, commandLine: cmdline, steps: [], memblockEvents: [], rmem: [],
    cmaAreas: [], zones: [], zoneRanges: [], earlyMemoryRanges: [], unavailable: [], pageTables: [], log: [], findings: [],
  };
}

/** Creates the context a boot path runs on (exported for the arch modules' unit tests). */
export function createContext(tree: DtTree, opts: SimulateOptions): BootContext {
  const profile = resolveProfile(opts.arch, opts.overrides);
  const census = opts.census ?? treeCensus(tree, profile, opts.dtbSize);
  const chosen = scanChosen(tree, profile.commandLineSize);
  const cmdline = opts.bootargs ?? chosen.bootargs ?? '';
  const args = parseBootArgs(cmdline);
  const memblock = new Memblock({
    physMax: physAddrMax(profile), pageSize: profile.pageSize, paDigits: profile.physAddrBits === 32 ? 8 : 16,
    allocReserveCaller: callerOf(profile, 'memblock_alloc_range_nid'),
    // memblock_dbg prints only with memblock=debug; the events are recorded either way
    debug: args.memblockDebug || !!opts.trace,
    memoryMax: profile.memblockMemoryRegions, reservedMax: profile.memblockReservedRegions, regionSize: profile.memblockRegionSize,
  });
  const result = emptyResult(profile, cmdline);
  const ctx: BootContext = {
    tree, profile, args, memblock, dtbSize: BigInt(census.dtbSize), census, dtbAddr: 0n, rmem: [], cmaAreas: [], totalCmaPages: 0n,
    log: result.log, findings: result.findings, steps: result.steps, result, state: {},
  };
  if (chosen.initrd && chosen.initrd.size) ctx.initrd = chosen.initrd;
  if (opts.memory) ctx.state.memoryOverride = opts.memory;
  for (const prob of args.problems) ctx.findings.push({ severity: 'warning', code: 'sim-bootargs', message: prob, range: chosen.node?.range });
  return ctx;
}

/** Simulates the boot of `tree` up to mem_init's `Memory:` line. Never throws: internal errors
 * become a `sim-internal` finding. */
export function simulate(tree: DtTree, opts: SimulateOptions): SimResult {
  const ctx = createContext(tree, opts);
  const path = archPaths[opts.arch];
  if (!path) {
    ctx.findings.push({ severity: 'info', code: 'sim-not-modelled', message: `The ${opts.arch} boot path is not modelled yet: no memory simulation for this profile.` } as Finding);
    return ctx.result;
  }
  try {
    path(ctx);
    ctx.result.modelled = true;
  } catch (e) {
    ctx.findings.push({ severity: 'error', code: 'sim-internal', message: `simulator error: ${e instanceof Error ? e.message : String(e)}` });
  }
  ctx.result.memblockEvents = ctx.memblock.events;
  ctx.result.rmem = ctx.rmem;
  ctx.result.cmaAreas = ctx.cmaAreas;
  return ctx.result;
}
