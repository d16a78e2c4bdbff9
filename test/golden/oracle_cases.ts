// Helpers for the golden test: reads the boot-oracle's manifests and result JSONs, rebuilds the
// devicetree each case booted (base-dtb/<arch>-<cpu>-<mem>-smp1.dts with the fragment appended
// as text, plus the final /chosen/bootargs the oracle wrote) with dtmem's front end, and lists
// the facts to compare. Every expected value comes from the oracle's files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileText } from '../../server/src/dts/frontend.js';
import type { DtTree } from '../../server/src/dts/tree.js';
import type { Arch } from '../../server/src/sim/profile.js';
import { ORACLE } from '../shared_dir.js';

export const ORACLE_DIR = ORACLE;
export const LOCAL_DIR = join(__dirname);

export interface OracleCase {
  name: string;
  arch: Arch;
  /** Directory holding cases/ (fragments) and results/ for this case. */
  root: string;
  json: OracleJson;
  fragment: string;
}

// The parts of the oracle JSON the test reads (parse-log.mjs output).
export interface OracleJson {
  oracle: { arch: string; cpu: string; mem: string; smp: number; boot_mode: string; dts_file: string; dts_mode: string; base_dts: string; dtb_bytes: number; fallback?: unknown };
  result: {
    command_line: string;
    memblock: { events: OracleEvent[]; dump: { memory: OracleRange[]; reserved: OracleRange[] } | null };
    reserved_mem: { nodes: Record<string, { results: { kind: string; base?: string; size_mib?: number; type?: string; with?: string }[] }> };
    cma: { default?: { size_mib: number; base: string } | null; errors?: string[] } | null;
    zones: Record<string, { start: string; end: string } | null> | null;
    movable_zone_start: { node: number; start: string }[] | string[];
    unavailable_ranges: { node: number; zone: string; pages: number }[];
    zonelists: { total_pages: number } | null;
    memory_line: Record<string, number> | null;
    memory_limited_to?: string | null;
  };
}

export interface OracleRange { start: string; end: string; size: string; flags?: number }
export interface OracleEvent { op: string; fn?: string; start?: string; end?: string; size?: string; align?: string; from?: string; max_addr?: string; caller?: string; result?: { start: string } | null }

function manifest(dir: string): { name: string; fragment: string }[] {
  const f = join(dir, 'cases', 'manifest.txt');
  if (!existsSync(f)) return [];
  const out: { name: string; fragment: string }[] = [];
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const cols = line.split('|').map((s) => s.trim());
    if (cols[0]) out.push({ name: cols[0], fragment: cols[1] ?? 'none' });
  }
  return out;
}

export function loadCases(): OracleCase[] {
  const out: OracleCase[] = [];
  for (const root of [ORACLE_DIR, LOCAL_DIR]) {
    for (const m of manifest(root)) {
      for (const arch of ['arm64', 'arm', 'arm-lpae'] as Arch[]) {
        const jf = join(root, 'results', arch, `${m.name}.json`);
        if (!existsSync(jf)) continue;
        const text = readFileSync(jf, 'utf8');
        // a result still being written by boot-oracle is empty: not a case yet
        if (!text.trim()) continue;
        const json = JSON.parse(text) as OracleJson;
        out.push({ name: m.name, arch, root, json, fragment: m.fragment });
      }
    }
  }
  return out;
}

/** The command line in the final DTB: what the kernel printed, else what the oracle wrote
 * (a fallback boot may die before printing it). */
export function caseCmdline(c: OracleCase): string {
  const j = c.json as OracleJson & { input?: { chosen?: { bootargs?: string } }; oracle: { bootargs_requested?: string } };
  return j.result.command_line ?? j.input?.chosen?.bootargs ?? j.oracle.bootargs_requested ?? '';
}

/** The DTS text the oracle compiled: base DTS (+ fragment appended) + the final bootargs. */
export function caseDts(c: OracleCase): string {
  const o = c.json.oracle;
  const baseName = o.base_dts.split('/').pop()!;
  // the shared oracle's base-dtb/ or the case root's own copy (never a local oracle cache: CI
  // machines have none, so a case must ship the base it booted)
  const base = [join(ORACLE_DIR, 'base-dtb', baseName), join(c.root, 'base-dtb', baseName)].find((f) => existsSync(f));
  if (!base) throw new Error(`base DTS ${baseName} not found (set DTMEM_ORACLE to the boot-oracle folder)`);
  const baseText = readFileSync(base, 'utf8');
  // the manifest's fragment column names a file in <root>/cases; dts_file says the same
  const candidates = [c.fragment, o.dts_file].filter((f) => f && f !== 'none').flatMap((f) => [join(c.root, 'cases', f.replace(/^cases\//, '')), join(c.root, f)]);
  const fragFile = candidates.find((f) => existsSync(f));
  if (!fragFile && candidates.length) throw new Error(`fragment not found: ${candidates.join(', ')}`);
  const frag = fragFile ? readFileSync(fragFile, 'utf8') : '';
  const chosen = `\n/ { chosen { bootargs = ${JSON.stringify(caseCmdline(c))}; }; };\n`;
  if (o.dts_mode === 'full') return frag + chosen;
  return baseText + '\n' + frag + chosen;
}

export function buildTree(c: OracleCase): { tree: DtTree; errors: string[] } {
  const r = compileText(caseDts(c), { file: `${c.name}.dts` });
  return { tree: r.tree, errors: r.findings.filter((f) => f.severity === 'error').map((f) => `${f.code}: ${f.message}`) };
}

/** Where the oracle's boot loader put the DTB and (arm64) the kernel Image: inputs of the boot,
 * recorded in oracle.dtb_addr / oracle.kernel_addr, passed as profile overrides. */
export function loadOverrides(c: OracleCase): Record<string, unknown> {
  const o = c.json.oracle as { dtb_addr?: string; kernel_addr?: string; boot_mode: string };
  const out: Record<string, unknown> = {};
  if (o.boot_mode === 'raw' && o.dtb_addr) out.dtbLoadAddr = o.dtb_addr;
  if (c.arch === 'arm64' && o.boot_mode === 'raw' && o.kernel_addr) out.kernelLoadAddr = o.kernel_addr;
  return out;
}

/** `--boot qemu` (-kernel -dtb): QEMU deletes every /memory node and writes its own for -m, so
 * the kernel sees RAM at the virt machine's base (0x40000000) whatever the DTS says. */
export function qemuMemory(c: OracleCase): { base: bigint; size: bigint }[] | undefined {
  if (c.json.oracle.boot_mode !== 'qemu') return undefined;
  const m = /^(\d+)([MG])$/i.exec(c.json.oracle.mem ?? '');
  if (!m) return undefined;
  return [{ base: 0x40000000n, size: BigInt(m[1]!) << (m[2]!.toUpperCase() === 'G' ? 30n : 20n) }];
}

/** QEMU's -dtb path (boot mode `qemu`): load_device_tree enlarges the blob to (size + 10000) * 2. */
export function kernelDtbSize(c: OracleCase, flatSize: number): number {
  return c.json.oracle.boot_mode === 'qemu' ? (c.json.oracle.dtb_bytes + 10000) * 2 : flatSize;
}
